"""The appraisal pages' reads: ranking rows, grade counts, a cadre's history, the score grid's cells.

Every queryset passed in is already scoped (``for_user``); these only narrow, count and fetch.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, F

from appraisal.exports import ranking_rows
from appraisal.models import AnnualResult, DemocraticRate, Grade, QuarterResult, Scheme, Score
from villages.models import Village

# What a ranking page row shows, as one narrow ``values_list`` (model instances were most of the page's time).
RANKING_ROW_FIELDS = (
    "id",
    "cohort",
    "rank",
    "township__name",
    "village__name",
    "cadre_id",
    "cadre__name",
    "posting__role",
    "posting__unit__name",
    "posted_days",
    "common",
    "discipline",
    "democratic",
    "bonus",
    "deduction",
    "composite",
    "ranked",
    "grade",
)


def quarter_results(*, user, county, year: int, quarter: int):
    """The county-quarter's results the user may read."""
    return QuarterResult.objects.for_user(user).filter(county=county, year=year, quarter=quarter)


def annual_results(*, user, county, year: int):
    """The county-year's results the user may read."""
    return AnnualResult.objects.for_user(user).filter(county=county, year=year)


def ranking_page_rows(results):
    """The ranking page's rows in ranking order, as tuples of ``RANKING_ROW_FIELDS``."""
    return ranking_rows(results).values_list(*RANKING_ROW_FIELDS)


def annual_page_rows(results):
    """The annual page's rows in ranking order, with what each row shows."""
    return results.select_related("cadre", "township", "village", "posting__unit").order_by(
        "cohort", F("rank").asc(nulls_last=True), "-composite", "cadre__id_number"
    )


def grade_counts(results) -> dict:
    """Rows per grade (``None``: not ranked), counted in SQL."""
    return dict(results.order_by().values_list("grade").annotate(n=Count("id")))


def grade_chart(results) -> dict:
    """Grade counts per township of the ranked rows, for the Chart.js stacked bar (counted in SQL)."""
    counts = Counter()
    townships: dict[int, str] = {}
    for township_id, name, grade, n in (
        results.filter(ranked=True)
        .order_by()
        .values_list("township_id", "township__name", "grade")
        .annotate(n=Count("id"))
    ):
        townships[township_id] = name
        counts[(township_id, grade)] += n
    order = sorted(townships, key=lambda t: townships[t])
    return {
        "labels": [townships[t] for t in order],
        "datasets": [
            {"label": str(g.label), "grade": g.value, "data": [counts[(t, g.value)] for t in order]}
            for g in Grade
        ],
    }


def cadre_quarter_results(*, user, cadre) -> list[QuarterResult]:
    """A cadre's quarters the user may read, oldest first."""
    return list(
        QuarterResult.objects.for_user(user)
        .filter(cadre=cadre)
        .select_related("village", "township")
        .order_by("year", "quarter")
    )


def schemes_for(user):
    return Scheme.objects.for_user(user).select_related("county").order_by("county__code", "-year")


def scheme_exists(*, county_id: int, year: int) -> bool:
    return Scheme.objects.filter(county_id=county_id, year=year).exists()


def entered_scores(*, scheme, year: int, quarter: int, cadre_ids) -> dict[tuple[int, int], object]:
    """(cadre id, indicator id) → the entered points."""
    return {
        (c, i): p
        for c, i, p in Score.objects.filter(
            indicator__scheme=scheme, year=year, quarter=quarter, cadre_id__in=cadre_ids
        ).values_list("cadre_id", "indicator_id", "points")
    }


def entered_rates(*, year: int, quarter: int, cadre_ids) -> dict[int, object]:
    """cadre id → the entered 民主测评 rate."""
    return dict(
        DemocraticRate.objects.filter(year=year, quarter=quarter, cadre_id__in=cadre_ids).values_list(
            "cadre_id", "rate"
        )
    )


def village_names(village_ids) -> dict[int, str]:
    return dict(Village.objects.filter(pk__in=set(village_ids)).values_list("pk", "name"))


def villages_named(*, village_ids, q: str) -> set[int]:
    """Of ``village_ids``, those whose name contains ``q``."""
    return set(
        Village.objects.filter(pk__in=set(village_ids), name__icontains=q).values_list("pk", flat=True)
    )
