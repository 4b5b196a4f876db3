"""Demo attendance: the last three complete months and the current month to yesterday, for the demo county.

Each township-month is written as a real matrix workbook (月度考勤表) in memory and goes through
``import_attendance``, exactly as an upload would. Most cadres are compliant (≥22 on-site days,
≥15 overnight), some are not; a few take leave with an approved request, some make official trips.
With ``scale="province"`` nothing is done (the benchmark builds its own attendance).
"""

from __future__ import annotations

import calendar
import datetime as dt
import io

import xlsxwriter
from django.contrib.auth import get_user_model
from django.utils import timezone

from attendance.intake.template import FIXED, template_postings
from attendance.intake.write import import_attendance
from attendance.models import LeaveRequest
from core import periods
from core.models import StaffProfile
from demo.county import demo_county
from villages.models import Policy


def _months(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(month, as_of) pairs: three complete months, then the current one up to yesterday."""
    current = today.replace(day=1)
    months = []
    m = current
    for _i in range(3):
        m = (m - dt.timedelta(days=1)).replace(day=1)
        months.append((m, today))
    months.reverse()
    if today.day > 1:
        months.append((current, today - dt.timedelta(days=1)))
    return months


def _plan(rng, days: list[dt.date], *, profile: str, leave: tuple[int, int] | None) -> dict[dt.date, str]:
    marks = {}
    for i, day in enumerate(days):
        if leave and leave[0] <= i < leave[0] + leave[1]:
            marks[day] = "事" if leave[1] <= 3 else "病"
            continue
        r = rng.random()
        if profile == "good":
            mark = "√" if r < 0.74 else "○" if r < 0.88 else "公" if r < 0.95 else "休"
        else:
            mark = "√" if r < 0.42 else "○" if r < 0.6 else "公" if r < 0.66 else "休" if r < 0.78 else "×"
        marks[day] = mark
    return marks


def _workbook(township, month: dt.date, rows: list[list]) -> bytes:
    n_days = calendar.monthrange(month.year, month.month)[1]
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("考勤")
    ws.write_string(0, 0, f"{township.name} {month.year}年{month.month}月 驻村干部考勤表")
    ws.write_row(2, 0, FIXED + list(range(1, n_days + 1)) + ["在岗天数"])
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            if value != "":
                ws.write(r, c, value)
    wb.close()
    return buf.getvalue()


def seed(*, scale, rng, stdout, today: dt.date | None = None):
    if scale != "county":
        return
    county = demo_county()
    if county is None:
        return
    today = today or periods.today()
    policy = Policy.for_county(county)
    users = {
        p.township_id: p.user
        for p in StaffProfile.objects.filter(
            role=StaffProfile.Role.TOWNSHIP, township__county=county
        ).select_related("user")
    }
    org_user = get_user_model().objects.filter(username="org").first()
    imported = rejected = 0
    for township in county.townships.order_by("code"):
        uploader = users.get(township.pk, org_user)
        for month, as_of in _months(today):
            last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
            postings = list(template_postings(township, month))
            rows = []
            leaves = []
            for n, p in enumerate(postings, start=1):
                posted = [
                    d
                    for d in (month + dt.timedelta(days=k) for k in range(last.day))
                    if p.covers(d) and d <= as_of
                ]
                profile = "good" if rng.random() < 0.85 else "poor"
                leave = None
                if len(posted) > 8 and rng.random() < 0.08:
                    length = rng.choice([1, 2, 3, 3, 5])
                    leave = (rng.randrange(0, len(posted) - length), length)
                    leaves.append((p, posted[leave[0]], posted[leave[0] + length - 1]))
                marks = _plan(rng, posted, profile=profile, leave=leave)
                row = [n, p.cadre.name, p.cadre.id_number, p.village.name]
                row += [marks.get(month.replace(day=d), "") for d in range(1, last.day + 1)]
                rows.append(row)
            for p, start, end in leaves:
                approved_at = timezone.now()
                long_leave = (end - start).days + 1 > policy.leave_township_max_days
                LeaveRequest.objects.get_or_create(
                    cadre_id=p.cadre_id,
                    start_date=start,
                    end_date=end,
                    defaults={
                        "posting": p,
                        "kind": LeaveRequest.Kind.PERSONAL if not long_leave else LeaveRequest.Kind.SICK,
                        "reason": "家中有事" if not long_leave else "住院治疗",
                        "status": LeaveRequest.Status.APPROVED,
                        "created_by": uploader,
                        "township_decided_by": uploader,
                        "township_decided_at": approved_at,
                        "county_decided_by": org_user if long_leave else None,
                        "county_decided_at": approved_at if long_leave else None,
                    },
                )
            result = import_attendance(
                township=township,
                month=month,
                file=_workbook(township, month, rows),
                as_of=as_of,
                user=uploader,
                enqueue_totals=False,
            )
            if result.applied:
                imported += 1
            else:
                rejected += 1
                stdout.write(
                    f"    {township.name} {month:%Y-%m}: " + "; ".join(str(e) for e in result.errors[:3])
                )
    stdout.write(
        f"    考勤：{imported} 份乡镇月度考勤表已导入" + (f"，{rejected} 份未通过" if rejected else "")
    )
