"""Factories and helpers for appraisal tests: monthly totals written directly, a small scheme."""

import datetime as dt
from decimal import Decimal

import factory

from appraisal.models import Category, DemocraticRate, Indicator, Scheme, Score, Source
from attendance.models import MonthlyTotal
from tests import factories as f


class MonthlyTotalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyTotal

    posting = factory.SubFactory(f.PostingFactory)
    cadre = factory.LazyAttribute(lambda o: o.posting.cadre)
    village = factory.LazyAttribute(lambda o: o.posting.village)
    township = factory.LazyAttribute(lambda o: o.posting.village.township)
    county = factory.LazyAttribute(lambda o: o.posting.village.township.county)
    month = dt.date(2026, 1, 1)
    days_in_month = 31
    posted_days = 31
    on_site_days = 25
    overnight_days = 20
    trip_days = 0
    leave_days = 0
    absent_days = 0
    unreported_days = 0
    required_on_site = 22
    required_overnight = 15
    compliant = True


def small_scheme(county, year=2026) -> Scheme:
    """共性 70 (one indicator), 纪律 14 manual + 6 attendance, 民主测评 10, two bonus, a deduction."""
    scheme = Scheme.objects.create(county=county, year=year)
    rows = [
        (Category.COMMON, "工作实绩", "70", Source.MANUAL),
        (Category.DISCIPLINE, "遵纪守法", "14", Source.MANUAL),
        (Category.DISCIPLINE, "脱产驻村", "6", Source.ATTENDANCE),
        (Category.DEMOCRATIC, "民主测评", "10", Source.DEMOCRATIC),
        (Category.BONUS, "表彰奖励", "8", Source.MANUAL),
        (Category.BONUS, "创新工作", "8", Source.MANUAL),
        (Category.DEDUCTION, "违规减分", "100", Source.MANUAL),
    ]
    for n, (cat, name, points, source) in enumerate(rows, start=1):
        Indicator.objects.create(
            scheme=scheme, category=cat, name=name, max_points=Decimal(points), source=source, order=n
        )
    return scheme


def ind(scheme, name) -> Indicator:
    return scheme.indicators.get(name=name)


def score(cadre, scheme, name, points, *, year=2026, quarter=1):
    return Score.objects.create(
        county=scheme.county,
        cadre=cadre,
        year=year,
        quarter=quarter,
        indicator=ind(scheme, name),
        points=Decimal(str(points)),
    )


def rate(cadre, county, value, *, year=2026, quarter=1):
    return DemocraticRate.objects.create(
        county=county, cadre=cadre, year=year, quarter=quarter, rate=Decimal(str(value))
    )


def give_composite(cadre, scheme, total, *, year=2026, quarter=1):
    """Enter scores that add up to ``total`` (≤ 94) without attendance or bonus."""
    total = Decimal(str(total))
    common = min(total, Decimal("70"))
    score(cadre, scheme, "工作实绩", common, year=year, quarter=quarter)
    rest = total - common
    if rest:
        discipline = min(rest, Decimal("14"))
        score(cadre, scheme, "遵纪守法", discipline, year=year, quarter=quarter)
        rest -= discipline
    if rest:
        rate(cadre, scheme.county, rest * 10, year=year, quarter=quarter)


def posted(village, role="TEAM_MEMBER", start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31), cadre=None):
    kwargs = {"cadre": cadre} if cadre is not None else {}
    return f.PostingFactory(village=village, role=role, start_date=start, planned_end_date=end, **kwargs)
