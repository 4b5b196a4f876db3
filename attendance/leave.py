"""Leave requests (DOMAIN.md §4): up to ``Policy.leave_township_max_days`` days the township approves;
longer needs the township and then the county organization department. Each decision records who and when."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import LeaveRequest
from core.scoping import area_for
from villages.models import Policy

__all__ = [
    "LeaveError",
    "create_leave",
    "approve_leave",
    "reject_leave",
    "decision_step",
    "needs_county",
    "leave_queue",
    "leaves_for_user",
    "cadre_leave",
]

TOWNSHIP = "township"
COUNTY = "county"


class LeaveError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def needs_county(leave: LeaveRequest) -> bool:
    county_id = leave.posting.village.township.county_id
    return leave.days > Policy.for_county(county_id).leave_township_max_days


def leaves_for_user(user):
    return LeaveRequest.objects.for_user(user).select_related(
        "cadre",
        "posting",
        "posting__village",
        "posting__village__township",
        "created_by__staff_profile__township",
        "township_decided_by__staff_profile__township",
        "county_decided_by__staff_profile__township",
    )


def decision_step(user, leave: LeaveRequest) -> str | None:
    """Which decision this user may take on this request now: ``township``, ``county`` or None."""
    area = area_for(user)
    township = leave.posting.village.township
    if leave.status == LeaveRequest.Status.PENDING:
        if area.everything or (area.is_township and area.township_id == township.pk):
            return TOWNSHIP
    elif leave.status == LeaveRequest.Status.TOWNSHIP_APPROVED:
        if area.everything or township.county_id in area.county_ids:
            return COUNTY
    return None


def leave_queue(user):
    """Requests waiting for this user's decision."""
    area = area_for(user)
    qs = leaves_for_user(user)
    if area.everything:
        return qs.filter(status__in=[LeaveRequest.Status.PENDING, LeaveRequest.Status.TOWNSHIP_APPROVED])
    if area.is_township:
        return qs.filter(status=LeaveRequest.Status.PENDING)
    if area.county_ids:
        return qs.filter(status=LeaveRequest.Status.TOWNSHIP_APPROVED)
    return qs.none()


def create_leave(*, posting, kind, start_date, end_date, reason: str, user=None) -> LeaveRequest:
    if end_date < start_date:
        raise LeaveError(_("结束日期不能早于开始日期"))
    if not (posting.start_date <= start_date and end_date <= posting.end_date):
        raise LeaveError(_("请假日期应在驻村期内"))
    overlap = LeaveRequest.objects.filter(
        cadre_id=posting.cadre_id,
        start_date__lte=end_date,
        end_date__gte=start_date,
    ).exclude(status__in=[LeaveRequest.Status.REJECTED, LeaveRequest.Status.CANCELLED])
    if overlap.exists():
        raise LeaveError(_("该干部在这段时间已有请假申请"))
    return LeaveRequest.objects.create(
        posting=posting,
        cadre_id=posting.cadre_id,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        reason=reason,
        created_by=user,
    )


def _locked(leave: LeaveRequest) -> LeaveRequest:
    return (
        LeaveRequest.objects.select_for_update().select_related("posting__village__township").get(pk=leave.pk)
    )


def approve_leave(*, leave: LeaveRequest, user) -> LeaveRequest:
    """The township's approval (final when short) or the county's (final for long leave)."""
    with transaction.atomic():
        leave = _locked(leave)
        step = decision_step(user, leave)
        now = timezone.now()
        if step == TOWNSHIP:
            leave.township_decided_by, leave.township_decided_at = user, now
            leave.status = (
                LeaveRequest.Status.TOWNSHIP_APPROVED if needs_county(leave) else LeaveRequest.Status.APPROVED
            )
        elif step == COUNTY:
            leave.county_decided_by, leave.county_decided_at = user, now
            leave.status = LeaveRequest.Status.APPROVED
        else:
            raise LeaveError(_("您不能审批这条请假申请（状态：%(s)s）") % {"s": leave.get_status_display()})
        leave.save()
    return leave


def reject_leave(*, leave: LeaveRequest, user, reason: str) -> LeaveRequest:
    reason = (reason or "").strip()
    if not reason:
        raise LeaveError(_("驳回必须填写理由"))
    with transaction.atomic():
        leave = _locked(leave)
        step = decision_step(user, leave)
        now = timezone.now()
        if step == TOWNSHIP:
            leave.township_decided_by, leave.township_decided_at = user, now
        elif step == COUNTY:
            leave.county_decided_by, leave.county_decided_at = user, now
        else:
            raise LeaveError(_("您不能驳回这条请假申请（状态：%(s)s）") % {"s": leave.get_status_display()})
        leave.status = LeaveRequest.Status.REJECTED
        leave.rejection_reason = reason
        leave.save()
    return leave


def cadre_leave(*, cadre, user, limit: int = 20):
    """Selector for the cadre detail page's leave panel (partial ``attendance/partials/cadre_leave.html``,
    context name ``leaves``)."""
    return leaves_for_user(user).filter(Q(cadre=cadre)).order_by("-start_date")[:limit]
