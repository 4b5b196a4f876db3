import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from appraisal.models import QuarterResult, Score
from tests.appraisal.factories import give_composite, small_scheme

pytestmark = pytest.mark.django_db

RANKING_HEADER = [
    "排名",
    "乡镇",
    "村",
    "姓名",
    "身份证号",
    "职务",
    "派出单位",
    "共性指标",
    "工作纪律",
    "民主测评",
    "加分",
    "减分",
    "总分",
    "等次",
]


def test_compute_quarterly_ranking_command_for_one_county_and_all(world):
    small_scheme(world.county_a)
    out = io.StringIO()
    call_command("compute_quarterly_ranking", "--quarter", "2026Q1", "--county", "150523", stdout=out)
    assert QuarterResult.objects.filter(county=world.county_a).count() == 2
    assert not QuarterResult.objects.filter(county=world.county_b).exists()
    call_command("compute_quarterly_ranking", "--quarter", "2026Q1", stdout=io.StringIO())
    assert QuarterResult.objects.count() == 3
    with pytest.raises(CommandError):
        call_command("compute_quarterly_ranking", "--quarter", "2026-1")


def test_export_ranking_command_writes_one_sheet_per_cohort(world, tmp_path):
    scheme = small_scheme(world.county_a)
    give_composite(world.cadre_a1, scheme, 91.5)
    call_command(
        "compute_quarterly_ranking", "--quarter", "2026Q1", "--county", "150523", stdout=io.StringIO()
    )
    out = tmp_path / "rank.xlsx"
    call_command(
        "export_ranking", "--county", "150523", "--quarter", "2026Q1", "--out", str(out), stdout=io.StringIO()
    )
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["负责人", "队员", "到村任职"]
    rows = list(wb["负责人"].iter_rows(values_only=True))
    assert list(rows[0]) == RANKING_HEADER
    assert rows[1][0] == 1 and rows[1][3] == world.cadre_a1.name and rows[1][5] == "第一书记"
    assert rows[1][12] == 91.5 and rows[1][7] == 70
    assert rows[1][13] == "良好"  # one ranked leader: quota floor(1 × 0.25) = 0


def test_export_score_template_and_import_scores_commands(world, tmp_path):
    small_scheme(world.county_a)
    template = tmp_path / "t.xlsx"
    call_command(
        "export_score_template",
        "--county",
        "150523",
        "--quarter",
        "2026Q1",
        "--out",
        str(template),
        stdout=io.StringIO(),
    )
    wb = openpyxl.load_workbook(template)
    ws = wb.active
    assert [c.value for c in ws[1]][:2] == ["身份证号", "姓名"] and ws.max_row == 3
    ws["C2"] = 60
    wb.save(template)
    call_command(
        "import_scores", str(template), "--county", "150523", "--quarter", "2026Q1", stdout=io.StringIO()
    )
    assert Score.objects.count() == 1


def test_import_scores_command_prints_errors_and_exits_non_zero(world, tmp_path, capsys):
    small_scheme(world.county_a)
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active.append(["身份证号", "姓名", "工作实绩", "遵纪守法"])
    wb.active.append([world.cadre_a1.id_number, world.cadre_a1.name, 65, 20])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import_scores", str(path), "--county", "150523", "--quarter", "2026Q1", stderr=err)
    assert exc.value.code == 1
    assert "Sheet1!D2: 超过该指标满分 14 分" in err.getvalue()
    assert Score.objects.count() == 0
