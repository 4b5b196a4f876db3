"""调阅 (records review, DOMAIN.md §8, §11): an inspection reads the diaries of the cadres it visits.

The inspector picks a period, reads the entries and items (open, overdue, closed), and turns
what they find into a finding through the ordinary finding form, pre-filled with the cadre, the
village and a description. Everything is read through the user's area: another area's
inspection is 404 and another township's diary is not shown.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.scoping import area_for
from diary.selectors import records_review
from inspections.models import Inspection
from inspections.views import can_act

DEFAULT_REVIEW_DAYS = 90


def _date(request, name: str, default: dt.date) -> tuple[dt.date, str]:
    text = request.GET.get(name, "").strip()
    if not text:
        return default, ""
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        return default, _("“%(v)s”不是日期（格式 YYYY-MM-DD）") % {"v": text}


@login_required
@require_GET
def inspection_records(request, pk):
    area = area_for(request.user)
    inspection = get_object_or_404(Inspection.objects.for_area(area).select_related("county"), pk=pk)
    if inspection.kind != Inspection.Kind.RECORDS:
        raise Http404
    last, error_to = _date(request, "to", inspection.date)
    first, error_from = _date(request, "from", last - dt.timedelta(days=DEFAULT_REVIEW_DAYS))
    errors = [e for e in (error_from, error_to) if e]
    if first > last:
        errors.append(_("开始日期不能晚于结束日期"))
        first = last
    review = records_review(
        area,
        cadre_ids=inspection.cadres.values_list("id", flat=True),
        village_ids=inspection.villages.values_list("id", flat=True),
        first=first,
        last=last,
        today=timezone.localdate(),
    )
    finding_url = reverse("decisions:finding_create", args=[inspection.pk])
    for item in review["items"]:
        item.finding_query = urlencode(
            {
                "cadre": item.cadre_id,
                "village": item.village_id,
                "description": _("民情诉求“%(d)s”（%(day)s 提出，期限 %(due)s）未按期办结")
                % {
                    "d": item.description[:60],
                    "day": item.raised_on.isoformat(),
                    "due": item.due_date.isoformat(),
                },
            }
        )
    for row in review["summary"]:
        row.finding_query = urlencode(
            {
                "cadre": row.cadre_id,
                "description": _(
                    "%(first)s 至 %(last)s 民情日记 %(n)d 篇（补记 %(late)d 篇），逾期未办结诉求 %(o)d 件"
                )
                % {
                    "first": first.isoformat(),
                    "last": last.isoformat(),
                    "n": row.entries,
                    "late": row.late_entries,
                    "o": row.overdue,
                },
            }
        )
    return render(
        request,
        "inspections/inspection_records.html",
        {
            "inspection": inspection,
            "first": first,
            "last": last,
            "errors": errors,
            "finding_url": finding_url,
            "can_act": can_act(request.user),
            **review,
        },
    )
