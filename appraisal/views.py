"""Appraisal pages: thin views over the scheme, score and ranking services.

Every queryset goes through ``for_user``; township staff read their township's results and
are refused (403) on anything that edits; another area's object is a 404.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format, number_format
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from appraisal import exports
from appraisal.models import (
    CATEGORY_ORDER,
    AnnualResult,
    Category,
    Cohort,
    DemocraticRate,
    Grade,
    Indicator,
    QuarterResult,
    Scheme,
    Score,
    Source,
)
from appraisal.ranking import annual_is_final
from appraisal.ranking_sql import cadre_breakdown
from appraisal.schemes import (
    copy_scheme,
    find_scheme,
    get_or_create_scheme,
    manual_indicators,
    ordered_indicators,
    replace_indicators,
    scheme_filename,
    scheme_workbook,
)
from appraisal.scores import import_scores, save_rate, save_score, score_template, template_filename
from appraisal.scoring import quarter_cadres
from cadres.models import Cadre, Posting
from cadres.selectors import search_q
from core.listing import PAGE_SIZE as PAGE_SIZE_LISTS
from core.periods import MAX_YEAR, MIN_YEAR, last_complete_quarter, parse_quarter, quarter_label
from core.replica import replica_reads
from core.scoping import area_for
from core.xlsx import SpreadsheetRejected
from villages.models import County, Policy, Township, Village

PAGE_SIZE = 30
# Ranking pages list 50 rows a page, like the other lists (core.listing).
RANKING_PAGE_SIZE = PAGE_SIZE_LISTS


def _can_edit(user) -> bool:
    area = area_for(user)
    return not area.is_township and not area.is_empty


def _require_edit(user) -> None:
    if not _can_edit(user):
        raise PermissionDenied(_t("只有组织部人员可以修改考核数据"))


def _county(request, *, required: bool = True) -> County | None:
    """``?county=`` (id or code) within the user's area, else their first county."""
    counties = County.objects.for_user(request.user).order_by("code")
    wanted = (request.POST.get("county") or request.GET.get("county") or "").strip()
    county = None
    if wanted:
        county = counties.filter(code=wanted).first() or (
            counties.filter(pk=wanted).first() if wanted.isdigit() else None
        )
        if county is None:
            from django.http import Http404

            raise Http404
    county = county or counties.first()
    if county is None and required:
        from django.http import Http404

        raise Http404
    return county


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadRequest(_t("年度应在 %(min)s 至 %(max)s 之间") % {"min": MIN_YEAR, "max": MAX_YEAR})


def _quarter(request) -> tuple[int, int]:
    text = (request.POST.get("quarter") or request.GET.get("quarter") or "").strip()
    if text:
        try:
            return parse_quarter(text)
        except ValueError:
            pass
    return last_complete_quarter()


def _quarter_choices(year: int, quarter: int) -> list[str]:
    today = timezone.localdate()
    this_year = today.year
    labels = [quarter_label(y, q) for y in range(this_year - 2, this_year + 1) for q in range(1, 5)]
    current = quarter_label(year, quarter)
    if current not in labels:
        labels.append(current)
    return sorted(labels, reverse=True)


def _download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class RankingFilterForm(forms.Form):
    township = forms.ModelChoiceField(
        label=_("乡镇"), queryset=Township.objects.none(), required=False, empty_label=_("全部乡镇")
    )
    cohort = forms.ChoiceField(
        label=_("排名组"), choices=[("", _("全部排名组")), *Cohort.choices], required=False
    )
    grade = forms.ChoiceField(
        label=_("等次"),
        choices=[("", _("全部等次")), *Grade.choices, ("NONE", _("不参与排名"))],
        required=False,
    )
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("姓名、拼音首字母或村名"), "size": 16}),
    )

    def __init__(self, data, *, user, county):
        # Links may name a cohort or grade by its Chinese label (?cohort=负责人); map it to the value.
        data = data.copy()
        for key, choices in (("cohort", Cohort), ("grade", Grade)):
            by_label = {str(c.label): c.value for c in choices}
            if data.get(key) in by_label:
                data[key] = by_label[data[key]]
        if data.get("grade") == "不参与排名":
            data["grade"] = "NONE"
        super().__init__(data)
        self.fields["township"].queryset = (
            Township.objects.for_user(user).filter(county=county).order_by("code")
        )

    def has_filters(self) -> bool:
        self.is_valid()
        return any(getattr(self, "cleaned_data", {}).get(k) for k in ("township", "cohort", "grade", "q"))

    def apply(self, queryset):
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("township"):
            queryset = queryset.filter(township=data["township"])
        if data.get("cohort"):
            queryset = queryset.filter(cohort=data["cohort"])
        if data.get("grade") == "NONE":
            queryset = queryset.filter(ranked=False)
        elif data.get("grade"):
            queryset = queryset.filter(grade=data["grade"])
        if data.get("q"):
            queryset = queryset.filter(
                search_q(data["q"], name="cadre__name", initials="cadre__name_initials")
                | Q(village__name__icontains=data["q"].strip())
            )
        return queryset


def _quarter_results(request):
    county = _county(request)
    year, quarter = _quarter(request)
    base = QuarterResult.objects.for_user(request.user).filter(county=county, year=year, quarter=quarter)
    form = RankingFilterForm(request.GET, user=request.user, county=county)
    return county, year, quarter, base, form


def _grade_chart(results) -> dict:
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


_ROW_FIELDS = (
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
_BADGE_CLASS = {Grade.EXCELLENT: "badge ok", Grade.POOR: "badge bad", Grade.AVERAGE: "badge warn"}


def _url_pattern(name: str) -> str:
    """``reverse`` once with a marker id, so each row only formats its id in."""
    return reverse(name, args=[987654321]).replace("987654321", "{}")


def _ranking_tables(rows) -> list[tuple]:
    """The ranking page's tables, one per cohort on the page: each row's HTML built here from a
    narrow ``values_list`` (``_ROW_FIELDS``; model instances and per-row template tags were most
    of the page's time). Text is escaped; numbers are shown as the template showed them."""
    history_url = _url_pattern("appraisal:cadre_history")
    breakdown_url = _url_pattern("appraisal:breakdown")
    roles = {value: str(label) for value, label in Posting.Role.choices}
    grades = {value: str(label) for value, label in Grade.choices}
    not_ranked = f'<span class="badge">{escape(_t("不参与排名"))}</span>'
    sep = get_format("DECIMAL_SEPARATOR")

    def num(value) -> str:
        return number_format(value) if settings.USE_THOUSAND_SEPARATOR else str(value).replace(".", sep)

    def text(value) -> str:
        return html.escape(str(value or ""))

    groups: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        (pk, cohort, rank, township, village, cadre_id, name, role, unit, days) = row[:10]
        common, discipline, democratic, bonus, deduction, composite, ranked, grade = row[10:]
        if not ranked:
            badge = not_ranked
        else:
            label = text(grades.get(grade, grade))
            badge = f'<span class="{_BADGE_CLASS.get(grade, "badge")}">{label}</span>'
        groups[cohort].append(
            f'<tr id="result-{pk}">'
            f'<td class="num">{rank or "—"}</td>'
            f'<td class="nowrap">{text(township)}</td><td class="nowrap">{text(village)}</td>'
            f'<td class="nowrap"><a href="{history_url.format(cadre_id)}" hx-get="{breakdown_url.format(pk)}" '
            f'hx-target="#result-{pk}" hx-swap="afterend">{text(name)}</a></td>'
            f"<td>{text(roles.get(role, role))}</td><td>{text(unit)}</td>"
            f'<td class="num">{days}</td>'
            f'<td class="num">{num(common)}</td><td class="num">{num(discipline)}</td>'
            f'<td class="num">{num(democratic)}</td><td class="num">{num(bonus)}</td>'
            f'<td class="num">{num(deduction)}</td>'
            f'<td class="num"><strong>{num(composite)}</strong></td>'
            f"<td>{badge}</td></tr>"
        )
    return [(c, mark_safe("\n".join(groups[c.value]))) for c in Cohort if groups[c.value]]  # noqa: S308


@login_required
@replica_reads
def ranking(request):
    county, year, quarter, base, form = _quarter_results(request)
    # The summary, the chart and the rows all follow the filters.
    filtered = form.apply(base)
    grade_counts = dict(filtered.order_by().values_list("grade").annotate(n=Count("id")))
    page = Paginator(exports.ranking_rows(filtered).values_list(*_ROW_FIELDS), RANKING_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "appraisal/ranking.html",
        {
            "county": county,
            "counties": County.objects.for_user(request.user).order_by("code"),
            "year": year,
            "quarter": quarter,
            "quarter_text": quarter_label(year, quarter),
            "quarters": _quarter_choices(year, quarter),
            "form": form,
            "tables": _ranking_tables(page.object_list),
            "page": page,
            "filtered": form.has_filters(),
            "categories": CATEGORY_ORDER,
            "total": sum(grade_counts.values()),
            "grade_stats": [(g.label, grade_counts.get(g.value, 0)) for g in Grade],
            "not_ranked": grade_counts.get(None, 0),
            "chart": _grade_chart(filtered),
            "can_edit": _can_edit(request.user),
        },
    )


@login_required
@require_POST
def compute(request):
    """The on-demand button: enqueue the county-quarter's ranking (run at once when Celery is eager)."""
    _require_edit(request.user)
    county = _county(request)
    year, quarter = _quarter(request)
    from appraisal.tasks import enqueue_quarterly_ranking

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
    return _download(data, exports.ranking_filename(county.name, year, quarter))


@login_required
def breakdown(request, pk: int):
    """A cadre's quarter indicator by indicator (the htmx partial behind a ranking row)."""
    result = get_object_or_404(
        QuarterResult.objects.for_user(request.user).select_related("cadre", "county"), pk=pk
    )
    # A GET reads: the scheme exists once the quarter is ranked; the policy's defaults are not saved.
    scheme = find_scheme(county=result.county, year=result.year)
    if scheme is None:
        raise Http404
    policy = Policy.objects.filter(county=result.county).first() or Policy(county=result.county)
    b = cadre_breakdown(
        county_id=result.county_id, policy=policy, year=result.year, quarter=result.quarter, cadre_id=result.cadre_id
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


@login_required
def annual(request):
    county = _county(request)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = last_complete_quarter()[0]
    _check_year(year)
    base = AnnualResult.objects.for_user(request.user).filter(county=county, year=year)
    form = RankingFilterForm(request.GET, user=request.user, county=county)
    filtered = form.apply(base)
    grade_counts = dict(filtered.order_by().values_list("grade").annotate(n=Count("id")))
    rows = filtered.select_related("cadre", "township", "village", "posting__unit").order_by(
        "cohort", F("rank").asc(nulls_last=True), "-composite", "cadre__id_number"
    )
    page = Paginator(rows, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    groups: dict[str, list] = defaultdict(list)
    for r in page.object_list:
        groups[r.cohort].append(r)
    return render(
        request,
        "appraisal/annual.html",
        {
            "county": county,
            "counties": County.objects.for_user(request.user).order_by("code"),
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 4, -1)),
            "form": form,
            "page": page,
            "total": sum(grade_counts.values()),
            "grade_stats": [(g.label, grade_counts.get(g.value, 0)) for g in Grade],
            "not_ranked": grade_counts.get(None, 0),
            "tables": [(c, groups[c.value]) for c in Cohort if groups[c.value]],
            "final": annual_is_final(county_id=county.pk, year=year),
            "can_edit": _can_edit(request.user),
        },
    )


def _history(request, cadre_id: int):
    cadre = get_object_or_404(Cadre.objects.for_user(request.user), pk=cadre_id)
    results = list(
        QuarterResult.objects.for_user(request.user)
        .filter(cadre=cadre)
        .select_related("village", "township")
        .order_by("year", "quarter")
    )
    return cadre, results, _sparkline(results)


def _sparkline(results, width: int = 320, height: int = 80) -> dict:
    """SVG points of composites over quarters (0–100 scale), so the partial needs no script."""
    if not results:
        return {}
    step = width / max(len(results) - 1, 1)
    points = []
    for i, r in enumerate(results):
        x = round(i * step if len(results) > 1 else width / 2, 1)
        y = round(height - float(min(r.composite, 100)) / 100 * height, 1)
        points.append((x, y, r))
    return {
        "width": width,
        "height": height,
        "points": points,
        "guides": [
            (label, round(height - value / 100 * height, 1)) for label, value in (("90", 90), ("60", 60))
        ],
        "polyline": " ".join(f"{x},{y}" for x, y, _r in points),
    }


@login_required
def cadre_history(request, cadre_id: int):
    cadre, results, spark = _history(request, cadre_id)
    return render(
        request,
        "appraisal/cadre_history.html",
        {"cadre": cadre, "results": results, "spark": spark, "can_edit": _can_edit(request.user)},
    )


@login_required
def cadre_history_panel(request, cadre_id: int):
    """The history as a partial for the cadre detail page (``hx-get`` it, or include the template)."""
    cadre, results, spark = _history(request, cadre_id)
    return render(
        request, "appraisal/partials/cadre_history.html", {"cadre": cadre, "results": results, "spark": spark}
    )


# ---- schemes -----------------------------------------------------------------------------


class IndicatorForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    name = forms.CharField(label=_("指标"), max_length=64)
    max_points = forms.DecimalField(label=_("分值"), max_digits=5, decimal_places=2, min_value=0.01)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices)
    order = forms.IntegerField(label=_("顺序"), min_value=0, required=False)


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=2, can_delete=True)


@login_required
def scheme_list(request):
    schemes = Scheme.objects.for_user(request.user).select_related("county").order_by("county__code", "-year")
    return render(
        request,
        "appraisal/scheme_list.html",
        {
            "schemes": schemes,
            "can_edit": _can_edit(request.user),
            "counties": County.objects.for_user(request.user).order_by("code"),
            "this_year": timezone.localdate().year,
        },
    )


@login_required
@require_POST
def scheme_create(request):
    """Open a county's scheme for a year: last year's copied forward, else the default of §6."""
    _require_edit(request.user)
    county = _county(request)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    _check_year(year)
    scheme = get_or_create_scheme(county=county, year=year)
    return redirect("appraisal:scheme_detail", pk=scheme.pk)


@login_required
def scheme_detail(request, pk: int):
    scheme = get_object_or_404(Scheme.objects.for_user(request.user).select_related("county"), pk=pk)
    indicators = ordered_indicators(scheme)
    locked = scheme.locked
    editable = _can_edit(request.user) and not locked
    formset = None
    if editable:
        initial = [
            {
                "category": i.category,
                "name": i.name,
                "max_points": i.max_points,
                "source": i.source,
                "order": i.order,
            }
            for i in indicators
        ]
        if request.method == "POST":
            formset = IndicatorFormSet(request.POST, initial=initial)
            if formset.is_valid():
                rows = [
                    f.cleaned_data
                    for f in formset.forms
                    if f.cleaned_data and not f.cleaned_data.get("DELETE")
                ]
                target = request.POST.get("diary_target", "").strip()
                try:
                    if target and not target.isdigit():
                        raise ValidationError(_t("民情日记目标篇数应为 1 到 1000 之间的整数"))
                    replace_indicators(scheme=scheme, rows=rows, diary_target=int(target) if target else None)
                except ValidationError as exc:
                    for message in exc.messages:
                        messages.error(request, message)
                else:
                    messages.success(request, _t("考核细则已保存"))
                    return redirect("appraisal:scheme_detail", pk=scheme.pk)
        else:
            formset = IndicatorFormSet(initial=initial)
    elif request.method == "POST":
        if not _can_edit(request.user):
            raise PermissionDenied
        messages.error(request, _t("该年度已录入得分或已计算排名，考核细则不能再修改"))
    totals = defaultdict(lambda: 0)
    for i in indicators:
        totals[i.category] += i.max_points
    return render(
        request,
        "appraisal/scheme_detail.html",
        {
            "scheme": scheme,
            "indicators": indicators,
            "totals": [(c, totals.get(c, 0)) for c in CATEGORY_ORDER],
            "locked": locked,
            "formset": formset,
            "can_edit": _can_edit(request.user),
            "next_year": scheme.year + 1,
            "next_exists": Scheme.objects.filter(county_id=scheme.county_id, year=scheme.year + 1).exists(),
        },
    )


@login_required
@require_POST
def scheme_copy(request, pk: int):
    scheme = get_object_or_404(Scheme.objects.for_user(request.user), pk=pk)
    _require_edit(request.user)
    try:
        new = copy_scheme(scheme=scheme, year=scheme.year + 1)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("appraisal:scheme_detail", pk=scheme.pk)
    messages.success(request, _t("已复制为 %(y)s 年考核细则") % {"y": new.year})
    return redirect("appraisal:scheme_detail", pk=new.pk)


@login_required
def scheme_export(request, pk: int):
    scheme = get_object_or_404(Scheme.objects.for_user(request.user).select_related("county"), pk=pk)
    return _download(scheme_workbook(scheme), scheme_filename(scheme))


# ---- scores ------------------------------------------------------------------------------


@login_required
def score_entry(request):
    """The grid: the quarter's cadres × the scheme's manual indicators, plus the rate; saved per cell."""
    _require_edit(request.user)
    county = _county(request)
    year, quarter = _quarter(request)
    scheme = find_scheme(county=county, year=year)
    if scheme is None:
        return _no_scheme_yet(request, county, year)
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
        villages = set(
            Village.objects.filter(
                pk__in={c.village_id for c in eligible.values()}, name__icontains=q
            ).values_list("pk", flat=True)
        )
        in_villages = [c.cadre_id for c in eligible.values() if c.village_id in villages]
        cadres = cadres.filter(search_q(q) | Q(pk__in=in_villages))
    page = Paginator(cadres.order_by("id_number"), PAGE_SIZE).get_page(request.GET.get("page"))
    on_page = [c.pk for c in page]
    village_names = dict(
        Village.objects.filter(pk__in={eligible[pk].village_id for pk in on_page}).values_list("pk", "name")
    )
    entered = {
        (c, i): p
        for c, i, p in Score.objects.filter(
            indicator__scheme=scheme, year=year, quarter=quarter, cadre_id__in=on_page
        ).values_list("cadre_id", "indicator_id", "points")
    }
    rates = dict(
        DemocraticRate.objects.filter(year=year, quarter=quarter, cadre_id__in=on_page).values_list(
            "cadre_id", "rate"
        )
    )
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
            "counties": County.objects.for_user(request.user).order_by("code"),
            "year": year,
            "quarter": quarter,
            "quarter_text": quarter_label(year, quarter),
            "quarters": _quarter_choices(year, quarter),
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
    _require_edit(request.user)
    county = _county(request)
    year, quarter = _quarter(request)
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


class ScoreImportForm(forms.Form):
    file = forms.FileField(label=_("评分表（.xlsx）"))


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
    _require_edit(request.user)
    county = _county(request)
    year, quarter = _quarter(request)
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
            "counties": County.objects.for_user(request.user).order_by("code"),
            "year": year,
            "quarter": quarter,
            "quarter_text": quarter_label(year, quarter),
            "quarters": _quarter_choices(year, quarter),
            "form": form,
            "layout_sheets": _score_layout(county, year),
            "result": result,
        },
    )


@login_required
def score_template_download(request):
    _require_edit(request.user)
    county = _county(request)
    year, quarter = _quarter(request)
    if find_scheme(county=county, year=year) is None:
        return _no_scheme_yet(request, county, year)
    return _download(
        score_template(county=county, year=year, quarter=quarter), template_filename(county, year, quarter)
    )


def _no_scheme_yet(request, county, year):
    """A GET never opens a scheme (it would write): send the user to open it with a POST."""
    messages.warning(request, _t("%(year)s年度考核细则尚未建立，请先在本页建立后再录入得分") % {"year": year})
    return redirect(f"{reverse('appraisal:scheme_list')}?county={county.code}")
