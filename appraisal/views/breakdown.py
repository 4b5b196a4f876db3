"""A ranking row's breakdown: the cadre's quarter indicator by indicator (an htmx partial)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from appraisal.models import CATEGORY_ORDER, QuarterResult
from appraisal.ranking_sql import cadre_breakdown
from appraisal.schemes import find_scheme, ordered_indicators
from villages.models import Policy


@login_required
def breakdown(request, pk: int):
    """The points come from the ranking's own SQL, run for this one cadre."""
    result = get_object_or_404(
        QuarterResult.objects.for_user(request.user).select_related("cadre", "county"), pk=pk
    )
    # A GET reads: the scheme exists once the quarter is ranked; the policy's defaults are not saved.
    scheme = find_scheme(county=result.county, year=result.year)
    if scheme is None:
        raise Http404
    policy = Policy.objects.filter(county=result.county).first() or Policy(county=result.county)
    b = cadre_breakdown(
        county_id=result.county_id,
        policy=policy,
        year=result.year,
        quarter=result.quarter,
        cadre_id=result.cadre_id,
    )
    lines = []
    if b is not None:
        for ind in ordered_indicators(scheme):
            lines.append((ind, b.points.get(ind.id)))
    return render(
        request,
        "appraisal/partials/breakdown.html",
        {"result": result, "lines": lines, "b": b, "colspan": 7 + len(CATEGORY_ORDER)},
    )
