"""A quarter the way a county runs it, only through the documented commands and workbooks:
the default 考核细则, a score workbook written with XlsxWriter, import, ranking, and the export."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from django.core.management import call_command

from appraisal.models import DemocraticRate, Score
from appraisal.schemes import fmt_points
from tests import factories as f
from tests.appraisal.factories import MonthlyTotalFactory, posted

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = (dt.date(2026, m, 1) for m in (1, 2, 3))


def _scheme_rows(county, tmp_path) -> list[tuple]:
    path = tmp_path / "scheme.xlsx"
    call_command(
        "export_scheme", "--county", county.code, "--year", "2026", "--out", str(path), stdout=io.StringIO()
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["考核细则"]
    rows = list(wb["考核细则"].iter_rows(values_only=True))
    assert list(rows[0]) == ["类别", "指标", "分值", "来源"]
    return rows[1:]


def _write_workbook(path, rows) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()


def test_the_default_scheme_exports_as_the_kaohe_xize_workbook(tmp_path):
    rows = _scheme_rows(f.CountyFactory(), tmp_path)
    points: dict[str, Decimal] = {}
    for category, _name, value, _source in rows:
        points[category] = points.get(category, Decimal("0")) + Decimal(str(value))
    assert points["共性指标"] == 70 and points["工作纪律"] == 20 and points["民主测评"] == 10
    assert len([r for r in rows if r[0] == "共性指标"]) == 24
    discipline = {r[1]: r[3] for r in rows if r[0] == "工作纪律"}
    assert discipline == {
        "遵纪守法": "人工",
        "脱产驻村": "考勤",
        "请销假": "人工",
        "五个不准": "人工",
        "工作纪实": "人工",
    }
    assert {"扶贫扶志", "产业发展", "基层组织建设", "为民办事"} <= {r[1] for r in rows if r[0] == "共性指标"}
    assert [r[3] for r in rows if r[0] == "民主测评"] == ["民主测评"]
    assert {r[0] for r in rows} == {"共性指标", "工作纪律", "民主测评", "加分", "减分"}


def test_a_quarter_imported_ranked_and_exported_through_the_commands(tmp_path):
    county = f.CountyFactory()
    township = f.TownshipFactory(county=county)
    leaders = [posted(f.VillageFactory(township=township), role="FIRST_SECRETARY") for _ in range(6)]
    late = posted(f.VillageFactory(township=township), role="TEAM_LEADER", start=dt.date(2026, 3, 5))
    a, b, c, d, e, g = leaders
    for p, compliant_months in ((a, 3), (b, 3), (c, 2), (d, 3)):
        for i, month in enumerate((JAN, FEB, MAR)):
            MonthlyTotalFactory(posting=p, month=month, compliant=i < compliant_months)

    scheme = _scheme_rows(county, tmp_path)
    manual = [(name, Decimal(str(value))) for category, name, value, source in scheme if source == "人工"]
    common = [(name, value) for category, name, value, source in scheme if category == "共性指标"]

    def cells(common_total, discipline=True, bonus=None, deduction=None) -> dict[str, Decimal]:
        out, left = {}, Decimal(common_total)
        for name, value in common:
            take = min(left, Decimal(str(value)))
            if take:
                out[name] = take
            left -= take
        if discipline:
            out.update(
                {"遵纪守法": Decimal(4), "请销假": Decimal(3), "五个不准": Decimal(4), "工作纪实": Decimal(3)}
            )
        if bonus is not None:
            out["创先争优加分"] = bonus
        if deduction is not None:
            out["违规违纪减分"] = deduction
        return out

    plan = [
        (a, cells(70, bonus=10), 100),  # 70 + 14 + 6 + 10 + 10 = 110
        (b, cells(70, bonus=10), 100),  # a tie with a
        (c, cells(70), 95),  # 70 + 14 + 4 + 9.5 = 97.5
        (d, cells(60, deduction=3), 88.25),  # 60 + 14 + 6 + 8.825 − 3 = 85.825 → 85.83
        (e, cells(70, discipline=False), None),  # 70
        (g, cells(55, discipline=False), None),  # 55
        (late, cells(70), 100),
    ]
    header = [
        "身份证号",
        "姓名",
        *[f"{name}（{fmt_points(value)}分）" for name, value in manual],
        "民主测评满意率",
    ]
    body = [
        [
            p.cadre.id_number,
            p.cadre.name,
            *[float(values[n]) if n in values else None for n, _v in manual],
            rate,
        ]
        for p, values, rate in plan
    ]
    path = tmp_path / "scores.xlsx"
    _write_workbook(path, [header, *body])
    out = io.StringIO()
    call_command("import_scores", str(path), "--county", county.code, "--quarter", "2026Q1", stdout=out)
    assert "导入完成" in out.getvalue()
    assert DemocraticRate.objects.count() == 5

    call_command(
        "compute_quarterly_ranking", "--quarter", "2026Q1", "--county", county.code, stdout=io.StringIO()
    )
    export = tmp_path / "ranking.xlsx"
    call_command(
        "export_ranking",
        "--county",
        county.code,
        "--quarter",
        "2026Q1",
        "--out",
        str(export),
        stdout=io.StringIO(),
    )
    wb = openpyxl.load_workbook(export)
    assert wb.sheetnames == ["负责人", "队员", "到村任职"]
    rows = list(wb["负责人"].iter_rows(values_only=True))
    assert list(rows[0]) == [
        "排名", "乡镇", "村", "姓名", "身份证号", "职务", "派出单位",
        "共性指标", "工作纪律", "民主测评", "加分", "减分", "总分", "等次",
    ]  # fmt: skip
    by_id = {r[4]: r for r in rows[1:]}
    got = {
        p.cadre.id_number: (by_id[p.cadre.id_number][0], by_id[p.cadre.id_number][12:]) for p, _c, _r in plan
    }
    assert got == {
        a.cadre.id_number: (1, (110, "优秀")),
        b.cadre.id_number: (1, (110, "优秀")),  # a tie across the quota line floor(6 × 0.25) = 1 is all in
        c.cadre.id_number: (3, (97.5, "良好")),  # ≥ 90 but outside the quota
        d.cadre.id_number: (4, (85.83, "良好")),
        e.cadre.id_number: (5, (70, "一般")),
        g.cadre.id_number: (6, (55, "较差")),
        late.cadre.id_number: (None, (110 - 10 - 6, "不参与排名")),  # 27 days; no attendance rows
    }
    assert by_id[c.cadre.id_number][7:12] == (70, 18, 9.5, 0, 0)
    assert by_id[d.cadre.id_number][7:12] == (60, 20, 8.83, 0, 3)
    assert [r[0] for r in rows[1:]] == [1, 1, 3, 4, 5, 6, None]
    assert len(list(wb["队员"].iter_rows())) == 1


def test_a_score_workbook_with_cell_errors_exits_non_zero_and_writes_nothing(tmp_path, capsys):
    county = f.CountyFactory()
    p = posted(f.VillageFactory(township__county=county), role="FIRST_SECRETARY")
    path = tmp_path / "bad.xlsx"
    _write_workbook(
        path,
        [
            ["身份证号", "姓名", "产业发展（5分）", "扶贫扶志", "民主测评满意率"],
            [p.cadre.id_number, p.cadre.name, 5.5, 3, 100.5],
            ["110101199003074514", "路人", 1, 1, 1],
        ],
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_scores", str(path), "--county", county.code, "--quarter", "2026Q1")
    assert exit_info.value.code == 1
    errors = capsys.readouterr().err.splitlines()
    assert "Sheet1!C2: 超过该指标满分 5 分" in errors
    assert "Sheet1!E2: 民主测评满意率应在 0–100 之间" in errors
    assert any(line.startswith("Sheet1!A3: ") for line in errors)
    assert not Score.objects.exists() and not DemocraticRate.objects.exists()
