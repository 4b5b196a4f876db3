"""Diary workbooks: the county's monthly 民情台账 (DOMAIN.md §11) and one cadre's diary.

Text cells go through ``core.xlsx.safe_text`` so no spreadsheet evaluates them as formulas;
counts stay numbers.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Count, Q

from cadres.models import Posting
from core.xlsx import safe_text
from diary.models import Entry, Item, overdue_q
from diary.selectors import Period

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEDGER_SHEET = "民情台账"
LEDGER_HEADER = ["序号", "乡镇", "村", "姓名", "日记篇数", "补记篇数", "新增诉求", "办结诉求", "逾期未办结"]


@dataclass
class LedgerLine:
    township: str
    village: str
    name: str
    entries: int
    late_entries: int
    raised: int
    closed: int
    overdue: int


def ledger_lines(
    *, county_id: int, month: dt.date, today: dt.date, township_id: int | None = None
) -> list[LedgerLine]:
    """One line per cadre posted in the county in the month, in the village of their last posted day.

    Counts are of the cadre's entries and items in the county's villages: entries dated in the
    month (and of them the 补记), items raised in the month, items closed in the month, and items
    overdue at the month's end — or today, for the month that is still running. Three queries.
    ``township_id`` narrows it to one township (a township's own export).
    """
    period = Period.month(month)
    as_of = period.as_of(today)
    postings = Posting.objects.overlapping(period.first, period.last).filter(
        village__township__county_id=county_id
    )
    if township_id is not None:
        postings = postings.filter(village__township_id=township_id)
    best: dict[int, tuple] = {}
    for (
        cadre_id,
        name,
        id_number,
        start,
        planned,
        actual,
        t_code,
        t_name,
        v_code,
        v_name,
    ) in postings.values_list(
        "cadre_id",
        "cadre__name",
        "cadre__id_number",
        "start_date",
        "planned_end_date",
        "actual_end_date",
        "village__township__code",
        "village__township__name",
        "village__code",
        "village__name",
    ):
        key = (min(actual or planned, period.last), start)
        if cadre_id not in best or key > best[cadre_id][0]:
            best[cadre_id] = (key, (t_code, v_code, id_number), t_name, v_name, name)
    in_county = {"cadre_id__in": postings.values("cadre_id"), "village__township__county_id": county_id}
    if township_id is not None:
        in_county = {"cadre_id__in": postings.values("cadre_id"), "village__township_id": township_id}
    entries = {
        r["cadre_id"]: r
        for r in Entry.objects.filter(**in_county, date__gte=period.first, date__lte=period.last)
        .values("cadre_id")
        .annotate(n=Count("id"), late=Count("id", filter=Q(is_late=True)))
        .order_by()
    }
    items = {
        r["cadre_id"]: r
        for r in Item.objects.filter(**in_county)
        .values("cadre_id")
        .annotate(
            raised=Count("id", filter=Q(raised_on__gte=period.first, raised_on__lte=period.last)),
            closed=Count("id", filter=Q(closed_on__gte=period.first, closed_on__lte=period.last)),
            overdue=Count("id", filter=overdue_q(as_of)),
        )
        .order_by()
    }
    lines = []
    for cadre_id, (_key, _order, t_name, v_name, name) in sorted(best.items(), key=lambda kv: kv[1][1]):
        e = entries.get(cadre_id, {})
        i = items.get(cadre_id, {})
        lines.append(
            LedgerLine(
                township=t_name,
                village=v_name,
                name=name,
                entries=e.get("n", 0),
                late_entries=e.get("late", 0),
                raised=i.get("raised", 0),
                closed=i.get("closed", 0),
                overdue=i.get("overdue", 0),
            )
        )
    return lines


def write_ledger(lines: list[LedgerLine]) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = LEDGER_SHEET
    ws.append(LEDGER_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, line in enumerate(lines, start=1):
        ws.append(
            [
                n,
                safe_text(line.township),
                safe_text(line.village),
                safe_text(line.name),
                line.entries,
                line.late_entries,
                line.raised,
                line.closed,
                line.overdue,
            ]
        )
    for col, width in zip("ABCDEFGHI", (6, 14, 16, 10, 10, 10, 10, 10, 12), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ledger_workbook(
    *, county_id: int, month: dt.date, today: dt.date, township_id: int | None = None
) -> bytes:
    return write_ledger(ledger_lines(county_id=county_id, month=month, today=today, township_id=township_id))


ENTRY_HEADER = ["日期", "补记", "乡镇", "村", "走访农户/村民", "民情内容", "诉求件数", "照片张数", "填写时间"]
ITEM_HEADER = ["提出日期", "村", "诉求内容", "责任人", "办理期限", "状态", "办结日期", "办结情况", "是否逾期"]


def write_cadre_diary(*, cadre, entries, items, today: dt.date) -> bytes:
    """One cadre's diary as a workbook: a sheet of entries and a sheet of items."""
    import openpyxl
    from django.utils import timezone
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "民情日记"
    ws.append(ENTRY_HEADER)
    for e in entries.annotate(n_items=Count("items", distinct=True), n_photos=Count("photos", distinct=True)):
        ws.append(
            [
                e.date,
                "是" if e.is_late else "",
                safe_text(e.village.township.name),
                safe_text(e.village.name),
                safe_text(e.household),
                safe_text(e.content),
                e.n_items,
                e.n_photos,
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    items_ws = wb.create_sheet("民情诉求")
    items_ws.append(ITEM_HEADER)
    for i in items:
        items_ws.append(
            [
                i.raised_on,
                safe_text(i.village.name),
                safe_text(i.description),
                safe_text(i.responsible),
                i.due_date,
                str(i.get_status_display()),
                i.closed_on,
                safe_text(i.closing_note),
                "是" if i.is_overdue(today) else "",
            ]
        )
    for sheet in (ws, items_ws):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
