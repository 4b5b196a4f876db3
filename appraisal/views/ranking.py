"""The quarter ranking page, its on-demand compute button and its .xlsx export."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_POST

from appraisal import exports, selectors
from appraisal.forms import RankingFilterForm
from appraisal.models import CATEGORY_ORDER, Cohort, Grade
from appraisal.tasks import enqueue_quarterly_ranking
from appraisal.views.common import (
    can_edit,
    download,
    quarter_choices,
    request_county,
    request_quarter,
    require_edit,
    user_counties,
)
from cadres.models import Posting
from core.listing import PAGE_SIZE as RANKING_PAGE_SIZE
from core.periods import quarter_label
from core.replica import replica_reads

_TEXT_FIELDS = ("township__name", "village__name", "cadre__name", "posting__unit__name")
_NUMBER_FIELDS = ("common", "discipline", "democratic", "bonus", "deduction", "composite")
_BADGE_CLASS = {Grade.EXCELLENT: "badge ok", Grade.POOR: "badge bad", Grade.AVERAGE: "badge warn"}


def _quarter_results(request):
    county = request_county(request)
    year, quarter = request_quarter(request)
    base = selectors.quarter_results(user=request.user, county=county, year=year, quarter=quarter)
    form = RankingFilterForm(request.GET, user=request.user, county=county)
    return county, year, quarter, base, form


def _url_pattern(name: str) -> str:
    """``reverse`` once with a marker id, so each row only formats its id in."""
    return reverse(name, args=[987654321]).replace("987654321", "{}")


def _ranking_tables(rows) -> list[tuple]:
    """The page's tables, one per cohort on the page: each row a dict of what its cells show —
    labels, links and numbers resolved here once (numbers as the template would localize them),
    so the template only prints them, escaped."""
    history_url = _url_pattern("appraisal:cadre_history")
    breakdown_url = _url_pattern("appraisal:breakdown")
    roles = {value: str(label) for value, label in Posting.Role.choices}
    grades = {value: str(label) for value, label in Grade.choices}
    sep = get_format("DECIMAL_SEPARATOR")

    def num(value) -> str:
        return number_format(value) if settings.USE_THOUSAND_SEPARATOR else str(value).replace(".", sep)

    groups: dict[str, list[dict]] = defaultdict(list)
    for values in rows:
        row = dict(zip(selectors.RANKING_ROW_FIELDS, values, strict=True))
        for key in _TEXT_FIELDS:
            row[key] = row[key] or ""
        for key in _NUMBER_FIELDS:
            row[key] = num(row[key])
        row["history_url"] = history_url.format(row["cadre_id"])
        row["breakdown_url"] = breakdown_url.format(row["id"])
        row["role"] = roles.get(row["posting__role"], row["posting__role"]) or ""
        row["grade_label"] = grades.get(row["grade"], row["grade"]) or ""
        row["badge"] = _BADGE_CLASS.get(row["grade"], "badge")
        groups[row["cohort"]].append(row)
    return [(c, groups[c.value]) for c in Cohort if groups[c.value]]


@login_required
@replica_reads
def ranking(request):
    county, year, quarter, base, form = _quarter_results(request)
    # The summary, the chart and the rows all follow the filters.
    filtered = form.apply(base)
    grade_counts = selectors.grade_counts(filtered)
    page = Paginator(selectors.ranking_page_rows(filtered), RANKING_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "appraisal/ranking.html",
        {
            "county": county,
            "counties": user_counties(request.user),
            "year": year,
            "quarter": quarter,
            "quarter_text": quarter_label(year, quarter),
            "quarters": quarter_choices(year, quarter),
            "form": form,
            "tables": _ranking_tables(page.object_list),
            "page": page,
            "filtered": form.has_filters(),
            "categories": CATEGORY_ORDER,
            "total": sum(grade_counts.values()),
            "grade_stats": [(g.label, grade_counts.get(g.value, 0)) for g in Grade],
            "not_ranked": grade_counts.get(None, 0),
            "chart": selectors.grade_chart(filtered),
            "can_edit": can_edit(request.user),
        },
    )


@login_required
@require_POST
def compute(request):
    """The on-demand button: enqueue the county-quarter's ranking (run at once when Celery is eager)."""
    require_edit(request.user)
    county = request_county(request)
    year, quarter = request_quarter(request)
    enqueue_quarterly_ranking(county_id=county.pk, year=year, quarter=quarter)
    messages.success(
        request, _t("已提交 %(q)s 排名计算，稍候刷新本页查看结果") % {"q": quarter_label(year, quarter)}
    )
    return redirect(
        f"{reverse('appraisal:ranking')}?county={county.code}&quarter={quarter_label(year, quarter)}"
    )


@login_required
@replica_reads
def ranking_export(request):
    county, year, quarter, base, form = _quarter_results(request)
    data = exports.write_ranking(results=form.apply(base))
    return download(data, exports.ranking_filename(county.name, year, quarter))
