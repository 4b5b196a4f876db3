"""Reading an attendance workbook (DOMAIN.md §4): the cell-error type, the headers each layout is
recognised by, and the parsing of single cells (day headers, ID numbers, dates).

Two layouts are detected from the header row (``check.py`` walks them):
- matrix 月度考勤表: ``序号, 姓名, 身份证号, 村名称, 1, 2, …, 31`` (title rows above it are skipped,
  summary columns after the days are ignored), one row per cadre, one mark a cell;
- long 考勤明细: ``身份证号, 姓名, 日期, 状态, 备注``, one row per cadre-day.
"""

from __future__ import annotations

import calendar
import datetime as dt

from attendance.marks import MARK_SYMBOLS
from core import intake
from core.xlsx import cell_text

HEADER_SCAN_ROWS = 30
#: A township-month: 200,000 rows of the long layout fit; a sheet past these is refused unparsed.
INTAKE_LIMITS = intake.Limits(rows=250_000, cols=200, cells=5_000_000)
MAX_STORED_ERRORS = 2000

ID_HEADERS = {"身份证号", "身份证号码", "公民身份号码", "身份证"}
NAME_HEADERS = {"姓名"}
SEQ_HEADERS = {"序号"}
VILLAGE_HEADERS = {"村名称", "村", "所在村", "驻村名称"}
DATE_HEADERS = {"日期"}
STATUS_HEADERS = {"状态", "考勤", "考勤标记", "标记"}
NOTE_HEADERS = {"备注"}
MARKS_HINT = " ".join(MARK_SYMBOLS.values())


# --------------------------------------------------------------------------- reading


def read_input(file) -> tuple[bytes, str]:
    """Bytes (checked by ``core.xlsx.read_checked``: size, zip structure, macros) and the file name."""
    return intake.read_upload(file, default_name="attendance.xlsx")


def norm_header(value) -> str:
    return "".join(cell_text(value).split())


def day_of_header(value, month: dt.date):
    """A day column's header → date in the month, 0 for a day number outside the month, None if no day."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if (value.year, value.month) == (month.year, month.month):
            return value
        return 0
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 1 <= int(value) <= 31:
            n = int(value)
        else:
            return None
    else:
        text = norm_header(value)
        for suffix in ("日", "号"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
        if not text.isdigit() or not 1 <= int(text) <= 31:
            return None
        n = int(text)
    if n > calendar.monthrange(month.year, month.month)[1]:
        return 0
    return month.replace(day=n)


# --------------------------------------------------------------------------- the township-month
