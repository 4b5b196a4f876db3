"""compute_monthly_totals, export_monthly_report and export_allowance from the command line."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from attendance.models import MonthlyTotal
from attendance.totals.exports import (
    ALLOWANCE_HEADER,
    ALLOWANCE_HEADER_ROW,
    MONTHLY_HEADER,
    MONTHLY_HEADER_ROW,
)
from tests import factories as f
from tests.attendance.totals.conftest import MARCH
from tests.attendance.totals.factories import mark_days


def test_compute_command_computes_one_county(world, capsys):
    call_command("compute_monthly_totals", "--month", "2026-03", "--county", "150523")

    assert MonthlyTotal.objects.filter(month=MARCH, county=world.county_a).count() == 2
    assert not MonthlyTotal.objects.filter(county=world.county_b).exists()
    assert "150523" in capsys.readouterr().out


def test_compute_command_without_county_computes_all(world):
    call_command("compute_monthly_totals", "--month", "2026-03")

    assert MonthlyTotal.objects.filter(month=MARCH).count() == 3


@pytest.mark.parametrize("month", ["2026/03", "2026-13", "march", "26-3"])
def test_compute_command_rejects_a_bad_month(world, month):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("compute_monthly_totals", "--month", month)
    assert not MonthlyTotal.objects.exists()


def test_compute_command_rejects_an_unknown_county(world):
    with pytest.raises(CommandError, match="999999"):
        call_command("compute_monthly_totals", "--month", "2026-03", "--county", "999999")


def test_export_monthly_report_writes_the_header_and_the_figures(world, tmp_path):
    mark_days(world.p_a1, MARCH, "√" * 15 + "○" * 5 + "公" * 2 + "事病休×")
    out = tmp_path / "report.xlsx"

    call_command("export_monthly_report", "--county", "150523", "--month", "2026-03", "--out", str(out))

    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "月度驻村考勤统计表" in rows[0][0]
    assert list(rows[MONTHLY_HEADER_ROW - 1]) == MONTHLY_HEADER
    data = rows[MONTHLY_HEADER_ROW:]
    assert len(data) == 2
    first = dict(zip(MONTHLY_HEADER, data[0], strict=True))
    assert first == {
        "序号": 1,
        "乡镇": "开鲁镇",
        "村": "北堡村",
        "姓名": world.cadre_a1.name,
        "身份证号": world.cadre_a1.id_number,
        "职务": "第一书记",
        "派出单位": "开鲁县农业局",
        "驻村天数": 31,
        "在岗天数": 22,
        "住村天数": 15,
        "公出天数": 2,
        "请假天数": 3,
        "缺勤天数": 1,
        "未报天数": 5,
        "应在岗天数": 22,
        "应住村天数": 15,
        "是否达标": "是",
        "生活补助(元)": 1320,
    }
    assert dict(zip(MONTHLY_HEADER, data[1], strict=True))["是否达标"] == "否"
    assert sheet.cell(row=MONTHLY_HEADER_ROW + 1, column=18).number_format == "0.00"
    assert sheet.cell(row=MONTHLY_HEADER_ROW + 1, column=8).data_type == "n"


def test_export_guards_text_that_looks_like_a_formula(world, tmp_path):
    world.cadre_a1.name = "=HYPERLINK(1)"
    world.cadre_a1.save()
    out = tmp_path / "report.xlsx"

    call_command("export_monthly_report", "--county", "150523", "--month", "2026-03", "--out", str(out))

    sheet = openpyxl.load_workbook(out).active
    cell = sheet.cell(row=MONTHLY_HEADER_ROW + 1, column=4)
    assert cell.data_type == "s"
    assert cell.value == "'=HYPERLINK(1)"


def test_export_command_rejects_a_bad_month_and_writes_nothing(world, tmp_path):
    out = tmp_path / "report.xlsx"
    with pytest.raises(CommandError):
        call_command("export_monthly_report", "--county", "150523", "--month", "2026-3x", "--out", str(out))
    assert not out.exists()


def test_export_command_rejects_another_unknown_county(world, tmp_path):
    out = tmp_path / "report.xlsx"
    with pytest.raises(CommandError, match="999999"):
        call_command("export_monthly_report", "--county", "999999", "--month", "2026-03", "--out", str(out))
    assert not out.exists()


def test_export_allowance_has_one_sheet_per_unit_with_a_total(world, tmp_path):
    other_unit = f.DispatchingUnitFactory(county=world.county_a, code="U150523009", name="开鲁县财政局")
    third = f.PostingFactory(village=world.v_a1, unit=other_unit)
    mark_days(world.p_a1, MARCH, "√" * 22)
    mark_days(world.p_a2, MARCH, "○" * 10)
    mark_days(third, MARCH, "√" * 3)
    out = tmp_path / "allowance.xlsx"

    call_command("export_allowance", "--county", "150523", "--month", "2026-03", "--out", str(out))

    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["开鲁县农业局", "开鲁县财政局"]
    rows = list(book["开鲁县农业局"].iter_rows(values_only=True))
    assert list(rows[ALLOWANCE_HEADER_ROW - 1]) == ALLOWANCE_HEADER
    body = rows[ALLOWANCE_HEADER_ROW:]
    assert [r[6] for r in body] == [22, 10, 32]
    assert [r[7] for r in body[:2]] == [60, 60]
    assert [Decimal(str(r[8])) for r in body] == [Decimal("1320"), Decimal("600"), Decimal("1920")]
    assert body[-1][0] == "合计"
    other = list(book["开鲁县财政局"].iter_rows(values_only=True))[ALLOWANCE_HEADER_ROW:]
    assert other[0][6] == 3 and other[-1][8] == 180


def test_export_allowance_can_write_one_file_per_unit(world, tmp_path):
    import zipfile

    mark_days(world.p_a1, MARCH, "√" * 2)
    out = tmp_path / "allowance.zip"

    call_command(
        "export_allowance", "--county", "150523", "--month", "2026-03", "--out", str(out), "--layout", "files"
    )

    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
    assert names == ["U150523001_开鲁县农业局_驻村干部生活补助发放表_2026-03.xlsx"]


def test_allowance_rate_of_a_row_without_on_site_days_is_the_county_policy_rate(world, tmp_path):
    from villages.models import Policy

    Policy.objects.update_or_create(county=world.county_a, defaults={"daily_allowance": Decimal("45.50")})
    mark_days(world.p_a1, MARCH, "√" * 2)
    out = tmp_path / "allowance.xlsx"

    call_command("export_allowance", "--county", "150523", "--month", "2026-03", "--out", str(out))

    body = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))[ALLOWANCE_HEADER_ROW:]
    assert [(r[6], r[7], r[8]) for r in body] == [(2, 45.5, 91), (0, 45.5, 0), (2, None, 91)]


def test_the_command_announces_the_new_totals_like_the_job(world, django_capture_on_commit_callbacks):
    import datetime as dt
    import io

    from django.core.management import call_command

    from attendance.totals.signals import totals_changed

    seen = []

    def receiver(sender, *, county_id, month, **kwargs):
        seen.append((county_id, month))

    totals_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "compute_monthly_totals",
                "--month",
                "2026-03",
                "--county",
                world.county_a.code,
                stdout=io.StringIO(),
            )
    finally:
        totals_changed.disconnect(receiver)
    assert seen == [(world.county_a.pk, dt.date(2026, 3, 1))]
