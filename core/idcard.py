"""居民身份证号码 (GB 11643-1999): check digit, birth date and gender."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.periods import today

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def normalize(value) -> str:
    """Strip blanks and upper-case a trailing x; spreadsheets often hold both."""
    return str(value or "").strip().replace(" ", "").upper()


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def problem(value: str) -> str | None:
    """The reason `value` is not a valid 18-digit number, in Chinese, or None when it is."""
    if not _PATTERN.match(value):
        return _("身份证号应为 18 位，前 17 位为数字，最后一位为数字或 X")
    if check_digit(value[:17]) != value[17]:
        return _("身份证号校验位错误（应为 %(digit)s）") % {"digit": check_digit(value[:17])}
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _("身份证号中的出生日期无效")
    if birth.year < 1900 or birth > today():
        return _("身份证号中的出生日期无效")
    return None


def is_valid(value: str) -> bool:
    return problem(value) is None


def birth_date(value: str) -> dt.date:
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender(value: str) -> str:
    """'M' or 'F' from the 17th digit (odd: male)."""
    return "M" if int(value[16]) % 2 else "F"


def validate_id_number(value: str) -> None:
    reason = problem(normalize(value))
    if reason:
        raise ValidationError(reason, code="invalid_id_number")


def make(region: str, birth: dt.date, seq: int, male: bool) -> str:
    """Build a valid number (demo data and tests): 6-digit region, birth date, 3-digit sequence."""
    seq = seq % 1000
    if (seq % 2 == 1) != male:
        seq = (seq + 1) % 1000
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def mask(value) -> str:
    """A 身份证号 for lists: region and the last four kept, birth date and sequence hidden.

    ``150599198001019076`` → ``150599********9076``. Anything that is not 18 characters is
    shown as it is (a blank stays blank).
    """
    value = str(value or "")
    if len(value) != 18:
        return value
    return f"{value[:6]}{'*' * 8}{value[-4:]}"
