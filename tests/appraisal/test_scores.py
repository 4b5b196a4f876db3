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
    bad_header = _xlsx([["身份证号", "姓名", "脱产驻村"], [world.cadre_a1.id_number, world.cadre_a1.name, 5]])
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


def test_importing_again_updates_cells_and_leaves_blank_ones_alone(world):
    scheme = small_scheme(world.county_a)
    c1 = world.cadre_a1
    header = ["身份证号", "姓名", "工作实绩", "遵纪守法", "民主测评满意率"]
    assert import_scores(
        county=world.county_a, year=2026, quarter=1, file=_xlsx([header, [c1.id_number, c1.name, 60, 12, 90]])
    ).ok
    assert import_scores(
        county=world.county_a,
        year=2026,
        quarter=1,
        file=_xlsx([header, [c1.id_number, c1.name, 66, None, 91.5]]),
    ).ok
    assert dict(Score.objects.values_list("indicator__name", "points")) == {
        "工作实绩": Decimal("66"),
        "遵纪守法": Decimal("12"),
    }
    assert DemocraticRate.objects.get(cadre=c1).rate == Decimal("91.5")
    assert Score.objects.count() == 2 and ind(scheme, "工作实绩").scores.count() == 1
