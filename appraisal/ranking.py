"""The quarterly and annual ranking jobs (DOMAIN.md §6).

Each run rebuilds one county's period (or, with ``compute_all_counties``, every county's quarter at
once) in one transaction: delete that period's rows, insert the fresh ones, ranked per cohort with
``RANK() OVER (PARTITION BY cohort ORDER BY composite DESC)``. On PostgreSQL the quarter is computed
set-based in SQL (``appraisal.ranking_sql``: a few statements whatever the number of cadres); on
SQLite the same arithmetic runs in Python (``appraisal.scoring``) and is ranked with the ORM's
``Window(Rank())``. Both paths give the same rows (tests/appraisal/test_ranking_sql.py). Running it
twice gives the same rows. After a quarter (and its year) is ranked the decisions app is told.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Rank

from appraisal.models import AnnualResult, Category, QuarterResult, Scheme
from appraisal.ranking_sql import rank_quarter_sql
from appraisal.schemes import get_or_create_scheme
from appraisal.scoring import compute_breakdowns, grade_for, q2, quarter_cadres
from appraisal.signals import ranking_changed
from villages.models import County, Policy


def _county(county) -> County:
    return county if isinstance(county, County) else County.objects.get(pk=county)


def _assign_ranks(queryset, *, policy) -> None:
    """Rank the ranked rows of ``queryset`` per cohort with a window function, then grade them."""
    ranked = queryset.filter(ranked=True).annotate(
        r=Window(Rank(), partition_by=[F("cohort")], order_by=F("composite").desc()),
        n=Window(Count("id"), partition_by=[F("cohort")]),
    )
    rows = []
    for obj in ranked.only("id", "composite", "cohort"):
        obj.rank = obj.r
        obj.grade = grade_for(composite=obj.composite, rank=obj.r, n=obj.n, policy=policy)
        rows.append(obj)
    queryset.model.objects.bulk_update(rows, ["rank", "grade"], batch_size=1000)


def _use_sql() -> bool:
    return connection.vendor == "postgresql"


def compute_quarterly_ranking(*, county, year: int, quarter: int, propose: bool = True) -> int:
    """Rebuild a county's quarter: composites, cohorts, ranks and grades. Returns the row count.

    On PostgreSQL the whole computation is set-based SQL (``appraisal.ranking_sql``); elsewhere
    (SQLite) the same arithmetic runs in Python. Then (unless ``propose`` is false) the new
    grades are announced with ``ranking_changed`` once committed, and the decision rules re-run.
    """
    county = _county(county)
    policy = Policy.for_county(county)
    get_or_create_scheme(county=county, year=year)
    if _use_sql():
        with transaction.atomic():
            rows = rank_quarter_sql(policies={county.pk: policy}, year=year, quarter=quarter)
    else:
        rows = _compute_quarter_python(county=county, policy=policy, year=year, quarter=quarter)
    if propose:
        _propose_after_ranking(county_id=county.pk, year=year, quarter=quarter)
    return rows


def compute_all_counties(*, year: int, quarter: int, county_ids=None, propose: bool = True) -> int:
    """Rebuild the quarter of every county (or of ``county_ids``) at once: on PostgreSQL one set of
    statements for the whole province, elsewhere county by county. Same rows as ranking each
    county with ``compute_quarterly_ranking``. Returns the row count."""
    if county_ids is None:
        county_ids = list(County.objects.order_by("code").values_list("id", flat=True))
    county_ids = list(county_ids)
    if not _use_sql():
        return sum(
            compute_quarterly_ranking(county=c, year=year, quarter=quarter, propose=propose)
            for c in county_ids
        )
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


def _compute_quarter_python(*, county, policy, year: int, quarter: int) -> int:
    """The Python path (SQLite, and the reference the SQL path is tested against)."""
    scheme = get_or_create_scheme(county=county, year=year)
    cadres = quarter_cadres(county_id=county.pk, year=year, quarter=quarter)
    breakdowns = compute_breakdowns(scheme=scheme, policy=policy, year=year, quarter=quarter, cadres=cadres)
    rows = []
    for cadre_id, qc in cadres.items():
        b = breakdowns[cadre_id]
        s = b.subtotals
        rows.append(
            QuarterResult(
                county=county,
                cadre_id=cadre_id,
                posting_id=qc.posting_id,
                township_id=qc.township_id,
                village_id=qc.village_id,
                year=year,
                quarter=quarter,
                cohort=qc.cohort,
                posted_days=qc.posted_days,
                common=q2(s[Category.COMMON]),
                discipline=q2(s[Category.DISCIPLINE]),
                democratic=q2(s[Category.DEMOCRATIC]),
                bonus=q2(s[Category.BONUS]),
                deduction=q2(s[Category.DEDUCTION]),
                composite=b.composite,
                ranked=qc.posted_days >= policy.min_ranked_days,
            )
        )
    with transaction.atomic():
        QuarterResult.objects.filter(
            Q(county=county) | Q(cadre_id__in=list(cadres)), year=year, quarter=quarter
        ).delete()
        QuarterResult.objects.bulk_create(rows, batch_size=1000)
        _assign_ranks(QuarterResult.objects.filter(county=county, year=year, quarter=quarter), policy=policy)
    return len(rows)


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
    policy = Policy.for_county(county)
    quarters = (
        QuarterResult.objects.filter(county=county, year=year, ranked=True)
        .order_by("cadre_id", "quarter")
        .values_list("cadre_id", "quarter", "composite", "cohort", "posting_id", "township_id", "village_id")
    )
    sums: dict[int, list] = defaultdict(list)
    latest: dict[int, tuple] = {}
    for cadre_id, _q, composite, cohort, posting_id, township_id, village_id in quarters:
        sums[cadre_id].append(composite)
        latest[cadre_id] = (cohort, posting_id, township_id, village_id)
    rows = []
    for cadre_id, values in sums.items():
        cohort, posting_id, township_id, village_id = latest[cadre_id]
        rows.append(
            AnnualResult(
                county=county,
                cadre_id=cadre_id,
                posting_id=posting_id,
                township_id=township_id,
                village_id=village_id,
                year=year,
                cohort=cohort,
                quarters=len(values),
                composite=q2(sum(values, Decimal("0")) / len(values)),
                ranked=True,
            )
        )
    with transaction.atomic():
        AnnualResult.objects.filter(Q(county=county) | Q(cadre_id__in=list(sums)), year=year).delete()
        AnnualResult.objects.bulk_create(rows, batch_size=1000)
        _assign_ranks(AnnualResult.objects.filter(county=county, year=year), policy=policy)
    return len(rows)
