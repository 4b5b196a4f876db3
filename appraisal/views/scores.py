"""The score pages: the entry grid, saving one cell, the workbook upload and its template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_POST

from appraisal import selectors
from appraisal.forms import ScoreImportForm
from appraisal.models import Indicator
from appraisal.schemes import find_scheme, get_or_create_scheme, manual_indicators
from appraisal.scores import import_scores, save_rate, save_score, score_template, template_filename
from appraisal.scoring import quarter_cadres
from appraisal.views.common import (
    download,
    no_scheme_yet,
    quarter_choices,
    request_county,
    request_quarter,
    require_edit,
    user_counties,
)
from cadres.models import Cadre, Posting
from cadres.selectors import search_q
from core.periods import quarter_label
from core.xlsx import SpreadsheetRejected
from villages.models import Township

PAGE_SIZE = 30


@login_required
def score_entry(request):
    """The grid: the quarter's cadres × the scheme's manual indicators, plus the rate; saved per cell."""
    require_edit(request.user)
    county = request_county(request)
    year, quarter = request_quarter(request)
    scheme = find_scheme(county=county, year=year)
    if scheme is None:
        return no_scheme_yet(request, county, year)
    indicators = manual_indicators(scheme)
    eligible = quarter_cadres(county_id=county.pk, year=year, quarter=quarter)
    townships = Township.objects.for_user(request.user).filter(county=county).order_by("code")
    township_id = request.GET.get("township", "")
    ids = [
        c.cadre_id
        for c in eligible.values()
        if not township_id.isdigit() or c.township_id == int(township_id)
    ]
    cadres = Cadre.objects.filter(pk__in=ids)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        # Name, pinyin initials or the village of the cadre's posting in the quarter.
        villages = selectors.villages_named(village_ids={c.village_id for c in eligible.values()}, q=q)
        in_villages = [c.cadre_id for c in eligible.values() if c.village_id in villages]
        cadres = cadres.filter(search_q(q) | Q(pk__in=in_villages))
    page = Paginator(cadres.order_by("id_number"), PAGE_SIZE).get_page(request.GET.get("page"))
    on_page = [c.pk for c in page]
    village_names = selectors.village_names(eligible[pk].village_id for pk in on_page)
    entered = selectors.entered_scores(scheme=scheme, year=year, quarter=quarter, cadre_ids=on_page)
    rates = selectors.entered_rates(year=year, quarter=quarter, cadre_ids=on_page)
    grid = [
        (
            cadre,
            eligible[cadre.pk],
            Posting.Role(eligible[cadre.pk].role).label,
            [(i, entered.get((cadre.pk, i.pk))) for i in indicators],
            rates.get(cadre.pk),
            village_names.get(eligible[cadre.pk].village_id, ""),
        )
        for cadre in page
    ]
    return render(
        request,
        "appraisal/score_entry.html",
        {
            "county": county,
            "counties": user_counties(request.user),
            "year": year,
            "quarter": quarter,
            "quarter_text": quarter_label(year, quarter),
            "quarters": quarter_choices(year, quarter),
            "scheme": scheme,
            "indicators": indicators,
            "grid": grid,
            "page": page,
            "townships": townships,
            "township_id": township_id,
            "q": q,
        },
    )


@login_required
@require_POST
def score_cell(request):
    """Save one cell (``indicator`` = an indicator id, or ``rate``) and answer with the cell."""
    require_edit(request.user)
    county = request_county(request)
    year, quarter = request_quarter(request)
    cadre = get_object_or_404(Cadre.objects.for_user(request.user), pk=request.POST.get("cadre") or 0)
    target = request.POST.get("indicator", "")
    value = request.POST.get("value", "")
    indicator = None
    error = None
    if target == "rate":
        try:
            save_rate(county=county, year=year, quarter=quarter, cadre=cadre, value=value, user=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
    else:
        indicator = get_object_or_404(
            Indicator.objects.for_user(request.user).select_related("scheme"),
            pk=target if target.isdigit() else 0,
        )
        try:
            save_score(
                county=county,
                year=year,
                quarter=quarter,
                cadre=cadre,
                indicator=indicator,
                value=value,
                user=request.user,
            )
        except ValidationError as exc:
            error = exc.messages[0]
    # Always 200 so htmx swaps the cell in: an error is shown in the cell, nothing is stored.
    return render(
        request,
        "appraisal/partials/score_cell.html",
        {
            "county": county,
            "quarter_text": quarter_label(year, quarter),
            "cadre": cadre,
            "indicator": indicator,
            "target": target,
            "value": value.strip(),
            "error": error,
            "saved": error is None,
        },
    )


def _score_layout(county, year) -> list[dict]:
    """The score workbook's layout for the page's help: the scheme's manual indicators as columns."""
    indicators = manual_indicators(get_or_create_scheme(county=county, year=year))
    header = [
        "身份证号",
        "姓名",
        *[f"{i.name}（{i.max_points.normalize():f}分）" for i in indicators],
        "民主测评满意率",
    ]
    example = [
        "150599198503120310",
        "张伟",
        *[f"{(i.max_points * 8 / 10).normalize():f}" for i in indicators],
        "95",
    ]
    return [{"name": "评分", "header": header, "rows": [example]}]


@login_required
def score_import(request):
    require_edit(request.user)
    county = request_county(request)
    year, quarter = request_quarter(request)
    form = ScoreImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = import_scores(
                county=county, year=year, quarter=quarter, file=form.cleaned_data["file"], user=request.user
            )
        except SpreadsheetRejected as exc:
            result = None
            messages.error(request, exc.message)
        if result is not None and result.ok:
            messages.success(
                request,
                _t("导入完成：%(rows)s 行，%(scores)s 项得分，%(rates)s 个满意率")
                % {"rows": result.rows, "scores": result.scores, "rates": result.rates},
            )
            return redirect(
                f"{reverse('appraisal:score_entry')}?county={county.code}&quarter={quarter_label(year, quarter)}"
            )
    return render(
        request,
        "appraisal/score_import.html",
        {
            "county": county,
            "counties": user_counties(request.user),
            "year": year,
            "quarter": quarter,
            "quarter_text": quarter_label(year, quarter),
            "quarters": quarter_choices(year, quarter),
            "form": form,
            "layout_sheets": _score_layout(county, year),
            "result": result,
        },
    )


@login_required
def score_template_download(request):
    require_edit(request.user)
    county = request_county(request)
    year, quarter = request_quarter(request)
    if find_scheme(county=county, year=year) is None:
        return no_scheme_yet(request, county, year)
    return download(
        score_template(county=county, year=year, quarter=quarter), template_filename(county, year, quarter)
    )
