"""What a cadre sees of themself (DOMAIN §1, the 干部 role): read-only, their own rows only; and
what staff see of a cadre on the cadre's page (``postings_of_cadre``), inside their area."""

from __future__ import annotations

import calendar
import datetime as dt

from appraisal.models import AnnualResult, QuarterResult
from attendance.models import MARK_SYMBOLS, AttendanceRecord, LeaveRequest, MonthlyTotal
from cadres.models import Cadre, Posting
from checkins.services import todays_checkins
from core.scoping import Area
from decisions.models import Decision


def cadre_home(cadre, *, today: dt.date) -> dict:
    postings = Posting.objects.filter(cadre=cadre).select_related("village__township__county", "unit")
    current = [p for p in postings if p.covers(today)]
    return {
        "cadre": cadre,
        "today": today,
        "current_postings": current,
        "postings": sorted(postings, key=lambda p: p.start_date, reverse=True),
        "totals": MonthlyTotal.objects.filter(cadre=cadre)
        .select_related("village")
        .order_by("-month", "posting_id")[:12],
        "quarters": QuarterResult.objects.filter(cadre=cadre).order_by("-year", "-quarter")[:8],
        "annuals": AnnualResult.objects.filter(cadre=cadre).order_by("-year")[:4],
        # Proposals are the county's deliberation; a cadre sees what was decided and issued.
        "decisions": Decision.objects.filter(cadre=cadre, status=Decision.Status.ISSUED).order_by(
            "-decision_date"
        ),
        "leave_requests": LeaveRequest.objects.filter(cadre=cadre).order_by("-start_date")[:10],
        "checkins": todays_checkins(cadre, today=today),
    }


def cadre_month(cadre, *, month: dt.date) -> dict:
    """The cadre's marks of one month as calendar weeks, plus that month's totals."""
    records = {
        r.date: r
        for r in AttendanceRecord.objects.filter(cadre=cadre, month=month).only("date", "status", "note")
    }
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        row = []
        for day in week:
            if day.month != month.month:
                row.append(None)
                continue
            record = records.get(day)
            row.append(
                {
                    "day": day,
                    "symbol": MARK_SYMBOLS.get(record.status, "") if record else "",
                    "label": record.get_status_display() if record else "",
                    "status": record.status if record else "",
                }
            )
        weeks.append(row)
    return {
        "cadre": cadre,
        "month": month,
        "weeks": weeks,
        "marked": len(records),
        "totals": MonthlyTotal.objects.filter(cadre=cadre, month=month).select_related("village"),
    }


def postings_of_cadre(area: Area, cadre: Cadre):
    """A cadre's posting history inside the area, newest first."""
    return (
        Posting.objects.for_area(area)
        .filter(cadre=cadre)
        .select_related("village__township", "unit")
        .order_by("-start_date", "-id")
    )
