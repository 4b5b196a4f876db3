"""Readable upload errors: in reading order, and a duplicated row reported once, not once a day."""

import pytest

from attendance.intake.check import check_file
from core.intake.cells import CellError
from core.xlsx import sort_by_cell
from tests.attendance.helpers import matrix_xlsx
from tests.attendance.intake.test_validation import m_cell, second_posting

pytestmark = pytest.mark.django_db


def test_sort_by_cell_is_reading_order_with_the_file_first():
    errors = [CellError(ref, "x") for ref in ("考勤!B10", "考勤!AA5", "", "考勤!B9", "说明!A1", "考勤!Z5")]
    assert [e.cell for e in sort_by_cell(errors)] == [
        "",
        "考勤!Z5",
        "考勤!AA5",
        "考勤!B9",
        "考勤!B10",
        "说明!A1",
    ]


def test_upload_errors_come_sorted_by_row_then_column(world, month, as_of):
    other = second_posting(world, start_date=month, planned_end_date=month.replace(year=2027))

    def edit(rows):
        rows[0][2] = "150523199001011234"  # an unknown 身份证号 in the first row, found last
        rows[1][4 + 9] = "出差"  # an unknown mark, day 10
        rows[1][4 + 2] = "?"  # and another, day 3 (left of the first)

    result = check_file(
        township=world.a1,
        month=month,
        file=matrix_xlsx([world.p_a1, other], month, as_of, edit=edit),
        as_of=as_of,
    )
    cells = [e.cell for e in result.errors]
    # C3: the first row's cadre (its 身份证号 replaced) is missing, reported on the header's ID cell.
    assert cells == ["考勤!C3", "考勤!C4", m_cell(1, 3), m_cell(1, 10)]


def test_a_copied_row_is_one_error_not_one_per_day(world, month, as_of):
    def edit(rows):
        rows.append(list(rows[0]))

    result = check_file(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of, edit=edit), as_of=as_of
    )
    duplicates = [e for e in result.errors if "重复" in e.message]
    assert len(duplicates) == 1
    message = duplicates[0].message
    assert "重复填报了 20 天" in message and "3月1日" in message and "3月20日" in message
    assert duplicates[0].cell == m_cell(1, 1) and f"与 {m_cell(0, 1)} 所在行重复" in message
