"""Staff pages of the diary under /diary/: the 对账销号 ledger, reading a cadre's diary, exports.

Read-only for staff: diaries are written and items closed by the cadres themselves. Every
object comes through the user's scoped queryset (township staff: their township's villages;
organization staff: their counties), so another area's cadre, entry or photo is 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cadres.models import Cadre
from core.listing import choice_param, int_param, paginate
from core.periods import month_start, parse_month
from core.scoping import area_for
from diary import exports, selectors
from diary.models import Entry, EntryPhoto, Item
from villages.models import County, Township, Village


def _staff_area(request):
    area = area_for(request.user)
    if area.is_empty or area.is_cadre:
        raise Http404
    return area


def _month(request, today: dt.date) -> tuple[dt.date, str]:
    """The month of the ``month`` parameter (YYYY-MM), else the current one, and an error if bad."""
    text = request.GET.get("month", "").strip()
    if not text:
        return month_start(today), ""
    try:
        return parse_month(text), ""
    except ValueError as exc:
        return month_start(today), str(exc)


@login_required
@require_GET
def ledger(request):
    area = _staff_area(request)
    today = timezone.localdate()
    month, month_error = _month(request, today)
    period = selectors.Period.month(month)
    villages = Village.objects.for_area(area).select_related("township").order_by("township__code", "code")
    townships = Township.objects.for_area(area).order_by("code")
    filters = {
        "township": int_param(request, "township"),
        "village": int_param(request, "village"),
        "cadre": int_param(request, "cadre"),
        "status": choice_param(request, "status", selectors.STATUS_FILTERS),
    }
    items = Item.objects.for_area(area)
    if filters["township"]:
        items = items.filter(village__township_id=filters["township"])
        villages = villages.filter(township_id=filters["township"])
    if filters["village"]:
        items = items.filter(village_id=filters["village"])
    if filters["cadre"]:
        items = items.filter(cadre_id=filters["cadre"])
    cadres = Cadre.objects.filter(pk__in=Item.objects.for_area(area).values("cadre_id")).order_by(
        "name_initials", "id"
    )
    counties = (
        County.objects.for_area(area).order_by("code") if not area.is_township else County.objects.none()
    )
    return render(
        request,
        "diary/ledger.html",
        {
            "today": today,
            "month": month,
            "month_error": month_error,
            "period": period,
            "as_of": period.as_of(today),
            "ledger": selectors.ledger(items, period, today=today),
            "page": paginate(
                request, selectors.item_list(items, period, today=today, status=filters["status"])
            ),
            "filters": filters,
            "statuses": selectors.STATUS_FILTERS,
            "townships": townships,
            "villages": villages,
            "cadres": cadres,
            "counties": counties,
            "is_township": area.is_township,
        },
    )


@login_required
@require_GET
def ledger_export(request):
    """The month's 民情台账 workbook of a county (township staff: their township's rows)."""
    area = _staff_area(request)
    today = timezone.localdate()
    month, month_error = _month(request, today)
    if month_error:
        return HttpResponse(month_error, status=400, content_type="text/plain; charset=utf-8")
    township_id = None
    if area.is_township:
        county = Township.objects.get(pk=area.township_id).county
        township_id = area.township_id
    else:
        code = request.GET.get("county", "").strip()
        counties = County.objects.for_area(area)
        county = counties.filter(code=code).first() if code else counties.order_by("code").first()
        if county is None:
            raise Http404
    data = exports.ledger_workbook(county_id=county.pk, month=month, today=today, township_id=township_id)
    response = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
    name = f"民情台账_{county.code}_{month:%Y-%m}.xlsx"
    response["Content-Disposition"] = _attachment(name)
    return response


def _attachment(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"diary.xlsx\"; filename*=UTF-8''{quote(name)}"


def _period_params(request) -> tuple[dt.date | None, dt.date | None]:
    def parse(name):
        try:
            return dt.date.fromisoformat(request.GET.get(name, "").strip())
        except ValueError:
            return None

    return parse("from"), parse("to")


@login_required
@require_GET
def cadre_diary(request, pk):
    area = _staff_area(request)
    cadre = get_object_or_404(Cadre.objects.for_area(area), pk=pk)
    today = timezone.localdate()
    first, last = _period_params(request)
    entries = selectors.cadre_entries(Entry.objects.for_area(area), cadre_id=cadre.pk, first=first, last=last)
    items = Item.objects.for_area(area).filter(cadre=cadre).select_related("village", "entry")
    if first:
        items = items.filter(raised_on__gte=first)
    if last:
        items = items.filter(raised_on__lte=last)
    return render(
        request,
        "diary/cadre_diary.html",
        {
            "cadre": cadre,
            "today": today,
            "first": first,
            "last": last,
            "page": paginate(request, entries, per_page=20),
            "items": items.order_by("status", "due_date", "id"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def cadre_diary_export(request, pk):
    area = _staff_area(request)
    cadre = get_object_or_404(Cadre.objects.for_area(area), pk=pk)
    first, last = _period_params(request)
    entries = selectors.cadre_entries(Entry.objects.for_area(area), cadre_id=cadre.pk, first=first, last=last)
    items = (
        Item.objects.for_area(area).filter(cadre=cadre).select_related("village").order_by("raised_on", "id")
    )
    if first:
        items = items.filter(raised_on__gte=first)
    if last:
        items = items.filter(raised_on__lte=last)
    data = exports.write_cadre_diary(
        cadre=cadre, entries=entries.order_by("date", "id"), items=items, today=timezone.localdate()
    )
    response = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(f"民情日记_{cadre.name}.xlsx")
    return response


@login_required
@require_GET
def entry_detail(request, pk):
    area = _staff_area(request)
    entry = get_object_or_404(
        Entry.objects.for_area(area)
        .select_related("cadre", "village__township")
        .prefetch_related("items", "photos"),
        pk=pk,
    )
    return render(
        request,
        "diary/entry_detail.html",
        {"entry": entry, "today": timezone.localdate(), "history": selectors.entry_history(entry)},
    )


def serve_photo(request, pk):
    """A diary photo, to users whose area holds its entry (and the cadre who took it) only."""
    photo = get_object_or_404(EntryPhoto.objects.for_user(request.user), pk=pk)
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("照片文件不存在"))
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def photo(request, pk):
    _staff_area(request)
    return serve_photo(request, pk)


@login_required
@require_GET
def overdue_card(request):
    """The dashboard's card of overdue items, loaded by htmx (core knows nothing of the diary)."""
    area = area_for(request.user)
    if area.is_empty or area.is_cadre:
        return HttpResponse("")
    today = timezone.localdate()
    overdue = selectors.overdue_items(area, today)
    return render(
        request,
        "diary/partials/overdue_card.html",
        {"overdue": overdue[:10], "overdue_count": overdue.count(), "today": today},
    )
