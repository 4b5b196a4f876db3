"""Sheets due and late, and 催报 (DOMAIN.md §4).

A township's sheet for a month is due by day ``Policy.report_due_day`` of the next month; a
township with cadres posted that month and no accepted sheet after that day is late, and
organization staff chase it with a reminder. The township sees the reminder on its dashboard;
the ``ReportReminder`` row is the log, and a mail goes out where the township's staff have an
address and mail is configured.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from attendance.models import AttendanceUpload, ReportReminder
from cadres.models import Posting
from core.periods import month_end, previous_months
from core.scoping import Area, area_for
from villages.models import Policy, Township

log = logging.getLogger(__name__)

# How many finished months back the late list looks (older gaps stay on the 上报情况 board).
LATE_MONTHS_BACK = 3


class ReminderError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def due_date(month: dt.date, due_day: int) -> dt.date:
    """The day a month's sheet is due: ``due_day`` of the next month."""
    following = month_end(month) + dt.timedelta(days=1)
    return following.replace(day=min(due_day, 28))


@dataclass(frozen=True)
class SheetState:
    """Where a township's sheet for one month stands."""

    month: dt.date
    due: dt.date
    state: str  # missing, checking, pending, rejected, accepted, none (nobody posted)
    upload: AttendanceUpload | None
    late: bool

    @property
    def label(self) -> str:
        return {
            "missing": _("未上传"),
            "checking": _("检查中"),
            "pending": _("待确认"),
            "rejected": _("已退回，请重新上传"),
            "accepted": _("已采用"),
            "none": _("本月无驻村干部"),
        }[self.state]


def _posted_townships(township_ids, month: dt.date) -> set[int]:
    return set(
        Posting.objects.filter(village__township_id__in=list(township_ids))
        .overlapping(month, month_end(month))
        .values_list("village__township_id", flat=True)
        .distinct()
    )


def sheet_states(township: Township, months: list[dt.date], *, today: dt.date) -> list[SheetState]:
    """The township's sheet for each month: accepted, waiting to be confirmed, rejected or missing."""
    due_day = Policy.for_county(township.county_id).report_due_day
    uploads = (
        AttendanceUpload.objects.filter(township=township, month__in=months)
        .exclude(status=AttendanceUpload.Status.SUPERSEDED)
        .order_by("-uploaded_at", "-id")
    )
    by_month: dict[dt.date, list[AttendanceUpload]] = {}
    for u in uploads:
        by_month.setdefault(u.month, []).append(u)
    states = []
    for month in months:
        rows = by_month.get(month, [])
        accepted = next((u for u in rows if u.status == AttendanceUpload.Status.ACCEPTED), None)
        newest = rows[0] if rows else None
        due = due_date(month, due_day)
        if accepted and (newest is accepted or newest.status == AttendanceUpload.Status.REJECTED):
            state, upload = "accepted", accepted
        elif newest and newest.status in (AttendanceUpload.Status.CHECKING, AttendanceUpload.Status.PENDING):
            state, upload = newest.status.lower(), newest
        elif accepted:
            state, upload = "accepted", accepted
        elif newest:
            state, upload = "rejected", newest
        elif township.pk in _posted_townships([township.pk], month):
            state, upload = "missing", None
        else:
            state, upload = "none", None
        late = accepted is None and state != "none" and today > due
        states.append(SheetState(month=month, due=due, state=state, upload=upload, late=late))
    return states


@dataclass(frozen=True)
class LateSheet:
    township: Township
    month: dt.date
    due: dt.date
    reminders: int
    last_reminder: ReportReminder | None

    @property
    def key(self) -> str:
        return f"{self.township.pk}:{self.month:%Y-%m}"


def late_sheets(area: Area, *, today: dt.date, months_back: int = LATE_MONTHS_BACK) -> list[LateSheet]:
    """Township-months of the area past their due day with cadres posted and no accepted sheet.

    Oldest month first, then by township code; each with the reminders already sent.
    """
    townships = {t.pk: t for t in Township.objects.for_area(area).select_related("county")}
    if not townships:
        return []
    due_days = {
        p.county_id: p.report_due_day
        for p in Policy.objects.filter(county_id__in={t.county_id for t in townships.values()})
    }
    months = [m for m in previous_months(today, months_back)]
    accepted = set(
        AttendanceUpload.objects.filter(
            township_id__in=list(townships), month__in=months, status=AttendanceUpload.Status.ACCEPTED
        ).values_list("township_id", "month")
    )
    reminders: dict[tuple[int, dt.date], list[ReportReminder]] = {}
    for r in ReportReminder.objects.filter(township_id__in=list(townships), month__in=months).select_related(
        "sent_by__staff_profile__township"
    ):
        reminders.setdefault((r.township_id, r.month), []).append(r)
    late = []
    for month in sorted(months):
        posted = _posted_townships(townships, month)
        for tid in sorted(posted, key=lambda pk: townships[pk].code):
            township = townships[tid]
            due = due_date(month, due_days.get(township.county_id, 5))
            if (tid, month) in accepted or today <= due:
                continue
            sent = reminders.get((tid, month), [])
            late.append(
                LateSheet(
                    township=township,
                    month=month,
                    due=due,
                    reminders=len(sent),
                    last_reminder=max(sent, key=lambda r: r.sent_at) if sent else None,
                )
            )
    return late


def send_reminders(*, user, keys: list[str], note: str = "", today: dt.date) -> list[ReportReminder]:
    """Chase the late township-months named by ``keys`` (``"<township id>:<YYYY-MM>"``).

    Only organization staff and admins chase, and only townships of their area that are late
    today; anything else is refused whole (nothing is sent).
    """
    area = area_for(user)
    if area.is_empty or area.is_township or area.is_cadre:
        raise ReminderError(_("只有组织部人员可以催报"))
    wanted = {k.strip() for k in keys if k.strip()}
    if not wanted:
        raise ReminderError(_("请先勾选要催报的乡镇"))
    late = {row.key: row for row in late_sheets(area, today=today)}
    unknown = sorted(wanted - set(late))
    if unknown:
        raise ReminderError(_("以下乡镇月份不在逾期未报名单中：%(keys)s") % {"keys": "、".join(unknown)})
    note = (note or "").strip()[:500]
    created = []
    with transaction.atomic():
        for key in sorted(wanted):
            row = late[key]
            created.append(
                ReportReminder.objects.create(township=row.township, month=row.month, sent_by=user, note=note)
            )
    for reminder in created:
        log.info(
            "催报 township=%s month=%s by=%s",
            reminder.township.code,
            f"{reminder.month:%Y-%m}",
            user.username,
        )
        transaction.on_commit(lambda pk=reminder.pk: _mail(pk))
    return created


def _mail(reminder_id: int) -> None:
    """Mail the township's staff who have an address, when mail is configured; record to whom."""
    if not getattr(settings, "ZHUCUN_EMAIL_ENABLED", False):
        return
    reminder = ReportReminder.objects.select_related("township").get(pk=reminder_id)
    addresses = sorted(
        set(
            get_user_model()
            .objects.filter(
                is_active=True, staff_profile__township=reminder.township, staff_profile__role="TOWNSHIP"
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not addresses:
        return
    subject = _("催报：%(township)s %(month)s 考勤表") % {
        "township": reminder.township.name,
        "month": f"{reminder.month.year}年{reminder.month.month}月",
    }
    body = _("%(township)s %(month)s 的驻村考勤表已过上报期限，请尽快上传并确认。") % {
        "township": reminder.township.name,
        "month": f"{reminder.month.year}年{reminder.month.month}月",
    }
    if reminder.note:
        body += "\n\n" + reminder.note
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
    except OSError:
        # The reminder stands on the dashboard whatever the mail server does; say so in the log.
        log.exception("催报邮件发送失败 township=%s", reminder.township.code)
        return
    ReportReminder.objects.filter(pk=reminder.pk).update(emailed_to=", ".join(addresses)[:500])


def reminders_for_township(township_id: int, *, months: list[dt.date] | None = None):
    """Reminders a township received, newest first (for its dashboard)."""
    qs = ReportReminder.objects.filter(township_id=township_id).select_related("sent_by__staff_profile")
    if months is not None:
        qs = qs.filter(month__in=months)
    return qs.order_by("-sent_at", "-id")
