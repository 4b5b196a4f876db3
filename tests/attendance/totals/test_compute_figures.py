"""Each §5 figure on hand-checked months (March 2026 has 31 days, April 30)."""

import datetime as dt
from decimal import Decimal

from attendance.models import MonthlyTotal
from attendance.totals.compute import compute_monthly_totals, round_half_up_ratio
from tests import factories as f
from tests.attendance.totals.conftest import APRIL, MARCH
from tests.attendance.totals.factories import AttendanceRecordFactory, mark_days
from villages.models import Policy

# 15 √, 5 ○, 2 公, 事 病 休 ×, then 4 days with no mark; the 31st is unreported as well.
MARCH_MARKS = "√" * 15 + "○" * 5 + "公" * 2 + "事病休×" + "...."


def test_every_figure_of_a_full_month_matches_the_hand_count(world, compute):
    mark_days(world.p_a1, MARCH, MARCH_MARKS)

    row = compute(world.county_a)[world.p_a1.pk]

    assert (row.days_in_month, row.posted_days) == (31, 31)
    assert row.on_site_days == 22  # 15 √ + 5 ○ + 2 公
    assert row.overnight_days == 15
    assert row.trip_days == 2
    assert row.leave_days == 3
    assert row.absent_days == 1
    assert row.unreported_days == 5
    assert (row.required_on_site, row.required_overnight) == (22, 15)
    assert row.compliant is True
    assert row.allowance == Decimal("1320.00")
    assert (row.cadre_id, row.county_id, row.township_id, row.village_id) == (
        world.cadre_a1.pk,
        world.county_a.pk,
        world.a1.pk,
        world.v_a1.pk,
    )


def test_a_posting_with_no_records_is_all_unreported_and_not_compliant(world, compute):
    row = compute(world.county_a)[world.p_a2.pk]

    assert (row.posted_days, row.on_site_days, row.unreported_days) == (31, 0, 31)
    assert row.compliant is False
    assert row.allowance == Decimal("0.00")


def test_trips_do_not_count_on_site_when_the_policy_says_so(world, compute):
    Policy.objects.update_or_create(county=world.county_a, defaults={"trip_counts_on_site": False})
    mark_days(world.p_a1, MARCH, MARCH_MARKS)

    row = compute(world.county_a)[world.p_a1.pk]

    assert row.on_site_days == 20
    assert row.trip_days == 2
    assert row.compliant is False
    assert row.allowance == Decimal("1200.00")


def test_policy_numbers_change_the_requirements_and_the_allowance(world, compute):
    Policy.objects.update_or_create(
        county=world.county_a,
        defaults={
            "min_on_site_days_month": 20,
            "min_overnight_days_month": 10,
            "daily_allowance": Decimal("45.50"),
        },
    )
    mark_days(world.p_a1, MARCH, "√" * 10 + "○" * 10)

    row = compute(world.county_a)[world.p_a1.pk]

    assert (row.required_on_site, row.required_overnight) == (20, 10)
    assert row.compliant is True
    assert row.allowance == Decimal("910.00")


def test_only_overnight_short_makes_the_month_non_compliant(world, compute):
    mark_days(world.p_a1, MARCH, "√" * 14 + "○" * 17)

    row = compute(world.county_a)[world.p_a1.pk]

    assert (row.on_site_days, row.overnight_days) == (31, 14)
    assert row.compliant is False


def test_a_posting_starting_mid_month_counts_from_its_start_and_pro_rates(world, compute):
    posting = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        start_date=dt.date(2026, 3, 16),
        planned_end_date=dt.date(2027, 3, 15),
    )
    mark_days(posting, dt.date(2026, 3, 16), "√" * 8 + "○" * 3 + "." * 5)

    row = compute(world.county_a)[posting.pk]

    assert row.posted_days == 16
    assert row.required_on_site == 11  # 22 × 16 / 31 = 11.35 → 11
    assert row.required_overnight == 8  # 15 × 16 / 31 = 7.74 → 8
    assert (row.on_site_days, row.overnight_days, row.unreported_days) == (11, 8, 5)
    assert row.compliant is True


def test_a_posting_ending_mid_month_counts_to_its_actual_end(world, compute):
    posting = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2027, 12, 31),
        actual_end_date=dt.date(2026, 4, 15),
        status="RECALLED",
    )
    mark_days(posting, APRIL, "√" * 7 + "○" * 4 + "×" * 4)

    row = compute(world.county_a, month=APRIL)[posting.pk]

    assert row.posted_days == 15
    assert row.required_on_site == 11  # 22 × 15 / 30 = 11 exactly
    assert row.required_overnight == 8  # 15 × 15 / 30 = 7.5 → 8, half up
    assert (row.on_site_days, row.absent_days, row.unreported_days) == (11, 4, 0)
    assert row.compliant is False  # 7 nights < 8


def test_a_half_day_requirement_rounds_up_not_to_even(world, compute):
    # 13 posted days of 30: 15 × 13 / 30 = 6.5 → 7 (banker's rounding would give 6).
    posting = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        start_date=dt.date(2026, 4, 18),
        planned_end_date=dt.date(2027, 4, 17),
    )
    mark_days(posting, dt.date(2026, 4, 18), "√" * 6 + "○" * 4)

    row = compute(world.county_a, month=APRIL)[posting.pk]

    assert row.posted_days == 13
    assert row.required_overnight == 7
    assert row.required_on_site == 10  # 22 × 13 / 30 = 9.53 → 10
    assert row.compliant is False


def test_round_half_up_ratio_is_exact_at_the_boundaries():
    assert round_half_up_ratio(22, 15, 30) == 11
    assert round_half_up_ratio(22, 16, 31) == 11
    assert round_half_up_ratio(15, 15, 30) == 8
    assert round_half_up_ratio(15, 13, 30) == 7
    assert round_half_up_ratio(22, 31, 31) == 22
    assert round_half_up_ratio(200, 90, 365) == 49
    assert round_half_up_ratio(22, 0, 31) == 0


def test_a_transfer_mid_month_gives_one_row_per_posting(world, compute):
    cadre = f.CadreFactory()
    first = f.PostingFactory(
        cadre=cadre,
        village=world.v_a1,
        unit=world.unit_a,
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2027, 12, 31),
        actual_end_date=dt.date(2026, 3, 10),
        status="TRANSFERRED",
    )
    second = f.PostingFactory(
        cadre=cadre,
        village=world.v_a2,
        unit=world.unit_a,
        start_date=dt.date(2026, 3, 11),
        planned_end_date=dt.date(2027, 12, 31),
    )
    mark_days(first, MARCH, "√" * 10)
    mark_days(second, dt.date(2026, 3, 11), "√" * 15 + "○" * 6)

    rows = compute(world.county_a)

    a, b = rows[first.pk], rows[second.pk]
    assert (a.posted_days, a.on_site_days, a.required_on_site, a.required_overnight) == (10, 10, 7, 5)
    assert (a.township_id, a.village_id) == (world.a1.pk, world.v_a1.pk)
    assert (b.posted_days, b.on_site_days, b.required_on_site, b.required_overnight) == (21, 21, 15, 10)
    assert (b.township_id, b.village_id) == (world.a2.pk, world.v_a2.pk)
    assert a.compliant and b.compliant
    assert MonthlyTotal.objects.filter(cadre=cadre, month=MARCH).count() == 2
    # The year to date is the cadre's: both rows of the month carry the same figures.
    assert a.ytd_posted_days == b.ytd_posted_days == 31
    assert a.ytd_on_site_days == b.ytd_on_site_days == 31


def test_days_after_today_are_not_counted(world):
    mark_days(world.p_a1, MARCH, "√" * 10)

    compute_monthly_totals(county=world.county_a, month=MARCH, today=dt.date(2026, 3, 10))

    row = MonthlyTotal.objects.get(posting=world.p_a1, month=MARCH)
    assert row.posted_days == 10
    assert row.unreported_days == 0
    assert row.required_on_site == 7  # 22 × 10 / 31 = 7.10 → 7
    assert row.required_overnight == 5  # 15 × 10 / 31 = 4.84 → 5
    assert row.compliant is True


def test_a_record_after_today_is_ignored(world):
    AttendanceRecordFactory(posting=world.p_a1, date=dt.date(2026, 3, 20), status="ON_SITE")

    compute_monthly_totals(county=world.county_a, month=MARCH, today=dt.date(2026, 3, 10))

    row = MonthlyTotal.objects.get(posting=world.p_a1, month=MARCH)
    assert (row.posted_days, row.on_site_days, row.unreported_days) == (10, 0, 10)


def test_a_month_after_today_has_no_rows(world):
    assert compute_monthly_totals(county=world.county_a, month=APRIL, today=dt.date(2026, 3, 20)) == 0
    assert not MonthlyTotal.objects.filter(month=APRIL).exists()


def test_a_posting_that_starts_after_today_has_no_row_yet(world):
    later = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        start_date=dt.date(2026, 3, 25),
        planned_end_date=dt.date(2027, 3, 24),
    )

    compute_monthly_totals(county=world.county_a, month=MARCH, today=dt.date(2026, 3, 20))

    assert not MonthlyTotal.objects.filter(posting=later).exists()
    assert MonthlyTotal.objects.filter(month=MARCH, county=world.county_a).count() == 2


def test_only_the_county_asked_for_is_computed(world, compute):
    rows = compute(world.county_a)

    assert set(rows) == {world.p_a1.pk, world.p_a2.pk}
    assert not MonthlyTotal.objects.filter(county=world.county_b).exists()


def test_the_county_may_be_given_by_id(world):
    assert compute_monthly_totals(county=world.county_b.pk, month=MARCH, today=dt.date(2026, 6, 1)) == 1


def test_a_posting_that_no_longer_covers_the_month_loses_its_row(world, compute):
    compute(world.county_a)
    world.p_a2.actual_end_date = dt.date(2026, 2, 20)
    world.p_a2.status = "RECALLED"
    world.p_a2.save()

    rows = compute(world.county_a)

    assert set(rows) == {world.p_a1.pk}


def test_a_changed_record_updates_the_stored_row(world, compute):
    record = AttendanceRecordFactory(posting=world.p_a1, date=dt.date(2026, 3, 2), status="ABSENT")
    assert compute(world.county_a)[world.p_a1.pk].absent_days == 1

    record.status = "ON_SITE_OVERNIGHT"
    record.save()
    row = compute(world.county_a)[world.p_a1.pk]

    assert (row.absent_days, row.on_site_days, row.overnight_days) == (0, 1, 1)


def test_records_left_after_a_recall_are_not_counted(world, compute):
    mark_days(world.p_a1, MARCH, "√" * 31)
    world.p_a1.actual_end_date = dt.date(2026, 3, 15)
    world.p_a1.status = "RECALLED"
    world.p_a1.save()

    row = compute(world.county_a)[world.p_a1.pk]

    assert (row.posted_days, row.on_site_days, row.overnight_days, row.unreported_days) == (15, 15, 15, 0)
    assert row.allowance == Decimal("900.00")


def test_computing_every_county_at_once_gives_the_same_rows_as_one_by_one(world):
    from attendance.totals.compute import compute_all_counties

    mark_days(world.p_a1, MARCH, MARCH_MARKS)
    mark_days(world.p_b1, MARCH, "○" * 9)
    Policy.objects.update_or_create(county=world.county_b, defaults={"daily_allowance": Decimal("80.00")})
    fields = (
        "posting_id",
        "posted_days",
        "on_site_days",
        "unreported_days",
        "required_on_site",
        "compliant",
        "allowance",
    )

    compute_monthly_totals(county=world.county_a, month=MARCH, today=dt.date(2026, 6, 1))
    compute_monthly_totals(county=world.county_b, month=MARCH, today=dt.date(2026, 6, 1))
    one_by_one = list(MonthlyTotal.objects.order_by("posting_id").values_list(*fields))
    MonthlyTotal.objects.all().delete()

    counts = compute_all_counties(month=MARCH, today=dt.date(2026, 6, 1))

    assert counts == {world.county_b.pk: 1, world.county_a.pk: 2}
    assert list(MonthlyTotal.objects.order_by("posting_id").values_list(*fields)) == one_by_one
    assert MonthlyTotal.objects.get(posting=world.p_b1).allowance == Decimal("720.00")
