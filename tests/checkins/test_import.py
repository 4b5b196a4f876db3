"""import_checkins (DOMAIN §10): cell-level errors, all or nothing, invalid rows kept, idempotent."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from checkins.importing import import_checkins
from checkins.models import CheckIn
from tests.checkins.conftest import LAT, LON

HEADER = ["身份证号", "姓名", "打卡时间", "纬度", "经度", "精度(米)", "备注"]


def workbook(rows, header=HEADER, title=True) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "打卡记录"
    if title:
        ws.append(["钉钉考勤打卡记录 2026年11月"])
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def good_rows(world):
    a1 = world.cadre_a1
    return [
        [a1.id_number, a1.name, dt.datetime(2026, 11, 10, 7, 30), LAT, LON, 15, "钉钉"],
        [a1.id_number, a1.name, "2026-11-10 14:05", LAT, LON, 20, ""],
        [a1.id_number, a1.name, "2026-11-11 01:10:30", LAT, LON, 20, ""],
        [a1.id_number, a1.name, "2026-11-11 08:00", LAT + 0.01, LON, 10, "在乡里开会"],
        [a1.id_number, "", "2026-11-11 15:00", LAT, LON, 500, ""],
    ]


def test_a_good_file_stores_every_row_valid_or_not(world, fences):
    result = import_checkins(file=workbook(good_rows(world)))
    assert result.ok, [str(e) for e in result.errors]
    assert (result.rows, result.created, result.valid, result.invalid) == (5, 5, 3, 2)
    stored = {
        (
            c.at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%m-%d %H:%M"),
            c.day,
            c.slot,
            c.valid,
            c.reason,
        )
        for c in CheckIn.objects.all()
    }
    assert ("11-11 01:10", dt.date(2026, 11, 10), "EVE", True, "") in stored
    assert ("11-11 08:00", dt.date(2026, 11, 11), "AM", False, "不在驻地范围（距最近驻地 1112 米）") in stored
    assert ("11-11 15:00", dt.date(2026, 11, 11), "PM", False, "定位精度不足") in stored
    assert set(CheckIn.objects.values_list("source", flat=True)) == {"IMPORT"}


def test_re_import_adds_nothing(world, fences):
    data = workbook(good_rows(world))
    import_checkins(file=data)
    again = import_checkins(file=data)
    assert again.ok and (again.rows, again.created, again.existing) == (5, 0, 5)
    assert CheckIn.objects.count() == 5


def test_the_same_check_in_twice_in_a_file_is_stored_once(world, fences):
    rows = good_rows(world)
    rows.append(list(rows[0]))
    result = import_checkins(file=workbook(rows))
    assert result.ok and result.created == 5


def test_bad_rows_reject_the_whole_file_with_every_cell(world, fences):
    a1 = world.cadre_a1
    rows = good_rows(world) + [
        ["110101199003070000", "无名氏", "2026-11-10 08:00", LAT, LON, 10, ""],
        [a1.id_number, "张冒名", "2026-11-10 08:00", LAT, LON, 10, ""],
        [a1.id_number, a1.name, "昨天早上", LAT, LON, 10, ""],
        [a1.id_number, a1.name, "2026-11-10", LAT, LON, 10, ""],
        [a1.id_number, a1.name, "2026-11-10 09:00", 95, LON, 10, ""],
        [a1.id_number, a1.name, "2026-11-10 09:00", LAT, -181, 10, ""],
        [a1.id_number, a1.name, "2026-11-10 09:00", LAT, LON, -1, ""],
        # A 身份证号 typed into a number cell (Excel keeps 15 digits); any 18-digit number will do.
        [float(a1.id_number[:17] + "0"), a1.name, "2026-11-10 09:00", LAT, LON, 1, ""],
    ]
    result = import_checkins(file=workbook(rows))
    assert not result.ok
    lines = [str(e) for e in result.errors]
    assert lines == [
        "打卡记录!A8: 未找到身份证号为 110101199003070000 的干部（或不在您的管辖范围）",
        f"打卡记录!B9: 姓名“张冒名”与名册中身份证号 {a1.id_number} 的姓名“{a1.name}”不一致",
        "打卡记录!C10: 打卡时间“昨天早上”不是有效的时间，应为 Excel 日期时间或 YYYY-MM-DD HH:MM[:SS]",
        "打卡记录!C11: 打卡时间“2026-11-10”不是有效的时间，应为 Excel 日期时间或 YYYY-MM-DD HH:MM[:SS]",
        "打卡记录!D12: 纬度“95”应为 -90 至 90 之间的数",
        "打卡记录!E13: 经度“-181”应为 -180 至 180 之间的数",
        "打卡记录!F14: 精度“-1”应为不小于 0 的米数",
        "打卡记录!A15: 身份证号被存成了数字（末几位已丢失），请把该列设为文本后重新填写",
    ]
    assert not CheckIn.objects.exists()


def test_a_missing_header_is_one_clear_error(world):
    result = import_checkins(file=workbook([], header=["身份证号", "姓名", "打卡时间", "纬度"]))
    assert [str(e) for e in result.errors] == [
        "打卡记录!A2: 缺少表头“经度、精度(米)”（应有：身份证号、姓名、打卡时间、纬度、经度、精度(米)、备注）"
    ]


@pytest.mark.parametrize(
    "data, words",
    [
        (b"%PDF-1.7\n1 0 obj\n", "不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "另存为 .xlsx"),
        (b"", "文件为空"),
    ],
)
def test_hostile_files_are_refused_before_parsing(world, data, words):
    result = import_checkins(file=data)
    assert len(result.errors) == 1 and words in result.errors[0].message
    assert not CheckIn.objects.exists()


def test_the_command_prints_one_line_or_one_line_per_error(world, fences, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(good_rows(world)))
    call_command("import_checkins", str(good))
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["已导入签到：文件 5 条（有效 3、无效 2），新增 5 条，已存在 0 条"]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([[world.cadre_a1.id_number, world.cadre_a1.name, "x", LAT, LON, 1, ""]]))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_checkins", str(bad))
    assert capsys.readouterr().err.strip().splitlines() == [
        "打卡记录!C3: 打卡时间“x”不是有效的时间，应为 Excel 日期时间或 YYYY-MM-DD HH:MM[:SS]"
    ]


def test_the_command_exits_1_from_a_shell(world, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    proc = subprocess.run(
        [sys.executable, "manage.py", "import_checkins", str(bad)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:////tmp/zhucun-checkins-cmd.sqlite3"},
    )
    assert proc.returncode == 1 and proc.stderr.strip().splitlines() == [
        "文件不是 Excel 工作簿（.xlsx），请上传 .xlsx 格式的文件"
    ]


def test_the_upload_page_imports_for_org_staff(world, fences, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.county_staff)
    upload = SimpleUploadedFile("dingtalk.xlsx", workbook(good_rows(world)))
    response = client.post(reverse("checkins:import"), {"file": upload})
    assert response.status_code == 200 and response.context["result"].ok
    assert "新增 5 条" in response.content.decode()


def test_the_upload_page_hides_other_areas_cadres(world, fences, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    b1 = world.cadre_b1
    rows = [[b1.id_number, b1.name, "2026-11-10 08:00", LAT, LON, 5, ""]]
    response = client_for(world.county_staff).post(
        reverse("checkins:import"), {"file": SimpleUploadedFile("x.xlsx", workbook(rows))}
    )
    page = response.content.decode()
    assert "未找到身份证号为" in page and "或不在您的管辖范围" in page and b1.name not in page
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("actor", ["township_a1", "township_a2"])
def test_township_staff_cannot_import(world, client_for, actor):
    assert client_for(getattr(world, actor)).get(reverse("checkins:import")).status_code == 404
