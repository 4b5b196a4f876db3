"""Every validation rule of DOMAIN.md §4, in both layouts, with the cell of each problem."""

import datetime as dt

import pytest

from attendance.intake.check import check_file
from attendance.marks import ALIASES
from attendance.models import AttendanceRecord, AttendanceUpload, LeaveRequest, Mark
from core.xlsx import column_letter
from tests import factories as f
from tests.attendance.helpers import (
    long_rows,
    long_xlsx,
    matrix_header,
    matrix_rows,
    matrix_xlsx,
    openpyxl_xlsx,
    xlsx,
)

pytestmark = pytest.mark.django_db


def m_cell(i, day):
    """Matrix: the cell of posting row ``i`` (0-based) and day ``day`` (two title rows, header on row 3)."""
    return f"考勤!{column_letter(3 + day)}{4 + i}"


def check(world, data, month, as_of, township=None):
    return check_file(township=township or world.a1, month=month, file=data, as_of=as_of)


def messages(result):
    return [str(e) for e in result.errors]


def second_posting(world, **kw):
    """Another cadre posted in a village of A1."""
    village = f.VillageFactory(township=world.a1)
    return f.PostingFactory(village=village, unit=world.unit_a, **kw)


# ---------------------------------------------------------------- valid files


def test_a_complete_matrix_with_title_rows_and_summary_column_is_valid(world, month, as_of):
    result = check(world, matrix_xlsx([world.p_a1], month, as_of), month, as_of)
    assert result.ok, messages(result)
    assert result.layout == AttendanceUpload.Layout.MATRIX
    assert len(result.records) == 20
    assert result.summary["by_status"][Mark.ON_SITE_OVERNIGHT] == 20


def test_a_matrix_without_title_rows_is_valid(world, month, as_of):
    data = matrix_xlsx([world.p_a1], month, as_of, title=False)
    assert check(world, data, month, as_of).ok


def test_a_matrix_written_by_openpyxl_is_valid(world, month, as_of):
    rows = matrix_rows([world.p_a1], month, as_of)
    data = openpyxl_xlsx(rows, header=matrix_header(month), title_rows=["考勤表"])
    assert check(world, data, month, as_of).ok


@pytest.mark.parametrize("dates_as_text", [False, True])
def test_a_complete_long_file_is_valid_with_excel_or_text_dates(world, month, as_of, dates_as_text):
    result = check(world, long_xlsx([world.p_a1], month, as_of, dates_as_text=dates_as_text), month, as_of)
    assert result.ok, messages(result)
    assert result.layout == AttendanceUpload.Layout.LONG
    assert len(result.records) == 20


def test_long_notes_are_kept(world, month, as_of):
    def edit(rows):
        rows[0][4] = "入户走访"

    result = check(world, long_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert result.ok
    assert result.records[0][4] == "入户走访"


@pytest.mark.parametrize("mark", sorted(ALIASES))
def test_every_alias_is_accepted_in_both_layouts(world, month, as_of, mark):
    for build in (matrix_xlsx, long_xlsx):
        result = check(world, build([world.p_a1], month, as_of, mark=mark), month, as_of)
        assert result.ok, messages(result)
        assert {r[3] for r in result.records} == {ALIASES[mark].value}


# ---------------------------------------------------------------- registry rules


def test_matrix_rejects_an_unknown_id_number(world, month, as_of):
    def edit(rows):
        rows.append([2, "无名氏", "110101199001011237", "北堡村"] + ["√"] * 20)

    result = check(world, matrix_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert "考勤!C5: 身份证号 110101199001011237 不在干部名册中" in messages(result)


def test_long_rejects_an_unknown_id_number(world, month, as_of):
    def edit(rows):
        rows.append(["110101199001011237", "无名氏", dt.date(2026, 3, 1), "√", ""])

    result = check(world, long_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert "考勤明细!A22: 身份证号 110101199001011237 不在干部名册中" in messages(result)


def test_matrix_rejects_a_name_that_disagrees_with_the_registry(world, month, as_of):
    def edit(rows):
        rows[0][1] = "错名字"

    result = check(world, matrix_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert any(m.startswith("考勤!B4: 姓名“错名字”与名册中") for m in messages(result))


def test_long_rejects_a_name_that_disagrees_with_the_registry(world, month, as_of):
    def edit(rows):
        rows[3][1] = "错名字"

    result = check(world, long_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert any(m.startswith("考勤明细!B5: 姓名“错名字”") for m in messages(result))


def test_matrix_rejects_a_cadre_not_posted_in_the_township(world, month, as_of):
    data = matrix_xlsx([world.p_a1, world.p_a2], month, as_of)
    result = check(world, data, month, as_of)
    assert any(m.startswith("考勤!C5: 干部") and "没有驻村选派" in m for m in messages(result))


def test_long_rejects_a_cadre_not_posted_in_the_township(world, month, as_of):
    data = long_xlsx([world.p_a1, world.p_a2], month, as_of)
    result = check(world, data, month, as_of)
    assert any(m.startswith("考勤明细!A22: 干部") and "没有驻村选派" in m for m in messages(result))


# ---------------------------------------------------------------- days


def test_matrix_rejects_a_mark_in_a_day_column_outside_the_month(world, as_of):
    april = dt.date(2026, 4, 1)
    as_of = dt.date(2026, 5, 5)
    rows = matrix_rows([world.p_a1], april, as_of)
    rows[0].append("√")  # a 31st day column in a 30-day month
    header = matrix_header(april, summary=False) + [31]
    result = check(world, xlsx(rows, header=header), april, as_of)
    assert any(m.startswith("考勤!AI2: “31”列不在 2026年04月 内") for m in messages(result))


def test_long_rejects_a_date_outside_the_month(world, month, as_of):
    def edit(rows):
        rows.append([world.cadre_a1.id_number, world.cadre_a1.name, dt.date(2026, 4, 2), "√", ""])

    result = check(world, long_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert "考勤明细!C22: 日期 2026-04-02 不在上报月份 2026年03月 内" in messages(result)


def test_matrix_rejects_a_mark_outside_the_cadre_posting(world, month, as_of):
    late = second_posting(world, start_date=dt.date(2026, 3, 10))

    def edit(rows):
        rows[1][4 + 4] = "√"  # 5 March, before the posting starts

    result = check(world, matrix_xlsx([world.p_a1, late], month, as_of, edit=edit), month, as_of)
    assert any(m.startswith(m_cell(1, 5) + ": 3月5日 不在") and "驻村期内" in m for m in messages(result))


def test_long_rejects_a_mark_outside_the_cadre_posting(world, month, as_of):
    late = second_posting(world, start_date=dt.date(2026, 3, 10))

    def edit(rows):
        rows.append([late.cadre.id_number, late.cadre.name, dt.date(2026, 3, 5), "√", ""])

    result = check(world, long_xlsx([world.p_a1, late], month, as_of, edit=edit), month, as_of)
    row = 2 + 20 + 11  # header, 20 rows of A1, 11 rows of the late cadre
    assert any(m.startswith(f"考勤明细!D{row}: 3月5日 不在") for m in messages(result))


def test_matrix_rejects_the_same_cadre_day_twice(world, month, as_of):
    def edit(rows):
        rows.append(list(rows[0]))

    result = check(world, matrix_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert any(
        m.startswith(m_cell(1, 1) + ": ") and f"与 {m_cell(0, 1)} 所在行重复" in m for m in messages(result)
    )


def test_long_rejects_the_same_cadre_day_twice(world, month, as_of):
    def edit(rows):
        rows.append(list(rows[2]))

    result = check(world, long_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert any(m.startswith("考勤明细!D22: ") and "与 考勤明细!D4 重复" in m for m in messages(result))


def test_matrix_rejects_an_unknown_mark(world, month, as_of):
    def edit(rows):
        rows[0][4 + 5] = "出差"

    result = check(world, matrix_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert any(m.startswith(m_cell(0, 6) + ": 无法识别的考勤标记“出差”") for m in messages(result))


def test_long_rejects_an_unknown_mark(world, month, as_of):
    def edit(rows):
        rows[5][3] = "Q"

    result = check(world, long_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert any(m.startswith("考勤明细!D7: 无法识别的考勤标记“Q”") for m in messages(result))


def test_matrix_rejects_a_posted_cadre_missing_from_the_sheet(world, month, as_of):
    other = second_posting(world)
    result = check(world, matrix_xlsx([world.p_a1], month, as_of), month, as_of)
    assert any(
        other.cadre.name in m and "表中没有该干部" in m and m.startswith("考勤!C3") for m in messages(result)
    )


def test_long_rejects_a_posted_cadre_missing_from_the_sheet(world, month, as_of):
    other = second_posting(world)
    result = check(world, long_xlsx([world.p_a1], month, as_of), month, as_of)
    assert any(
        other.cadre.name in m and "表中没有该干部" in m and m.startswith("考勤明细!A1")
        for m in messages(result)
    )


def test_matrix_rejects_a_posted_day_up_to_the_upload_date_without_a_mark(world, month, as_of):
    def edit(rows):
        rows[0][4 + 6] = ""

    result = check(world, matrix_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert any(m.startswith(m_cell(0, 7) + ": ") and "缺少考勤标记" in m for m in messages(result))


def test_long_rejects_a_posted_day_without_a_row(world, month, as_of):
    def edit(rows):
        del rows[6]

    result = check(world, long_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert any(m.startswith("考勤明细!A2: ") and "3月7日" in m for m in messages(result))


def test_long_rejects_a_row_with_a_blank_status(world, month, as_of):
    def edit(rows):
        rows[6][3] = ""

    result = check(world, long_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert any(m.startswith("考勤明细!D8: 3月7日 缺少考勤标记") for m in messages(result))


def test_matrix_rejects_marks_after_the_upload_date(world, month, as_of):
    def edit(rows):
        rows[0][4 + 24] = "√"  # 25 March, after the upload date of 20 March

    result = check(world, matrix_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert m_cell(0, 25) + ": 3月25日 在上报日期 2026-03-20 之后，应留空" in messages(result)


def test_long_rejects_marks_after_the_upload_date(world, month, as_of):
    def edit(rows):
        rows.append([world.cadre_a1.id_number, world.cadre_a1.name, dt.date(2026, 3, 25), "√", ""])

    result = check(world, long_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert "考勤明细!D22: 3月25日 在上报日期 2026-03-20 之后，应留空" in messages(result)


def test_every_problem_of_a_file_is_reported_at_once(world, month, as_of):
    def edit(rows):
        rows[0][4] = "Q"
        rows[0][5] = ""
        rows[0][1] = "错名字"

    result = check(world, matrix_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert len(result.errors) == 3
    assert result.records == []


def test_a_sheet_without_a_header_is_rejected(world, month, as_of):
    result = check(world, xlsx([["随便", "写点"]]), month, as_of)
    assert messages(result)[0].startswith("考勤!A1: 未找到表头")


def test_a_matrix_header_missing_day_columns_is_rejected(world, month, as_of):
    header = matrix_header(month, summary=False)[:-3]
    rows = [r[: len(header)] for r in matrix_rows([world.p_a1], month, as_of)]
    result = check(world, xlsx(rows, header=header), month, as_of)
    assert any("表头缺少以下日期列：29、30、31" in m for m in messages(result))


def test_an_id_number_stored_as_a_number_is_explained(world, month, as_of):
    def edit(rows):
        rows[0][2] = float(rows[0][2].replace("X", "0"))

    result = check(world, matrix_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert any("被存成了数字" in m for m in messages(result))


# ---------------------------------------------------------------- leave warnings


def _leave_rows(rows):
    rows[0][4 + 2] = "事"  # 3 March


def test_leave_without_an_approved_request_is_a_warning_not_an_error(world, month, as_of):
    result = check(world, matrix_xlsx([world.p_a1], month, as_of, edit=_leave_rows), month, as_of)
    assert result.ok
    assert [str(w) for w in result.warnings] == [
        f"{m_cell(0, 3)}: {world.cadre_a1.name} 3月3日 标为请假，但没有已批准的请假申请"
    ]


def test_leave_with_an_approved_request_gives_no_warning(world, month, as_of):
    LeaveRequest.objects.create(
        posting=world.p_a1,
        cadre=world.cadre_a1,
        kind=LeaveRequest.Kind.PERSONAL,
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 3),
        reason="家事",
        status=LeaveRequest.Status.APPROVED,
    )
    result = check(world, matrix_xlsx([world.p_a1], month, as_of, edit=_leave_rows), month, as_of)
    assert result.ok and result.warnings == []


def test_long_leave_without_request_is_a_warning(world, month, as_of):
    def edit(rows):
        rows[2][3] = "病假"

    result = check(world, long_xlsx([world.p_a1], month, as_of, edit=edit), month, as_of)
    assert result.ok
    assert [w.cell for w in result.warnings] == ["考勤明细!D4"]


def test_checking_writes_nothing(world, month, as_of):
    check(world, matrix_xlsx([world.p_a1], month, as_of), month, as_of)
    assert not AttendanceRecord.objects.exists()
    assert not AttendanceUpload.objects.exists()


def test_long_header_columns_may_come_in_any_order(world, month, as_of):
    rows = [[r[3], r[2], r[0], r[1]] for r in long_rows([world.p_a1], month, as_of)]
    data = xlsx(rows, header=["状态", "日期", "身份证号", "姓名"], sheet="Sheet1")
    assert check(world, data, month, as_of).ok


def test_cells_are_named_right_when_the_table_does_not_start_at_a1(world, month, as_of):
    import io

    import xlsxwriter

    from tests.attendance.helpers import matrix_header, matrix_rows

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("三月")
    ws.write_row(4, 2, matrix_header(month))  # header on row 5 from column C
    row = matrix_rows([world.p_a1], month, as_of)[0]
    row[4] = "Q"
    ws.write_row(5, 2, row)
    wb.close()
    result = check(world, buf.getvalue(), month, as_of)
    assert [e.cell for e in result.errors] == ["三月!G6"]
