"""The annual ranking page."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from appraisal import selectors
from appraisal.forms import RankingFilterForm
from appraisal.models import Cohort, Grade
from appraisal.ranking import annual_is_final
from appraisal.views.common import can_edit, check_year, request_county, user_counties
from core.listing import PAGE_SIZE as RANKING_PAGE_SIZE
from core.periods import last_complete_quarter


@login_required
def annual(request):
    county = request_county(request)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = last_complete_quarter()[0]
    check_year(year)
    base = selectors.annual_results(user=request.user, county=county, year=year)
    form = RankingFilterForm(request.GET, user=request.user, county=county)
    filtered = form.apply(base)
    grade_counts = selectors.grade_counts(filtered)
    page = Paginator(selectors.annual_page_rows(filtered), RANKING_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    groups: dict[str, list] = defaultdict(list)
    for r in page.object_list:
        groups[r.cohort].append(r)
    this_year = timezone.localdate().year
    return render(
        request,
        "appraisal/annual.html",
        {
            "county": county,
            "counties": user_counties(request.user),
            "year": year,
            "years": list(range(this_year, this_year - 4, -1)),
            "form": form,
            "page": page,
            "total": sum(grade_counts.values()),
            "grade_stats": [(g.label, grade_counts.get(g.value, 0)) for g in Grade],
            "not_ranked": grade_counts.get(None, 0),
            "tables": [(c, groups[c.value]) for c in Cohort if groups[c.value]],
            "final": annual_is_final(county_id=county.pk, year=year),
            "can_edit": can_edit(request.user),
        },
    )
