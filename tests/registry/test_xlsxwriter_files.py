"""Registry workbooks as XlsxWriter writes them (real Excel dates, numbers, text dates), by the command."""

import datetime as dt
import io

import pytest
import xlsxwriter
from django.core.management import CommandError, base, call_command, execute_from_command_line

from cadres.models import Cadre, DispatchingUnit, Posting
from core import idcard
from registry.parse import HEADERS
from tests.registry.test_import_service import snapshot
from villages.models import Village

pytestmark = pytest.mark.django_db

ZW = idcard.make("150523", dt.date(1985, 3, 14), 11, True)
LN = idcard.make("150523", dt.date(1990, 7, 1), 12, False)
WQ = idcard.make("150523", dt.date(1979, 12, 31), 13, True)  # ends in X
ZL = idcard.make("150523", dt.date(1970, 1, 1), 21, False)


def rows():
    return {
        "乡镇": [["150523", "开鲁县", "150523100", "开鲁镇"], ["150523", "开鲁县", "150523101", "东风镇"]],
        "村": [
            ["150523100201", "团结村", "150523100", "建档立卡贫困村、软弱涣散村"],
            ["150523100202", "胜利村", "150523100", "集体经济薄弱,信访问题多"],
            [150523101201, "东风村", 150523101, ""],
        ],
        "派出单位": [
            ["U001", "开鲁县农业局", "县", "150523"],
            ["U002", "通辽市财政局", "市", "150523"],
            ["U003", "内蒙古自治区林草局", "省", "150523"],
            ["U004", "开鲁镇人民政府", "乡镇", 150523],
        ],
        "干部": [
            [ZW, "张伟", "13900000001", "本科", "公务员", "副科级", "党务、农业", "U001"],
            [LN, "李娜", 13900000002, "硕士研究生", "事业单位人员", "一般干部", "财务", "U002"],
            [WQ.lower(), "王强", "", "大专", "国企人员", "正科级", "", ""],
            [ZL, "赵丽", "13900000004", "博士研究生", "其他", "副处级及以上", "", "U004"],
        ],
        "选派": [
            [ZW, "150523100201", "U001", "第一书记", dt.date(2026, 1, 1), dt.date(2027, 12, 31)],
            [LN, "150523100201", "U002", "工作队员", "2026-01-01", "2027-12-31"],
            [WQ, "150523101201", "U003", "到村任职书记", "2026/03/01", "2028年2月29日"],
            [ZL, "150523100202", "U004", "到村任职委员", 46023, dt.date(2026, 12, 31)],
        ],
    }


def xlsxwriter_bytes(data) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for sheet, header in HEADERS.items():
        ws = workbook.add_worksheet(sheet)
        ws.write_row(0, 0, header)
        for r, row in enumerate(data[sheet], start=1):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, value)
    workbook.close()
    return buffer.getvalue()


def write(tmp_path, data) -> str:
    path = tmp_path / "registry.xlsx"
    path.write_bytes(xlsxwriter_bytes(data))
    return str(path)


def test_an_xlsxwriter_workbook_imports_every_label_and_date_form(tmp_path):
    call_command("import_registry", write(tmp_path, rows()), stdout=io.StringIO())

    assert sorted(DispatchingUnit.objects.values_list("code", "level")) == [
        ("U001", "COUNTY"),
        ("U002", "CITY"),
        ("U003", "PROVINCE"),
        ("U004", "TOWNSHIP"),
    ]
    wang = Cadre.objects.get(name="王强")
    assert (wang.id_number, wang.birth_date, wang.gender, wang.home_unit) == (
        WQ,
        dt.date(1979, 12, 31),
        "M",
        None,
    )
    li = Cadre.objects.get(name="李娜")
    assert (li.mobile, li.gender, li.education, li.identity, li.rank) == (
        "13900000002",
        "F",
        "MASTER",
        "PUBLIC_INSTITUTION",
        "STAFF",
    )
    zhao = Cadre.objects.get(name="赵丽")
    assert (zhao.education, zhao.identity, zhao.rank) == ("DOCTOR", "OTHER", "DEPUTY_DIVISION_UP")
    assert sorted(Village.objects.get(code="150523100202").tags.values_list("name", flat=True)) == [
        "信访问题多",
        "集体经济薄弱",
    ]
    postings = {p.cadre.name: p for p in Posting.objects.select_related("cadre")}
    assert postings["王强"].role == "VILLAGE_SECRETARY"
    assert (postings["王强"].start_date, postings["王强"].planned_end_date) == (
        dt.date(2026, 3, 1),
        dt.date(2028, 2, 29),
    )
    assert postings["赵丽"].role == "VILLAGE_COMMITTEE"
    assert postings["赵丽"].start_date == dt.date(2026, 1, 1)  # Excel serial 46023


def test_the_same_xlsxwriter_file_twice_changes_nothing(tmp_path):
    path = write(tmp_path, rows())
    call_command("import_registry", path, stdout=io.StringIO())
    before = snapshot()
    out = io.StringIO()
    call_command("import_registry", path, stdout=out)
    assert snapshot() == before
    assert "新增 0、更新 0" in out.getvalue() and "选派 新增 0、更新 0、未变 4" in out.getvalue()


def test_a_cadre_in_two_overlapping_postings_is_refused_naming_the_cell(tmp_path):
    data = rows()
    data["选派"].append([ZW, "150523101201", "U001", "工作队员", "2026-06-01", "2026-12-31"])
    with pytest.raises(CommandError):
        call_command(
            "import_registry", write(tmp_path, data), stdout=io.StringIO(), stderr=(err := io.StringIO())
        )
    assert err.getvalue().splitlines() == [
        "选派!E6: 该干部的选派与第 2 行的选派时间重叠，同一干部同一天只能有一个选派"
    ]
    assert not Cadre.objects.exists() and not Posting.objects.exists()


def test_the_command_line_exits_1_with_each_error_on_its_own_stderr_line(tmp_path, capsys, monkeypatch):
    # run_from_argv closes every connection at the end; the test's transaction must survive it.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    data = rows()
    data["干部"][0][0] = ZW[:-1] + ("0" if ZW[-1] != "0" else "1")
    data["选派"][1][1] = "150523100299"
    data["选派"].append([WQ, "150523100202", "U003", "第一书记", "2026-01-01", "2026-06-30"])
    data["选派"].append([LN, "150523101201", "U004", "第一书记", "2028-01-01", "2028-06-30"])
    data["选派"].append([LN, "150523100202", "U004", "第一书记", "2028-02-01", "2028-03-31"])

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "import_registry", write(tmp_path, data)])

    assert exit_info.value.code == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("干部!A2: 身份证号校验位错误")
    assert lines[1:] == [
        f"选派!A2: 身份证号 {ZW} 不在“干部”表中，系统中也没有这名干部",
        "选派!B3: 村代码 150523100299 不存在：“村”表和系统中都没有这个村",
        "选派!E4: 该干部的选派与第 6 行的选派时间重叠，同一干部同一天只能有一个选派",
        "选派!E8: 该干部的选派与第 7 行的选派时间重叠，同一干部同一天只能有一个选派",
        "CommandError: 名册有 5 处错误，未写入任何数据",
    ]
    assert not Cadre.objects.exists()
