"""Check-in import (DOMAIN §10) for counties that already use DingTalk or WeChat.

Layout: a header row ``身份证号, 姓名, 打卡时间, 纬度, 经度, 精度(米), 备注`` (title rows above it
are skipped), one check-in a row; 打卡时间 an Excel date-time or ``YYYY-MM-DD HH:MM[:SS]`` in
Beijing time. All or nothing: every problem is reported with its cell and nothing is written.
A check-in outside every fence is no error: it is stored as invalid with its reason. The same
cadre and time again (in the file or already stored) adds nothing, so a re-import is harmless.

Set-based: the cadres are read once per chunk of 身份证号, the postings, fences and policies once
(``services.Judge``), and the rows go in with COPY into a temporary table and one
``INSERT … ON CONFLICT DO NOTHING`` on PostgreSQL, batched inserts elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre
from checkins.models import CheckIn
from checkins.partitions import CHECKINS
from checkins.services import LOCAL, Judge
from core import bulk, intake
from core.intake.cells import (
    CellError,
    find_header,
    header_text,
    id_text,
    is_blank,
    parse_datetime,
    parse_number,
)
from core.xlsx import SpreadsheetRejected, cell_ref, cell_text, sort_by_cell

HEADERS = ("身份证号", "姓名", "打卡时间", "纬度", "经度", "精度(米)", "备注")
REQUIRED = HEADERS[:6]
HEADER_SCAN_ROWS = 10
CHUNK = 2000
MAX_ERRORS = 2000
COLUMNS = (
    "cadre_id",
    "posting_id",
    "at",
    "day",
    "slot",
    "latitude",
    "longitude",
    "accuracy_m",
    "source",
    "note",
    "photo",
    "valid",
    "reason",
    "distance_m",
    "created_at",
)


@dataclass
class ImportResult:
    errors: list[CellError] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    valid: int = 0
    invalid: int = 0
    sheet: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def existing(self) -> int:
        return self.rows - self.created

    def summary(self) -> str:
        return _(
            "已导入签到：文件 %(rows)s 条（有效 %(valid)s、无效 %(invalid)s），新增 %(created)s 条，"
            "已存在 %(existing)s 条"
        ) % {
            "rows": self.rows,
            "valid": self.valid,
            "invalid": self.invalid,
            "created": self.created,
            "existing": self.existing,
        }


# A month of a county's phone check-ins is ~70,000 rows; a province's import file is split by county.
INTAKE_LIMITS = intake.Limits(rows=300_000, cols=50, cells=3_000_000)


def read_sheet(file) -> tuple[str, list[list], list[tuple[int, int]]]:
    """The rows of the workbook's first worksheet that has the check-in header (else its first),
    and the cells whose control characters were removed (0-based row, column).

    Read through the one guarded intake (core.intake): size, zip structure, XML entities and
    dimensions are inspected before a parser allocates, and the parse runs in a limited child
    process. Raises SpreadsheetRejected.
    """
    book = intake.read(file, limits=INTAKE_LIMITS, default_name="checkins.xlsx")
    first = None
    for sheet in book.worksheets:
        if sheet.error:
            raise SpreadsheetRejected(_("工作表“%(s)s”已损坏，无法读取") % {"s": sheet.name})
        if first is None:
            first = sheet
        if _header_index(sheet.rows) is not None:
            return sheet.name, sheet.rows, list(sheet.control)
    if first is None:
        return "Sheet1", [], []
    return first.name, first.rows, list(first.control)


def _header_index(rows) -> int | None:
    return find_header(rows, ("身份证号", "打卡时间"), scan=HEADER_SCAN_ROWS)


def _local_time(value) -> dt.datetime | None:
    """The check-in time, read as Asia/Shanghai wall-clock time."""
    naive = parse_datetime(value)
    return timezone.make_aware(naive, LOCAL) if naive is not None else None


class _Parsed:
    __slots__ = ("row", "id_number", "name", "at", "lat", "lon", "acc", "note")

    def __init__(self, row, id_number, name, at, lat, lon, acc, note):
        self.row, self.id_number, self.name, self.at = row, id_number, name, at
        self.lat, self.lon, self.acc, self.note = lat, lon, acc, note


def _parse(sheet: str, rows: list[list], errors: list[CellError]) -> list[_Parsed]:
    header_index = _header_index(rows)
    if header_index is None:
        errors.append(
            CellError(
                cell_ref(sheet, 1, 0),
                _("未找到表头：应有“%(h)s”一行") % {"h": "、".join(HEADERS)},
            )
        )
        return []
    columns: dict[str, int] = {}
    for index, value in enumerate(rows[header_index]):
        name = header_text(value)
        if name in HEADERS and name not in columns:
            columns[name] = index
    missing = [h for h in REQUIRED if h not in columns]
    if missing:
        errors.append(
            CellError(
                cell_ref(sheet, header_index + 1, 0),
                _("缺少表头“%(h)s”（应有：%(all)s）") % {"h": "、".join(missing), "all": "、".join(HEADERS)},
            )
        )
        return []

    def error(row: int, header: str, message: str) -> None:
        errors.append(CellError(cell_ref(sheet, row, columns[header]), message))

    def cell(cells, header):
        index = columns.get(header)
        return cells[index] if index is not None and index < len(cells) else None

    parsed = []
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        if all(is_blank(v) for v in cells):
            continue
        row = index + 1
        before = len(errors)
        raw_id = cell(cells, "身份证号")
        id_number, was_number = id_text(raw_id)
        if not id_number:
            error(row, "身份证号", _("身份证号不能为空"))
        elif was_number:
            error(row, "身份证号", _("身份证号被存成了数字（末几位已丢失），请把该列设为文本后重新填写"))
        name = "".join(cell_text(cell(cells, "姓名")).split())
        raw_time = cell(cells, "打卡时间")
        at = _local_time(raw_time)
        if at is None:
            error(
                row,
                "打卡时间",
                _("打卡时间“%(v)s”不是有效的时间，应为 Excel 日期时间或 YYYY-MM-DD HH:MM[:SS]")
                % {"v": cell_text(raw_time)},
            )
        lat = parse_number(cell(cells, "纬度"))
        if lat is None or not -90 <= lat <= 90:
            error(
                row, "纬度", _("纬度“%(v)s”应为 -90 至 90 之间的数") % {"v": cell_text(cell(cells, "纬度"))}
            )
        lon = parse_number(cell(cells, "经度"))
        if lon is None or not -180 <= lon <= 180:
            error(
                row, "经度", _("经度“%(v)s”应为 -180 至 180 之间的数") % {"v": cell_text(cell(cells, "经度"))}
            )
        acc = parse_number(cell(cells, "精度(米)"))
        if acc is None or acc < 0:
            error(
                row,
                "精度(米)",
                _("精度“%(v)s”应为不小于 0 的米数") % {"v": cell_text(cell(cells, "精度(米)"))},
            )
        note = cell_text(cell(cells, "备注")) if "备注" in columns else ""
        if len(note) > 200:
            error(row, "备注", _("备注过长（最多 200 个字）"))
        if len(errors) == before:
            parsed.append(_Parsed(row, id_number, name, at, lat, lon, acc, note))
        elif id_number and not was_number:
            # Still look the person up, so an unknown 身份证号 is reported with the other errors.
            parsed.append(_Parsed(row, id_number, name, None, None, None, None, ""))
        if len(errors) > MAX_ERRORS:
            break
    return parsed


def _cadres(id_numbers, user) -> dict[str, tuple[int, str]]:
    """身份证号 → (cadre id, name), only cadres the user's area sees (everyone without a user)."""
    base = Cadre.objects.for_user(user) if user is not None else Cadre.objects.all()
    found: dict[str, tuple[int, str]] = {}
    values = sorted(id_numbers)
    for i in range(0, len(values), CHUNK):
        for pk, number, name in base.filter(id_number__in=values[i : i + CHUNK]).values_list(
            "id", "id_number", "name"
        ):
            found[number] = (pk, name)
    return found


def import_checkins(*, file, user=None) -> ImportResult:
    """Check the check-in workbook ``file`` (path, bytes or file object) and store its rows.

    ``user``: when given, rows of cadres outside the user's area are errors worded exactly as
    for an unknown 身份证号, so the file reveals nothing about other areas.
    """
    result = ImportResult()
    try:
        sheet, rows, control = read_sheet(file)
    except SpreadsheetRejected as exc:
        result.errors = [CellError("", exc.message)]
        return result
    result.sheet = sheet
    errors: list[CellError] = [
        CellError(cell_ref(sheet, r + 1, c), str(intake.control_message)) for r, c in control
    ]
    parsed = _parse(sheet, rows, errors)
    cadres = _cadres({p.id_number for p in parsed}, user)
    id_col = _header_index(rows)
    ready = []
    for p in parsed:
        found = cadres.get(p.id_number)
        if found is None:
            ref = _cell_of(sheet, rows, id_col, p.row, "身份证号")
            errors.append(
                CellError(
                    ref, _("未找到身份证号为 %(id)s 的干部（或不在您的管辖范围）") % {"id": p.id_number}
                )
            )
            continue
        cadre_id, registered = found
        if p.name and p.name != registered:
            errors.append(
                CellError(
                    _cell_of(sheet, rows, id_col, p.row, "姓名"),
                    _("姓名“%(given)s”与名册中身份证号 %(id)s 的姓名“%(name)s”不一致")
                    % {"given": p.name, "id": p.id_number, "name": registered},
                )
            )
            continue
        if p.at is not None:
            ready.append((cadre_id, p))
    if errors:
        result.errors = sort_by_cell(errors)
        return result
    result.rows = len({(cadre_id, p.at) for cadre_id, p in ready})
    if not ready:
        return result
    first = min(timezone.localtime(p.at, LOCAL).date() for _c, p in ready) - dt.timedelta(days=1)
    last = max(timezone.localtime(p.at, LOCAL).date() for _c, p in ready)
    judge = Judge({cadre_id for cadre_id, _p in ready}, first, last)
    now = timezone.now()
    records = {}
    for cadre_id, p in ready:
        key = (cadre_id, p.at)
        if key in records:
            continue  # the same check-in twice in the file: once is enough
        v = judge.decide(cadre_id=cadre_id, at=p.at, latitude=p.lat, longitude=p.lon, accuracy_m=p.acc)
        result.valid += v.valid
        result.invalid += not v.valid
        records[key] = (
            cadre_id,
            v.posting_id,
            p.at,
            v.day,
            v.slot,
            p.lat,
            p.lon,
            p.acc,
            CheckIn.Source.IMPORT.value,
            p.note,
            "",
            v.valid,
            v.reason,
            v.distance_m,
            now,
        )
    with transaction.atomic():
        result.created = write_rows(list(records.values()))
    return result


def _cell_of(sheet, rows, header_index, row, header) -> str:
    for index, value in enumerate(rows[header_index]):
        if header_text(value) == header:
            return cell_ref(sheet, row, index)
    return cell_ref(sheet, row, 0)




def write_rows(rows: list[tuple]) -> int:
    """Insert check-in rows (values in ``COLUMNS`` order), skipping any (cadre, at) already stored.

    Returns how many were new (``core.bulk.insert_new``). The months' partitions are made first
    when missing (PostgreSQL; checkins/partitions.py), and only those are analyzed after a large
    load. No conflict target: on PostgreSQL the key is ``(cadre_id, at, day)`` (the partition key
    must be in it), elsewhere ``(cadre_id, at)`` — the same rows either way, as ``day`` follows from ``at``.
    """
    months = sorted({row[3].replace(day=1) for row in rows})
    if months:
        CHECKINS.ensure_between(months[0], months[-1])
    with transaction.atomic():
        created = bulk.insert_new(CheckIn, COLUMNS, rows, conflict=None, analyze=False)
        if created >= bulk.ANALYZE_AFTER:
            for month in months:
                CHECKINS.analyze_month(month)  # the months' partitions only, not the whole table
    return created

