"""Periods, in one place: months, quarters, years and "today", all in Asia/Shanghai (DOMAIN.md §4).

A month is written as the date of its first day; a quarter as ``(year, quarter)``. Every app uses
these and nothing else, so "the last complete month" or "the end of Q4" means the same everywhere.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _

#: Years a scheme, score, ranking or month may be for: far enough either way, always a valid date.
MIN_YEAR, MAX_YEAR = 2000, 2100

_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*[Qq]([1-4])\s*$")


def today() -> dt.date:
    """Today's date in the project's time zone (Asia/Shanghai), whatever the server's clock zone."""
    return timezone.localdate()


# -- months -------------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    """The last day of ``month``'s month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months after (or before, when negative) ``month``'s."""
    index = month.year * 12 + (month.month - 1) + n
    return dt.date(index // 12, index % 12 + 1, 1)


def next_month(month: dt.date) -> dt.date:
    return add_months(month, 1)


def last_complete_month(on: dt.date | None = None) -> dt.date:
    """The month before ``on``'s (default: today in Asia/Shanghai) — the newest month that has ended."""
    return add_months(on or today(), -1)


def previous_months(on: dt.date, n: int) -> list[dt.date]:
    """The first days of the ``n`` months before ``on``'s month, newest first."""
    return [add_months(on, -i) for i in range(1, n + 1)]


def parse_month(text) -> dt.date:
    """``"2026-03"`` → ``date(2026, 3, 1)``; ValueError with a Chinese message otherwise."""
    match = _MONTH_RE.match(str(text or ""))
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12:
            return dt.date(year, month, 1)
    raise ValueError(_("月份格式应为 YYYY-MM，例如 2026-03"))


def parse_month_or_none(text) -> dt.date | None:
    """:func:`parse_month`, or None for a missing or malformed value (query parameters)."""
    try:
        return parse_month(text)
    except ValueError:
        return None


def month_label(month: dt.date) -> str:
    return _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}


# -- quarters -----------------------------------------------------------------------------------


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a quarter."""
    first = dt.date(year, 3 * quarter - 2, 1)
    return first, month_end(dt.date(year, 3 * quarter, 1))


def quarter_months(year: int, quarter: int) -> list[dt.date]:
    return [dt.date(year, 3 * quarter - 2 + i, 1) for i in range(3)]


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def last_complete_quarter(on: dt.date | None = None) -> tuple[int, int]:
    """The quarter before ``on``'s (default: today in Asia/Shanghai)."""
    return previous_quarter(*quarter_of(on or today()))


def quarter_label(year: int, quarter: int) -> str:
    """``2026Q1`` — the form commands and exports use."""
    return f"{year}Q{quarter}"


def parse_quarter(text: str) -> tuple[int, int]:
    """``2026Q1`` → (2026, 1); ValueError with a Chinese message otherwise."""
    match = _QUARTER_RE.match(text or "")
    if not match:
        raise ValueError(_("季度格式应为 YYYYQn，例如 2026Q1：%(text)s") % {"text": text})
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            _("年度应在 %(min)s 至 %(max)s 之间：%(text)s") % {"min": MIN_YEAR, "max": MAX_YEAR, "text": text}
        )
    return year, int(match.group(2))


# -- years --------------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
