"""Pinyin initials for search: 张伟 → "zw"."""

from pypinyin import Style, lazy_pinyin


def initials(name: str) -> str:
    if not name:
        return ""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: [c for c in chars if c.isalnum()])
    return "".join(letters).lower()[:64]
