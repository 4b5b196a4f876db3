"""Registry import (DOMAIN.md §3): one workbook of townships, villages, units, cadres, postings.

The file is checked whole before anything is written: every cell problem, every dangling
reference (to the file or the database), every overlap of postings (within the file and
against the database) and every row outside the user's area is collected with its cell.
Any error rejects the file and nothing is written; otherwise all rows are upserted in one
transaction with bulk operations, by code / 身份证号 (postings by cadre + village + start date),
so importing the same file twice changes nothing.

Everything is set-based: the database is read once per sheet (on PostgreSQL each key list
travels as one array; elsewhere in chunks of ``CHUNK`` keys), unchanged rows are skipped by
comparing with the values read, new rows are written with ``COPY`` on PostgreSQL (ids drawn
from the sequences beforehand, so nothing is read back) and ``bulk_create`` elsewhere, and
changed rows with batched ``UPDATE … FROM (VALUES …)``. A province file of 50,000 cadres
imports without a query per row; pinyin initials are worked out once per character.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres.models import Cadre, DispatchingUnit, Posting
from cadres.services import announce_new_postings
from core import idcard, intake
from core import pinyin as core_pinyin
from core.history import IMPORT, change_path, collecting_changes, record_batch, record_bulk_changes
from core.scoping import EVERYTHING, area_for
from core.xlsx import SpreadsheetRejected, cell_text, column_letter
from villages.models import (
    FENCE_RADIUS_MAX,
    FENCE_RADIUS_MIN,
    County,
    Policy,
    Township,
    Village,
    VillageFence,
    VillageTag,
)

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

CHUNK = 2000
#: A province's registry fits with room to spare; a sheet past these is refused unparsed.
INTAKE_LIMITS = intake.Limits(rows=300_000, cols=100, cells=6_000_000)
BATCH = 2000
HEADER_SEARCH_ROWS = 10
TAG_SPLIT = re.compile(r"[、,，]")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
CODE_PATTERNS = {6: re.compile(r"^\d{6}$"), 9: re.compile(r"^\d{9}$"), 12: re.compile(r"^\d{12}$")}
#: The cadre columns the registry sets, in the order ``_write_cadres`` builds them.
CADRE_FIELDS = (
    "id_number",
    "name",
    "name_initials",
    "mobile",
    "education",
    "identity",
    "rank",
    "expertise",
    "home_unit_id",
)
UNIT_FIELDS = ("code", "name", "name_initials", "level", "county_id")
MOBILE = re.compile(r"^1\d{10}$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class RegistryError:
    """One problem: ``str(e)`` is ``"干部!A5: 身份证号校验位错误"``."""

    sheet: str
    row: int | None
    column: str
    message: str

    @property
    def cell(self) -> str:
        if not self.sheet:
            return ""
        if self.row and self.column:
            return f"{self.sheet}!{self.column}{self.row}"
        return self.sheet

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}" if self.cell else self.message


def _zero_counts() -> dict[str, dict[str, int]]:
    return {key: {"created": 0, "updated": 0, "unchanged": 0} for key in COUNT_KEYS}


@dataclass
class RegistryResult:
    ok: bool
    errors: list[RegistryError] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=_zero_counts)
    dry_run: bool = False
    tags_created: int = 0

    def summary(self) -> str:
        """One line in Chinese: what was (or, in a dry run, would be) created, updated, unchanged."""
        parts = [
            _("%(sheet)s 新增 %(created)d、更新 %(updated)d、未变 %(unchanged)d")
            % {"sheet": key, **self.counts[key]}
            for key in COUNT_KEYS
        ]
        head = _("名册检查通过（试导入，未写入）") if self.dry_run else _("名册导入成功")
        return f"{head}：" + "；".join(parts)


def import_registry(
    *, file, user=None, dry_run: bool = False, max_bytes: int | None = None
) -> RegistryResult:
    """Check the registry workbook ``file`` (path, bytes or file object) and upsert it.

    ``user``: when given and not an admin, rows outside the user's counties are errors.
    ``dry_run``: check and count only, write nothing. Any error: nothing is written and
    ``result.errors`` lists every problem with its sheet, row and column.
    """
    try:
        data, _name = intake.read_upload(file, default_name="registry.xlsx", max_bytes=max_bytes)
    except SpreadsheetRejected as exc:
        return RegistryResult(ok=False, errors=[RegistryError("", None, "", exc.message)], dry_run=dry_run)
    importer = _RegistryImport(data=data, user=user, dry_run=dry_run)
    importer.file_name = str(file) if isinstance(file, (str, Path)) else getattr(file, "name", "") or ""
    return importer.run()


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


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date cell formatted as a number: Excel's serial day count.
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    match = DATE_TEXT.match(cell_text(value))
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _split_tags(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in TAG_SPLIT.split(text):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def _chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _update_rows(model, objs: list, fields: list[str]) -> None:
    """Write ``fields`` of ``objs`` (which carry their pk) in a few ``UPDATE … FROM (VALUES …)``.

    Django's ``bulk_update`` builds a ``CASE WHEN`` per row and field, which takes minutes and
    a gigabyte for 50,000 rows; joining a VALUES list is one plain statement per batch.
    """
    if not objs:
        return
    record_bulk_changes(model, objs, fields)
    if connection.vendor not in ("postgresql", "sqlite") or (
        connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33)
    ):
        model.objects.bulk_update(objs, fields, batch_size=BATCH)
        return
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        row_sql = "(" + ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in columns) + ")"
    else:
        row_sql = "(" + ", ".join("%s" for _f in columns) + ")"
    table = quote(meta.db_table)
    pk = quote(meta.pk.column)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns[1:])
    names = ", ".join(f"column{i} AS {quote(f.column)}" for i, f in enumerate(columns, start=1))
    batch = max(1, min(1000, (connection.features.max_query_params or 65535) // len(columns)))
    with connection.cursor() as cursor:
        for chunk in _chunks(objs, batch):
            params = [
                f.get_db_prep_value(getattr(obj, f.attname), connection, prepared=False)
                for obj in chunk
                for f in columns
            ]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (SELECT {names} FROM (VALUES "
                + ", ".join([row_sql] * len(chunk))
                + f") AS vals) AS v WHERE {table}.{pk} = v.{pk}",
                params,
            )


def _insert(model, fields: tuple[str, ...], rows, *, count: int | None = None) -> list[int] | None:
    """Insert new rows of ``model``: each row a tuple of the values of ``fields`` (attnames).

    ``rows`` is a list, or any iterable of ``count`` rows: on PostgreSQL a generator's rows are
    then built while the server is still indexing the ones sent before.

    Every other column gets its default, as ``bulk_create`` would give it (worked out once:
    every row of one call gets the same ``created_at``). Returns the new
    primary keys in the order of ``rows``, or None when the database cannot tell them.

    On PostgreSQL the keys are drawn from the table's sequence in one query and the rows are
    streamed with ``COPY`` (no model instances, no SQL text of 50,000 rows); a duplicate key
    still raises ``IntegrityError``. Elsewhere ``bulk_create``.
    """
    if count is None:
        rows = list(rows)
        count = len(rows)
    if not count:
        return []
    meta = model._meta
    if connection.vendor != "postgresql":
        objs = model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=BATCH
        )
        ids = [obj.pk for obj in objs]
        return None if None in ids else ids
    given = [meta.get_field(name) for name in fields]
    template = model()
    rest = [f for f in meta.concrete_fields if not f.primary_key and f not in given]
    defaults = tuple(f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in rest)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in (meta.pk, *given, *rest))
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            write = copy.write_row
            for pk, row in zip(ids, rows, strict=True):
                write((pk, *row, *defaults))
    return ids


def _fetch(make_queryset, keys) -> list:
    """Rows for many keys: ``make_queryset(keys)`` filters with ``field__in=keys``.

    On PostgreSQL one query whose keys travel as a single array (``IN (SELECT unnest(…))``):
    50,000 keys as 50,000 bound parameters cost more to send and parse than to look up.
    Elsewhere in chunks, so no database hits its bound-parameter limit.
    """
    keys = list(keys)
    if not keys:
        return []
    if connection.vendor == "postgresql":
        kind = "bigint" if all(isinstance(key, int) for key in keys) else "text"
        return list(make_queryset(RawSQL(f"SELECT unnest(%s::{kind}[])", (keys,))))
    rows = []
    for chunk in _chunks(keys):
        rows.extend(make_queryset(chunk))
    return rows


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


# --- the import --------------------------------------------------------------------------


class _RegistryImport:
    def __init__(self, *, data: bytes, user, dry_run: bool):
        self.data = data
        self.user = user
        self.dry_run = dry_run
        self.area = area_for(user) if user is not None else EVERYTHING
        self.errors: list[RegistryError] = []
        self.counts = _zero_counts()
        self.tables: dict[str, _Table] = {}
        self.townships: dict[str, _TownshipRow] = {}
        self.county_names: dict[str, tuple[str, int]] = {}
        self.villages: dict[str, _VillageRow] = {}
        self.units: dict[str, _UnitRow] = {}
        self.cadres: dict[str, _CadreRow] = {}
        self.postings: list[_PostingRow] = []
        self.new_tags: list[str] = []
        self._valid_ids: set[str] = set()
        self.initials = core_pinyin.memoised_initials()

    # helpers
    def error(self, rec: _Record, header: str, message: str) -> None:
        self.errors.append(RegistryError(rec.table.name, rec.number, rec.letter(header), message))

    def _result(self, ok: bool) -> RegistryResult:
        order = {name: i for i, name in enumerate((*SHEETS, SHEET_FENCES))}
        errors = sorted(
            self.errors,
            key=lambda e: (order.get(e.sheet, -1), e.row or 0, len(e.column), e.column),
        )
        return RegistryResult(
            ok=ok, errors=errors, counts=self.counts, dry_run=self.dry_run, tags_created=len(self.new_tags)
        )

    def run(self) -> RegistryResult:
        area = self.area
        if not area.everything and (area.is_township or not area.county_ids):
            self.errors.append(RegistryError("", None, "", _("只有组织部人员和管理员可以导入名册")))
            return self._result(False)
        if not self._read_workbook():
            return self._result(False)
        self._parse_townships()
        self._parse_villages()
        self._parse_units()
        self._parse_cadres()
        self._parse_postings()
        self._parse_fences()
        self._load_existing()
        self._check_townships()
        self._check_villages()
        self._check_units()
        self._check_cadres()
        self._check_postings()
        self._check_fences()
        if self.errors:
            return self._result(False)
        self._count()
        if not self.dry_run:
            try:
                with transaction.atomic(), change_path(IMPORT), collecting_changes() as changes:
                    self._write()
                    # COPY and bulk UPDATE bypass model history: one batch records who, when, the
                    # file, the counts and every changed row's before and after (DOMAIN.md §12).
                    record_batch(
                        kind="registry",
                        user=self.user,
                        file_name=Path(getattr(self, "file_name", "") or "").name,
                        counts=self.counts,
                        changes=changes,
                    )
            except IntegrityError:
                # Another writer got in between the check and the write; nothing was kept.
                self.errors.append(
                    RegistryError(
                        "", None, "", _("写入时与其他人刚保存的数据冲突，未写入任何数据，请重新导入")
                    )
                )
                self.counts = _zero_counts()
                return self._result(False)
        return self._result(True)

    def _read_workbook(self) -> bool:
        try:
            book = intake.parse(self.data, limits=INTAKE_LIMITS, name="registry.xlsx")
        except SpreadsheetRejected as exc:
            self.errors.append(RegistryError("", None, "", exc.message))
            return False
        message = str(intake.control_message)
        for found in book.worksheets:
            for r, c in found.control:
                self.errors.append(RegistryError(found.name, r + 1, column_letter(c), message))
        for sheet in SHEETS:
            found = book.sheet(sheet)
            if found is None:
                self.errors.append(
                    RegistryError(sheet, None, "", _("缺少工作表“%(sheet)s”") % {"sheet": sheet})
                )
                continue
            if found.error:
                self.errors.append(RegistryError(sheet, None, "", _("工作表无法读取")))
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
                        RegistryError(
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

    # --- parse: formats and duplicates within a sheet ----------------------------------

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
            if _parse_date(rec.raw("出生日期")) != idcard.birth_date(id_number):
                self.error(rec, "出生日期", _("出生日期与身份证号不一致"))

    def _date(self, rec, header) -> dt.date | None:
        raw = rec.raw(header)
        if cell_text(raw) == "":
            self.error(rec, header, _("%(header)s不能为空") % {"header": header})
            return None
        value = _parse_date(raw)
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

    # --- the database, read once ----------------------------------------------------------

    def _load_existing(self):
        township_codes = set(self.townships) | {
            v.township_code for v in self.villages.values() if v.township_code
        }
        village_codes = set(self.villages) | {p.village_code for p in self.postings if p.village_code}
        unit_codes = (
            set(self.units)
            | {c.unit_code for c in self.cadres.values() if c.unit_code}
            | {p.unit_code for p in self.postings if p.unit_code}
        )
        id_numbers = set(self.cadres) | {p.id_number for p in self.postings if p.id_number}

        self.db_townships = {
            row["code"]: row
            for row in _fetch(
                lambda keys: Township.objects.filter(code__in=keys).values(
                    "id", "code", "name", "county__code"
                ),
                township_codes,
            )
        }
        self.db_villages = {
            row["code"]: row
            for row in _fetch(
                lambda keys: Village.objects.filter(code__in=keys).values(
                    "id", "code", "name", "township__code", "township__county__code"
                ),
                village_codes,
            )
        }
        self.db_units = {
            row["code"]: row
            for row in _fetch(
                lambda keys: DispatchingUnit.objects.filter(code__in=keys).values(
                    "id", "code", "name", "level", "county__code"
                ),
                unit_codes,
            )
        }
        self.db_cadres = {
            row["id_number"]: row
            for row in _fetch(
                lambda keys: Cadre.objects.filter(id_number__in=keys).values(
                    "id",
                    "id_number",
                    "name",
                    "mobile",
                    "education",
                    "identity",
                    "rank",
                    "expertise",
                    "home_unit__code",
                ),
                id_numbers,
            )
        }
        county_codes = (
            set(self.county_names)
            | {t.county_code for t in self.townships.values() if t.county_code}
            | {u.county_code for u in self.units.values() if u.county_code}
            | {t["county__code"] for t in self.db_townships.values()}
            | {v["township__county__code"] for v in self.db_villages.values()}
            | {u["county__code"] for u in self.db_units.values()}
        )
        self.db_counties = {
            row["code"]: row
            for row in _fetch(
                lambda keys: County.objects.filter(code__in=keys).values("id", "code", "name"), county_codes
            )
        }

    # --- scope ------------------------------------------------------------------------------

    def _county_in_area(self, county_code: str | None) -> bool:
        if self.area.everything:
            return True
        county = self.db_counties.get(county_code) if county_code else None
        return county is not None and county["id"] in self.area.county_ids

    def _scope(self, rec, header, *county_codes) -> bool:
        """Error unless every given county (the file's and the database's) is in the user's area."""
        for code in dict.fromkeys(c for c in county_codes if c):
            if not self._county_in_area(code):
                self.error(rec, header, _("县代码 %(code)s 不在您的管辖范围") % {"code": code})
                return False
        return True

    def _township_county(self, code: str) -> str | None:
        row = self.townships.get(code)
        if row is not None:
            return row.county_code
        db = self.db_townships.get(code)
        return db["county__code"] if db else None

    def _village_county(self, code: str) -> str | None:
        row = self.villages.get(code)
        if row is not None:
            return self._township_county(row.township_code)
        db = self.db_villages.get(code)
        return db["township__county__code"] if db else None

    def _unit_county(self, code: str) -> str | None:
        row = self.units.get(code)
        if row is not None:
            return row.county_code
        db = self.db_units.get(code)
        return db["county__code"] if db else None

    # --- references and scope, sheet by sheet ---------------------------------------------

    def _check_townships(self):
        for row in self.townships.values():
            db = self.db_townships.get(row.code)
            self._scope(row.rec, "县代码", row.county_code, db and db["county__code"])

    def _check_villages(self):
        for row in self.villages.values():
            if not row.township_code:
                continue
            if row.township_code not in self.townships and row.township_code not in self.db_townships:
                self.error(
                    row.rec,
                    "乡镇代码",
                    _("乡镇代码 %(code)s 不存在：“乡镇”表和系统中都没有这个乡镇")
                    % {"code": row.township_code},
                )
                continue
            db = self.db_villages.get(row.code)
            self._scope(
                row.rec,
                "村代码",
                self._township_county(row.township_code),
                db and db["township__county__code"],
            )

    def _check_units(self):
        for row in self.units.values():
            if not row.county_code:
                continue
            if row.county_code not in self.county_names and row.county_code not in self.db_counties:
                self.error(
                    row.rec,
                    "县代码",
                    _("县代码 %(code)s 不存在：“乡镇”表和系统中都没有这个县") % {"code": row.county_code},
                )
                continue
            db = self.db_units.get(row.code)
            self._scope(row.rec, "单位代码", row.county_code, db and db["county__code"])

    def _unit_exists(self, code: str) -> bool:
        return code in self.units or code in self.db_units

    def _check_cadres(self):
        visible: set[int] = set()
        if not self.area.everything:
            existing_ids = [row["id"] for key, row in self.db_cadres.items() if key in self.cadres]
            visible = set(
                _fetch(
                    lambda keys: Cadre.objects.for_area(self.area)
                    .filter(id__in=keys)
                    .values_list("id", flat=True),
                    existing_ids,
                )
            )
        for row in self.cadres.values():
            if row.unit_code and not self._unit_exists(row.unit_code):
                self.error(
                    row.rec,
                    "单位代码",
                    _("单位代码 %(code)s 不存在：“派出单位”表和系统中都没有这个单位")
                    % {"code": row.unit_code},
                )
            if self.area.everything:
                continue
            db = self.db_cadres.get(row.id_number)
            if db is None or db["id"] in visible:
                continue
            # A cadre registered in another area is theirs to edit: a 干部 row would rename
            # them or move their unit. To post them here, the file needs only the 选派 row.
            # The message names nothing of the other area (not the cadre's name, unit or county).
            self.error(
                row.rec,
                "身份证号",
                _("该身份证号的干部已由其他地区登记，不能在此修改；如需选派到本县，只填写“选派”表即可"),
            )

    def _check_postings(self):
        for row in self.postings:
            rec = row.rec
            if row.id_number and row.id_number not in self.cadres and row.id_number not in self.db_cadres:
                self.error(
                    rec,
                    "身份证号",
                    _("身份证号 %(value)s 不在“干部”表中，系统中也没有这名干部") % {"value": row.id_number},
                )
                row.valid = False
            if (
                row.village_code
                and row.village_code not in self.villages
                and row.village_code not in self.db_villages
            ):
                self.error(
                    rec,
                    "村代码",
                    _("村代码 %(code)s 不存在：“村”表和系统中都没有这个村") % {"code": row.village_code},
                )
                row.valid = False
            elif row.village_code:
                db = self.db_villages.get(row.village_code)
                if not self._scope(
                    rec, "村代码", self._village_county(row.village_code), db and db["township__county__code"]
                ):
                    row.valid = False
            if row.unit_code and not self._unit_exists(row.unit_code):
                self.error(
                    rec,
                    "单位代码",
                    _("单位代码 %(code)s 不存在：“派出单位”表和系统中都没有这个单位")
                    % {"code": row.unit_code},
                )
                row.valid = False
        self._check_overlaps()

    def _check_overlaps(self):
        """A cadre in one posting a day; a village with one first secretary a day — file and database."""
        valid = [row for row in self.postings if row.valid]
        id_numbers = {row.id_number for row in valid if row.id_number in self.db_cadres}
        by_cadre = _fetch(
            lambda keys: Posting.objects.filter(cadre__id_number__in=keys).values(
                "id",
                "cadre__id_number",
                "cadre__name",
                "village__code",
                "village__name",
                "village__township__county__code",
                "unit__code",
                "role",
                "start_date",
                "planned_end_date",
                "actual_end_date",
                "status",
            ),
            id_numbers,
        )
        keyed = {(p["cadre__id_number"], p["village__code"], p["start_date"]): p for p in by_cadre}
        for row in valid:
            row.existing = keyed.get((row.id_number, row.village_code, row.start))
            actual_end = row.existing and row.existing["actual_end_date"]
            row.end = actual_end or row.planned_end
        replaced = {row.existing["id"] for row in valid if row.existing}

        fs_villages = {
            row.village_code
            for row in valid
            if row.role == Posting.Role.FIRST_SECRETARY and row.village_code in self.db_villages
        }
        by_village = _fetch(
            lambda keys: Posting.objects.filter(
                village__code__in=keys, role=Posting.Role.FIRST_SECRETARY
            ).values(
                "id",
                "cadre__id_number",
                "cadre__name",
                "village__code",
                "village__name",
                "role",
                "start_date",
                "planned_end_date",
                "actual_end_date",
            ),
            fs_villages,
        )

        cadre_groups: dict[str, list] = defaultdict(list)
        for row in valid:
            cadre_groups[row.id_number].append((row.start, row.end, row))
        for p in by_cadre:
            if p["id"] not in replaced and p["cadre__id_number"] in cadre_groups:
                cadre_groups[p["cadre__id_number"]].append(
                    (p["start_date"], p["actual_end_date"] or p["planned_end_date"], p)
                )
        self._sweep(cadre_groups, self._cadre_overlap)

        village_groups: dict[str, list] = defaultdict(list)
        for row in valid:
            if row.role == Posting.Role.FIRST_SECRETARY:
                village_groups[row.village_code].append((row.start, row.end, row))
        for p in by_village:
            if p["id"] not in replaced and p["village__code"] in village_groups:
                village_groups[p["village__code"]].append(
                    (p["start_date"], p["actual_end_date"] or p["planned_end_date"], p)
                )
        self._sweep(village_groups, self._first_secretary_overlap)

    def _sweep(self, groups, report):
        """Sort each group's periods; every period starting on or before the furthest end so far overlaps."""
        for periods in groups.values():
            if len(periods) < 2:
                continue
            periods.sort(key=lambda p: (p[0], p[1]))
            reported: set[int] = set()
            far_start, far_end, far_item = periods[0]
            for start, end, item in periods[1:]:
                if start <= far_end:
                    if isinstance(item, _PostingRow):
                        if item.rec.number not in reported:
                            reported.add(item.rec.number)
                            report(item, far_item, far_start, far_end)
                    elif isinstance(far_item, _PostingRow) and far_item.rec.number not in reported:
                        reported.add(far_item.rec.number)
                        report(far_item, item, start, end)
                if end > far_end:
                    far_start, far_end, far_item = start, end, item

    def _cadre_overlap(self, row: _PostingRow, other, other_start, other_end):
        if isinstance(other, _PostingRow):
            message = _("该干部的选派与第 %(row)d 行的选派时间重叠，同一干部同一天只能有一个选派") % {
                "row": other.rec.number
            }
        elif not self._county_in_area(other["village__township__county__code"]):
            # Another area's posting: its dates, never its village, role or county.
            message = _("该干部在 %(start)s 至 %(end)s 已有其他地区的选派，同一干部同一天只能有一个选派") % {
                "start": other_start.isoformat(),
                "end": other_end.isoformat(),
            }
        else:
            with translation.override(None):
                role = str(Posting.Role(other["role"]).label)
            message = _(
                "该干部在 %(start)s 至 %(end)s 已选派到%(village)s（%(role)s），同一干部同一天只能有一个选派"
            ) % {
                "start": other_start.isoformat(),
                "end": other_end.isoformat(),
                "village": other["village__name"],
                "role": role,
            }
        self.error(row.rec, "开始日期", message)

    def _first_secretary_overlap(self, row: _PostingRow, other, other_start, other_end):
        if isinstance(other, _PostingRow):
            message = _("与第 %(row)d 行的第一书记时间重叠，一个村同一天只能有一名第一书记") % {
                "row": other.rec.number
            }
        else:
            message = _(
                "%(village)s在 %(start)s 至 %(end)s 已有第一书记%(cadre)s，一个村同一天只能有一名第一书记"
            ) % {
                "village": other["village__name"],
                "start": other_start.isoformat(),
                "end": other_end.isoformat(),
                "cadre": other["cadre__name"],
            }
        self.error(row.rec, "职务", message)

    # --- counting: what the write will do (also for a dry run) -----------------------------

    def _tally(self, key, db, changed: bool):
        if db is None:
            self.counts[key]["created"] += 1
        elif changed:
            self.counts[key]["updated"] += 1
        else:
            self.counts[key]["unchanged"] += 1

    def _count(self):
        for code, (name, _row) in self.county_names.items():
            db = self.db_counties.get(code)
            self._tally(COUNTY_KEY, db, db is not None and db["name"] != name)
        for row in self.townships.values():
            db = self.db_townships.get(row.code)
            self._tally(
                SHEET_TOWNSHIPS,
                db,
                db is not None and (db["name"], db["county__code"]) != (row.name, row.county_code),
            )
        self.db_village_tags: dict[int, dict[str, int]] = defaultdict(dict)
        through = Village.tags.through
        existing_village_ids = [
            self.db_villages[code]["id"] for code in self.villages if code in self.db_villages
        ]
        for link in _fetch(
            lambda keys: through.objects.filter(village_id__in=keys).values(
                "id", "village_id", "villagetag__name"
            ),
            existing_village_ids,
        ):
            self.db_village_tags[link["village_id"]][link["villagetag__name"]] = link["id"]
        for row in self.villages.values():
            db = self.db_villages.get(row.code)
            changed = db is not None and (
                (db["name"], db["township__code"]) != (row.name, row.township_code)
                or set(self.db_village_tags.get(db["id"], {})) != set(row.tags)
            )
            self._tally(SHEET_VILLAGES, db, changed)
        for row in self.units.values():
            db = self.db_units.get(row.code)
            changed = db is not None and (db["name"], db["level"], db["county__code"]) != (
                row.name,
                row.level,
                row.county_code,
            )
            self._tally(SHEET_UNITS, db, changed)
        for row in self.cadres.values():
            db = self.db_cadres.get(row.id_number)
            changed = db is not None and self._cadre_values(db) != self._cadre_values(row)
            self._tally(SHEET_CADRES, db, changed)
        for row in self.postings:
            db = row.existing
            changed = db is not None and (db["unit__code"], db["role"], db["planned_end_date"]) != (
                row.unit_code,
                row.role,
                row.planned_end,
            )
            self._tally(SHEET_POSTINGS, db, changed)
        names = {tag for row in self.villages.values() for tag in row.tags}
        existing = set(
            _fetch(
                lambda keys: VillageTag.objects.filter(name__in=keys).values_list("name", flat=True), names
            )
        )
        self.new_tags = sorted(names - existing)
        self._count_fences()

    @staticmethod
    def _cadre_values(row) -> tuple:
        if isinstance(row, dict):
            return (
                row["name"],
                row["mobile"],
                row["education"],
                row["identity"],
                row["rank"],
                row["expertise"],
                row["home_unit__code"] or "",
            )
        return (row.name, row.mobile, row.education, row.identity, row.rank, row.expertise, row.unit_code)

    # --- writing: bulk, in one transaction ------------------------------------------------

    def _write(self):
        county_ids = self._write_counties()
        township_ids = self._write_townships(county_ids)
        village_ids = self._write_villages(township_ids)
        unit_ids = self._write_units(county_ids)
        cadre_ids = self._write_cadres(unit_ids)
        self._write_postings(cadre_ids, unit_ids, village_ids)
        self._write_fences()

    @staticmethod
    def _ids(model, field_name, keys) -> dict[str, int]:
        return dict(
            _fetch(
                lambda chunk: model.objects.filter(**{f"{field_name}__in": chunk}).values_list(
                    field_name, "id"
                ),
                keys,
            )
        )

    def _known_ids(self, model, field_name, keys, existing: dict, new_keys: list, new_ids) -> dict[str, int]:
        """Key → id for ``keys``: the rows read before writing plus those just inserted.

        ``new_keys`` are the keys of the inserted rows and ``new_ids`` their ids; when the
        database could not tell those ids they are read back.
        """
        if new_ids is None:
            return self._ids(model, field_name, keys)
        ids = {key: row["id"] for key, row in existing.items()}
        ids.update(zip(new_keys, new_ids, strict=True))
        return ids

    def _write_counties(self) -> dict[str, int]:
        create, update = [], []
        for code, (name, _row) in self.county_names.items():
            db = self.db_counties.get(code)
            if db is None:
                create.append(County(code=code, name=name))
            elif db["name"] != name:
                update.append(County(pk=db["id"], code=code, name=name))
        County.objects.bulk_create(create, batch_size=BATCH)
        _update_rows(County, update, ["name"])
        codes = set(self.county_names) | {row.county_code for row in self.units.values()}
        county_ids = self._ids(County, "code", codes)
        # Every county named by the file gets its policy, with the defaults, the first time.
        have = set(
            _fetch(
                lambda keys: Policy.objects.filter(county_id__in=keys).values_list("county_id", flat=True),
                county_ids.values(),
            )
        )
        Policy.objects.bulk_create(
            [Policy(county_id=pk) for pk in sorted(set(county_ids.values()) - have)], batch_size=BATCH
        )
        return county_ids

    def _write_townships(self, county_ids) -> dict[str, int]:
        create, update = [], []
        for row in self.townships.values():
            db = self.db_townships.get(row.code)
            obj = Township(code=row.code, name=row.name, county_id=county_ids[row.county_code])
            if db is None:
                create.append(obj)
            elif (db["name"], db["county__code"]) != (row.name, row.county_code):
                obj.pk = db["id"]
                update.append(obj)
        Township.objects.bulk_create(create, batch_size=BATCH)
        _update_rows(Township, update, ["name", "county"])
        return self._ids(Township, "code", {row.township_code for row in self.villages.values()})

    def _write_villages(self, township_ids):
        VillageTag.objects.bulk_create([VillageTag(name=name) for name in self.new_tags], batch_size=BATCH)
        tag_names = {tag for row in self.villages.values() for tag in row.tags}
        tag_ids = self._ids(VillageTag, "name", tag_names)
        create, update = [], []
        for row in self.villages.values():
            db = self.db_villages.get(row.code)
            if db is None:
                create.append((row.code, row.name, self.initials(row.name), township_ids[row.township_code]))
            elif (db["name"], db["township__code"]) != (row.name, row.township_code):
                update.append(
                    Village(
                        pk=db["id"],
                        code=row.code,
                        name=row.name,
                        name_initials=self.initials(row.name),
                        township_id=township_ids[row.township_code],
                    )
                )
        new_ids = _insert(Village, ("code", "name", "name_initials", "township_id"), create)
        _update_rows(Village, update, ["name", "name_initials", "township"])
        codes = set(self.villages) | {row.village_code for row in self.postings}
        new_codes = [values[0] for values in create]
        village_ids = self._known_ids(Village, "code", codes, self.db_villages, new_codes, new_ids)
        through = Village.tags.through
        stale: list[int] = []
        links = []
        for row in self.villages.values():
            village_id = village_ids[row.code]
            current = self.db_village_tags.get(village_id, {})
            stale.extend(link_id for name, link_id in current.items() if name not in row.tags)
            links.extend((village_id, tag_ids[name]) for name in row.tags if name not in current)
        for chunk in _chunks(stale):
            through.objects.filter(id__in=chunk).delete()
        _insert(through, ("village_id", "villagetag_id"), links)
        return village_ids

    def _write_units(self, county_ids) -> dict[str, int]:
        create, update = [], []
        for row in self.units.values():
            db = self.db_units.get(row.code)
            if db is not None and (db["name"], db["level"], db["county__code"]) == (
                row.name,
                row.level,
                row.county_code,
            ):
                continue
            values = (row.code, row.name, self.initials(row.name), row.level, county_ids[row.county_code])
            if db is None:
                create.append(values)
            else:
                update.append(DispatchingUnit(pk=db["id"], **dict(zip(UNIT_FIELDS, values, strict=True))))
        new_ids = _insert(DispatchingUnit, UNIT_FIELDS, create)
        _update_rows(DispatchingUnit, update, ["name", "name_initials", "level", "county"])
        codes = {row.unit_code for row in self.cadres.values() if row.unit_code} | {
            row.unit_code for row in self.postings
        }
        new_codes = [values[0] for values in create]
        return self._known_ids(DispatchingUnit, "code", codes, self.db_units, new_codes, new_ids)

    def _write_cadres(self, unit_ids) -> dict[str, int]:
        new, update = [], []
        for row in self.cadres.values():
            db = self.db_cadres.get(row.id_number)
            if db is None:
                new.append(row)
            elif self._cadre_values(db) != self._cadre_values(row):
                values = self._cadre_columns(row, unit_ids)
                update.append(Cadre(pk=db["id"], **dict(zip(CADRE_FIELDS, values, strict=True))))
        # Built while streaming: the server indexes the rows sent while pinyin is worked out.
        create = (
            (
                *self._cadre_columns(row, unit_ids),
                idcard.gender(row.id_number),
                idcard.birth_date(row.id_number),
            )
            for row in new
        )
        new_ids = _insert(Cadre, (*CADRE_FIELDS, "gender", "birth_date"), create, count=len(new))
        _update_rows(
            Cadre,
            update,
            ["name", "name_initials", "mobile", "education", "identity", "rank", "expertise", "home_unit"],
        )
        keys = {row.id_number for row in self.postings}
        new_keys = [row.id_number for row in new]
        return self._known_ids(Cadre, "id_number", keys, self.db_cadres, new_keys, new_ids)

    def _cadre_columns(self, row: _CadreRow, unit_ids) -> tuple:
        """The values of ``CADRE_FIELDS`` for a cadre of the file."""
        return (
            row.id_number,
            row.name,
            self.initials(row.name),
            row.mobile,
            row.education,
            row.identity,
            row.rank,
            row.expertise,
            unit_ids[row.unit_code] if row.unit_code else None,
        )

    def _write_postings(self, cadre_ids, unit_ids, village_ids):
        create, update = [], []
        for row in self.postings:
            db = row.existing
            if db is None:
                create.append(
                    (
                        cadre_ids[row.id_number],
                        village_ids[row.village_code],
                        unit_ids[row.unit_code],
                        row.role,
                        row.start,
                        row.planned_end,
                        Posting.Status.ACTIVE.value,
                    )
                )
            elif (db["unit__code"], db["role"], db["planned_end_date"]) != (
                row.unit_code,
                row.role,
                row.planned_end,
            ):
                update.append(
                    Posting(
                        pk=db["id"],
                        unit_id=unit_ids[row.unit_code],
                        role=row.role,
                        planned_end_date=row.planned_end,
                    )
                )
        # Updates first: a posting shortened by this file may make room for one it creates.
        _update_rows(Posting, update, ["unit", "role", "planned_end_date"])
        _insert(
            Posting,
            ("cadre_id", "village_id", "unit_id", "role", "start_date", "planned_end_date", "status"),
            create,
        )
        if create:
            # COPY bypasses signals: announce the new postings explicitly (replacements they fulfil).
            county_of = dict(
                Village.objects.filter(pk__in={c[1] for c in create}).values_list("pk", "township__county_id")
            )
            announce_new_postings(county_ids={county_of[c[1]] for c in create})


# --- the optional 驻地 sheet (DOMAIN §10): village fences, upserted by 村代码 + 名称 -------------
# Kept in functions of their own, bolted onto _RegistryImport below, so the rest of the import
# reads as before.


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


def _read_fence_sheet(self, book) -> None:
    """Read the 驻地 sheet when the workbook (read by core.intake) has one; it is optional."""
    self.fences: list[_FenceRow] = []
    found = book.sheet(SHEET_FENCES)
    if found is None:
        return
    if found.error:
        self.errors.append(RegistryError(SHEET_FENCES, None, "", _("工作表无法读取")))
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
            RegistryError(
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
        latitude = _fence_number(self, rec, "纬度", -90, 90)
        longitude = _fence_number(self, rec, "经度", -180, 180)
        radius = None
        raw = rec.text("半径(米)")
        if raw:
            try:
                value = float(raw)
            except ValueError:
                value = None
            if value is None or not value.is_integer() or not FENCE_RADIUS_MIN <= value <= FENCE_RADIUS_MAX:
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


def _check_fences(self) -> None:
    """Every fence's village is in the file or the database, and in the user's area."""
    if not self.fences:
        return
    codes = {row.village_code for row in self.fences if row.village_code}
    unknown = codes - set(self.villages) - set(self.db_villages)
    if unknown:
        for row in _fetch(
            lambda keys: Village.objects.filter(code__in=keys).values(
                "id", "code", "name", "township__code", "township__county__code"
            ),
            unknown,
        ):
            self.db_villages[row["code"]] = row
            county = row["township__county__code"]
            if county not in self.db_counties:
                self.db_counties.update(
                    {c["code"]: c for c in County.objects.filter(code=county).values("id", "code", "name")}
                )
    for row in self.fences:
        if not row.village_code:
            continue
        if row.village_code not in self.villages and row.village_code not in self.db_villages:
            self.error(
                row.rec,
                "村代码",
                _("村代码 %(code)s 不存在：“村”表和系统中都没有这个村") % {"code": row.village_code},
            )
            continue
        db = self.db_villages.get(row.village_code)
        self._scope(
            row.rec, "村代码", self._village_county(row.village_code), db and db["township__county__code"]
        )


def _count_fences(self) -> None:
    self.db_fences: dict[tuple[str, str], dict] = {}
    if not self.fences:
        return
    for fence in _fetch(
        lambda keys: VillageFence.objects.filter(village__code__in=keys).values(
            "id", "village__code", "name", "latitude", "longitude", "radius_m"
        ),
        {row.village_code for row in self.fences},
    ):
        self.db_fences[(fence["village__code"], fence["name"])] = fence
    for row in self.fences:
        db = self.db_fences.get((row.village_code, row.name))
        changed = db is not None and (db["latitude"], db["longitude"], db["radius_m"]) != (
            row.latitude,
            row.longitude,
            row.radius_m,
        )
        self._tally(SHEET_FENCES, db, changed)


def _write_fences(self) -> None:
    if not self.fences:
        return
    village_ids = self._ids(Village, "code", {row.village_code for row in self.fences})
    create, update = [], []
    for row in self.fences:
        db = self.db_fences.get((row.village_code, row.name))
        values = {"latitude": row.latitude, "longitude": row.longitude, "radius_m": row.radius_m}
        if db is None:
            create.append(VillageFence(village_id=village_ids[row.village_code], name=row.name, **values))
        elif (db["latitude"], db["longitude"], db["radius_m"]) != (row.latitude, row.longitude, row.radius_m):
            update.append(
                VillageFence(pk=db["id"], village_id=village_ids[row.village_code], name=row.name, **values)
            )
    VillageFence.objects.bulk_create(create, batch_size=BATCH)
    _update_rows(VillageFence, update, ["latitude", "longitude", "radius_m"])


_RegistryImport._read_fence_sheet = _read_fence_sheet
_RegistryImport._parse_fences = _parse_fences
_RegistryImport._check_fences = _check_fences
_RegistryImport._count_fences = _count_fences
_RegistryImport._write_fences = _write_fences
