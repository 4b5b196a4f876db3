"""Sheet marks (DOMAIN.md §4): the symbol of each status and every alias users type."""

from __future__ import annotations

import unicodedata

from attendance.models import LEAVE_MARKS, MARK_SYMBOLS, Mark

__all__ = ["Mark", "MARK_SYMBOLS", "LEAVE_MARKS", "ALIASES", "parse_mark", "symbol", "legend", "DROPDOWN"]

# Every accepted spelling → status. Keys are compared after ``_normalize``.
ALIASES: dict[str, Mark] = {
    "√": Mark.ON_SITE_OVERNIGHT,
    "✓": Mark.ON_SITE_OVERNIGHT,
    "✔": Mark.ON_SITE_OVERNIGHT,
    "v": Mark.ON_SITE_OVERNIGHT,
    "V": Mark.ON_SITE_OVERNIGHT,
    "在岗住村": Mark.ON_SITE_OVERNIGHT,
    "○": Mark.ON_SITE,
    "0": Mark.ON_SITE,
    "o": Mark.ON_SITE,
    "O": Mark.ON_SITE,
    "〇": Mark.ON_SITE,
    "◯": Mark.ON_SITE,
    "在岗": Mark.ON_SITE,
    "公": Mark.OFFICIAL_TRIP,
    "公出": Mark.OFFICIAL_TRIP,
    "事": Mark.LEAVE_PERSONAL,
    "事假": Mark.LEAVE_PERSONAL,
    "病": Mark.LEAVE_SICK,
    "病假": Mark.LEAVE_SICK,
    "休": Mark.LEAVE_REST,
    "公休": Mark.LEAVE_REST,
    "×": Mark.ABSENT,
    "x": Mark.ABSENT,
    "X": Mark.ABSENT,
    "✗": Mark.ABSENT,
    "✘": Mark.ABSENT,
    "缺勤": Mark.ABSENT,
}

# The marks offered in the template's dropdown, in legend order.
DROPDOWN = [MARK_SYMBOLS[m] for m in Mark]


def _normalize(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    # Full-width letters and digits (ｖ, Ｘ, ０) become their ASCII forms; √ and ○ are untouched.
    text = unicodedata.normalize("NFKC", text) if any("\uff01" <= ch <= "\uff5e" for ch in text) else text
    return "".join(text.split())


def parse_mark(text) -> Mark | None:
    """The status a cell's text stands for, or None when it is not a known mark (blank included)."""
    if type(text) is str:
        hit = ALIASES.get(text)
        if hit is not None:
            return hit
    key = _normalize(text)
    if not key:
        return None
    return ALIASES.get(key)


def is_blank(value) -> bool:
    if value is None or value == "":
        return True
    if type(value) is str:
        return not value.strip()
    return False


def symbol(status) -> str:
    return MARK_SYMBOLS[Mark(status)]


def legend() -> list[tuple[str, str]]:
    """(symbol, meaning) pairs for the legend of the template and the pages."""
    return [(MARK_SYMBOLS[m], str(m.label)) for m in Mark]
