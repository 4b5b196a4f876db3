"""Staff pages of check-ins: the import upload (org staff), the township-month reconciliation
(township and org staff), its workbook, and the attendance template pre-filled from check-ins.
Thin: the rules live in ``checkins.importing`` and ``checkins.reconciliation``."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from attendance.intake.template import build_template, template_filename
from checkins.exports import reconciliation_filename, reconciliation_workbook
from checkins.forms import ImportForm
from checkins.importing import import_checkins
from checkins.reconciliation import (
    FINDING_LABELS,
    NoAcceptedSheet,
    finding_counts,
    reconcile,
    suggestions,
)
from core.listing import int_param, paginate
from core.periods import last_complete_month, parse_month_or_none
from core.scoping import area_for
from villages.models import Township, Village

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 300


def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _require_org(user) -> None:
    area = area_for(user)
    if not (area.everything or area.county_ids):
        raise Http404


@login_required
def import_page(request):
    """Upload a check-in workbook: checked whole, written only when it has no error."""
    _require_org(request.user)
    result = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = import_checkins(file=form.cleaned_data["file"], user=request.user)
        if result.ok:
            form = ImportForm()
    return render(
        request,
        "checkins/import.html",
        {
            "form": form,
            "result": result,
            "errors": result.errors[:ERRORS_SHOWN] if result else [],
            "errors_hidden": max(0, len(result.errors) - ERRORS_SHOWN) if result else 0,
        },
    )


def _township_month(request) -> tuple[list, Township | None, dt.date]:
    """The user's townships, the chosen one (404 when it is outside the area) and the month."""
    townships = list(Township.objects.for_user(request.user).select_related("county").order_by("code"))
    if not townships and not area_for(request.user).everything:
        raise Http404
    chosen = int_param(request, "township")
    township = None
    if chosen:
        township = get_object_or_404(Township.objects.for_user(request.user), pk=chosen)
    elif len(townships) == 1:
        township = townships[0]
    month = parse_month_or_none(request.GET.get("month")) or last_complete_month()
    if month > timezone.localdate().replace(day=1):
        month = last_complete_month()
    return townships, township, month


@login_required
def reconciliation(request):
    townships, township, month = _township_month(request)
    context = {
        "townships": townships,
        "township": township,
        "month": month,
        "finding_labels": FINDING_LABELS,
        "has_sheet": False,
    }
    if township is not None:
        villages = Village.objects.filter(township=township).order_by("code")
        village_id = int_param(request, "village")
        if village_id and not villages.filter(pk=village_id).exists():
            village_id = None
        finding = request.GET.get("finding", "")
        if finding not in FINDING_LABELS:
            finding = ""
        try:
            rows = reconcile(township=township, month=month, village_id=village_id)
        except NoAcceptedSheet:
            rows = None
        if rows is not None:
            counts = finding_counts(rows)
            if finding:
                rows = [r for r in rows if finding in r.findings]
            context.update(
                has_sheet=True,
                page=paginate(request, rows, per_page=100),
                counts=[(code, FINDING_LABELS[code], n) for code, n in counts.items()],
                villages=villages,
                village_id=village_id,
                finding=finding,
            )
    return render(request, "checkins/reconciliation.html", context)


@login_required
def reconciliation_export(request):
    _townships, township, month = _township_month(request)
    if township is None:
        raise Http404
    try:
        rows = reconcile(township=township, month=month)
    except NoAcceptedSheet:
        raise Http404
    return _attachment(
        reconciliation_workbook(township=township, rows=rows), reconciliation_filename(township, month)
    )


@login_required
def prefilled_template(request):
    """The month's attendance template with √/○ suggested from check-ins (DOMAIN §10)."""
    _townships, township, month = _township_month(request)
    if township is None:
        raise Http404
    data = build_template(
        township=township, month=month, suggestions=suggestions(township=township, month=month)
    )
    return _attachment(data, template_filename(township, month).replace(".xlsx", "（签到预填）.xlsx"))
