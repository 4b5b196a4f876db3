"""Hostile and broken files: a clear Chinese message, nothing written, refused before parsing."""

import io
import zipfile

import pytest
import xlsxwriter

from attendance.intake.check import check_file
from attendance.intake.write import import_attendance
from attendance.models import AttendanceRecord, AttendanceUpload
from tests.attendance.helpers import matrix_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_parser(monkeypatch):
    """Fail the test if the workbook parser is ever reached."""
    import python_calamine

    def boom(*a, **k):
        raise AssertionError("parser reached")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", boom)


def refused(world, month, as_of, data):
    result = import_attendance(township=world.a1, month=month, file=data, as_of=as_of)
    assert not result.ok
    assert not AttendanceRecord.objects.exists()
    assert not AttendanceUpload.objects.exists()
    assert len(result.errors) == 1
    return result.errors[0].message


def _rezip(data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def test_a_text_file_is_not_a_workbook(world, month, as_of, no_parser):
    assert "不是 Excel 工作簿" in refused(world, month, as_of, "身份证号,姓名\n1,2\n".encode())


def test_a_pdf_is_not_a_workbook(world, month, as_of, no_parser):
    assert "不是 Excel 工作簿" in refused(world, month, as_of, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")


def test_a_legacy_xls_renamed_is_refused_with_advice(world, month, as_of, no_parser):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert "另存为 .xlsx" in refused(world, month, as_of, data)


def test_a_truncated_zip_is_refused(world, month, as_of, no_parser):
    data = matrix_xlsx([world.p_a1], month, as_of)
    assert "损坏" in refused(world, month, as_of, data[: len(data) // 2])


def test_a_macro_workbook_is_refused(world, month, as_of, no_parser):
    data = matrix_xlsx([world.p_a1], month, as_of)
    data = _rezip(data, {}, {"xl/vbaProject.bin": b"\x00" * 100})
    assert "宏" in refused(world, month, as_of, data)


def test_a_file_over_the_size_limit_is_refused(world, month, as_of, settings, no_parser):
    settings.ZHUCUN_MAX_UPLOAD_BYTES = 4096
    data = matrix_xlsx([world.p_a1], month, as_of) + b"\x00" * 8192
    assert "大小上限" in refused(world, month, as_of, data)


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> bytes:
    """About 1 MB on disk, a sheet part inflating to 1 GB of zeros."""
    base = io.BytesIO()
    wb = xlsxwriter.Workbook(base, {"in_memory": True})
    wb.add_worksheet("考勤").write(0, 0, "序号")
    wb.close()
    out = io.BytesIO()
    chunk = b"0" * (1 << 20)
    with (
        zipfile.ZipFile(io.BytesIO(base.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _i in range(1024):
                fh.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_declared_sizes(world, month, as_of, zip_bomb, no_parser):
    assert len(zip_bomb) < 5 * 1024 * 1024
    message = refused(world, month, as_of, zip_bomb)
    assert "解压后过大" in message or "压缩炸弹" in message


def test_an_xml_entity_bomb_is_refused(world, month, as_of, no_parser):
    data = matrix_xlsx([world.p_a1], month, as_of)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        b"<si><t>&lol2;</t></si></sst>"
    )
    assert "不安全的 XML" in refused(world, month, as_of, _rezip(data, {"xl/sharedStrings.xml": laughs}))


def test_a_sheet_with_absurd_dimensions_is_refused(world, month, as_of, no_parser):
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("考勤")
    ws.write(0, 0, "序号")
    ws.write(1048575, 16383, "√")
    wb.close()
    assert "尺寸异常" in refused(world, month, as_of, buf.getvalue())


def test_formula_cells_give_their_cached_value_never_the_formula(world, month, as_of):
    def edit(rows):
        rows[0][4] = None  # written as a formula below

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("考勤")
    from tests.attendance.helpers import matrix_header, matrix_rows

    ws.write_row(0, 0, matrix_header(month))
    row = matrix_rows([world.p_a1], month, as_of)[0]
    ws.write_row(1, 0, row)
    ws.write_formula(1, 4, '=IF(1=1,"√","×")', None, "√")
    wb.close()
    result = import_attendance(township=world.a1, month=month, file=buf.getvalue(), as_of=as_of)
    assert result.ok, [str(e) for e in result.errors]
    first = AttendanceRecord.objects.get(date=month)
    assert first.status == "ON_SITE_OVERNIGHT"
    assert not AttendanceRecord.objects.filter(note__startswith="=").exists()


def test_a_formula_without_a_cached_value_is_a_missing_mark(world, month, as_of):
    import openpyxl

    from tests.attendance.helpers import matrix_header, matrix_rows

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "考勤"
    ws.append(matrix_header(month))
    ws.append(matrix_rows([world.p_a1], month, as_of)[0])
    ws["E2"] = '="√"'
    buf = io.BytesIO()
    wb.save(buf)
    result = check_file(township=world.a1, month=month, file=buf.getvalue(), as_of=as_of)
    assert [e.cell for e in result.errors] == ["考勤!E2"]
