import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from cadres.models import Cadre
from core.scoping import area_for
from dashboard.selectors import cadre_home, cadre_month


def own_cadre(request) -> Cadre:
    """The cadre behind a cadre's account; 404 for everyone else (staff have no 我的驻村)."""
    area = area_for(request.user)
    if not area.is_cadre:
        raise Http404
    return Cadre.objects.get(pk=area.cadre_id)


@login_required
def me(request):
    cadre = own_cadre(request)
    return render(request, "dashboard/me.html", cadre_home(cadre, today=timezone.localdate()))


@login_required
def me_month(request, year: int, month: int):
    cadre = own_cadre(request)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    first = dt.date(year, month, 1)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    context = cadre_month(cadre, month=first)
    context.update(
        prev_month=prev_month, next_month=next_month if next_month <= timezone.localdate() else None
    )
    return render(request, "dashboard/me_month.html", context)
