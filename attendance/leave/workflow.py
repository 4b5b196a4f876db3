"""Leave requests (DOMAIN.md §4): up to ``Policy.leave_township_max_days`` days the township approves;
longer needs the township and then the county organization department. Each decision records who and when.

三级审签 (seed 002): a team member's request is first signed by the village team's 负责人 — the first
secretary or team leader in post in that village — from their own 我的驻村 pages, then goes on to
the township as any other request. Without a 负责人 in post it goes to the township directly."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import LeaveRequest
from cadres.models import Posting
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
    "village_leads",
    "led_villages",
]

VILLAGE = "village"
TOWNSHIP = "township"
COUNTY = "county"
LEAD_ROLES = (Posting.Role.FIRST_SECRETARY, Posting.Role.TEAM_LEADER)


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
        "village_decided_by__staff_profile__township",
        "township_decided_by__staff_profile__township",
        "county_decided_by__staff_profile__township",
    )


def village_leads(village_id: int, *, on=None):
    """The postings of the village team's 负责人 (first secretary, team leader) in post on ``on``."""
    on = on or timezone.localdate()
    return Posting.objects.active_on(on).filter(village_id=village_id, role__in=LEAD_ROLES)


def led_villages(cadre_id: int, *, on=None):
    """Ids of the villages where this cadre is the team's 负责人 today."""
    on = on or timezone.localdate()
    return Posting.objects.active_on(on).filter(cadre_id=cadre_id, role__in=LEAD_ROLES).values("village_id")


def decision_step(user, leave: LeaveRequest) -> str | None:
    """Which decision this user may take on this request now: ``village``, ``township``, ``county``
    or None."""
    area = area_for(user)
    township = leave.posting.village.township
    if leave.status == LeaveRequest.Status.VILLAGE_PENDING:
        if area.everything:
            return VILLAGE
        if (
            area.is_cadre
            and area.cadre_id != leave.cadre_id
            and village_leads(leave.posting.village_id).filter(cadre_id=area.cadre_id).exists()
        ):
            return VILLAGE
    elif leave.status == LeaveRequest.Status.PENDING:
        if area.everything or (area.is_township and area.township_id == township.pk):
            return TOWNSHIP
    elif leave.status == LeaveRequest.Status.TOWNSHIP_APPROVED:
        if area.everything or township.county_id in area.county_ids:
            return COUNTY
    return None


def leave_queue(user):
    """Requests waiting for this user's decision."""
    area = area_for(user)
    if area.is_cadre:
        # LeaveRequest has no cadre scope: a 负责人 sees their team's requests through the villages they lead.
        return (
            LeaveRequest.objects.filter(
                status=LeaveRequest.Status.VILLAGE_PENDING,
                posting__village_id__in=led_villages(area.cadre_id),
            )
            .exclude(cadre_id=area.cadre_id)
            .select_related("cadre", "posting__village")
        )
    qs = leaves_for_user(user)
    if area.everything:
        return qs.filter(
            status__in=[
                LeaveRequest.Status.VILLAGE_PENDING,
                LeaveRequest.Status.PENDING,
                LeaveRequest.Status.TOWNSHIP_APPROVED,
            ]
        )
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
    status = LeaveRequest.Status.PENDING
    if (
        posting.role == Posting.Role.TEAM_MEMBER
        and village_leads(posting.village_id).exclude(cadre_id=posting.cadre_id).exists()
    ):
        status = LeaveRequest.Status.VILLAGE_PENDING
    return LeaveRequest.objects.create(
        status=status,
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
    """The 负责人's signature (then to the township), the township's approval (final when short) or
    the county's (final for long leave)."""
    with transaction.atomic():
        leave = _locked(leave)
        step = decision_step(user, leave)
        now = timezone.now()
        if step == VILLAGE:
            leave.village_decided_by, leave.village_decided_at = user, now
            leave.status = LeaveRequest.Status.PENDING
        elif step == TOWNSHIP:
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
        if step == VILLAGE:
            leave.village_decided_by, leave.village_decided_at = user, now
        elif step == TOWNSHIP:
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
