"""On SQLite the attendance records stay a plain table and the partition steps do nothing."""

import datetime as dt

import pytest
from django.db import connection

from attendance import partitions


@pytest.mark.django_db
def test_on_sqlite_the_records_table_stays_plain_and_the_partition_steps_do_nothing():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL: test_partitions.py")
    assert partitions.is_partitioned() is False
    assert partitions.ensure_month(dt.date(2026, 3, 1)) is False
    assert partitions.ensure_ahead(today=dt.date(2026, 3, 5)) == []
    assert partitions.month_partitions() == []
    partitions.analyze_month(dt.date(2026, 3, 1))  # no ANALYZE on SQLite, no error
