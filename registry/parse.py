"""Reading the registry workbook (DOMAIN.md §3): its sheets, headers and rows, and every check of
a cell or a row within its sheet — formats, required values, duplicates. What the rows mean
against each other and the database is ``registry.checks``; writing them, ``registry.write``;
the import that runs the three, ``registry.importing``.

The workbook comes through ``core.intake`` (the guard, the limited parser process); every
problem is a ``core.intake.cells.CellError`` naming its sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres.models import Cadre, DispatchingUnit, Posting
from core import idcard, intake
from core.intake.cells import CellError, parse_date
from core.xlsx import SpreadsheetRejected, cell_text, column_letter
from villages.models import FENCE_RADIUS_MAX, FENCE_RADIUS_MIN

SHEET_TOWNSHIPS = "乡镇"
SHEET_VILLAGES = "村"
SHEET_UNITS = "派出单位"
SHEET_CADRES = "干部"
SHEET_POSTINGS = "选派"

#: The sheets in workbook order and their headers, exactly as DOMAIN.md §3 names them.
HEADERS: dict[str, tuple[str, ...]] = {
    SHEET_TOWNSHIPS: ("县代码", "县名称", "乡镇代码", "乡镇名称"),
    SHEET_VILLAGES: ("村代码", "村名称", "乡镇代码", "标签"),
    SHEET_UNITS: ("单位代码", "单位名称", "级别", "县代码"),
    SHEET_CADRES: ("身份证号", "姓名", "手机", "学历", "身份", "职级", "专长", "单位代码"),
    SHEET_POSTINGS: ("身份证号", "村代码", "单位代码", "职务", "开始日期", "计划结束日期"),
}
#: Columns read when present: birth date and gender must then agree with the 身份证号.
OPTIONAL_HEADERS: dict[str, tuple[str, ...]] = {SHEET_CADRES: ("性别", "出生日期")}
SHEETS = tuple(HEADERS)
#: DOMAIN §10: the optional sheet of village fences (驻地范围), upserted by 村代码 + 名称.
SHEET_FENCES = "驻地"
FENCE_HEADERS = ("村代码", "名称", "纬度", "经度", "半径(米)")
COUNTY_KEY = "县"
COUNT_KEYS = (COUNTY_KEY, *SHEETS, SHEET_FENCES)

#: A province's registry fits with room to spare; a sheet past these is refused unparsed.
INTAKE_LIMITS = intake.Limits(rows=300_000, cols=100, cells=6_000_000)
HEADER_SEARCH_ROWS = 10
TAG_SPLIT = re.compile(r"[、,，]")
CODE_PATTERNS = {6: re.compile(r"^\d{6}$"), 9: re.compile(r"^\d{9}$"), 12: re.compile(r"^\d{12}$")}
MOBILE = re.compile(r"^1\d{10}$")


# --- reading -----------------------------------------------------------------------------


class _Record:
    """One data row of a sheet; ``number`` is the 1-based Excel row."""

    __slots__ = ("table", "number", "cells")

    def __init__(self, table, number, cells):
        self.table = table
        self.number = number
        self.cells = cells

    def raw(self, header):
        index = self.table.columns.get(header)
        if index is None or index >= len(self.cells):
            return ""
        value = self.cells[index]
        return "" if value is None else value

    def text(self, header) -> str:
        index = self.table.columns.get(header)
        if index is None or index >= len(self.cells):
            return ""
        value = self.cells[index]
        # python-calamine gives text cells as ``str``: the common case, without cell_text's checks.
        return value.strip() if value.__class__ is str else cell_text(value)

    def letter(self, header) -> str:
        index = self.table.columns.get(header)
        return column_letter(index) if index is not None else ""


@dataclass
class _Table:
    name: str
    rows: list
    header_index: int
    columns: dict[str, int]

    def records(self):
        for index in range(self.header_index + 1, len(self.rows)):
            cells = self.rows[index]
            if _has_value(cells):
                yield _Record(self, index + 1, cells)


def _has_value(cells) -> bool:
    """Whether any cell is not blank (``cell_text`` of it is not empty)."""
    for value in cells:
        if value.__class__ is str:
            if value and not value.isspace():
                return True
        elif value is not None:
            return True
    return False


def _normalise_header(value) -> str:
    return re.sub(r"\s+", "", cell_text(value)).lstrip("*＊")


def _find_header(rows, wanted) -> int:
    """Index of the header row: the first of the top rows naming any wanted header, else 0."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(_normalise_header(v) in wanted for v in cells):
            return index
    return 0


def _label_map(choices) -> dict[str, str]:
    """Chinese label (and the stored value) → stored value, whatever language is active."""
    with translation.override(None):
        mapping = {str(label): value for value, label in choices.choices}
    mapping.update({value: value for value in choices.values})
    return mapping


def _labels(choices) -> str:
    with translation.override(None):
        return "/".join(str(label) for label in choices.labels)


def _split_tags(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in TAG_SPLIT.split(text):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


# --- parsed rows -------------------------------------------------------------------------


@dataclass
class _TownshipRow:
    rec: _Record
    county_code: str
    county_name: str
    code: str
    name: str


@dataclass
class _VillageRow:
    rec: _Record
    code: str
    name: str
    township_code: str
    tags: list[str]


@dataclass
class _UnitRow:
    rec: _Record
    code: str
    name: str
    level: str
    county_code: str


@dataclass
class _CadreRow:
    rec: _Record
    id_number: str
    name: str
    mobile: str
    education: str
    identity: str
    rank: str
    expertise: str
    unit_code: str


@dataclass
class _PostingRow:
    rec: _Record
    id_number: str
    village_code: str
    unit_code: str
    role: str
    start: dt.date | None
    planned_end: dt.date | None
    valid: bool = True
    # Set while checking: the database posting this row updates, and the day it ends.
    existing: dict | None = None
    end: dt.date | None = None


@dataclass
class _FenceRow:
    rec: _Record
    village_code: str
    name: str
    latitude: float | None
    longitude: float | None
    radius_m: int | None


def _fence_header(value) -> str:
    # 半径（米） typed with full-width brackets is the same column.
    return _normalise_header(value).replace("（", "(").replace("）", ")")


class Parser:
    """Reading the workbook (through ``core.intake``) and every check of a cell or a row within
    its sheet: formats, required values, duplicates. Part of ``registry.importing.RegistryImport``."""

    def error(self, rec: _Record, header: str, message: str) -> None:
        self.errors.append(CellError.at(rec.table.name, rec.number, rec.letter(header), message))

    def _read_workbook(self) -> bool:
        try:
            book = intake.parse(self.data, limits=INTAKE_LIMITS, name="registry.xlsx")
        except SpreadsheetRejected as exc:
            self.errors.append(CellError.at("", None, "", exc.message))
            return False
        message = str(intake.control_message)
        for found in book.worksheets:
            for r, c in found.control:
                self.errors.append(CellError.at(found.name, r + 1, column_letter(c), message))
        for sheet in SHEETS:
            found = book.sheet(sheet)
            if found is None:
                self.errors.append(
                    CellError.at(sheet, None, "", _("缺少工作表“%(sheet)s”") % {"sheet": sheet})
                )
                continue
            if found.error:
                self.errors.append(CellError.at(sheet, None, "", _("工作表无法读取")))
                continue
            rows = found.rows
            wanted = set(HEADERS[sheet]) | set(OPTIONAL_HEADERS.get(sheet, ()))
            header_index = _find_header(rows, wanted) if rows else 0
            columns: dict[str, int] = {}
            for index, value in enumerate(rows[header_index] if rows else []):
                name = _normalise_header(value)
                if name in wanted and name not in columns:
                    columns[name] = index
            for header in HEADERS[sheet]:
                if header not in columns:
                    self.errors.append(
                        CellError.at(
                            sheet,
                            header_index + 1,
                            "",
                            _("缺少表头“%(header)s”（应有：%(all)s）")
                            % {"header": header, "all": "、".join(HEADERS[sheet])},
                        )
                    )
            self.tables[sheet] = _Table(sheet, rows, header_index, columns)
        self._read_fence_sheet(book)
        return not self.errors

    def _code(self, rec, header, digits, label) -> str:
        value = rec.text(header)
        if not value:
            self.error(rec, header, _("%(label)s不能为空") % {"label": label})
        elif not CODE_PATTERNS[digits].match(value):
            self.error(
                rec,
                header,
                _("%(label)s“%(value)s”应为 %(n)d 位数字") % {"label": label, "value": value, "n": digits},
            )
        return value

    def _name(self, rec, header, label, max_length) -> str:
        value = rec.text(header)
        if not value:
            self.error(rec, header, _("%(label)s不能为空") % {"label": label})
        elif len(value) > max_length:
            self.error(rec, header, _("%(label)s过长（最多 %(n)d 个字）") % {"label": label, "n": max_length})
        return value

    def _choice(self, rec, header, mapping, labels, *, required) -> str:
        value = rec.text(header)
        if not value:
            if required:
                self.error(
                    rec,
                    header,
                    _("%(header)s不能为空，应为 %(labels)s") % {"header": header, "labels": labels},
                )
            return ""
        if value not in mapping:
            self.error(
                rec,
                header,
                _("%(header)s“%(value)s”无效，应为 %(labels)s")
                % {"header": header, "value": value, "labels": labels},
            )
            return ""
        return mapping[value]

    def _duplicate(self, rec, header, seen: dict, key, label) -> bool:
        if key in seen:
            self.error(rec, header, _("%(label)s与第 %(row)d 行重复") % {"label": label, "row": seen[key]})
            return True
        seen[key] = rec.number
        return False

    def _parse_townships(self):
        seen: dict[str, int] = {}
        for rec in self.tables[SHEET_TOWNSHIPS].records():
            county_code = self._code(rec, "县代码", 6, gettext_lazy("县代码"))
            county_name = self._name(rec, "县名称", gettext_lazy("县名称"), 64)
            code = self._code(rec, "乡镇代码", 9, gettext_lazy("乡镇代码"))
            name = self._name(rec, "乡镇名称", gettext_lazy("乡镇名称"), 64)
            if county_code and county_name:
                known = self.county_names.get(county_code)
                if known is None:
                    self.county_names[county_code] = (county_name, rec.number)
                elif known[0] != county_name:
                    self.error(
                        rec,
                        "县名称",
                        _("县代码 %(code)s 的县名称“%(name)s”与第 %(row)d 行的“%(other)s”不一致")
                        % {"code": county_code, "name": county_name, "row": known[1], "other": known[0]},
                    )
            if code and not self._duplicate(rec, "乡镇代码", seen, code, gettext_lazy("乡镇代码")):
                self.townships[code] = _TownshipRow(rec, county_code, county_name, code, name)

    def _parse_villages(self):
        seen: dict[str, int] = {}
        for rec in self.tables[SHEET_VILLAGES].records():
            code = self._code(rec, "村代码", 12, gettext_lazy("村代码"))
            name = self._name(rec, "村名称", gettext_lazy("村名称"), 64)
            township_code = self._code(rec, "乡镇代码", 9, gettext_lazy("乡镇代码"))
            tags = _split_tags(rec.text("标签"))
            for tag in tags:
                if len(tag) > 32:
                    self.error(rec, "标签", _("标签“%(tag)s”过长（最多 32 个字）") % {"tag": tag})
            if code and not self._duplicate(rec, "村代码", seen, code, gettext_lazy("村代码")):
                self.villages[code] = _VillageRow(rec, code, name, township_code, tags)

    def _parse_units(self):
        seen: dict[str, int] = {}
        levels = _label_map(DispatchingUnit.Level)
        levels.update({f"{label}级": value for label, value in list(levels.items())})
        level_labels = _labels(DispatchingUnit.Level)
        for rec in self.tables[SHEET_UNITS].records():
            code = self._name(rec, "单位代码", gettext_lazy("单位代码"), 32)
            name = self._name(rec, "单位名称", gettext_lazy("单位名称"), 128)
            level = self._choice(rec, "级别", levels, level_labels, required=True)
            county_code = self._code(rec, "县代码", 6, gettext_lazy("县代码"))
            if code and not self._duplicate(rec, "单位代码", seen, code, gettext_lazy("单位代码")):
                self.units[code] = _UnitRow(rec, code, name, level, county_code)

    def _id_number(self, rec, header) -> tuple[str, bool]:
        value = idcard.normalize(rec.text(header))
        if not value:
            self.error(rec, header, _("身份证号不能为空"))
            return value, False
        if value in self._valid_ids:
            return value, True
        reason = idcard.problem(value)
        if reason:
            self.error(rec, header, reason)
            return value, False
        self._valid_ids.add(value)
        return value, True

    def _parse_cadres(self):
        seen: dict[str, int] = {}
        education = _label_map(Cadre.Education)
        identity = _label_map(Cadre.Identity)
        rank = _label_map(Cadre.Rank)
        genders = _label_map(Cadre.Gender)
        labels = {
            key: _labels(choices)
            for key, choices in (("学历", Cadre.Education), ("身份", Cadre.Identity), ("职级", Cadre.Rank))
        }
        table = self.tables[SHEET_CADRES]
        for rec in table.records():
            id_number, id_ok = self._id_number(rec, "身份证号")
            name = self._name(rec, "姓名", gettext_lazy("姓名"), 32)
            mobile = rec.text("手机").replace(" ", "").replace("-", "")
            if mobile and not MOBILE.match(mobile):
                self.error(rec, "手机", _("手机号“%(value)s”应为 11 位数字") % {"value": mobile})
            row = _CadreRow(
                rec,
                id_number,
                name,
                mobile,
                self._choice(rec, "学历", education, labels["学历"], required=False),
                self._choice(rec, "身份", identity, labels["身份"], required=False),
                self._choice(rec, "职级", rank, labels["职级"], required=False),
                "",
                rec.text("单位代码"),
            )
            tags = _split_tags(rec.text("专长"))
            for tag in tags:
                if len(tag) > 16:
                    self.error(rec, "专长", _("专长“%(tag)s”过长（最多 16 个字）") % {"tag": tag})
            row.expertise = "、".join(tags)
            if len(row.expertise) > 128:
                self.error(rec, "专长", _("专长过多（合计最多 128 个字）"))
            if id_ok:
                self._check_derived(rec, id_number, genders)
            if id_number and not self._duplicate(rec, "身份证号", seen, id_number, gettext_lazy("身份证号")):
                self.cadres[id_number] = row

    def _check_derived(self, rec, id_number, genders):
        """性别 / 出生日期, when the sheet carries them, must agree with the 身份证号."""
        if "性别" in rec.table.columns and rec.text("性别"):
            given = genders.get(rec.text("性别"))
            if given != idcard.gender(id_number):
                self.error(rec, "性别", _("性别与身份证号不一致"))
        if "出生日期" in rec.table.columns and rec.text("出生日期"):
            if parse_date(rec.raw("出生日期")) != idcard.birth_date(id_number):
                self.error(rec, "出生日期", _("出生日期与身份证号不一致"))

    def _date(self, rec, header) -> dt.date | None:
        raw = rec.raw(header)
        if cell_text(raw) == "":
            self.error(rec, header, _("%(header)s不能为空") % {"header": header})
            return None
        value = parse_date(raw)
        if value is None:
            self.error(
                rec,
                header,
                _("%(header)s“%(value)s”无效，应为 Excel 日期或 YYYY-MM-DD")
                % {"header": header, "value": cell_text(raw)},
            )
        return value

    def _parse_postings(self):
        seen: dict[tuple, int] = {}
        roles = _label_map(Posting.Role)
        role_labels = _labels(Posting.Role)
        for rec in self.tables[SHEET_POSTINGS].records():
            before = len(self.errors)
            id_number, _ok = self._id_number(rec, "身份证号")
            village_code = self._code(rec, "村代码", 12, gettext_lazy("村代码"))
            unit_code = self._name(rec, "单位代码", gettext_lazy("单位代码"), 32)
            role = self._choice(rec, "职务", roles, role_labels, required=True)
            start = self._date(rec, "开始日期")
            planned_end = self._date(rec, "计划结束日期")
            if start and planned_end and planned_end < start:
                self.error(rec, "计划结束日期", _("计划结束日期早于开始日期"))
            row = _PostingRow(rec, id_number, village_code, unit_code, role, start, planned_end)
            row.valid = len(self.errors) == before
            if id_number and village_code and start:
                key = (id_number, village_code, start)
                if self._duplicate(
                    rec, "开始日期", seen, key, gettext_lazy("同一干部、同一村、同一开始日期的选派")
                ):
                    continue
            self.postings.append(row)

    def _read_fence_sheet(self, book) -> None:
        """Read the 驻地 sheet when the workbook (read by core.intake) has one; it is optional."""
        self.fences: list[_FenceRow] = []
        found = book.sheet(SHEET_FENCES)
        if found is None:
            return
        if found.error:
            self.errors.append(CellError.at(SHEET_FENCES, None, "", _("工作表无法读取")))
            return
        rows = found.rows
        wanted = set(FENCE_HEADERS)
        header_index = 0
        for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
            if any(_fence_header(v) in wanted for v in cells):
                header_index = index
                break
        columns: dict[str, int] = {}
        for index, value in enumerate(rows[header_index] if rows else []):
            name = _fence_header(value)
            if name in wanted and name not in columns:
                columns[name] = index
        missing = [h for h in FENCE_HEADERS[:4] if h not in columns]
        for header in missing:
            self.errors.append(
                CellError.at(
                    SHEET_FENCES,
                    header_index + 1,
                    "",
                    _("缺少表头“%(header)s”（应有：%(all)s）")
                    % {"header": header, "all": "、".join(FENCE_HEADERS)},
                )
            )
        if not missing:
            self.tables[SHEET_FENCES] = _Table(SHEET_FENCES, rows, header_index, columns)

    def _fence_number(self, rec, header, low, high) -> float | None:
        raw = rec.raw(header)
        if raw == "" or (isinstance(raw, str) and not raw.strip()):
            self.error(rec, header, _("%(h)s不能为空") % {"h": header})
            return None
        try:
            value = float(raw.strip() if isinstance(raw, str) else raw)
        except (TypeError, ValueError):
            self.error(rec, header, _("%(h)s“%(v)s”不是数字") % {"h": header, "v": cell_text(raw)})
            return None
        if not low <= value <= high:
            self.error(
                rec,
                header,
                _("%(h)s %(v)s 超出范围（%(low)s 至 %(high)s）")
                % {"h": header, "v": value, "low": low, "high": high},
            )
            return None
        return value

    def _parse_fences(self) -> None:
        table = self.tables.get(SHEET_FENCES)
        if table is None:
            return
        seen: dict = {}
        for rec in table.records():
            code = self._code(rec, "村代码", 12, gettext_lazy("村代码"))
            name = self._name(rec, "名称", gettext_lazy("驻地名称"), 64)
            latitude = self._fence_number(rec, "纬度", -90, 90)
            longitude = self._fence_number(rec, "经度", -180, 180)
            radius = None
            raw = rec.text("半径(米)")
            if raw:
                try:
                    value = float(raw)
                except ValueError:
                    value = None
                if (
                    value is None
                    or not value.is_integer()
                    or not FENCE_RADIUS_MIN <= value <= FENCE_RADIUS_MAX
                ):
                    self.error(
                        rec,
                        "半径(米)",
                        _("半径“%(v)s”应为 %(low)d 至 %(high)d 之间的整数（米），留空则用本县默认半径")
                        % {"v": raw, "low": FENCE_RADIUS_MIN, "high": FENCE_RADIUS_MAX},
                    )
                else:
                    radius = int(value)
            if (
                code
                and name
                and self._duplicate(rec, "名称", seen, (code, name), gettext_lazy("同一村的同名驻地"))
            ):
                continue
            self.fences.append(_FenceRow(rec, code, name, latitude, longitude, radius))
