"""Workbooks of the monthly totals: the 月度驻村考勤统计表 and the 生活补助发放表 per dispatching unit.

Layout of the 月度驻村考勤统计表 (one sheet named 月度统计):
- row 1: title ``<area> <YYYY年M月> 月度驻村考勤统计表``;
- row 2: the header of DOMAIN.md §5, exactly (:data:`MONTHLY_HEADER`);
- row 3 on: one row per MonthlyTotal; numbers are numbers, 是否达标 is 是/否, 生活补助(元) a number
  shown with two decimals. No totals row, so every row under the header is a posting.

生活补助发放表: one sheet per dispatching unit (``layout="sheets"``) or a .zip with one workbook
per unit (``layout="files"``). Each sheet: row 1 title, row 2 ``派出单位：<name>（<code>）``,
row 3 header (:data:`ALLOWANCE_HEADER`), one row per cadre row of the month, then a 合计 row.

The titles and headers are the official form's fixed Chinese texts (DOMAIN.md §5, checked to the
letter), so they are deliberately not marked for translation. Every text cell goes through :func:`core.xlsx.safe_text` and is written as a string, never as a
formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import xlsxwriter

from core.xlsx import safe_text

MONTHLY_TITLE = "月度驻村考勤统计表"
MONTHLY_SHEET = "月度统计"
MONTHLY_HEADER = [
    "序号",
    "乡镇",
    "村",
    "姓名",
    "身份证号",
    "职务",
    "派出单位",
    "驻村天数",
    "在岗天数",
    "住村天数",
    "公出天数",
    "请假天数",
    "缺勤天数",
    "未报天数",
    "应在岗天数",
    "应住村天数",
    "是否达标",
    "生活补助(元)",
]
MONTHLY_HEADER_ROW = 2  # 1-based row of the header; data starts on the next row

ALLOWANCE_TITLE = "驻村干部生活补助发放表"
ALLOWANCE_HEADER = [
    "序号",
    "姓名",
    "身份证号",
    "乡镇",
    "村",
    "职务",
    "在岗天数",
    "日补助标准(元)",
    "补助金额(元)",
]
ALLOWANCE_HEADER_ROW = 3

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_CONTENT_TYPE = "application/zip"


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def new_workbook(output):
    # strings_to_formulas off as well: text is text, whatever it starts with.
    return xlsxwriter.Workbook(
        output, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )


def cell_formats(workbook):
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        "sub": workbook.add_format({"font_color": "#646a73"}),
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#f0f1f3", "border": 1, "align": "center", "text_wrap": True}
        ),
        "text": workbook.add_format({"border": 1}),
        "int": workbook.add_format({"border": 1, "num_format": "0"}),
        "money": workbook.add_format({"border": 1, "num_format": "0.00"}),
        "total_text": workbook.add_format({"border": 1, "bold": True}),
        "total_int": workbook.add_format({"border": 1, "bold": True, "num_format": "0"}),
        "total_money": workbook.add_format({"border": 1, "bold": True, "num_format": "0.00"}),
    }


def _text(sheet, row, col, value, fmt):
    sheet.write_string(row, col, str(safe_text("" if value is None else str(value))), fmt)


def monthly_row_values(index: int, t) -> list:
    """The 18 values of one export row, in header order (also used by tests and the page)."""
    return [
        index,
        t.township.name,
        t.village.name,
        t.cadre.name,
        t.cadre.id_number,
        t.posting.get_role_display(),
        t.posting.unit.name,
        t.posted_days,
        t.on_site_days,
        t.overnight_days,
        t.trip_days,
        t.leave_days,
        t.absent_days,
        t.unreported_days,
        t.required_on_site,
        t.required_overnight,
        "是" if t.compliant else "否",
        Decimal(t.allowance).quantize(Decimal("0.01")),
    ]


def write_monthly_report(*, totals, month: dt.date, area_name: str = "") -> bytes:
    """The 月度驻村考勤统计表 of ``totals`` (an ordered MonthlyTotal queryset with the joins) as .xlsx bytes."""
    output = io.BytesIO()
    workbook = new_workbook(output)
    fmt = cell_formats(workbook)
    sheet = workbook.add_worksheet(MONTHLY_SHEET)
    title = " ".join(part for part in (area_name, month_label(month), MONTHLY_TITLE) if part)
    sheet.merge_range(0, 0, 0, len(MONTHLY_HEADER) - 1, safe_text(title), fmt["title"])
    sheet.set_row(0, 28)
    header_row = MONTHLY_HEADER_ROW - 1
    for col, name in enumerate(MONTHLY_HEADER):
        sheet.write_string(header_row, col, name, fmt["header"])
    widths = [6, 12, 14, 10, 21, 12, 22] + [8] * 9 + [8, 12]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(MONTHLY_HEADER_ROW, 4)
    row = header_row
    for index, total in enumerate(
        totals.iterator(chunk_size=2000) if hasattr(totals, "iterator") else totals, 1
    ):
        row += 1
        values = monthly_row_values(index, total)
        for col, value in enumerate(values):
            if col == 17:
                sheet.write_number(row, col, float(value), fmt["money"])
            elif isinstance(value, int):
                sheet.write_number(row, col, value, fmt["int"])
            else:
                _text(sheet, row, col, value, fmt["text"])
    if row > header_row:
        sheet.autofilter(header_row, 0, row, len(MONTHLY_HEADER) - 1)
    workbook.close()
    return output.getvalue()


def _rate(total, rates: dict[int, Decimal]) -> Decimal:
    """The daily rate behind a stored allowance (exact: allowance = on-site days × rate); for a
    row with no on-site day, the county's current policy rate."""
    if total.on_site_days:
        return (Decimal(total.allowance) / total.on_site_days).quantize(Decimal("0.01"))
    return Decimal(rates.get(total.county_id, Decimal("60.00"))).quantize(Decimal("0.01"))


def _allowance_sheet(
    workbook, fmt, *, sheet_name: str, unit, totals: list, month: dt.date, rates: dict
) -> None:
    sheet = workbook.add_worksheet(sheet_name)
    last_col = len(ALLOWANCE_HEADER) - 1
    sheet.merge_range(0, 0, 0, last_col, safe_text(f"{month_label(month)} {ALLOWANCE_TITLE}"), fmt["title"])
    sheet.set_row(0, 28)
    _text(sheet, 1, 0, f"派出单位：{unit.name}（{unit.code}）", fmt["sub"])
    header_row = ALLOWANCE_HEADER_ROW - 1
    for col, name in enumerate(ALLOWANCE_HEADER):
        sheet.write_string(header_row, col, name, fmt["header"])
    for col, width in enumerate([6, 10, 21, 12, 14, 12, 10, 14, 14]):
        sheet.set_column(col, col, width)
    row = header_row
    days_sum = 0
    money_sum = Decimal("0.00")
    for index, total in enumerate(totals, 1):
        row += 1
        sheet.write_number(row, 0, index, fmt["int"])
        _text(sheet, row, 1, total.cadre.name, fmt["text"])
        _text(sheet, row, 2, total.cadre.id_number, fmt["text"])
        _text(sheet, row, 3, total.township.name, fmt["text"])
        _text(sheet, row, 4, total.village.name, fmt["text"])
        _text(sheet, row, 5, total.posting.get_role_display(), fmt["text"])
        sheet.write_number(row, 6, total.on_site_days, fmt["int"])
        sheet.write_number(row, 7, float(_rate(total, rates)), fmt["money"])
        sheet.write_number(row, 8, float(total.allowance), fmt["money"])
        days_sum += total.on_site_days
        money_sum += Decimal(total.allowance)
    row += 1
    sheet.write_string(row, 0, "合计", fmt["total_text"])
    for col in range(1, 6):
        sheet.write_blank(row, col, None, fmt["total_text"])
    sheet.write_number(row, 6, days_sum, fmt["total_int"])
    sheet.write_blank(row, 7, None, fmt["total_text"])
    sheet.write_number(row, 8, float(money_sum), fmt["total_money"])


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(unit, used: set[str]) -> str:
    """Excel's rules: ≤ 31 characters, none of []:*?/\\, unique (case-insensitive)."""
    base = _SHEET_BAD.sub("_", unit.name).strip("'") or unit.code
    name = base[:31]
    n = 2
    while name.lower() in used:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def group_by_unit(totals) -> list[tuple]:
    """``[(unit, [MonthlyTotal, …]), …]`` ordered by unit code (rows keep their order)."""
    groups: dict[int, tuple] = {}
    for total in totals:
        unit = total.posting.unit
        groups.setdefault(unit.pk, (unit, []))[1].append(total)
    return sorted(groups.values(), key=lambda g: g[0].code)


def write_allowance(*, totals, month: dt.date, layout: str = "sheets"):
    """The 生活补助发放表: ``(bytes, extension, content_type)``.

    ``layout="sheets"``: one .xlsx, one sheet per dispatching unit. ``layout="files"``: a .zip of
    one .xlsx per unit, named ``<unit code>_<unit name>_生活补助发放表_<YYYY-MM>.xlsx``.
    """
    from villages.models import Policy

    groups = group_by_unit(totals)
    county_ids = {t.county_id for _unit, rows in groups for t in rows}
    rates = dict(Policy.objects.filter(county_id__in=county_ids).values_list("county_id", "daily_allowance"))
    if layout == "files":
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for unit, rows in groups:
                output = io.BytesIO()
                workbook = new_workbook(output)
                _allowance_sheet(
                    workbook,
                    cell_formats(workbook),
                    sheet_name=_sheet_name(unit, set()),
                    unit=unit,
                    totals=rows,
                    month=month,
                    rates=rates,
                )
                workbook.close()
                safe_name = _SHEET_BAD.sub("_", unit.name)
                zf.writestr(
                    f"{unit.code}_{safe_name}_{ALLOWANCE_TITLE}_{month:%Y-%m}.xlsx", output.getvalue()
                )
        return archive.getvalue(), "zip", ZIP_CONTENT_TYPE
    output = io.BytesIO()
    workbook = new_workbook(output)
    fmt = cell_formats(workbook)
    used: set[str] = set()
    if not groups:
        sheet = workbook.add_worksheet(ALLOWANCE_TITLE[:31])
        sheet.write_string(0, 0, f"{month_label(month)} {ALLOWANCE_TITLE}", fmt["title"])
        sheet.write_string(1, 0, "本月没有统计数据", fmt["sub"])
    for unit, rows in groups:
        _allowance_sheet(
            workbook,
            fmt,
            sheet_name=_sheet_name(unit, used),
            unit=unit,
            totals=rows,
            month=month,
            rates=rates,
        )
    workbook.close()
    return output.getvalue(), "xlsx", XLSX_CONTENT_TYPE


def monthly_filename(month: dt.date, area_name: str = "") -> str:
    prefix = f"{area_name}_" if area_name else ""
    return f"{prefix}{MONTHLY_TITLE}_{month:%Y-%m}.xlsx"


def allowance_filename(month: dt.date, extension: str, area_name: str = "") -> str:
    prefix = f"{area_name}_" if area_name else ""
    return f"{prefix}{ALLOWANCE_TITLE}_{month:%Y-%m}.{extension}"
