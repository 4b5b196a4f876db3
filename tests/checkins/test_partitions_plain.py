"""On SQLite check-ins stay a plain table: the partition helpers do nothing there."""

import datetime as dt

import pytest
from django.db import connection

from checkins.partitions import CHECKINS
from checkins.tasks import make_partitions_ahead_task


@pytest.mark.django_db
def test_sqlite_keeps_a_plain_table_and_the_helpers_do_nothing():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL: test_partitions.py")
    assert CHECKINS.is_partitioned() is False
    assert CHECKINS.ensure_month(dt.date(2026, 3, 1)) is False
    assert CHECKINS.ensure_between(dt.date(2026, 1, 1), dt.date(2026, 3, 1)) == []
    assert make_partitions_ahead_task() == []
    assert CHECKINS.month_partitions() == []
    CHECKINS.analyze_month(dt.date(2026, 3, 1))  # no ANALYZE on SQLite, no error
