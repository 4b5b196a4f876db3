"""What the appraisal pages share: may the user edit, the county and period a request asks for,
the period choices, an .xlsx download and the "no scheme yet" redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _t

from appraisal import exports
from core.periods import MAX_YEAR, MIN_YEAR, last_complete_quarter, parse_quarter, quarter_label
from core.scoping import area_for
from villages.models import County


def can_edit(user) -> bool:
    area = area_for(user)
    return not area.is_township and not area.is_empty


def require_edit(user) -> None:
    if not can_edit(user):
        raise PermissionDenied(_t("只有组织部人员可以修改考核数据"))


def request_county(request) -> County:
    """``?county=`` (id or code) within the user's area, else their first county."""
    counties = County.objects.for_user(request.user).order_by("code")
    wanted = (request.POST.get("county") or request.GET.get("county") or "").strip()
    county = None
    if wanted:
        county = counties.filter(code=wanted).first() or (
            counties.filter(pk=wanted).first() if wanted.isdigit() else None
        )
        if county is None:
            raise Http404
    county = county or counties.first()
    if county is None:
        raise Http404
    return county


def user_counties(user):
    return County.objects.for_user(user).order_by("code")


def check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadRequest(_t("年度应在 %(min)s 至 %(max)s 之间") % {"min": MIN_YEAR, "max": MAX_YEAR})


def request_quarter(request) -> tuple[int, int]:
    text = (request.POST.get("quarter") or request.GET.get("quarter") or "").strip()
    if text:
        try:
            return parse_quarter(text)
        except ValueError:
            pass
    return last_complete_quarter()


def quarter_choices(year: int, quarter: int) -> list[str]:
    this_year = timezone.localdate().year
    labels = [quarter_label(y, q) for y in range(this_year - 2, this_year + 1) for q in range(1, 5)]
    current = quarter_label(year, quarter)
    if current not in labels:
        labels.append(current)
    return sorted(labels, reverse=True)


def download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def no_scheme_yet(request, county, year):
    """A GET never opens a scheme (it would write): send the user to open it with a POST."""
    messages.warning(request, _t("%(year)s年度考核细则尚未建立，请先在本页建立后再录入得分") % {"year": year})
    return redirect(f"{reverse('appraisal:scheme_list')}?county={county.code}")
