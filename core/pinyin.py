"""Pinyin initials for search: 张伟 → "zw".

A surname read differently from the character's everyday reading (单 Shàn, 曾 Zēng, 仇 Qiú …)
gets both: ``initials("单雄信") == "dxx sxx"``. The everyday reading comes first, so sorting
stays as before; search matches the start of either (see ``cadres.selectors.search_q``).
"""

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg.mmseg import p_set as pinyin_prefixes
from pypinyin.seg.simpleseg import seg as pinyin_words

MAX_LENGTH = 64

#: Surnames whose reading as a surname differs from pypinyin's everyday reading: the initials
#: of the surname reading, for the characters they stand for.
SURNAME_INITIALS = {
    "尉迟": "yc",
    "单": "s",
    "曾": "z",
    "仇": "q",
    "解": "x",
    "朴": "p",
    "区": "o",
    "查": "z",
    "乐": "y",
    "覃": "q",
    "翟": "z",
    "盖": "g",
    "缪": "m",
    "繁": "p",
    "召": "s",
    "种": "c",
    "秘": "b",
    "折": "s",
    "员": "y",
    "隗": "w",
    "牟": "m",
    "句": "g",
}


def _plain(text: str) -> str:
    letters = lazy_pinyin(
        text, style=Style.FIRST_LETTER, errors=lambda chars: [c for c in chars if c.isalnum()]
    )
    return "".join(letters).lower()


def initials(name: str) -> str:
    """Lower-case initials of ``name``; a second, space-separated form for a polyphonic surname."""
    if not name:
        return ""
    plain = _plain(name)
    for surname, letters in SURNAME_INITIALS.items():
        if name.startswith(surname) and len(name) > len(surname):
            variant = letters + _plain(name[len(surname) :])
            if variant != plain and len(plain) + 1 + len(variant) <= MAX_LENGTH:
                return f"{plain} {variant}"
            break
    return plain[:MAX_LENGTH]


def memoised_initials():
    """An ``initials`` function memoised for one bulk job (an import); the same results as :func:`initials`.

    pypinyin cuts a name into words (single characters or phrases of its dictionary) and
    converts each word on its own, so a name's initials are its words' initials joined.
    Converting is the slow part (25 µs a name): 50,000 names share a few thousand
    characters, so each word is converted once. Names with a surname of their own reading
    (单, 曾 …) go through :func:`initials` itself.
    """
    words: dict[str, str] = {}
    names: dict[str, str] = {}
    surnames = tuple(SURNAME_INITIALS)

    def cut(text: str):
        # pypinyin's cut, shortened for the common name: all Chinese characters and no two
        # neighbours starting a dictionary phrase, so every character is a word of its own.
        if RE_HANS.match(text) and not any(text[i : i + 2] in pinyin_prefixes for i in range(len(text) - 1)):
            return text
        return pinyin_words(text)

    def plain(text: str) -> str:
        letters = []
        for word in cut(text):
            value = words.get(word)
            if value is None:
                value = words[word] = _plain(word)
            letters.append(value)
        return "".join(letters)

    def memo(name: str) -> str:
        value = names.get(name)
        if value is None:
            if not name or name.startswith(surnames):
                value = initials(name)
            else:
                value = plain(name)[:MAX_LENGTH]
            names[name] = value
        return value

    return memo
