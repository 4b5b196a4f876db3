"""A reference of the quarterly ranking in plain Python (DOMAIN.md §6), for the tests only.

The product computes the ranking in one place, the set-based SQL of ``appraisal.ranking_sql``
(PostgreSQL and SQLite). This is the Python arithmetic the product used before, kept as an
independent oracle: ``tests/appraisal/test_ranking_sql.py`` checks that both give the same rows on
both databases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Rank

from appraisal.models import Category, Cohort, DemocraticRate, QuarterResult, Score, Source
from appraisal.schemes import get_or_create_scheme
from cadres.models import Posting
from core.periods import quarter_bounds, quarter_months
from diary.selectors import entries_per_cadre
from inspections.selectors import deductions_by_cadre

TWO = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

COHORT_OF_ROLE = {
    Posting.Role.FIRST_SECRETARY: Cohort.LEADER,
    Posting.Role.TEAM_LEADER: Cohort.LEADER,
    Posting.Role.TEAM_MEMBER: Cohort.MEMBER,
    Posting.Role.VILLAGE_SECRETARY: Cohort.VILLAGE_POST,
    Posting.Role.VILLAGE_COMMITTEE: Cohort.VILLAGE_POST,
}


def q2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class QuarterCadre:
    """A cadre ranked in the county this quarter, from the posting of their last posted day."""

    cadre_id: int
    posting_id: int
    role: str
    township_id: int
    village_id: int
    posted_days: int = 0
    posted_months: set = field(default_factory=set)

    @property
    def cohort(self) -> str:
        return COHORT_OF_ROLE[self.role]


def quarter_cadres(*, county_id: int, year: int, quarter: int, cadre_ids=None) -> dict[int, QuarterCadre]:
    """Cadres whose posting on their last posted day of the quarter is in the county.

    Posted days add up across all the cadre's postings in the quarter (one query over the
    postings touching the quarter; a county has at most a few thousand).
    """
    first, last = quarter_bounds(year, quarter)
    in_county = Posting.objects.overlapping(first, last).filter(village__township__county_id=county_id)
    if cadre_ids is not None:
        in_county = in_county.filter(cadre_id__in=cadre_ids)
    rows = (
        Posting.objects.overlapping(first, last)
        .filter(cadre_id__in=in_county.values("cadre_id"))
        .values_list(
            "id",
            "cadre_id",
            "role",
            "start_date",
            "planned_end_date",
            "actual_end_date",
            "village_id",
            "village__township_id",
            "village__township__county_id",
        )
    )
    best: dict[int, tuple] = {}
    days: dict[int, set] = {}
    months: dict[int, set] = {}
    for pid, cadre_id, role, start, planned_end, actual_end, village_id, township_id, c_id in rows:
        end = actual_end or planned_end
        lo, hi = max(start, first), min(end, last)
        if lo > hi:
            continue
        covered = days.setdefault(cadre_id, set())
        day = lo
        while day <= hi:
            covered.add(day)
            months.setdefault(cadre_id, set()).add(day.replace(day=1))
            day += dt.timedelta(days=1)
        key = (hi, start, pid)
        if cadre_id not in best or key > best[cadre_id][0]:
            best[cadre_id] = (key, pid, role, township_id, village_id, c_id)
    result = {}
    for cadre_id, (_key, pid, role, township_id, village_id, c_id) in best.items():
        if c_id != county_id:
            continue
        result[cadre_id] = QuarterCadre(
            cadre_id=cadre_id,
            posting_id=pid,
            role=role,
            township_id=township_id,
            village_id=village_id,
            posted_days=len(days[cadre_id]),
            posted_months=months[cadre_id],
        )
    return result


def _compliant_months(cadre_ids, months) -> dict[int, set]:
    from attendance.models import MonthlyTotal

    state: dict[tuple[int, dt.date], bool] = {}
    for cadre_id, month, compliant in MonthlyTotal.objects.filter(
        cadre_id__in=cadre_ids, month__in=months
    ).values_list("cadre_id", "month", "compliant"):
        state[(cadre_id, month)] = state.get((cadre_id, month), True) and compliant
    out: dict[int, set] = {}
    for (cadre_id, month), ok in state.items():
        if ok:
            out.setdefault(cadre_id, set()).add(month)
    return out


@dataclass
class Breakdown:
    """One cadre's quarter: points per indicator id, category subtotals and the composite."""

    points: dict[int, Decimal]
    subtotals: dict[str, Decimal]
    composite: Decimal
    rate: Decimal | None = None
    compliant_months: int = 0
    posted_months: int = 0


def compute_breakdowns(
    *, scheme, policy, year: int, quarter: int, cadres: dict[int, QuarterCadre]
) -> dict[int, Breakdown]:
    """Every indicator's points for the given cadres, in a handful of queries."""
    indicators = list(scheme.indicators.all())
    ids = list(cadres)
    first, last = quarter_bounds(year, quarter)
    entered: dict[tuple[int, int], Decimal] = {
        (c, i): p
        for c, i, p in Score.objects.filter(
            indicator__scheme=scheme, year=year, quarter=quarter, cadre_id__in=ids
        ).values_list("cadre_id", "indicator_id", "points")
    }
    rates = dict(
        DemocraticRate.objects.filter(year=year, quarter=quarter, cadre_id__in=ids).values_list(
            "cadre_id", "rate"
        )
    )
    compliant = _compliant_months(ids, quarter_months(year, quarter))
    deductions = deductions_by_cadre(cadre_ids=ids, first=first, last=last)
    diary = (
        entries_per_cadre(cadre_ids=ids, first=first, last=last)
        if any(i.source == Source.DIARY for i in indicators)
        else {}
    )
    target = Decimal(scheme.diary_target)
    # Findings always count: under the scheme's 督查 indicator, or straight into 减分 without one.
    has_inspection = any(i.source == Source.INSPECTION for i in indicators)
    cap = Decimal(policy.bonus_cap)
    out: dict[int, Breakdown] = {}
    for cadre_id, qc in cadres.items():
        posted = len(qc.posted_months)
        ok = len(compliant.get(cadre_id, set()) & qc.posted_months)
        rate = rates.get(cadre_id)
        points: dict[int, Decimal] = {}
        subtotals = {c.value: ZERO for c in Category}
        for ind in indicators:
            if ind.source == Source.ATTENDANCE:
                value = ind.max_points * ok / posted if posted else ZERO
            elif ind.source == Source.DEMOCRATIC:
                value = ind.max_points * rate / HUNDRED if rate is not None else ZERO
            elif ind.source == Source.INSPECTION:
                value = deductions.get(cadre_id, ZERO)
            elif ind.source == Source.DIARY:
                value = ind.max_points * min(Decimal(diary.get(cadre_id, 0)), target) / target
            else:
                value = entered.get((cadre_id, ind.id), ZERO)
            points[ind.id] = value
            subtotals[ind.category] += value
        if not has_inspection:
            subtotals[Category.DEDUCTION] += deductions.get(cadre_id, ZERO)
        subtotals[Category.BONUS] = min(subtotals[Category.BONUS], cap)
        total = (
            subtotals[Category.COMMON]
            + subtotals[Category.DISCIPLINE]
            + subtotals[Category.DEMOCRATIC]
            + subtotals[Category.BONUS]
            - subtotals[Category.DEDUCTION]
        )
        out[cadre_id] = Breakdown(
            points=points,
            subtotals=subtotals,
            composite=q2(max(total, ZERO)),
            rate=rate,
            compliant_months=ok,
            posted_months=posted,
        )
    return out


def grade_for(*, composite: Decimal, rank: int, n: int, policy) -> str:
    """较差 below the floor; 优秀 within floor(n × ratio) by rank (ties across the line all in) and
    at least the excellent minimum; 良好 from the good minimum; else 一般."""
    from appraisal.models import Grade

    quota = int((Decimal(n) * Decimal(policy.excellent_ratio)).to_integral_value(rounding="ROUND_FLOOR"))
    if composite < policy.poor_below_score:
        return Grade.POOR
    if rank <= quota and composite >= policy.excellent_min_score:
        return Grade.EXCELLENT
    if composite >= policy.good_min_score:
        return Grade.GOOD
    return Grade.AVERAGE


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


def reference_quarter(*, county, policy, year: int, quarter: int) -> int:
    """Rebuild a county's quarter the reference way (Python arithmetic, ORM ranking)."""
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
