"""The quarterly and annual ranking jobs (DOMAIN.md §6).

Each run rebuilds one county's period (or, with ``compute_all_counties``, every county's quarter at
once) in one transaction: delete that period's rows, insert the fresh ones, ranked per cohort with
``RANK() OVER (PARTITION BY cohort ORDER BY composite DESC)``. The arithmetic, ranks and grades are
set-based SQL in ``appraisal.ranking_sql`` — one implementation, a few statements whatever the
number of cadres, the same on PostgreSQL and SQLite (tests/appraisal/test_ranking_sql.py checks it
against a plain-Python reference on both). Running it twice gives the same rows. After a quarter (and its year) is ranked the decisions app is told.
"""

from __future__ import annotations

from django.db import transaction

from appraisal.models import QuarterResult, Scheme
from appraisal.ranking_sql import rank_quarter_sql, rank_year_sql
from appraisal.schemes import get_or_create_scheme
from appraisal.signals import ranking_changed
from villages.models import County, Policy


def _county(county) -> County:
    return county if isinstance(county, County) else County.objects.get(pk=county)


def compute_quarterly_ranking(*, county, year: int, quarter: int, propose: bool = True) -> int:
    """Rebuild a county's quarter: composites, cohorts, ranks and grades. Returns the row count.

    The whole computation is set-based SQL (``appraisal.ranking_sql``). Then (unless ``propose`` is false) the new
    grades are announced with ``ranking_changed`` once committed, and the decision rules re-run.
    """
    county = _county(county)
    policy = Policy.for_county(county)
    get_or_create_scheme(county=county, year=year)
    with transaction.atomic():
        rows = rank_quarter_sql(policies={county.pk: policy}, year=year, quarter=quarter)
    if propose:
        _propose_after_ranking(county_id=county.pk, year=year, quarter=quarter)
    return rows


def compute_all_counties(*, year: int, quarter: int, county_ids=None, propose: bool = True) -> int:
    """Rebuild the quarter of every county (or of ``county_ids``) at once: one set of statements
    for the whole province. Same rows as ranking each
    county with ``compute_quarterly_ranking``. Returns the row count."""
    if county_ids is None:
        county_ids = list(County.objects.order_by("code").values_list("id", flat=True))
    county_ids = list(county_ids)
    policies = {p.county_id: p for p in Policy.objects.filter(county_id__in=county_ids)}
    for county_id in county_ids:
        if county_id not in policies:
            policies[county_id] = Policy.for_county(county_id)
    with_scheme = set(
        Scheme.objects.filter(county_id__in=county_ids, year=year).values_list("county_id", flat=True)
    )
    for county_id in county_ids:
        if county_id not in with_scheme:
            get_or_create_scheme(county=_county(county_id), year=year)
    with transaction.atomic():
        rows = rank_quarter_sql(policies={c: policies[c] for c in county_ids}, year=year, quarter=quarter)
    if propose:
        for county_id in county_ids:
            _propose_after_ranking(county_id=county_id, year=year, quarter=quarter)
    return rows


def rank_quarter_and_year(*, county, year: int, quarter: int) -> int:
    """The job: the quarter, then the year it belongs to, then the decision rules (R2 and R4 read both)."""
    county = _county(county)
    rows = compute_quarterly_ranking(county=county, year=year, quarter=quarter, propose=False)
    compute_annual_ranking(county=county, year=year)
    _propose_after_ranking(county_id=county.pk, year=year, quarter=quarter)
    return rows


def _propose_after_ranking(*, county_id: int, year: int, quarter: int) -> None:
    """After commit, tell the apps above (R2/R4 re-run): ``ranking_changed``."""
    transaction.on_commit(
        lambda: ranking_changed.send(sender=QuarterResult, county_id=county_id, year=year, quarter=quarter)
    )


def annual_is_final(*, county_id: int, year: int) -> bool:
    """DOMAIN.md §7: a year's annual results are final once its fourth quarter is ranked; until
    then they are 暂定 (provisional) and no annual rule proposes from them."""
    return QuarterResult.objects.filter(county_id=county_id, year=year, quarter=4).exists()


def compute_annual_ranking(*, county, year: int) -> int:
    """Rebuild a county's year: the mean of each cadre's ranked quarters, ranked and graded the same way.

    The cohort, posting and place are those of the cadre's latest ranked quarter.
    """
    county = _county(county)
    with transaction.atomic():
        return rank_year_sql(county_id=county.pk, policy=Policy.for_county(county), year=year)
