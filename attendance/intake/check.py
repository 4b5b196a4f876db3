"""Checking an attendance workbook against the registry (DOMAIN.md §4); writes nothing.

``check_file`` reads the workbook (``parse.py``), walks its layout and collects every problem with
its cell, in reading order; a file without error comes back with the records ready to write and
the summary of what confirming it would change.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.intake.parse import (
    DATE_HEADERS,
    HEADER_SCAN_ROWS,
    ID_HEADERS,
    INTAKE_LIMITS,
    MARKS_HINT,
    NAME_HEADERS,
    NOTE_HEADERS,
    SEQ_HEADERS,
    STATUS_HEADERS,
    VILLAGE_HEADERS,
    day_of_header,
    norm_header,
    read_input,
)
from attendance.marks import Mark, is_blank, parse_mark
from attendance.models import AttendanceRecord, AttendanceUpload, LeaveRequest
from cadres.models import Cadre, Posting
from core import intake
from core.intake.cells import CellError, id_text, parse_date
from core.xlsx import SpreadsheetRejected, cell_ref, cell_text, sort_by_cell

_STATUS_VALUE = {m: m.value for m in Mark}


@dataclass
class CheckResult:
    errors: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    # (posting_id, cadre_id, date, status, note)
    records: list[tuple] = field(default_factory=list)
    layout: str = ""
    sheet: str = ""
    data: bytes = b""
    sha256: str = ""
    original_name: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Posted:
    cadre_id: int
    id_number: str
    name: str
    spans: list  # [(posting_id, start, end)] in this township, clipped to the month

    def posting_on(self, day: dt.date):
        for posting_id, start, end in self.spans:
            if start <= day <= end:
                return posting_id
        return None

    def days(self, upto: dt.date):
        for _pid, start, end in self.spans:
            d = start
            while d <= end and d <= upto:
                yield d
                d += dt.timedelta(days=1)

    def due_count(self, upto: dt.date) -> int:
        """How many days ``days(upto)`` yields."""
        return sum(max((min(end, upto) - start).days + 1, 0) for _pid, start, end in self.spans)

    def span_text(self) -> str:
        return "、".join(f"{s:%m-%d}至{e:%m-%d}" for _p, s, e in self.spans)


def _posted_cadres(township, first: dt.date, last: dt.date) -> dict[str, _Posted]:
    rows = (
        Posting.objects.filter(village__township_id=township.pk)
        .overlapping(first, last)
        .values_list("id", "cadre_id", "cadre__id_number", "cadre__name", "start_date", "_end")
        .order_by("start_date", "id")
    )
    posted: dict[str, _Posted] = {}
    for pid, cadre_id, id_number, name, start, end in rows:
        p = posted.setdefault(id_number, _Posted(cadre_id, id_number, name, []))
        p.spans.append((pid, max(start, first), min(end, last)))
    return posted


def _approved_leave(cadre_ids, first: dt.date, last: dt.date) -> dict[int, list]:
    spans = defaultdict(list)
    qs = LeaveRequest.objects.filter(
        cadre_id__in=list(cadre_ids),
        status=LeaveRequest.Status.APPROVED,
        start_date__lte=last,
        end_date__gte=first,
    ).values_list("cadre_id", "start_date", "end_date")
    for cadre_id, start, end in qs:
        spans[cadre_id].append((start, end))
    return spans


# --------------------------------------------------------------------------- checking


class _Checker:
    def __init__(self, *, township, month: dt.date, as_of: dt.date, progress=None):
        self.township = township
        self.month = month
        self.first = month
        self.last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        self.as_of = as_of
        self.progress = progress
        self.errors: list[CellError] = []
        self.warnings: list[CellError] = []
        self.records: list[tuple] = []
        self.posted = _posted_cadres(township, self.first, self.last)
        # A cadre-day is the int ``cadre_id * 32 + day of month`` (cheaper than a (cadre_id, date)
        # tuple at 200,000 rows). cadre-day → (row, col) of the cell that holds it
        self.seen: dict[int, tuple] = {}
        self.present: dict[int, tuple] = {}  # cadre_id → (row, col) of its first ID cell
        self.not_posted: dict[str, list] = defaultdict(list)  # id_number → cells of rows
        self.errored_days: set[int] = set()
        self.missing_cells: dict[int, tuple] = {}
        self.layout = ""
        self.header_id_cell = (0, 0)
        self.sheet = ""

    # -- helpers
    def ref(self, row: int, col: int) -> str:
        return cell_ref(self.sheet, row + 1, col)

    def error(self, row: int, col: int, message: str) -> None:
        self.errors.append(CellError(self.ref(row, col), message))

    def day_text(self, d: dt.date) -> str:
        return f"{d.month}月{d.day}日"

    def tick(self, i: int, total: int) -> None:
        if self.progress is not None and i % 5000 == 0 and total:
            self.progress(min(i / total, 1.0))

    def lookup(self, row: int, id_col: int, name_col, raw_id, raw_name) -> _Posted | None:
        id_number, was_number = id_text(raw_id)
        cadre = self.posted.get(id_number)
        if cadre is None:
            if was_number:
                self.error(
                    row,
                    id_col,
                    _("身份证号 %(id)s 被存成了数字（末几位已丢失），请把该列设为文本后重新填写")
                    % {"id": id_number},
                )
            else:
                self.not_posted[id_number].append((row, id_col, name_col, cell_text(raw_name)))
            return None
        if name_col is not None and not is_blank(raw_name):
            name = "".join(cell_text(raw_name).split())
            if name != cadre.name:
                self.error(
                    row,
                    name_col,
                    _("姓名“%(given)s”与名册中身份证号 %(id)s 的姓名“%(name)s”不一致")
                    % {"given": name, "id": id_number, "name": cadre.name},
                )
        self.present.setdefault(cadre.cadre_id, (row, id_col))
        return cadre

    def mark(self, cadre: _Posted, day: dt.date, raw, row: int, col: int, note: str = "", dups=None) -> None:
        """Validate one non-blank mark for a cadre-day and keep it.

        ``dups``: a list that collects the row's days already marked elsewhere, so that a
        duplicated row is reported once (see ``matrix``) rather than once per day.
        """
        status = parse_mark(raw)
        key = cadre.cadre_id * 32 + day.day
        if status is None:
            self.errored_days.add(key)
            self.error(
                row,
                col,
                _("无法识别的考勤标记“%(mark)s”，可用的标记：%(marks)s")
                % {"mark": cell_text(raw), "marks": MARKS_HINT},
            )
            return
        if day > self.as_of:
            self.errored_days.add(key)
            self.error(
                row,
                col,
                _("%(day)s 在上报日期 %(as_of)s 之后，应留空")
                % {"day": self.day_text(day), "as_of": self.as_of.isoformat()},
            )
            return
        posting_id = cadre.posting_on(day)
        if posting_id is None:
            self.errored_days.add(key)
            self.error(
                row,
                col,
                _("%(day)s 不在 %(name)s 在本乡镇的驻村期内（%(spans)s），应留空")
                % {"day": self.day_text(day), "name": cadre.name, "spans": cadre.span_text()},
            )
            return
        earlier = self.seen.get(key)
        if earlier is not None and dups is not None:
            dups.append((day, col, earlier))
            return
        if earlier is not None:
            self.error(
                row,
                col,
                _("%(name)s %(day)s 重复填报（与 %(cell)s 重复）")
                % {"name": cadre.name, "day": self.day_text(day), "cell": self.ref(*earlier)},
            )
            return
        self.seen[key] = (row, col)
        self.records.append((posting_id, cadre.cadre_id, day, _STATUS_VALUE[status], note))

    def finish_unknown(self) -> None:
        """Unknown 身份证号 versus known cadres not posted in this township this month."""
        if not self.not_posted:
            return
        known = {}
        ids = list(self.not_posted)
        for i in range(0, len(ids), 500):
            known.update(
                Cadre.objects.filter(id_number__in=ids[i : i + 500]).values_list("id_number", "name")
            )
        for id_number, cells in self.not_posted.items():
            for row, col, _name_col, _name in cells:
                if id_number in known:
                    self.error(
                        row,
                        col,
                        _("干部 %(name)s（%(id)s）%(month)s 在%(township)s没有驻村选派")
                        % {
                            "name": known[id_number],
                            "id": id_number,
                            "month": f"{self.month:%Y年%m月}",
                            "township": self.township.name,
                        },
                    )
                elif not id_number:
                    self.error(row, col, _("缺少身份证号"))
                else:
                    self.error(row, col, _("身份证号 %(id)s 不在干部名册中") % {"id": id_number})

    def leave_warnings(self) -> None:
        # 休 (公休) is a rest day and needs no request; only 事 and 病 do (DOMAIN.md §4).
        leave_values = {Mark.LEAVE_PERSONAL.value, Mark.LEAVE_SICK.value}
        leave = [(c, d) for (_p, c, d, s, _n) in self.records if s in leave_values]
        if not leave:
            return
        spans = _approved_leave({c for c, _d in leave}, self.first, self.last)
        names = {p.cadre_id: p.name for p in self.posted.values()}
        message = _("%(name)s %(day)s 标为请假，但没有已批准的请假申请")  # translated once, not per day
        for cadre_id, day in leave:
            if not any(s <= day <= e for s, e in spans.get(cadre_id, ())):
                row, col = self.seen[cadre_id * 32 + day.day]
                self.warnings.append(
                    CellError(
                        self.ref(row, col),
                        message % {"name": names.get(cadre_id, ""), "day": self.day_text(day)},
                    )
                )

    # -- matrix
    def matrix(self, rows, header_index: int, header: list, col_offset: int, total: int) -> None:
        cols = {}
        day_cols: list[tuple[int, object]] = []
        seen_days: dict = {}
        for i, value in enumerate(header):
            text = norm_header(value)
            if text in ID_HEADERS and "id" not in cols:
                cols["id"] = i
            elif text in NAME_HEADERS and "name" not in cols:
                cols["name"] = i
            elif text in SEQ_HEADERS or text in VILLAGE_HEADERS:
                continue
            else:
                day = day_of_header(value, self.month)
                if day is None:
                    continue
                if day and day in seen_days:
                    self.error(
                        header_index,
                        i + col_offset,
                        _("表头中 %(day)s 出现了两次（另见 %(cell)s）")
                        % {
                            "day": self.day_text(day),
                            "cell": self.ref(header_index, seen_days[day] + col_offset),
                        },
                    )
                    continue
                if day:
                    seen_days[day] = i
                day_cols.append((i, day))
        missing_days = [
            self.first + dt.timedelta(days=k)
            for k in range((self.last - self.first).days + 1)
            if self.first + dt.timedelta(days=k) not in seen_days
        ]
        if missing_days:
            after = (max(i for i, _d in day_cols) + 1 if day_cols else len(header)) + col_offset
            self.error(
                header_index,
                after,
                _("表头缺少以下日期列：%(days)s（日期列应为 1 至 %(n)s）")
                % {"days": "、".join(str(d.day) for d in missing_days), "n": self.last.day},
            )
        id_col = cols["id"]
        name_col = cols.get("name")
        for r, row in enumerate(rows, start=header_index + 1):
            self.tick(r, total)
            if len(row) < len(header):
                row = list(row) + [""] * (len(header) - len(row))
            raw_id = row[id_col]
            marked = [(i, day, row[i]) for i, day in day_cols if not is_blank(row[i])]
            if is_blank(raw_id):
                if marked:
                    self.error(r, id_col + col_offset, _("该行填写了考勤，但缺少身份证号"))
                continue
            cadre = self.lookup(
                r,
                id_col + col_offset,
                None if name_col is None else name_col + col_offset,
                raw_id,
                row[name_col] if name_col is not None else None,
            )
            if cadre is None:
                continue
            dups: list = []
            for i, day, value in marked:
                if day == 0:
                    self.error(
                        r,
                        i + col_offset,
                        _("“%(head)s”列不在 %(month)s 内，应留空")
                        % {"head": cell_text(header[i]), "month": f"{self.month:%Y年%m月}"},
                    )
                    continue
                self.mark(cadre, day, value, r, i + col_offset, dups=dups)
            if dups:
                # One error for the row (a copied row would otherwise give one per day).
                self.error(
                    r,
                    dups[0][1],
                    _("%(name)s 这一行重复填报了 %(n)s 天：%(days)s（与 %(cell)s 所在行重复）")
                    % {
                        "name": cadre.name,
                        "n": len(dups),
                        "days": "、".join(self.day_text(d) for d, _c, _e in dups),
                        "cell": self.ref(*dups[0][2]),
                    },
                )
            for i, day in ((i, d) for i, d in day_cols if d and is_blank(row[i])):
                self.missing_cells.setdefault(cadre.cadre_id * 32 + day.day, (r, i + col_offset))
        self.header_id_cell = (header_index, id_col + col_offset)

    # -- long
    def long(self, rows, header_index: int, header: list, col_offset: int, total: int) -> None:
        cols = {}
        for i, value in enumerate(header):
            text = norm_header(value)
            for key, names in (
                ("id", ID_HEADERS),
                ("name", NAME_HEADERS),
                ("date", DATE_HEADERS),
                ("status", STATUS_HEADERS),
                ("note", NOTE_HEADERS),
            ):
                if text in names and key not in cols:
                    cols[key] = i
        id_col, date_col, status_col = cols["id"], cols["date"], cols["status"]
        name_col, note_col = cols.get("name"), cols.get("note")
        width = len(header)
        cache: dict = {}
        dates: dict = {}  # a date cell's value → its date (None when unreadable); 31 distinct values
        progress = self.progress
        for r, row in enumerate(rows, start=header_index + 1):
            if progress is not None and r % 5000 == 0:
                self.tick(r, total)
            if len(row) < width:
                row = list(row) + [""] * (width - len(row))
            raw_id, raw_date, raw_status = row[id_col], row[date_col], row[status_col]
            if is_blank(raw_id):
                if not (is_blank(raw_date) and is_blank(raw_status)):
                    self.error(r, id_col + col_offset, _("缺少身份证号"))
                continue
            raw_name = row[name_col] if name_col is not None else None
            key = (raw_id, raw_name)
            cadre = cache.get(key, False)
            if cadre is False or cadre is None:
                # Each row of an unknown or misnamed cadre gets its own cell in the error list.
                cadre = self.lookup(
                    r,
                    id_col + col_offset,
                    None if name_col is None else name_col + col_offset,
                    raw_id,
                    raw_name,
                )
                cache[key] = cadre
            if cadre is None:
                continue
            try:
                day = dates[raw_date]
            except KeyError:
                day = dates[raw_date] = parse_date(raw_date)
            except TypeError:  # an unhashable value: never from a parser, but be safe
                day = parse_date(raw_date)
            if day is None:
                self.error(
                    r,
                    date_col + col_offset,
                    _("日期“%(v)s”无法识别，请填写 YYYY-MM-DD 或 Excel 日期") % {"v": cell_text(raw_date)},
                )
                continue
            if not self.first <= day <= self.last:
                self.error(
                    r,
                    date_col + col_offset,
                    _("日期 %(d)s 不在上报月份 %(month)s 内")
                    % {"d": day.isoformat(), "month": f"{self.month:%Y年%m月}"},
                )
                continue
            if is_blank(raw_status):
                # The upload date itself may be left blank (DOMAIN.md §4): only earlier days are due.
                if day < self.as_of and cadre.posting_on(day) is not None:
                    self.errored_days.add(cadre.cadre_id * 32 + day.day)
                    self.error(
                        r, status_col + col_offset, _("%(day)s 缺少考勤标记") % {"day": self.day_text(day)}
                    )
                continue
            note = row[note_col] if note_col is not None else ""
            if note != "":
                note = cell_text(note)[:200]
            self.mark(cadre, day, raw_status, r, status_col + col_offset, note)
        self.header_id_cell = (header_index, id_col + col_offset)

    def finish_missing(self) -> None:
        """Posted cadres absent from the sheet and posted days before the upload date without a mark.

        The upload date itself may be marked or blank (DOMAIN.md §4)."""
        seen, errored = self.seen, self.errored_days
        due_until = self.as_of - dt.timedelta(days=1)
        as_of_day = self.as_of.day if self.first <= self.as_of <= self.last else None
        # A kept mark is always on a posted day up to the upload date: a cadre with as many kept
        # marks before it as such days has nothing missing, and its days need not be listed one by one.
        kept = Counter(key >> 5 for key in seen)
        for cadre in self.posted.values():
            base = cadre.cadre_id * 32
            before = kept.get(cadre.cadre_id, 0)
            if as_of_day is not None and base + as_of_day in seen:
                before -= 1
            if before == cadre.due_count(due_until):
                continue
            due = [
                d for d in cadre.days(due_until) if base + d.day not in seen and base + d.day not in errored
            ]
            if not due:
                continue
            if cadre.cadre_id not in self.present:
                self.error(
                    *self.header_id_cell,
                    _("本乡镇驻村干部 %(name)s（%(id)s）%(month)s 有驻村天数，但表中没有该干部")
                    % {"name": cadre.name, "id": cadre.id_number, "month": f"{self.month:%Y年%m月}"},
                )
                continue
            if self.layout == AttendanceUpload.Layout.MATRIX:
                for d in due:
                    cell = self.missing_cells.get(base + d.day)
                    if cell is not None:
                        self.error(
                            *cell,
                            _("%(name)s %(day)s 在驻村期内，缺少考勤标记")
                            % {"name": cadre.name, "day": self.day_text(d)},
                        )
            else:
                self.error(
                    *self.present[cadre.cadre_id],
                    _("%(name)s 缺少以下驻村日期的考勤：%(days)s")
                    % {"name": cadre.name, "days": "、".join(self.day_text(d) for d in due)},
                )

    # -- the file
    def run(self, book: intake.Workbook) -> None:
        sheets = sorted(book.worksheets, key=lambda s: 0 if s.visible else 1)
        for sheet in sheets:
            if sheet.error:
                raise SpreadsheetRejected(_("工作表“%(s)s”已损坏，无法读取") % {"s": sheet.name})
            if self._run_sheet(sheet):
                break
        else:
            first = sheets[0].name if sheets else "Sheet1"
            self.sheet = first
            self.errors.append(
                CellError(
                    cell_ref(first, 1, 0),
                    _(
                        "未找到表头：月度考勤表应有“序号、姓名、身份证号、村名称、1、2……”一行，"
                        "考勤明细应有“身份证号、姓名、日期、状态、备注”一行"
                    ),
                )
            )
        message = str(intake.control_message)
        for sheet in sheets:
            for r, c in sheet.control:
                self.errors.append(CellError(cell_ref(sheet.name, r + 1, c), message))

    def _run_sheet(self, sheet) -> bool:
        col_offset = 0  # the intake gives rows from A1
        total = len(sheet.rows)
        rows = iter(sheet.rows)
        for header_index, header in enumerate(rows):
            if header_index >= HEADER_SCAN_ROWS:
                return False
            names = {norm_header(v) for v in header}
            if not names & ID_HEADERS:
                continue
            if names & DATE_HEADERS and names & STATUS_HEADERS:
                self.layout = AttendanceUpload.Layout.LONG
            elif any(day_of_header(v, self.month) for v in header):
                self.layout = AttendanceUpload.Layout.MATRIX
            else:
                continue
            self.sheet = sheet.name
            header = list(header)
            if self.layout == AttendanceUpload.Layout.LONG:
                self.long(rows, header_index, header, col_offset, total)
            else:
                self.matrix(rows, header_index, header, col_offset, total)
            return True
        return False


def check_file(
    *, township, month: dt.date, file, as_of: dt.date | None = None, user=None, progress=None
) -> CheckResult:
    """Parse and validate an attendance workbook for a township-month; write nothing.

    ``file`` is a path, bytes or a file object. Every problem is collected with its cell;
    ``records`` are ``(posting_id, cadre_id, date, status, note)`` tuples ready to write.
    """
    month = month.replace(day=1)
    as_of = as_of or timezone.localdate()
    result = CheckResult()
    try:
        data, name = read_input(file)
        result.data, result.original_name = data, name
        result.sha256 = hashlib.sha256(data).hexdigest()
        book = intake.parse(data, limits=INTAKE_LIMITS, name=name)
        checker = _Checker(township=township, month=month, as_of=as_of, progress=progress)
        checker.run(book)
    except SpreadsheetRejected as exc:
        result.errors = [CellError("", exc.message)]
        result.summary = {"errors": 1}
        return result
    if checker.layout:
        checker.finish_unknown()
        checker.finish_missing()
        checker.leave_warnings()
    # In reading order: the file first, then sheet by sheet, row by row, column by column.
    result.errors = sort_by_cell(checker.errors)
    result.warnings = sort_by_cell(checker.warnings)
    result.layout = checker.layout
    result.sheet = checker.sheet
    if result.errors:
        result.summary = {"layout": str(result.layout), "sheet": result.sheet, "errors": len(result.errors)}
        return result
    result.records = checker.records
    result.summary = _summary(township, month, checker)
    return result


def _summary(township, month, checker: _Checker) -> dict:
    records = checker.records
    by_status = Counter(r[3] for r in records)
    # The diff against the month's current records, in ints: a cadre-day is ``cadre_id * 32 +
    # day`` (one month), a cadre-day with its status that key times 8 plus the status's code; the
    # database computes them, so neither side builds 200,000 (cadre, date) tuples.
    code = {m.value: i for i, m in enumerate(Mark)}
    new_pairs = {(r[1] * 32 + r[2].day) * 8 + code[r[3]] for r in records}
    new_keys = {pair >> 3 for pair in new_pairs}
    if connection.vendor == "postgresql":
        day = "EXTRACT(DAY FROM date)::int"
    else:
        day = "CAST(strftime('%%d', date) AS INTEGER)"
    status_code = " ".join(f"WHEN '{value}' THEN {i}" for value, i in code.items())
    changed = unchanged = removed = 0
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT (cadre_id * 32 + {day}) * 8 + CASE status {status_code} ELSE 7 END "
            f"FROM {AttendanceRecord._meta.db_table} WHERE township_id = %s AND month = %s",
            [township.pk, month],
        )
        while chunk := cur.fetchmany(20000):
            for (pair,) in chunk:
                if pair in new_pairs:
                    unchanged += 1
                elif pair >> 3 in new_keys:
                    changed += 1
                else:
                    removed += 1
    added = len(new_keys) - changed - unchanged
    return {
        "layout": str(checker.layout),
        "sheet": checker.sheet,
        "cadres": len({r[1] for r in records}),
        "days": len(records),
        "by_status": {m.value: by_status.get(m.value, 0) for m in Mark},
        "warnings": len(checker.warnings),
        "diff": {"added": added, "changed": changed, "removed": removed, "unchanged": unchanged},
        "errors": 0,
    }


# --------------------------------------------------------------------------- writing
