"""Attendance upload pages: upload → check (Celery, progress) → errors or summary → confirm; template;
history; original file; reporting board. Thin: the rules live in ``attendance.intake``."""

from __future__ import annotations

import calendar
import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance.intake.annotate import annotate
from attendance.intake.examples import EXAMPLE_FILENAME, example_sheets
from attendance.intake.exports import write_upload_history
from attendance.intake.forms import TemplateForm, UploadForm
from attendance.intake.queue import recheck, start_check
from attendance.intake.template import build_template, template_filename
from attendance.intake.versions import receive_upload
from attendance.intake.write import apply_upload
from attendance.marks import legend
from attendance.models import AttendanceUpload, Mark
from cadres.models import Posting
from core.history import history_entries
from core.intake.cells import CellError
from core.periods import last_complete_month, parse_month_or_none
from core.scoping import area_for
from core.xlsx import SpreadsheetRejected, example_workbook
from villages.models import Township

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _uploads(user):
    return AttendanceUpload.objects.for_user(user).select_related(
        "township", "township__county", "uploaded_by__staff_profile__township"
    )


@login_required
def upload(request):
    # The dashboard's to-do panel links here with ?month=YYYY-MM for the sheet still missing.
    initial = {"month": request.GET["month"]} if parse_month_or_none(request.GET.get("month")) else {}
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        row = receive_upload(
            township=form.cleaned_data["township"],
            month=form.cleaned_data["month"],
            data=f.read(),
            name=f.name,
            user=request.user,
        )
        start_check(upload_id=row.pk)
        return redirect("attendance:upload_detail", pk=row.pk)
    recent = _uploads(request.user)[:10]
    return render(
        request,
        "attendance/upload.html",
        {
            "form": form,
            "recent": recent,
            "legend": legend(),
            "layout_sheets": example_sheets(),
            "template_query": _template_query(request.user),
        },
    )


def _template_query(user) -> str:
    """For a township user, the query that downloads last month's pre-filled template at once."""
    area = area_for(user)
    if not area.is_township:
        return ""
    return f"?township={area.township_id}&month={last_complete_month():%Y-%m}"


@login_required
def example(request):
    """The example workbook of the upload page's help (both layouts, fictitious cadres)."""
    return _attachment(example_workbook(example_sheets()), EXAMPLE_FILENAME)


def _detail_context(upload: AttendanceUpload) -> dict:
    summary = upload.summary or {}
    by_status = summary.get("by_status", {})
    return {
        "upload": upload,
        "errors": [CellError.from_dict(e) for e in upload.errors],
        "warnings": [CellError.from_dict(w) for w in upload.warnings],
        "summary": summary,
        "status_counts": [(Mark(k).label, v) for k, v in by_status.items()],
        "diff": summary.get("diff", {}),
        "annotatable": any(e.get("cell") for e in upload.errors),
    }


@login_required
def upload_detail(request, pk):
    row = get_object_or_404(_uploads(request.user), pk=pk)
    context = _detail_context(row)
    if request.headers.get("HX-Request"):
        return render(request, "attendance/partials/upload_status.html", context)
    context["change_history"] = history_entries(AttendanceUpload.history.filter(id=row.pk))
    return render(request, "attendance/upload_detail.html", context)


@login_required
@require_POST
def upload_confirm(request, pk):
    row = get_object_or_404(_uploads(request.user), pk=pk)
    if row.status == AttendanceUpload.Status.SUPERSEDED:
        messages.error(request, _("该文件已被新上传替代，不能再确认；请查看本乡镇该月最新的上传"))
        return redirect("attendance:upload_detail", pk=row.pk)
    if row.status != AttendanceUpload.Status.PENDING:
        messages.error(request, _("该文件不是待确认状态，不能再次确认"))
        return redirect("attendance:upload_detail", pk=row.pk)
    result = apply_upload(upload=row, user=request.user)
    if result.refusal:
        messages.error(request, result.refusal)
    elif result.applied:
        messages.success(
            request,
            _("已采用：%(township)s %(month)s 的考勤已替换为该文件的内容")
            % {"township": row.township.name, "month": f"{row.month:%Y年%m月}"},
        )
    else:
        messages.error(request, _("确认时重新检查发现问题，文件已退回，请查看错误清单"))
    return redirect("attendance:upload_detail", pk=row.pk)


@login_required
@require_POST
def upload_recheck(request, pk):
    """重新检查: a check that failed (worker lost, time limit) runs again on the stored file."""
    row = get_object_or_404(_uploads(request.user), pk=pk)
    if recheck(upload=row):
        messages.success(request, _("已重新开始检查"))
    else:
        messages.error(request, _("只有“检查失败”的文件可以重新检查"))
    return redirect("attendance:upload_detail", pk=row.pk)


@login_required
def upload_annotated(request, pk):
    row = get_object_or_404(_uploads(request.user), pk=pk)
    if row.status != AttendanceUpload.Status.REJECTED or not row.file:
        raise Http404
    with row.file.open("rb") as fh:
        data = fh.read()
    try:
        annotated = annotate(data, row.errors)
    except SpreadsheetRejected as exc:
        messages.error(request, exc.message)
        return redirect("attendance:upload_detail", pk=row.pk)
    name = row.original_name.rsplit(".", 1)[0] + _("（错误标注）") + ".xlsx"
    return _attachment(annotated, name)


@login_required
def upload_file(request, pk):
    row = get_object_or_404(_uploads(request.user), pk=pk)
    if not row.file:
        raise Http404
    try:
        fh = row.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(fh, as_attachment=True, filename=row.original_name, content_type=XLSX)


@login_required
def template(request):
    form = TemplateForm(request.GET or None, user=request.user)
    if request.GET and form.is_valid():
        township, month = form.cleaned_data["township"], form.cleaned_data["month"]
        return _attachment(build_template(township=township, month=month), template_filename(township, month))
    return render(request, "attendance/template_form.html", {"form": form, "legend": legend()})


@login_required
def history(request):
    qs = _uploads(request.user)
    townships = Township.objects.for_user(request.user).order_by("code")
    township_id = request.GET.get("township") or ""
    if township_id.isdigit():
        qs = qs.filter(township_id=int(township_id))
    month = parse_month_or_none(request.GET.get("month"))
    if month:
        qs = qs.filter(month=month)
    status = request.GET.get("status") or ""
    if status in AttendanceUpload.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("format") == "xlsx":
        return _attachment(write_upload_history(qs.iterator(chunk_size=2000)), "考勤上报记录.xlsx")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/history.html",
        {
            "page": page,
            "townships": townships,
            "township_id": township_id,
            "month": request.GET.get("month", ""),
            "status": status,
            "statuses": AttendanceUpload.Status.choices,
        },
    )


def _last_months(today: dt.date, n: int) -> list[dt.date]:
    months = []
    m = today.replace(day=1)
    for _i in range(n):
        months.append(m)
        m = (m - dt.timedelta(days=1)).replace(day=1)
    return months


@login_required
def board(request):
    months = _last_months(timezone.localdate(), 6)
    townships = list(Township.objects.for_user(request.user).select_related("county").order_by("code"))
    accepted = (
        AttendanceUpload.objects.for_user(request.user)
        .filter(status=AttendanceUpload.Status.ACCEPTED, month__gte=months[-1])
        .select_related("uploaded_by__staff_profile__township")
        .order_by("decided_at")
    )
    latest = {(u.township_id, u.month): u for u in accepted}
    ids = [t.pk for t in townships]
    posted = set()
    for m in months:
        last = m.replace(day=calendar.monthrange(m.year, m.month)[1])
        for tid in (
            Posting.objects.filter(village__township_id__in=ids)
            .overlapping(m, last)
            .values_list("village__township_id", flat=True)
            .distinct()
        ):
            posted.add((tid, m))
    rows = []
    for t in townships:
        cells = [
            {"month": m, "upload": latest.get((t.pk, m)), "expected": (t.pk, m) in posted, "current": i == 0}
            for i, m in enumerate(months)
        ]
        missing = sum(1 for c in cells if c["expected"] and not c["upload"] and not c["current"])
        rows.append({"township": t, "cells": cells, "missing": missing})
    return render(request, "attendance/board.html", {"months": months, "rows": rows})
