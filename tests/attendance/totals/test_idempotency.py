"""Recomputing gives the same rows: run twice, and two workers at once on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from attendance.models import MonthlyTotal
from attendance.totals.compute import compute_monthly_totals
from tests import factories as f
from tests.attendance.totals.conftest import AFTER, MARCH
from tests.attendance.totals.factories import mark_days

FIELDS = (
    "posting_id",
    "cadre_id",
    "month",
    "posted_days",
    "on_site_days",
    "overnight_days",
    "trip_days",
    "leave_days",
    "absent_days",
    "unreported_days",
    "required_on_site",
    "required_overnight",
    "compliant",
    "allowance",
    "ytd_posted_days",
    "ytd_on_site_days",
    "ytd_required_on_site",
)


def _snapshot():
    return list(MonthlyTotal.objects.order_by("posting_id", "month").values_list("id", *FIELDS))


def test_running_twice_leaves_the_same_rows(world):
    mark_days(world.p_a1, MARCH, "√" * 20 + "公事×")

    first = compute_monthly_totals(county=world.county_a, month=MARCH, today=AFTER)
    before = _snapshot()
    second = compute_monthly_totals(county=world.county_a, month=MARCH, today=AFTER)

    assert first == second == 2
    assert _snapshot() == before  # same ids too: updated in place, never duplicated


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_give_the_same_rows_as_one():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    county = f.CountyFactory(code="150599")
    township = f.TownshipFactory(county=county)
    postings = [f.PostingFactory(village=f.VillageFactory(township=township)) for _ in range(30)]
    for i, posting in enumerate(postings):
        mark_days(posting, MARCH, "√" * (i % 25) + "○" * 3 + "×")
    compute_monthly_totals(county=county, month=MARCH, today=AFTER)
    expected = [row[1:] for row in _snapshot()]
    MonthlyTotal.objects.all().delete()

    errors = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait(timeout=10)
            for _ in range(3):
                compute_monthly_totals(county=county, month=MARCH, today=AFTER)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert [row[1:] for row in _snapshot()] == expected
    assert MonthlyTotal.objects.filter(county=county, month=MARCH).count() == 30
