"""Reconciliation (DOMAIN §10): a township-month's accepted sheet against the check-ins.

Over the days the sheet marks, a cadre-day has on-site evidence with a valid 上午 and a valid 下午
check-in, and overnight evidence with a valid 晚间 one. Findings, in this order:
- √ without on-site evidence → 缺少在岗签到; √ without overnight evidence → 缺少住村签到;
- ○ without on-site evidence → 缺少在岗签到;
- 事, 病, 休 or × with on-site evidence → 标记缺勤但签到在岗;
- 公 expects no check-in.
Read-only: it never changes a sheet or a total.

Set-based: one query reads the month's marks (with village and cadre), one aggregate reads the
earliest valid check-in of every cadre-day × slot for the same cadres and days; they meet in a
dict, so a township-month costs two queries whatever its size.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.intake.template import template_postings
from attendance.models import MARK_SYMBOLS, AttendanceRecord, AttendanceUpload, Mark
from checkins.models import CheckIn, Slot
from checkins.services import LOCAL

MISSING_ON_SITE = "MISSING_ON_SITE"
MISSING_OVERNIGHT = "MISSING_OVERNIGHT"
ABSENT_BUT_ON_SITE = "ABSENT_BUT_ON_SITE"
# The spec's words, in the spec's order (the export writes them as they are).
FINDING_TEXT = {
    MISSING_ON_SITE: "缺少在岗签到",
    MISSING_OVERNIGHT: "缺少住村签到",
    ABSENT_BUT_ON_SITE: "标记缺勤但签到在岗",
}
FINDING_LABELS = {
    MISSING_ON_SITE: _("缺少在岗签到"),
    MISSING_OVERNIGHT: _("缺少住村签到"),
    ABSENT_BUT_ON_SITE: _("标记缺勤但签到在岗"),
}
ABSENCE_MARKS = {Mark.LEAVE_PERSONAL, Mark.LEAVE_SICK, Mark.LEAVE_REST, Mark.ABSENT}
EXPORT_HEADER = [
    "序号",
    "乡镇",
    "村",
    "姓名",
    "身份证号",
    "日期",
    "考勤标记",
    "上午签到",
    "下午签到",
    "晚间签到",
    "问题",
]


class NoAcceptedSheet(Exception):
    """The township-month has no accepted attendance sheet: there is nothing to reconcile."""


@dataclass(frozen=True)
class Evidence:
    morning: dt.datetime | None = None
    afternoon: dt.datetime | None = None
    evening: dt.datetime | None = None

    @property
    def on_site(self) -> bool:
        return self.morning is not None and self.afternoon is not None

    @property
    def overnight(self) -> bool:
        return self.evening is not None


NO_EVIDENCE = Evidence()


@dataclass(frozen=True)
class Row:
    village_id: int
    village_code: str
    village_name: str
    cadre_id: int
    cadre_name: str
    id_number: str
    date: dt.date
    status: str
    evidence: Evidence
    findings: tuple[str, ...]

    @property
    def symbol(self) -> str:
        return MARK_SYMBOLS[Mark(self.status)]

    @property
    def problem(self) -> str:
        return "；".join(FINDING_TEXT[f] for f in self.findings)

    def time(self, slot: str) -> str:
        at = {Slot.MORNING: self.evidence.morning, Slot.AFTERNOON: self.evidence.afternoon}.get(
            slot, self.evidence.evening
        )
        return timezone.localtime(at, LOCAL).strftime("%H:%M") if at else ""

    @property
    def morning(self) -> str:
        return self.time(Slot.MORNING)

    @property
    def afternoon(self) -> str:
        return self.time(Slot.AFTERNOON)

    @property
    def evening(self) -> str:
        return self.time(Slot.EVENING)


def findings_for(status: str, evidence: Evidence) -> tuple[str, ...]:
    """The findings of one marked cadre-day, in the spec's order."""
    found = []
    if status == Mark.ON_SITE_OVERNIGHT:
        if not evidence.on_site:
            found.append(MISSING_ON_SITE)
        if not evidence.overnight:
            found.append(MISSING_OVERNIGHT)
    elif status == Mark.ON_SITE:
        if not evidence.on_site:
            found.append(MISSING_ON_SITE)
    elif status in ABSENCE_MARKS and evidence.on_site:
        found.append(ABSENT_BUT_ON_SITE)
    return tuple(found)


def month_last(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def accepted_upload(township, month: dt.date) -> AttendanceUpload | None:
    return (
        AttendanceUpload.objects.filter(
            township=township, month=month.replace(day=1), status=AttendanceUpload.Status.ACCEPTED
        )
        .order_by("-decided_at", "-id")
        .first()
    )


def evidence_by_cadre_day(cadre_ids, first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], Evidence]:
    """The earliest valid check-in of each slot, per cadre-day: one aggregate query.

    ``cadre_ids`` may be a subquery (a queryset of ids), so the cadres never travel to Python.
    """
    rows = (
        CheckIn.objects.filter(valid=True, cadre_id__in=cadre_ids, day__gte=first, day__lte=last)
        .values("cadre_id", "day")
        .annotate(
            am=Min("at", filter=Q(slot=Slot.MORNING)),
            pm=Min("at", filter=Q(slot=Slot.AFTERNOON)),
            eve=Min("at", filter=Q(slot=Slot.EVENING)),
        )
        .order_by()
        .values_list("cadre_id", "day", "am", "pm", "eve")
    )
    return {(cadre_id, day): Evidence(am, pm, eve) for cadre_id, day, am, pm, eve in rows}


def reconcile(
    *, township, month: dt.date, village_id: int | None = None, everything: bool = False
) -> list[Row]:
    """The rows of a township-month with at least one finding (``everything``: every marked day),
    ordered by 村代码, 身份证号, 日期. Raises NoAcceptedSheet without an accepted sheet."""
    month = month.replace(day=1)
    if accepted_upload(township, month) is None:
        raise NoAcceptedSheet
    records = AttendanceRecord.objects.filter(township=township, month=month)
    if village_id:
        records = records.filter(posting__village_id=village_id)
    evidence = evidence_by_cadre_day(
        records.order_by().values("cadre_id").distinct(), month, month_last(month)
    )
    rows = []
    for village_id_, code, vname, cadre_id, cname, id_number, day, status in records.order_by(
        "posting__village__code", "cadre__id_number", "date"
    ).values_list(
        "posting__village_id",
        "posting__village__code",
        "posting__village__name",
        "cadre_id",
        "cadre__name",
        "cadre__id_number",
        "date",
        "status",
    ):
        ev = evidence.get((cadre_id, day), NO_EVIDENCE)
        found = findings_for(status, ev)
        if found or everything:
            rows.append(Row(village_id_, code, vname, cadre_id, cname, id_number, day, status, ev, found))
    return rows


def finding_counts(rows: list[Row]) -> dict[str, int]:
    counts = Counter(f for row in rows for f in row.findings)
    return {code: counts.get(code, 0) for code in FINDING_TEXT}


def suggestions(*, township, month: dt.date) -> dict[tuple[int, dt.date], str]:
    """Template pre-fill (DOMAIN §10): (cadre id, day) → √ where both kinds of evidence exist,
    ○ where only on-site evidence does. The township reviews it before uploading."""
    month = month.replace(day=1)
    cadre_ids = template_postings(township, month).order_by().values("cadre_id")
    out = {}
    for key, ev in evidence_by_cadre_day(cadre_ids, month, month_last(month)).items():
        if ev.on_site:
            out[key] = MARK_SYMBOLS[Mark.ON_SITE_OVERNIGHT] if ev.overnight else MARK_SYMBOLS[Mark.ON_SITE]
    return out
