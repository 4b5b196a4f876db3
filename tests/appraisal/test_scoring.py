import datetime as dt
from decimal import Decimal

import pytest

from appraisal.models import Category, QuarterResult
from appraisal.ranking import compute_quarterly_ranking
from appraisal.ranking_sql import cadre_breakdown
from core.periods import parse_quarter, quarter_bounds
from tests.appraisal.factories import MonthlyTotalFactory, posted, rate, score, small_scheme
from villages.models import Policy

pytestmark = pytest.mark.django_db


def _breakdown(world, scheme, cadre_id, year=2026, quarter=1):
    policy = Policy.for_county(world.county_a)
    return cadre_breakdown(
        county_id=world.county_a.pk, policy=policy, year=year, quarter=quarter, cadre_id=cadre_id
    )


def test_parse_quarter_reads_yyyyqn_and_refuses_others():
    assert parse_quarter("2026Q3") == (2026, 3)
    assert quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError):
        parse_quarter("2026Q5")


def test_composite_is_decimal_rounded_half_up(world):
    scheme = small_scheme(world.county_a)
    score(world.cadre_a1, scheme, "工作实绩", "50")
    rate(world.cadre_a1, world.county_a, "87.45")  # 10 × 87.45% = 8.745
    b = _breakdown(world, scheme, world.cadre_a1.pk)
    assert b.composite == Decimal("58.75")  # half-even would give 58.74
    assert isinstance(b.composite, Decimal)


def test_blank_manual_indicators_score_zero(world):
    scheme = small_scheme(world.county_a)
    b = _breakdown(world, scheme, world.cadre_a1.pk)
    assert b.composite == Decimal("0.00")


def test_bonus_is_capped_and_deductions_are_subtracted_but_total_never_below_zero(world):
    scheme = small_scheme(world.county_a)
    score(world.cadre_a1, scheme, "工作实绩", "60")
    score(world.cadre_a1, scheme, "表彰奖励", "8")
    score(world.cadre_a1, scheme, "创新工作", "7")
    score(world.cadre_a1, scheme, "违规减分", "5")
    b = _breakdown(world, scheme, world.cadre_a1.pk)
    assert b.subtotals[Category.BONUS] == Decimal("10")
    assert b.composite == Decimal("65.00")
    score(world.cadre_a2, scheme, "工作实绩", "3")
    score(world.cadre_a2, scheme, "违规减分", "20")
    assert _breakdown(world, scheme, world.cadre_a2.pk).composite == Decimal("0.00")


def test_attendance_indicator_is_max_times_compliant_over_posted_months(world):
    scheme = small_scheme(world.county_a)
    p = world.p_a1
    MonthlyTotalFactory(posting=p, month=dt.date(2026, 1, 1), compliant=True)
    MonthlyTotalFactory(posting=p, month=dt.date(2026, 2, 1), compliant=True)
    MonthlyTotalFactory(posting=p, month=dt.date(2026, 3, 1), compliant=False)
    b = _breakdown(world, scheme, world.cadre_a1.pk)
    assert (b.compliant_months, b.posted_months) == (2, 3)
    assert b.subtotals[Category.DISCIPLINE] == Decimal("4")  # 6 × 2 / 3


def test_a_month_without_totals_is_not_compliant_and_a_month_counts_when_any_day_is_posted(world):
    scheme = small_scheme(world.county_a)
    cadre_posting = posted(world.v_a1, start=dt.date(2026, 2, 27), end=dt.date(2026, 12, 31))
    MonthlyTotalFactory(posting=cadre_posting, month=dt.date(2026, 2, 1), posted_days=2, compliant=True)
    b = _breakdown(world, scheme, cadre_posting.cadre_id)
    assert (b.compliant_months, b.posted_months) == (1, 2)
    assert b.subtotals[Category.DISCIPLINE] == Decimal("3")


def test_a_month_with_two_postings_is_compliant_only_when_each_row_is(world):
    scheme = small_scheme(world.county_a)
    first = posted(world.v_a1, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 15))
    second = posted(world.v_a2, start=dt.date(2026, 1, 16), end=dt.date(2026, 12, 31), cadre=first.cadre)
    MonthlyTotalFactory(posting=first, month=dt.date(2026, 1, 1), posted_days=15, compliant=True)
    MonthlyTotalFactory(posting=second, month=dt.date(2026, 1, 1), posted_days=16, compliant=False)
    MonthlyTotalFactory(posting=second, month=dt.date(2026, 2, 1), compliant=True)
    MonthlyTotalFactory(posting=second, month=dt.date(2026, 3, 1), compliant=True)
    b = _breakdown(world, scheme, first.cadre_id)
    assert (b.compliant_months, b.posted_months) == (2, 3)


def test_democratic_indicator_is_max_times_rate(world):
    scheme = small_scheme(world.county_a)
    rate(world.cadre_a1, world.county_a, "95")
    assert _breakdown(world, scheme, world.cadre_a1.pk).subtotals[Category.DEMOCRATIC] == Decimal("9.5")


def test_quarter_result_stores_category_subtotals(world):
    scheme = small_scheme(world.county_a)
    score(world.cadre_a1, scheme, "工作实绩", "66.5")
    score(world.cadre_a1, scheme, "遵纪守法", "12")
    score(world.cadre_a1, scheme, "违规减分", "2")
    rate(world.cadre_a1, world.county_a, "90")
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    r = QuarterResult.objects.get(cadre=world.cadre_a1, year=2026, quarter=1)
    assert (r.common, r.discipline, r.democratic, r.bonus, r.deduction) == (
        Decimal("66.50"),
        Decimal("12.00"),
        Decimal("9.00"),
        Decimal("0.00"),
        Decimal("2.00"),
    )
    assert r.composite == Decimal("85.50")


def test_inspection_findings_of_the_quarter_add_to_deductions(world):
    decisions_models = pytest.importorskip("decisions.models")
    if not hasattr(decisions_models, "Finding"):
        pytest.skip("decisions.models.Finding 尚未提供")
    from inspections.models import Finding, Inspection

    scheme = small_scheme(world.county_a)
    score(world.cadre_a1, scheme, "工作实绩", "60")
    score(world.cadre_a1, scheme, "违规减分", "1")
    inside = Inspection.objects.create(
        county=world.county_a, date=dt.date(2026, 2, 10), kind="SURPRISE", inspectors="张三"
    )
    outside = Inspection.objects.create(
        county=world.county_a, date=dt.date(2026, 4, 1), kind="SURPRISE", inspectors="张三"
    )
    for inspection, points in ((inside, "2.5"), (inside, "1"), (outside, "9")):
        Finding.objects.create(
            inspection=inspection,
            cadre=world.cadre_a1,
            severity="MINOR",
            handling="EDUCATION",
            description="不在岗",
            deduction=Decimal(points),
        )
    b = _breakdown(world, scheme, world.cadre_a1.pk)
    assert b.subtotals[Category.DEDUCTION] == Decimal("4.5")
    assert b.composite == Decimal("55.50")


def test_inspection_findings_fill_the_schemes_inspection_indicator(world):
    pytest.importorskip("decisions.models")
    from appraisal.schemes import create_default_scheme
    from inspections.models import Finding, Inspection

    scheme = create_default_scheme(county=world.county_a, year=2026)
    inspection = Inspection.objects.create(
        county=world.county_a, date=dt.date(2026, 3, 31), kind="RECORDS", inspectors="李四"
    )
    Finding.objects.create(
        inspection=inspection,
        cadre=world.cadre_a2,
        severity="MODERATE",
        handling="REMINDER",
        description="台账缺失",
        deduction=Decimal("3"),
    )
    b = _breakdown(world, scheme, world.cadre_a2.pk)
    assert b.points[scheme.indicators.get(source="督查").pk] == Decimal("3")
    assert b.subtotals[Category.DEDUCTION] == Decimal("3")
