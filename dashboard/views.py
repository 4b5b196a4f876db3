import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance.leave.workflow import (
    LeaveError,
    approve_leave,
    cadre_leave,
    create_leave,
    leave_queue,
    reject_leave,
)
from attendance.models import LeaveRequest
from attendance.reminders import ReminderError, send_reminders
from cadres.accounts import own_cadre
from cadres.models import Cadre, Posting
from cadres.permissions import can_manage_postings
from core.history import history_entries
from core.models import TaskFailure
from core.scoping import area_for
from dashboard.figures import dashboard_data
from dashboard.forms import CadreLeaveForm, LeaveRejectForm
from dashboard.selectors import cadre_home, cadre_month, postings_of_cadre
from dashboard.todo import has_anything, todo_for


@login_required
def home(request):
    """The staff home page: the to-do panel first, then the area at a glance (villages, cadres in
    post, gaps and the cadres' structure)."""
    today = timezone.localdate()
    data = dashboard_data(area_for(request.user), today)
    todo = todo_for(request.user, today=today)
    data.update(todo=todo, todo_pending=has_anything(todo))
    if request.user.is_superuser:
        # Only superusers: a failed task's arguments may belong to any county.
        data["task_failures"] = TaskFailure.objects.filter(resolved=False).count()
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


@login_required
def cadre_detail(request, pk):
    """The cadre's page for staff: profile, postings, monthly figures, leave, appraisal and changes."""
    cadre = get_object_or_404(Cadre.objects.for_user(request.user).select_related("home_unit"), pk=pk)
    area = area_for(request.user)
    today = timezone.localdate()
    return render(
        request,
        "cadres/cadre_detail.html",
        {
            "cadre": cadre,
            "age": cadre.age_on(today),
            "postings": postings_of_cadre(area, cadre),
            "today": today,
            "can_manage": can_manage_postings(request.user),
            "leaves": cadre_leave(cadre=cadre, user=request.user),
            "change_history": history_entries(
                Cadre.history.filter(id=cadre.pk), Posting.history.filter(cadre_id=cadre.pk)
            ),
        },
    )


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


# --- leave filed by the cadre, and the 负责人's signature (DOMAIN §4 三级审签) ----------------------


@login_required
def me_leave(request):
    """File one's own leave; a 负责人 also sees the team's requests waiting for their signature."""
    cadre = own_cadre(request)
    form = CadreLeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        posting = Posting.objects.filter(cadre=cadre).covering(data["start_date"]).first()
        if posting is None:
            form.add_error("start_date", _("开始日期不在您的驻村期内"))
        else:
            try:
                create_leave(
                    posting=posting,
                    kind=data["kind"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    reason=data["reason"],
                    user=request.user,
                )
            except LeaveError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("请假申请已提交"))
                return redirect("me:leave")
    return render(
        request,
        "dashboard/me_leave.html",
        {
            "cadre": cadre,
            "form": form,
            "mine": LeaveRequest.objects.filter(cadre=cadre)
            .select_related("posting__village")
            .order_by("-start_date"),
            "to_sign": leave_queue(request.user),
            "reject_form": LeaveRejectForm(),
        },
    )


@login_required
@require_POST
def me_leave_decide(request, pk: int, action: str):
    """The 负责人 signs (同意) or rejects a team member's request; anything else is 404."""
    own_cadre(request)
    if action not in ("sign", "reject"):
        raise Http404
    leave = get_object_or_404(leave_queue(request.user), pk=pk)
    try:
        if action == "sign":
            approve_leave(leave=leave, user=request.user)
            messages.success(request, _("已签字同意，申请转乡镇审批"))
        else:
            form = LeaveRejectForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            reject_leave(leave=leave, user=request.user, reason=reason)
            messages.success(request, _("已驳回"))
    except LeaveError as exc:
        messages.error(request, exc.message)
    return redirect("me:leave")
