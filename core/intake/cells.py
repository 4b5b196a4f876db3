"""What every import does with the cells it got from :func:`core.intake.read`.

One error type (:class:`CellError`, "``考勤!F12``: 原因"), one collector that gathers every error
before anything is written (:class:`CellErrors`), one header finder and one reader each for dates,
date-times, numbers and ID numbers. An import writes its columns and its checks with these and
nothing else; the all-or-nothing write is its own (one transaction, after ``errors`` is empty).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from core.xlsx import cell_ref, cell_text, sort_by_cell

#: Excel's day 0 in the 1900 date system (it counts a 29 February 1900 that never was).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers Excel can show as a date (up to 9999-12-31).
_SERIAL_MAX = 2958466

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATETIME_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$"
)
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
_HEADER_MARKS = str.maketrans({"（": "(", "）": ")"})


@dataclass(frozen=True)
class CellError:
    """One problem (or warning) and where it is: ``cell`` is ``考勤!F12``, empty for the whole file."""

    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}" if self.cell else self.message

    def as_dict(self) -> dict:
        return {"cell": self.cell, "message": self.message}

    @classmethod
    def from_dict(cls, d: dict) -> CellError:
        return cls(cell=d.get("cell", ""), message=d.get("message", ""))

    @classmethod
    def at(cls, sheet: str, row: int | None, column: str, message) -> CellError:
        """An error at ``column`` (letters) and ``row`` (1-based) of ``sheet``; the whole sheet
        without them, the whole file without a sheet."""
        if not sheet:
            return cls("", str(message))
        return cls(f"{sheet}!{column}{row}" if row and column else sheet, str(message))

    def _parts(self) -> tuple[str, int | None, str]:
        sheet, bang, ref = self.cell.rpartition("!")
        match = _CELL_REF.match(ref) if bang else None
        return (sheet, int(match[2]), match[1]) if match else (self.cell, None, "")

    @property
    def sheet(self) -> str:
        return self._parts()[0]

    @property
    def row(self) -> int | None:
        return self._parts()[1]

    @property
    def column(self) -> str:
        return self._parts()[2]


class CellErrors(list):
    """Every error of one file, collected before anything is written: the import checks all rows,
    then writes only if this is empty."""

    def add(self, cell: str, message) -> None:
        self.append(CellError(cell=cell, message=str(message)))

    def at(self, sheet: str, row: int, col: int, message) -> None:
        """An error at 0-based ``row``/``col`` of ``sheet`` (as :class:`core.intake.Sheet` gives them)."""
        self.add(cell_ref(sheet, row + 1, col), message)

    def whole_file(self, message) -> None:
        self.add("", message)

    def in_order(self) -> list[CellError]:
        """Sheet by sheet, row by row, column by column; whole-file errors first."""
        return sort_by_cell(self)


def header_text(value) -> str:
    """A header cell as compared: no spaces, no leading required-mark ``*``, half-width brackets."""
    return "".join(cell_text(value).split()).lstrip("*＊").translate(_HEADER_MARKS)


def find_header(rows, required, *, scan: int = 10, any_of: bool = False) -> int | None:
    """The index of the first of the top ``scan`` rows naming all ``required`` headers (or any one
    of them with ``any_of``), or None."""
    required = {header_text(h) for h in required}
    for index, cells in enumerate(rows[:scan]):
        names = {header_text(v) for v in cells}
        if (names & required) if any_of else required <= names:
            return index
    return None


def header_columns(cells) -> dict[str, int]:
    """``{header: column index}`` of a header row; the first column wins for a repeated header."""
    columns: dict[str, int] = {}
    for col, value in enumerate(cells):
        name = header_text(value)
        if name:
            columns.setdefault(name, col)
    return columns


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value) -> dt.date | None:
    """A date from a date cell, an Excel serial number, or ``2026-03-01`` / ``2026/3/1`` /
    ``2026.3.1`` / ``2026年3月1日`` (a time after it is ignored); None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if 1 <= value < _SERIAL_MAX:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    text = cell_text(value).split("T")[0]
    match = _DATE_TEXT.match(text.split(" ")[0]) or _DATE_TEXT.match(text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_datetime(value) -> dt.datetime | None:
    """A naive date-time (wall clock) from a date-time cell, an Excel serial with a time of day, or
    ``2026-03-01 07:30[:00]``; None for a bare date or anything else. Excel's float noise
    (07:29:59.999998) is rounded to the second."""
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None)
    elif isinstance(value, bool):
        return None
    elif isinstance(value, (int, float)) and 1 <= value < _SERIAL_MAX:
        if float(value).is_integer():
            return None  # a date without a time of day
        naive = dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))
    elif isinstance(value, str):
        match = _DATETIME_TEXT.match(value.strip())
        if not match or match[4] is None:
            return None
        try:
            naive = dt.datetime(*(int(g) if g else 0 for g in match.groups()))
        except ValueError:
            return None
    else:
        return None
    if naive.microsecond >= 500_000:
        naive += dt.timedelta(seconds=1)
    return naive.replace(microsecond=0)


def parse_number(value) -> float | None:
    """A finite number from a number cell or its text; None otherwise (booleans included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        try:
            number = float(cell_text(value))
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def id_text(value) -> tuple[str, bool]:
    """An ID number's text and whether the cell held a number (Excel has then dropped digits
    beyond the 15th, so the ID cannot be trusted)."""
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else str(value)), True
    if isinstance(value, int):
        return str(value), True
    return "".join(cell_text(value).split()).upper(), False
