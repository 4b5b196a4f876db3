import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from appraisal.models import DemocraticRate, Score
from appraisal.scores import import_scores, save_score, score_template
from tests.appraisal.factories import ind, small_scheme

pytestmark = pytest.mark.django_db


def _xlsx(rows, title="Sheet1") -> io.BytesIO:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_import_good_file_saves_scores_and_rates(world):
    scheme = small_scheme(world.county_a)
    c1, c2 = world.cadre_a1, world.cadre_a2
    file = _xlsx(
        [
            ["身份证号", "姓名", "工作实绩（70分）", "遵纪守法", "表彰奖励(8分)", "民主测评满意率"],
            [c1.id_number, c1.name, 65, "12.5", None, 95],
            [c2.id_number, c2.name, 60.25, 10, 3, "88%"],
        ]
    )
    result = import_scores(county=world.county_a, year=2026, quarter=1, file=file)
    assert result.ok, result.errors
    assert (result.rows, result.scores, result.rates) == (2, 5, 2)
    assert Score.objects.get(cadre=c2, indicator=ind(scheme, "工作实绩")).points == Decimal("60.25")
    assert DemocraticRate.objects.get(cadre=c2).rate == Decimal("88")
    assert not Score.objects.filter(cadre=c1, indicator=ind(scheme, "表彰奖励")).exists()


def test_import_bad_file_writes_nothing_and_names_every_cell(world):
    small_scheme(world.county_a)
    c1, c2 = world.cadre_a1, world.cadre_a2
    file = _xlsx(
        [
            ["身份证号", "姓名", "工作实绩", "遵纪守法", "民主测评满意率"],
            [c1.id_number, c1.name, 65, 12, 95],
            [c2.id_number, c2.name, 60, 15, 101],
            [world.cadre_b1.id_number, world.cadre_b1.name, 1, 1, 1],
            [c2.id_number, "别人", "abc", -1, None],
        ]
    )
    result = import_scores(county=world.county_a, year=2026, quarter=1, file=file)
    assert not result.ok
    assert "Sheet1!D3: 超过该指标满分 14 分" in result.errors
    assert "Sheet1!E3: 民主测评满意率应在 0–100 之间" in result.errors
    assert any(e.startswith("Sheet1!A4: ") for e in result.errors)
    assert any(e.startswith("Sheet1!A5: ") and "重复" in e for e in result.errors)
    assert Score.objects.count() == 0 and DemocraticRate.objects.count() == 0


def test_import_refuses_unknown_columns_and_non_workbooks(world):
    small_scheme(world.county_a)
    bad_header = _xlsx([["身份证号", "姓名", "出勤率"], [world.cadre_a1.id_number, world.cadre_a1.name, 5]])
    result = import_scores(county=world.county_a, year=2026, quarter=1, file=bad_header)
    assert not result.ok and result.errors[0].startswith("Sheet1!C1: ")
    result = import_scores(county=world.county_a, year=2026, quarter=1, file=io.BytesIO(b"not a workbook"))
    assert not result.ok and "xlsx" in result.errors[0]


def test_template_is_prefilled_with_the_quarters_cadres(world):
    small_scheme(world.county_a)
    wb = openpyxl.load_workbook(io.BytesIO(score_template(county=world.county_a, year=2026, quarter=1)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "身份证号",
        "姓名",
        "工作实绩",
        "遵纪守法",
        "表彰奖励",
        "创新工作",
        "违规减分",
        "民主测评满意率",
    ]
    assert sorted(r[0] for r in rows[1:]) == sorted([world.cadre_a1.id_number, world.cadre_a2.id_number])


def test_template_round_trips_through_the_import(world):
    small_scheme(world.county_a)
    data = score_template(county=world.county_a, year=2026, quarter=1)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.active["C2"] = 50
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    assert import_scores(county=world.county_a, year=2026, quarter=1, file=buf).ok
    assert Score.objects.count() == 1


def test_save_score_checks_the_maximum_and_refuses_computed_indicators(world):
    scheme = small_scheme(world.county_a)
    with pytest.raises(ValidationError, match="超过该指标满分 70 分"):
        save_score(
            county=world.county_a,
            year=2026,
            quarter=1,
            cadre=world.cadre_a1,
            indicator=ind(scheme, "工作实绩"),
            value="70.5",
        )
    with pytest.raises(ValidationError):
        save_score(
            county=world.county_a,
            year=2026,
            quarter=1,
            cadre=world.cadre_a1,
            indicator=ind(scheme, "脱产驻村"),
            value="5",
        )
    with pytest.raises(ValidationError):
        save_score(
            county=world.county_a,
            year=2026,
            quarter=1,
            cadre=world.cadre_b1,
            indicator=ind(scheme, "工作实绩"),
            value="5",
        )


def test_concurrent_entry_of_different_cells_keeps_both(world, client_for):
    scheme = small_scheme(world.county_a)
    from django.test import Client

    first = client_for(world.county_staff)
    second = Client()
    second.force_login(world.admin)
    base = {"county": "150523", "quarter": "2026Q1", "cadre": world.cadre_a1.pk}
    # Both people loaded the grid before either saved; each sends only the cell they changed.
    r1 = first.post(
        "/appraisal/scores/cell/", {**base, "indicator": ind(scheme, "工作实绩").pk, "value": "66"}
    )
    r2 = second.post(
        "/appraisal/scores/cell/", {**base, "indicator": ind(scheme, "遵纪守法").pk, "value": "13"}
    )
    r3 = second.post("/appraisal/scores/cell/", {**base, "indicator": "rate", "value": "92"})
    assert r1.status_code == r2.status_code == r3.status_code == 200
    assert dict(Score.objects.values_list("indicator__name", "points")) == {
        "工作实绩": Decimal("66"),
        "遵纪守法": Decimal("13"),
    }
    assert DemocraticRate.objects.get(cadre=world.cadre_a1).rate == Decimal("92")
    # Clearing a cell removes only that cell.
    first.post("/appraisal/scores/cell/", {**base, "indicator": ind(scheme, "工作实绩").pk, "value": ""})
    assert list(Score.objects.values_list("indicator__name", flat=True)) == ["遵纪守法"]


def test_score_cell_shows_the_error_and_stores_nothing(world, client_for):
    scheme = small_scheme(world.county_a)
    client = client_for(world.county_staff)
    r = client.post(
        "/appraisal/scores/cell/",
        {
            "county": "150523",
            "quarter": "2026Q1",
            "cadre": world.cadre_a1.pk,
            "indicator": ind(scheme, "遵纪守法").pk,
            "value": "15",
        },
    )
    assert "超过该指标满分 14 分" in r.content.decode()
    assert Score.objects.count() == 0


def test_importing_again_updates_cells_and_a_blank_cell_scores_zero(world):
    scheme = small_scheme(world.county_a)
    c1, c2 = world.cadre_a1, world.cadre_a2
    header = ["身份证号", "姓名", "工作实绩", "遵纪守法", "表彰奖励", "民主测评满意率"]
    assert import_scores(
        county=world.county_a,
        year=2026,
        quarter=1,
        file=_xlsx([header, [c1.id_number, c1.name, 60, 12, 5, 90], [c2.id_number, c2.name, 50, 10, 4, 80]]),
    ).ok
    # Again, for c1 only, without the 表彰奖励 column: 遵纪守法 and the rate left blank.
    assert import_scores(
        county=world.county_a,
        year=2026,
        quarter=1,
        file=_xlsx(
            [
                ["身份证号", "姓名", "工作实绩", "遵纪守法", "民主测评满意率"],
                [c1.id_number, c1.name, 66, None, None],
            ]
        ),
    ).ok
    assert dict(Score.objects.filter(cadre=c1).values_list("indicator__name", "points")) == {
        "工作实绩": Decimal("66"),
        "表彰奖励": Decimal("5"),
    }
    assert not DemocraticRate.objects.filter(cadre=c1).exists()
    assert Score.objects.filter(cadre=c2).count() == 3 and DemocraticRate.objects.get(cadre=c2).rate == 80
    assert ind(scheme, "工作实绩").scores.count() == 2


def test_a_cell_error_keeps_the_stored_scores_even_where_the_file_is_blank(world):
    small_scheme(world.county_a)
    c1 = world.cadre_a1
    header = ["身份证号", "姓名", "工作实绩", "遵纪守法", "民主测评满意率"]
    assert import_scores(
        county=world.county_a, year=2026, quarter=1, file=_xlsx([header, [c1.id_number, c1.name, 60, 12, 90]])
    ).ok
    result = import_scores(
        county=world.county_a,
        year=2026,
        quarter=1,
        file=_xlsx([header, [c1.id_number, c1.name, 99, None, None]]),
    )
    assert result.errors == ["Sheet1!C2: 超过该指标满分 70 分"]
    assert dict(Score.objects.values_list("indicator__name", "points")) == {
        "工作实绩": Decimal("60"),
        "遵纪守法": Decimal("12"),
    }
    assert DemocraticRate.objects.get(cadre=c1).rate == Decimal("90")


def test_the_rate_header_may_carry_a_percent_suffix(world):
    small_scheme(world.county_a)
    c1 = world.cadre_a1
    file = _xlsx([["身份证号", "姓名", "民主测评满意率（%）"], [c1.id_number, c1.name, 92.5]])
    assert import_scores(county=world.county_a, year=2026, quarter=1, file=file).ok
    assert DemocraticRate.objects.get(cadre=c1).rate == Decimal("92.5")


def test_a_column_of_a_computed_indicator_is_tolerated_while_blank(world):
    small_scheme(world.county_a)
    c1 = world.cadre_a1
    header = ["身份证号", "姓名", "工作实绩", "脱产驻村（6分）"]
    assert import_scores(
        county=world.county_a, year=2026, quarter=1, file=_xlsx([header, [c1.id_number, c1.name, 60, None]])
    ).ok
    result = import_scores(
        county=world.county_a, year=2026, quarter=1, file=_xlsx([header, [c1.id_number, c1.name, 61, 6]])
    )
    assert result.errors == ["Sheet1!D2: “脱产驻村”由系统计算，不能手工录入"]
    assert Score.objects.get(cadre=c1).points == Decimal("60")


def test_formula_noise_in_a_cell_is_read_as_the_two_place_value(world):
    scheme = small_scheme(world.county_a)
    c1 = world.cadre_a1
    file = _xlsx(
        [["身份证号", "姓名", "遵纪守法", "表彰奖励"], [c1.id_number, c1.name, 0.1 + 0.2, 8.000000000000002]]
    )
    assert import_scores(county=world.county_a, year=2026, quarter=1, file=file).ok
    assert Score.objects.get(cadre=c1, indicator=ind(scheme, "遵纪守法")).points == Decimal("0.30")
    assert Score.objects.get(cadre=c1, indicator=ind(scheme, "表彰奖励")).points == Decimal("8.00")
    bad = _xlsx([["身份证号", "姓名", "遵纪守法"], [c1.id_number, c1.name, 0.125]])
    assert import_scores(county=world.county_a, year=2026, quarter=1, file=bad).errors == [
        "Sheet1!C2: 分值最多保留两位小数"
    ]
