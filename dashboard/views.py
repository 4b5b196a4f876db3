import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance.reminders import ReminderError, send_reminders
from cadres.models import Cadre
from core.scoping import area_for
from dashboard.figures import dashboard_data
from dashboard.selectors import cadre_home, cadre_month
from dashboard.todo import has_anything, todo_for


@login_required
def home(request):
    """The staff home page: the to-do panel first, then the area at a glance (villages, cadres in
    post, gaps and the cadres' structure)."""
    today = timezone.localdate()
    data = dashboard_data(area_for(request.user), today)
    todo = todo_for(request.user, today=today)
    data.update(todo=todo, todo_pending=has_anything(todo))
    return render(request, "core/dashboard.html", data)


@login_required
@require_POST
def remind(request):
    """催报: chase the late township-months ticked on the dashboard, one reminder each."""
    try:
        sent = send_reminders(
            user=request.user,
            keys=request.POST.getlist("late"),
            note=request.POST.get("note", ""),
            today=timezone.localdate(),
        )
    except ReminderError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已向 %(n)s 个乡镇催报：%(names)s")
            % {"n": len(sent), "names": "、".join(f"{r.township.name}（{r.month:%Y-%m}）" for r in sent)},
        )
    return redirect("dashboard")


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
