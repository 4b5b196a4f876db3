"""core.periods: the one home of month, quarter, year and "today" arithmetic."""

import datetime as dt

import pytest

from core import periods


@pytest.mark.parametrize(
    ("month", "end"),
    [
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (dt.date(2026, 2, 9), dt.date(2026, 2, 28)),
        (dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    ],
)
def test_month_end(month, end):
    assert periods.month_end(month) == end


def test_add_months_crosses_years_both_ways():
    assert periods.add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 1)
    assert periods.add_months(dt.date(2026, 1, 31), -1) == dt.date(2025, 12, 1)
    assert periods.next_month(dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)


def test_last_complete_month_and_previous_months():
    assert periods.last_complete_month(dt.date(2026, 1, 1)) == dt.date(2025, 12, 1)
    assert periods.previous_months(dt.date(2026, 2, 20), 3) == [
        dt.date(2026, 1, 1),
        dt.date(2025, 12, 1),
        dt.date(2025, 11, 1),
    ]


def test_today_is_asia_shanghai(settings, monkeypatch):
    # 2026-03-31 17:30 UTC is already 1 April in Shanghai.
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 3, 31, 17, 30, tzinfo=dt.UTC))
    assert periods.today() == dt.date(2026, 4, 1)
    assert periods.last_complete_month() == dt.date(2026, 3, 1)
    assert periods.last_complete_quarter() == (2026, 1)


@pytest.mark.parametrize("text", ["2026-03", " 2026-3 ", "2026-12"])
def test_parse_month_accepts(text):
    assert periods.parse_month(text).day == 1


@pytest.mark.parametrize(
    "text", ["", None, "2026-13", "2026-00", "26-03", "2026/03", "1899-01", "2026-03-01", "x"]
)
def test_parse_month_refuses_in_chinese(text):
    with pytest.raises(ValueError, match="月份格式应为 YYYY-MM"):
        periods.parse_month(text)
    assert periods.parse_month_or_none(text) is None


def test_quarters():
    assert periods.quarter_of(dt.date(2026, 10, 1)) == (2026, 4)
    assert periods.quarter_bounds(2024, 1) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert periods.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert periods.quarter_months(2026, 2) == [dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)]
    assert periods.previous_quarter(2026, 1) == (2025, 4)
    assert periods.last_complete_quarter(dt.date(2026, 1, 15)) == (2025, 4)
    assert periods.parse_quarter("2026q3") == (2026, 3)
    assert periods.quarter_label(2026, 3) == "2026Q3"
    with pytest.raises(ValueError, match="季度格式"):
        periods.parse_quarter("2026Q5")
    with pytest.raises(ValueError, match="年度应在"):
        periods.parse_quarter("1999Q1")
