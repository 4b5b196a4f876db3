"""Monthly totals pages and downloads: thin views over ``selectors`` and ``exports``.

Everything reads stored MonthlyTotal rows through ``for_user`` scoping; nothing is recomputed here.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms.utils import flatatt
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from attendance.models import MARK_SYMBOLS, MonthlyTotal
from attendance.totals import exports
from attendance.totals import selectors as sel
from cadres.models import Cadre, DispatchingUnit, Posting
from core.periods import add_months, last_complete_month, month_end, parse_month
from core.replica import replica_reads
from core.scoping import area_for
from villages.models import County, Township, Village

PAGE_SIZE = 50


def _month(request, default: dt.date | None = None) -> dt.date:
    """``?month=YYYY-MM``, else ``default`` (the last complete month)."""
    text = request.GET.get("month", "").strip()
    if text:
        try:
            return parse_month(text)
        except ValueError:
            pass
    return default or last_complete_month()


class _PlainSelect(forms.Select):
    """A ModelChoiceField's ``<select>`` written in Python from one plain query.

    Django renders each option through a template and reads the choices with a server-side cursor:
    for a county's ~150 villages that was a third of the monthly report's time. ``objects`` are the
    field's choices when the form has already read them.
    """

    objects = None

    def render(self, name, value, attrs=None, renderer=None):
        field = self.choices.field
        selected = set(self.format_value(value))
        objects = field.queryset if self.objects is None else self.objects
        options = [("", field.empty_label)] if field.empty_label is not None else []
        options += [(str(field.prepare_value(obj)), field.label_from_instance(obj)) for obj in objects]
        return format_html(
            "<select{}>{}</select>",
            flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name})),
            format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((v, " selected" if v in selected else "", label) for v, label in options),
            ),
        )


class TotalsFilterForm(forms.Form):
    township = forms.ModelChoiceField(
        label=_("乡镇"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("全部乡镇"),
        widget=_PlainSelect,
    )
    village = forms.ModelChoiceField(
        label=_("村"),
        queryset=Village.objects.none(),
        required=False,
        empty_label=_("全部村"),
        widget=_PlainSelect,
    )
    role = forms.ChoiceField(
        label=_("职务"), choices=[("", _("全部职务")), *Posting.Role.choices], required=False
    )
    compliant = forms.ChoiceField(
        label=_("是否达标"),
        choices=[("", _("全部")), ("yes", _("达标")), ("no", _("不达标"))],
        required=False,
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        townships = Township.objects.for_user(user).order_by("code")
        self.fields["township"].queryset = townships
        self.fields["township"].widget.objects = townships = list(townships)
        villages = Village.objects.for_user(user).order_by("code")
        township_id = data.get("township", "")
        if township_id.isdigit():
            villages = villages.filter(township_id=int(township_id))
        else:
            # The area's township ids as a list: the planner then reads the villages by index
            # instead of scanning the province's villages (a county has ~12 townships).
            villages = villages.filter(township_id__in=[t.pk for t in townships])
        self.fields["village"].queryset = villages

    def apply(self, queryset):
        """Filter by whatever is valid (an invalid or out-of-area choice is simply ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return sel.filter_totals(
            queryset,
            township=data.get("township"),
            village=data.get("village"),
            role=data.get("role", ""),
            compliant=data.get("compliant", ""),
        )


def _area_name(user) -> str:
    """The county (or township) name for titles and file names when the area is one place."""
    area = area_for(user)
    if area.is_township:
        township = Township.objects.filter(pk=area.township_id).select_related("county").first()
        return f"{township.county.name}{township.name}" if township else ""
    if not area.everything and len(area.county_ids) == 1:
        county = County.objects.filter(pk=next(iter(area.county_ids))).first()
        return county.name if county else ""
    return ""


def _filtered(request):
    month = _month(request)
    form = TotalsFilterForm(request.GET, user=request.user)
    totals = form.apply(sel.month_totals(user=request.user, month=month))
    return month, form, totals


def _month_nav(month: dt.date) -> dict:
    return {"month": month, "prev_month": add_months(month, -1), "next_month": add_months(month, 1)}


@login_required
@replica_reads
def monthly_report(request):
    month, form, totals = _filtered(request)
    sort = request.GET.get("sort", sel.DEFAULT_SORT)
    page = Paginator(sel.sort_totals(totals, sort), PAGE_SIZE).get_page(request.GET.get("page"))
    columns = [
        ("township", _("乡镇")),
        ("village", _("村")),
        ("name", _("姓名")),
        ("role", _("职务")),
        ("unit", _("派出单位")),
        ("posted", _("驻村天数")),
        ("on_site", _("在岗天数")),
        ("overnight", _("住村天数")),
        ("trip", _("公出天数")),
        ("leave", _("请假天数")),
        ("absent", _("缺勤天数")),
        ("unreported", _("未报天数")),
        ("required_on_site", _("应在岗天数")),
        ("required_overnight", _("应住村天数")),
        ("compliant", _("是否达标")),
        ("allowance", _("生活补助(元)")),
    ]
    return render(
        request,
        "attendance/monthly_report.html",
        {
            **_month_nav(month),
            "form": form,
            "page": page,
            "sum": sel.totals_line(totals),
            "sort": sort,
            "columns": columns,
            "numeric_from": 5,
            "units": DispatchingUnit.objects.for_user(request.user).order_by("code"),
        },
    )


@login_required
@replica_reads
def monthly_export(request):
    """The 月度驻村考勤统计表 of the page's month and filters, in the page's order."""
    month, _form, totals = _filtered(request)
    totals = sel.sort_totals(totals, request.GET.get("sort", sel.DEFAULT_SORT))
    area_name = _area_name(request.user)
    data = exports.write_monthly_report(totals=totals, month=month, area_name=area_name)
    return _download(data, exports.monthly_filename(month, area_name), exports.XLSX_CONTENT_TYPE)


@login_required
@replica_reads
def allowance_export(request):
    """生活补助发放表 per dispatching unit: ``?layout=sheets`` (default) or ``files`` (.zip); ``?unit=`` one unit."""
    month, _form, totals = _filtered(request)
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit():
        totals = totals.filter(posting__unit_id=int(unit_id))
    totals = totals.order_by(
        "posting__unit__code", "township__code", "village__code", "cadre__name_initials", "id"
    )
    layout = "files" if request.GET.get("layout") == "files" else "sheets"
    data, extension, content_type = exports.write_allowance(totals=totals, month=month, layout=layout)
    area_name = _area_name(request.user)
    return _download(data, exports.allowance_filename(month, extension, area_name), content_type)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@replica_reads
def township_overview(request):
    month = _month(request)
    rows = sel.township_overview(user=request.user, month=month)
    return render(
        request,
        "attendance/monthly_townships.html",
        {
            **_month_nav(month),
            "rows": rows,
            "sum": sel.totals_line(sel.month_totals(user=request.user, month=month)),
        },
    )


@login_required
@replica_reads
def monthly_charts(request):
    month = _month(request)
    trend = sel.compliance_by_month(user=request.user, last_month=month, months=12)
    distribution = sel.on_site_distribution(user=request.user, month=month)
    chart_data = {
        "labels": {
            "rate": str(_("达标率（百分比）")),
            "rows": str(_("统计人次")),
            "count": str(_("人次")),
            "on_site_days": str(_("在岗天数")),
        },
        "trend": {
            "labels": [_("%(y)s年%(m)s月") % {"y": m["month"].year, "m": m["month"].month} for m in trend],
            "rates": [round(m["rate"] * 100, 1) if m["rate"] is not None else None for m in trend],
            "rows": [m["rows"] for m in trend],
        },
        "distribution": {
            "labels": [str(d["days"]) for d in distribution],
            "rows": [d["rows"] for d in distribution],
        },
    }
    return render(
        request,
        "attendance/monthly_charts.html",
        {
            **_month_nav(month),
            "chart_data": chart_data,
            "trend": trend,
            "total_rows": sum(d["rows"] for d in distribution),
        },
    )


def _calendar(
    month: dt.date, records: dict, windows: list[tuple[dt.date, dt.date]], today: dt.date
) -> list[list]:
    """Weeks (Monday first) of cells: None outside the month, else a dict for the day."""
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        cells = []
        for day in week:
            if day.month != month.month:
                cells.append(None)
                continue
            record = records.get(day)
            posted = any(start <= day <= end for start, end in windows)
            cells.append(
                {
                    "date": day,
                    "status": record.status if record else "",
                    "label": record.get_status_display() if record else "",
                    "symbol": MARK_SYMBOLS.get(record.status, "") if record else "",
                    "posted": posted,
                    "future": day > today,
                }
            )
        weeks.append(cells)
    return weeks


def _cadre_default_month(user, cadre) -> dt.date:
    latest = (
        MonthlyTotal.objects.for_user(user)
        .filter(cadre=cadre)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return latest or timezone.localdate().replace(day=1)


@login_required
def cadre_month(request, cadre_id: int):
    """One cadre's month as a calendar coloured by status, with the month's stored figures."""
    cadre = get_object_or_404(Cadre.objects.for_user(request.user), pk=cadre_id)
    month = _month(request, default=_cadre_default_month(request.user, cadre))
    records = sel.cadre_month_records(user=request.user, cadre=cadre, month=month)
    postings = Posting.objects.for_user(request.user).filter(cadre=cadre).overlapping(month, month_end(month))
    windows = [(p.start_date, p.end_date) for p in postings]
    totals = list(sel.cadre_totals(user=request.user, cadre=cadre).filter(month=month))
    legend = [(mark, MARK_SYMBOLS[mark], mark.label) for mark in MARK_SYMBOLS]
    return render(
        request,
        "attendance/monthly_cadre.html",
        {
            **_month_nav(month),
            "cadre": cadre,
            "weeks": _calendar(month, records, windows, timezone.localdate()),
            "totals": totals,
            "legend": legend,
            "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        },
    )


@login_required
def cadre_totals_panel(request, cadre_id: int):
    """A partial for the cadre detail page: the cadre's last 12 stored months (htmx-loaded)."""
    cadre = get_object_or_404(Cadre.objects.for_user(request.user), pk=cadre_id)
    return render(
        request,
        "attendance/partials/totals_cadre_panel.html",
        {"cadre": cadre, "totals": sel.cadre_totals(user=request.user, cadre=cadre, months=12)},
    )
