"""core.intake.cells: the error type, collector, header finder and cell readers every import shares."""

import datetime as dt

import pytest

from core.intake.cells import (
    CellError,
    CellErrors,
    find_header,
    header_columns,
    header_text,
    id_text,
    is_blank,
    parse_date,
    parse_datetime,
    parse_number,
)


def test_errors_are_collected_with_their_cell_and_come_out_in_reading_order():
    errors = CellErrors()
    errors.at("考勤", 9, 1, "B10 错")
    errors.at("考勤", 8, 26, "AA9 错")
    errors.at("考勤", 8, 1, "B9 错")
    errors.whole_file("整表错")
    assert [str(e) for e in errors.in_order()] == [
        "整表错",
        "考勤!B9: B9 错",
        "考勤!AA9: AA9 错",
        "考勤!B10: B10 错",
    ]
    assert CellError.from_dict(errors[0].as_dict()) == errors[0]


def test_header_row_is_found_below_a_title_and_compared_without_marks_or_spaces():
    rows = [["某乡镇签到表"], [], ["*身份证号", " 姓 名 ", "精度（米）"], ["1", "2", "3"]]
    assert find_header(rows, ["身份证号", "精度(米)"]) == 2
    assert find_header(rows, ["身份证号", "打卡时间"]) is None
    assert find_header(rows, ["身份证号", "打卡时间"], any_of=True) == 2
    assert header_columns(rows[2]) == {"身份证号": 0, "姓名": 1, "精度(米)": 2}
    assert header_text("＊ 打卡 时间") == "打卡时间"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 3, 1, 8, 0), dt.date(2026, 3, 1)),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 1)),
        (46082, dt.date(2026, 3, 1)),
        ("2026-03-01", dt.date(2026, 3, 1)),
        ("2026/3/1", dt.date(2026, 3, 1)),
        ("2026.3.1", dt.date(2026, 3, 1)),
        ("2026年3月1日", dt.date(2026, 3, 1)),
        ("2026-03-01 08:30", dt.date(2026, 3, 1)),
        ("2026-02-30", None),
        ("3月1日", None),
        (True, None),
        (0, None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 3, 1, 7, 29, 59, 999998), dt.datetime(2026, 3, 1, 7, 30)),
        (46082.3125, dt.datetime(2026, 3, 1, 7, 30)),
        ("2026-03-01 07:30", dt.datetime(2026, 3, 1, 7, 30)),
        ("2026/3/1T07:30:05", dt.datetime(2026, 3, 1, 7, 30, 5)),
        ("2026-03-01", None),
        (46082, None),
        ("2026-03-01 25:00", None),
        (False, None),
    ],
)
def test_parse_datetime(value, expected):
    assert parse_datetime(value) == expected


def test_numbers_ids_and_blanks():
    assert parse_number("42.5") == 42.5
    assert parse_number(7) == 7.0
    assert parse_number("nan") is None
    assert parse_number(float("inf")) is None
    assert parse_number(True) is None
    assert parse_number("十") is None
    assert id_text(" 15052319800101001x ") == ("15052319800101001X", False)
    assert id_text(150523198001011000.0) == ("150523198001011008", True)
    assert id_text(42)[1] is True
    assert is_blank("  ") and is_blank(None) and not is_blank(0)


def test_an_error_names_its_sheet_row_and_column_however_it_was_made():
    e = CellError.at("干部", 5, "AB", "身份证号校验位错误")
    assert str(e) == "干部!AB5: 身份证号校验位错误"
    assert (e.sheet, e.row, e.column) == ("干部", 5, "AB")
    assert CellError.at("干部", None, "", "工作表无法读取").cell == "干部"
    assert (CellError("驻地", "x").sheet, CellError("驻地", "x").row) == ("驻地", None)
    assert str(CellError.at("", None, "", "整个文件")) == "整个文件"
    assert CellError("a!b!C3", "x").sheet == "a!b"
