"""Help where people need it: each upload and import page shows the layout and offers an example;
empty states say what to do next."""

import io

import openpyxl
from django.urls import reverse

from attendance.intake.check import check_file
from core import idcard
from tests.appraisal.factories import small_scheme


def sheets_of(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_the_upload_page_shows_both_layouts_and_offers_the_example(world, client_for, fixed_today):
    client = client_for(world.township_a1)
    html = client.get(reverse("attendance:upload")).content.decode()
    assert "文件格式示例" in html and "考勤明细" in html and "村名称" in html
    assert reverse("attendance:upload_example") in html
    # A township user's template link downloads last month's pre-filled template at once.
    assert f"{reverse('attendance:template')}?township={world.a1.pk}&amp;month=2026-05" in html
    assert "还没有上传记录" in html
    sheets = sheets_of(client.get(reverse("attendance:upload_example")))
    assert sheets["月度考勤表"][0][:4] == ("序号", "姓名", "身份证号", "村名称")
    assert sheets["考勤明细"][0] == ("身份证号", "姓名", "日期", "状态", "备注")
    assert all(idcard.is_valid(row[0]) for row in sheets["考勤明细"][1:])


def test_the_example_is_a_valid_file_for_its_cadres(world):
    """Register the example's two fictitious cadres in a township: its 考勤明细 then checks clean."""
    import datetime as dt

    from attendance.intake.examples import example_sheets
    from core.xlsx import example_workbook
    from tests import factories as f

    township = f.TownshipFactory(county=world.county_a, code="150523199", name="示例镇")
    village = f.VillageFactory(township=township, code="150523199201", name="红星村")
    long_sheet = next(s for s in example_sheets() if s["name"] == "考勤明细")
    for id_number, name in {(row[0], row[1]) for row in long_sheet["rows"]}:
        cadre = f.CadreFactory(id_number=id_number, name=name)
        f.PostingFactory(
            cadre=cadre,
            village=village,
            unit=world.unit_a,
            start_date=dt.date(2026, 11, 1),
            planned_end_date=dt.date(2027, 12, 31),
        )
    result = check_file(
        township=township,
        month=dt.date(2026, 11, 1),
        file=example_workbook([long_sheet]),
        as_of=dt.date(2026, 11, 5),
    )
    assert result.ok, [str(e) for e in result.errors]
    assert result.layout == "LONG" and len(result.records) == 10


def test_the_registry_page_shows_every_sheet_and_offers_the_example(world, client_for):
    client = client_for(world.county_staff)
    html = client.get(reverse("villages:registry_import")).content.decode()
    for sheet in ("乡镇", "村", "派出单位", "干部", "选派"):
        assert f"工作表“{sheet}”" in html
    sheets = sheets_of(client.get(reverse("villages:registry_example")))
    assert sheets["选派"][0] == ("身份证号", "村代码", "单位代码", "职务", "开始日期", "计划结束日期")
    assert client_for(world.township_a1).get(reverse("villages:registry_example")).status_code == 403


def test_the_score_import_page_shows_the_scheme_columns(world, client_for):
    small_scheme(world.county_a)
    html = (
        client_for(world.county_staff)
        .get("/appraisal/scores/import/?county=150523&quarter=2026Q1")
        .content.decode()
    )
    assert "工作实绩（70分）" in html and "民主测评满意率" in html


def test_empty_decision_list_says_what_to_do(world, client_for):
    html = client_for(world.county_staff).get(reverse("decisions:list")).content.decode()
    assert "立即运行规则" in html and "规则每月和每季度自动运行" in html
    filtered = client_for(world.county_staff).get(reverse("decisions:list"), {"rule": "R3"}).content.decode()
    assert "请放宽筛选条件" in filtered
