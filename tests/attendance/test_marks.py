import pytest

from attendance.marks import parse_mark
from attendance.models import Mark

ALIASES = [
    ("√", Mark.ON_SITE_OVERNIGHT),
    ("✓", Mark.ON_SITE_OVERNIGHT),
    ("v", Mark.ON_SITE_OVERNIGHT),
    ("V", Mark.ON_SITE_OVERNIGHT),
    ("在岗住村", Mark.ON_SITE_OVERNIGHT),
    ("○", Mark.ON_SITE),
    ("0", Mark.ON_SITE),
    (0, Mark.ON_SITE),
    (0.0, Mark.ON_SITE),
    ("o", Mark.ON_SITE),
    ("O", Mark.ON_SITE),
    ("〇", Mark.ON_SITE),
    ("在岗", Mark.ON_SITE),
    ("公", Mark.OFFICIAL_TRIP),
    ("公出", Mark.OFFICIAL_TRIP),
    ("事", Mark.LEAVE_PERSONAL),
    ("事假", Mark.LEAVE_PERSONAL),
    ("病", Mark.LEAVE_SICK),
    ("病假", Mark.LEAVE_SICK),
    ("休", Mark.LEAVE_REST),
    ("公休", Mark.LEAVE_REST),
    ("×", Mark.ABSENT),
    ("x", Mark.ABSENT),
    ("X", Mark.ABSENT),
    ("✗", Mark.ABSENT),
    ("缺勤", Mark.ABSENT),
    (" √ ", Mark.ON_SITE_OVERNIGHT),
]


@pytest.mark.parametrize(("text", "status"), ALIASES)
def test_every_mark_and_alias_is_read_as_its_status(text, status):
    assert parse_mark(text) == status


@pytest.mark.parametrize("text", ["Q", "?", "1", "在", "出差", "√√", "y"])
def test_anything_else_is_not_a_mark(text):
    assert parse_mark(text) is None


@pytest.mark.parametrize("text", [None, "", "  "])
def test_blank_is_no_mark(text):
    assert parse_mark(text) is None
