"""The to-do panel of the staff dashboard: what this user has to do now, with a link to each.

A township sees its sheets of this month and last month, the leave requests waiting for it, the
催报 it received and the days of last month's sheet that the check-ins do not support; organization staff see the townships late with their sheet (and can chase
them), the proposals waiting for a decision, the approved decisions waiting to be issued, the
leave requests waiting for the county and the overdue replacements.
"""

from __future__ import annotations

import datetime as dt

from attendance.leave.workflow import leave_queue
from attendance.reminders import (
    LATE_MONTHS_BACK,
    late_sheets,
    reminders_for_township,
    sheet_states,
)
from checkins.reconciliation import NoAcceptedSheet, reconcile
from core.periods import previous_months
from core.scoping import area_for
from decisions.models import Decision
from decisions.selectors import overdue_replacements
from villages.models import Township


def township_todo(user, *, today: dt.date) -> dict:
    area = area_for(user)
    township = Township.objects.select_related("county").get(pk=area.township_id)
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    # This month and last month always; an older month only while it is still missing (late).
    months = [*reversed(previous_months(today, LATE_MONTHS_BACK)), this_month]
    sheets = [
        s
        for s in sheet_states(township, months, today=today)
        if s.month in (last_month, this_month) or s.state not in ("accepted", "none")
    ]
    open_months = [s.month for s in sheets if s.state != "accepted"]
    leave = leave_queue(user).order_by("start_date", "id")
    # Days last month's accepted sheet marks that the check-ins do not support (DOMAIN §10).
    try:
        reconciliation_days = len(reconcile(township=township, month=last_month))
    except NoAcceptedSheet:
        reconciliation_days = None
    return {
        "role": "township",
        "last_month": last_month,
        "reconciliation_days": reconciliation_days,
        "township": township,
        "sheets": sheets,
        "leave_waiting": list(leave[:10]),
        "leave_waiting_count": leave.count(),
        "reminders": list(reminders_for_township(township.pk, months=open_months)[:5]),
    }


def org_todo(user, *, today: dt.date) -> dict:
    area = area_for(user)
    decisions = Decision.objects.for_area(area)
    leave = leave_queue(user)
    return {
        "role": "org",
        "late": late_sheets(area, today=today),
        "proposed_count": decisions.filter(status=Decision.Status.PROPOSED).count(),
        "approved_count": decisions.filter(status=Decision.Status.APPROVED).count(),
        "leave_waiting_count": leave.count(),
        "overdue_replacements_count": overdue_replacements(area, today).count(),
    }


def todo_for(user, *, today: dt.date) -> dict | None:
    """The panel's content for this user's role; None for a user with no area."""
    area = area_for(user)
    if area.is_township:
        return township_todo(user, today=today)
    if area.everything or area.county_ids:
        return org_todo(user, today=today)
    return None


def has_anything(todo: dict | None) -> bool:
    """Whether the panel lists anything to do (else it says that all is done)."""
    if not todo:
        return False
    if todo["role"] == "township":
        return bool(
            todo["leave_waiting_count"]
            or todo["reminders"]
            or todo["reconciliation_days"]
            or any(s.state not in ("accepted", "none") for s in todo["sheets"])
        )
    return bool(
        todo["late"]
        or todo["proposed_count"]
        or todo["approved_count"]
        or todo["leave_waiting_count"]
        or todo["overdue_replacements_count"]
    )
