"""Leave request pages: list (with the approver's queue), create, detail, approve, reject."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance.leave.forms import LeaveForm, RejectForm
from attendance.leave.workflow import (
    LeaveError,
    approve_leave,
    create_leave,
    decision_step,
    leave_queue,
    leaves_for_user,
)
from attendance.models import LeaveRequest


@login_required
def leave_list(request):
    qs = leaves_for_user(request.user)
    status = request.GET.get("status") or ""
    if status in LeaveRequest.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    queue = list(leave_queue(request.user)[:100])
    return render(
        request,
        "attendance/leave_list.html",
        {"page": page, "queue": queue, "status": status, "statuses": LeaveRequest.Status.choices},
    )


@login_required
def leave_create(request):
    form = LeaveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            leave = create_leave(
                posting=d["posting"],
                kind=d["kind"],
                start_date=d["start_date"],
                end_date=d["end_date"],
                reason=d["reason"],
                user=request.user,
            )
        except LeaveError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("请假申请已登记"))
            return redirect("attendance:leave_detail", pk=leave.pk)
    return render(request, "attendance/leave_form.html", {"form": form})


@login_required
def leave_detail(request, pk):
    leave = get_object_or_404(leaves_for_user(request.user), pk=pk)
    return render(
        request,
        "attendance/leave_detail.html",
        {"leave": leave, "step": decision_step(request.user, leave), "reject_form": RejectForm()},
    )


@login_required
@require_POST
def leave_approve(request, pk):
    leave = get_object_or_404(leaves_for_user(request.user), pk=pk)
    try:
        leave = approve_leave(leave=leave, user=request.user)
    except LeaveError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已同意：%(s)s") % {"s": leave.get_status_display()})
    return redirect("attendance:leave_detail", pk=pk)


@login_required
@require_POST
def leave_reject(request, pk):
    from attendance.leave.workflow import reject_leave

    leave = get_object_or_404(leaves_for_user(request.user), pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("驳回必须填写理由"))
        return redirect("attendance:leave_detail", pk=pk)
    try:
        reject_leave(leave=leave, user=request.user, reason=form.cleaned_data["reason"])
    except LeaveError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已驳回"))
    return redirect("attendance:leave_detail", pk=pk)
