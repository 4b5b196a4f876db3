"""The set-based SQL ranking gives exactly the rows of a plain-Python reference, on SQLite and on PostgreSQL.

A varied quarter in two counties with different policies: every cohort, partial and short postings,
transfers within and between the counties, months with two monthly totals, missing
rates, manual scores with odd cents, bonuses over the cap, deductions, inspection findings (under a
督查 indicator in one county, straight into 减分 in the other), ties and stale rows to replace.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest

from appraisal.models import Category, Indicator, QuarterResult, Source
from appraisal.ranking import compute_all_counties, compute_quarterly_ranking
from cadres.models import Posting
from inspections.models import Finding, Inspection
from tests.appraisal.factories import MonthlyTotalFactory, posted, rate, score, small_scheme
from tests.appraisal.reference_ranking import reference_quarter
from villages.models import Policy

pytestmark = pytest.mark.django_db

FIELDS = [
    "county_id",
    "cadre_id",
    "posting_id",
    "township_id",
    "village_id",
    "cohort",
    "posted_days",
    "common",
    "discipline",
    "democratic",
    "bonus",
    "deduction",
    "composite",
    "ranked",
    "rank",
    "grade",
]
# 第一书记 is one per village (a database constraint) and the world has them already.
ROLES = [r.value for r in Posting.Role if r != Posting.Role.FIRST_SECRETARY]
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def _snapshot():
    return sorted(QuarterResult.objects.filter(year=2026, quarter=1).values_list(*FIELDS))


def _month_totals(posting, months, rng):
    for month in months:
        MonthlyTotalFactory(posting=posting, month=month, compliant=rng.random() < 0.7)


def _varied_quarter(world):
    rng = random.Random(20260101)
    scheme_a = small_scheme(world.county_a)
    Indicator.objects.create(
        scheme=scheme_a,
        category=Category.DEDUCTION,
        name="督查减分",
        max_points=100,
        source=Source.INSPECTION,
    )
    Indicator.objects.create(
        scheme=scheme_a,
        category=Category.COMMON,
        name="驻村考勤",
        max_points=Decimal("5"),
        source=Source.ATTENDANCE,
    )
    scheme_b = small_scheme(world.county_b)
    Policy.objects.filter(county=world.county_b).delete()
    Policy.objects.create(
        county=world.county_b,
        min_ranked_days=45,
        bonus_cap=Decimal("5"),
        excellent_ratio=Decimal("0.5"),
        excellent_min_score=Decimal("85"),
    )
    months = [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    villages_a = [world.v_a1, world.v_a2]
    cadres = []
    for n in range(36):
        village, scheme = (villages_a[n % 2], scheme_a) if n < 26 else (world.v_b1, scheme_b)
        kind = n % 6
        start, end = dt.date(2025, 6, 1), dt.date(2027, 6, 30)
        if kind == 1:
            start = dt.date(2026, 2, 15)  # two posted months, 45 days
        elif kind == 2:
            end = dt.date(2026, 1, 20)  # 20 days: not ranked
        p = posted(village, role=ROLES[n % len(ROLES)], start=start, end=end)
        cadres.append((p, scheme))
        if kind in (3, 4):
            # Transferred on 1 Mar: to the other county after a gap, or to the other village next day.
            last_day = dt.date(2026, 2, 10) if kind == 3 else dt.date(2026, 2, 28)
            Posting.objects.filter(pk=p.pk).update(actual_end_date=last_day)
            if kind == 3:
                other = world.v_b1 if village.township.county_id == world.county_a.pk else world.v_a1
            else:
                other = world.v_a1 if village == world.v_a2 else world.v_a2
            q = posted(other, role=ROLES[(n + 1) % len(ROLES)], start=dt.date(2026, 3, 1), cadre=p.cadre)
            _month_totals(q, months[2:], rng)
        _month_totals(p, [m for m in months if m >= start.replace(day=1) and m <= end], rng)
    scores = [("工作实绩", 70), ("遵纪守法", 14), ("表彰奖励", 8), ("创新工作", 8), ("违规减分", 6)]
    for i, (p, _scheme) in enumerate(cadres):
        for scheme in (scheme_a, scheme_b):
            for name, top in scores:
                if rng.random() < 0.85:
                    points = Decimal(rng.randint(0, top * 100)) / 100
                    if i % 7 == 0 and name == "工作实绩":
                        points = Decimal("66.65")  # ties
                    score(p.cadre, scheme, name, points)
        if rng.random() < 0.8:
            rate(p.cadre, p.village.township.county, Decimal(rng.randint(0, 10000)) / 100)
    for county, village in ((world.county_a, world.v_a1), (world.county_b, world.v_b1)):
        for day in (dt.date(2026, 2, 10), dt.date(2026, 4, 2)):  # in and after the quarter
            inspection = Inspection.objects.create(county=county, date=day, kind="暗访", inspectors="督查组")
            for p, _scheme in cadres[::5]:
                Finding.objects.create(
                    inspection=inspection,
                    cadre=p.cadre,
                    village=village,
                    severity="一般",
                    handling="批评教育",
                    description="驻村日志不全",
                    deduction=Decimal(rng.randint(0, 500)) / 100,
                )
    # A stale row of a cadre now ranked in the other county, to be replaced.
    stale = cadres[3][0]
    QuarterResult.objects.create(
        county=world.county_a if stale.village.township.county_id != world.county_a.pk else world.county_b,
        cadre=stale.cadre,
        posting=stale,
        township=stale.village.township,
        village=stale.village,
        year=2026,
        quarter=1,
        cohort="MEMBER",
        posted_days=1,
        composite=Decimal("1"),
    )
    return cadres


def _python_rows(world):
    for county in (world.county_a, world.county_b):
        reference_quarter(county=county, policy=Policy.for_county(county), year=2026, quarter=1)
    return _snapshot()


def test_the_sql_ranking_gives_exactly_the_rows_of_the_python_reference(world):
    _varied_quarter(world)
    expected = _python_rows(world)
    assert len(expected) > 30
    assert {r[FIELDS.index("ranked")] for r in expected} == {True, False}
    assert len({r[FIELDS.index("grade")] for r in expected}) >= 3

    QuarterResult.objects.all().delete()
    for county in (world.county_a, world.county_b):
        compute_quarterly_ranking(county=county, year=2026, quarter=1, propose=False)
    assert _snapshot() == expected

    compute_all_counties(year=2026, quarter=1, propose=False)
    assert _snapshot() == expected


def test_ranking_all_counties_at_once_equals_ranking_each_county(world):
    _varied_quarter(world)
    for county in (world.county_a, world.county_b):
        compute_quarterly_ranking(county=county, year=2026, quarter=1, propose=False)
    each = _snapshot()
    assert compute_all_counties(year=2026, quarter=1, propose=False) == len(each)
    assert _snapshot() == each


def test_ranking_all_counties_twice_gives_the_same_rows(world):
    _varied_quarter(world)
    compute_all_counties(year=2026, quarter=1, propose=False)
    first = _snapshot()
    ids = set(QuarterResult.objects.values_list("cadre_id", flat=True))
    compute_all_counties(year=2026, quarter=1, propose=False)
    assert _snapshot() == first
    assert set(QuarterResult.objects.values_list("cadre_id", flat=True)) == ids
    assert QuarterResult.objects.count() == len(first)


def test_a_cadre_without_any_posting_in_the_quarter_is_not_ranked(world):
    small_scheme(world.county_a)
    gone = posted(world.v_a1, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    compute_all_counties(year=2026, quarter=1, county_ids=[world.county_a.pk], propose=False)
    assert not QuarterResult.objects.filter(cadre=gone.cadre).exists()
    assert QuarterResult.objects.filter(cadre=world.cadre_a1, county=world.county_a).exists()
    assert not QuarterResult.objects.filter(county=world.county_b).exists()
