"""Year to date: on-site days against min_on_site_days_year pro-rated by posted days in the year."""

import datetime as dt

from attendance.models import MonthlyTotal
from attendance.totals.compute import compute_monthly_totals
from tests import factories as f
from tests.attendance.totals.conftest import AFTER, MARCH
from tests.attendance.totals.factories import AttendanceRecordFactory, mark_days

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


def _months(county, *months):
    for month in months:
        compute_monthly_totals(county=county, month=month, today=AFTER)


def test_year_to_date_sums_the_months_of_the_year_and_pro_rates_the_yearly_minimum(world):
    mark_days(world.p_a1, JAN, "√" * 20)
    mark_days(world.p_a1, FEB, "○" * 18)
    mark_days(world.p_a1, MARCH, "√" * 22)

    _months(world.county_a, JAN, FEB, MARCH)

    jan, feb, mar = (MonthlyTotal.objects.get(posting=world.p_a1, month=m) for m in (JAN, FEB, MARCH))
    assert (jan.ytd_posted_days, jan.ytd_on_site_days, jan.ytd_required_on_site) == (
        31,
        20,
        17,
    )  # 200×31/365=16.99
    assert (feb.ytd_posted_days, feb.ytd_on_site_days, feb.ytd_required_on_site) == (
        59,
        38,
        32,
    )  # 200×59/365=32.33
    assert (mar.ytd_posted_days, mar.ytd_on_site_days, mar.ytd_required_on_site) == (
        90,
        60,
        49,
    )  # 200×90/365=49.32


def test_recomputing_an_earlier_month_refreshes_the_later_months_year_to_date(world):
    _months(world.county_a, JAN, FEB, MARCH)
    assert MonthlyTotal.objects.get(posting=world.p_a1, month=MARCH).ytd_on_site_days == 0

    mark_days(world.p_a1, JAN, "√" * 5)
    _months(world.county_a, JAN)

    assert MonthlyTotal.objects.get(posting=world.p_a1, month=FEB).ytd_on_site_days == 5
    assert MonthlyTotal.objects.get(posting=world.p_a1, month=MARCH).ytd_on_site_days == 5


def test_year_to_date_starts_again_in_january(world):
    mark_days(world.p_a1, dt.date(2026, 12, 1), "√" * 31)
    mark_days(world.p_a1, dt.date(2027, 1, 1), "√" * 3)

    _today = dt.date(2027, 3, 1)
    compute_monthly_totals(county=world.county_a, month=dt.date(2026, 12, 1), today=_today)
    compute_monthly_totals(county=world.county_a, month=dt.date(2027, 1, 1), today=_today)

    jan = MonthlyTotal.objects.get(posting=world.p_a1, month=dt.date(2027, 1, 1))
    assert (jan.ytd_posted_days, jan.ytd_on_site_days) == (31, 3)


def test_year_to_date_follows_the_cadre_across_postings(world):
    cadre = f.CadreFactory()
    old = f.PostingFactory(
        cadre=cadre,
        village=world.v_a1,
        unit=world.unit_a,
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2026, 12, 31),
        actual_end_date=dt.date(2026, 2, 28),
        status="TRANSFERRED",
    )
    new = f.PostingFactory(
        cadre=cadre,
        village=world.v_a2,
        unit=world.unit_a,
        start_date=dt.date(2026, 3, 1),
        planned_end_date=dt.date(2027, 12, 31),
    )
    mark_days(old, FEB, "√" * 28)
    AttendanceRecordFactory(posting=new, date=dt.date(2026, 3, 5), status="OFFICIAL_TRIP")

    _months(world.county_a, JAN, FEB, MARCH)

    row = MonthlyTotal.objects.get(posting=new, month=MARCH)
    assert (row.ytd_posted_days, row.ytd_on_site_days) == (90, 29)
    assert row.ytd_required_on_site == 49
