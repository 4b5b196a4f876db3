"""Formula payloads in names reach every export as text, headers included (issue #12)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from appraisal.models import Indicator, Source
from appraisal.scores import import_scores, score_template
from core.xlsx import FORMULA_PREFIXES
from tests.appraisal.factories import small_scheme
from tests.decisions.factories import proposal

pytestmark = pytest.mark.django_db
PAYLOAD = '=HYPERLINK("//e.cn","点")'  # fits every 32-character name field


def assert_formula_safe(data: bytes, *, allowed_formula_columns=()):
    """No cell is a formula (beyond a template's own sums) and no text cell starts like one."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    seen_payload = False
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert cell.column_letter in allowed_formula_columns, (
                        ws.title,
                        cell.coordinate,
                        cell.value,
                    )
                    assert "HYPERLINK" not in str(cell.value)
                elif isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_PREFIXES), (ws.title, cell.coordinate)
                    seen_payload |= "HYPERLINK" in cell.value
    return seen_payload


@pytest.fixture
def hostile_names(world):
    world.cadre_a1.name = PAYLOAD
    world.cadre_a1.save()
    world.v_a1.name = "+" + world.v_a1.name
    world.v_a1.save()
    world.unit_a.name = "@SUM(1)"
    world.unit_a.save()
    scheme = small_scheme(world.county_a)
    Indicator.objects.filter(scheme=scheme, source=Source.MANUAL, name="工作实绩").update(name=PAYLOAD)
    return scheme


def test_the_score_template_header_is_text_and_imports_back(world, hostile_names):
    data = score_template(county=world.county_a, year=2026, quarter=1)
    assert assert_formula_safe(data)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws["C1"].value == "'" + PAYLOAD
    world.cadre_a1.name = "王一"  # the name column must match the registry on import
    world.cadre_a1.save()
    for row in ws.iter_rows(min_row=2):
        if row[1].value == "'" + PAYLOAD:
            row[1].value = "王一"
            row[2].value = 50
    buf = io.BytesIO()
    wb.save(buf)
    result = import_scores(county=world.county_a, year=2026, quarter=1, file=buf.getvalue())
    assert result.ok, result.errors


def test_the_score_template_page_and_command_are_formula_safe(world, client_for, hostile_names, tmp_path):
    page = client_for(world.county_staff).get(
        reverse("appraisal:score_template") + "?county=150523&quarter=2026Q1"
    )
    assert page.status_code == 200 and assert_formula_safe(page.content)
    out = tmp_path / "t.xlsx"
    call_command(
        "export_score_template",
        "--county",
        "150523",
        "--quarter",
        "2026Q1",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    assert assert_formula_safe(out.read_bytes())


def test_the_scheme_export_is_formula_safe(world, client_for, hostile_names):
    page = client_for(world.county_staff).get(reverse("appraisal:scheme_export", args=[hostile_names.pk]))
    assert page.status_code == 200 and assert_formula_safe(page.content)


def test_the_ranking_export_is_formula_safe(world, client_for, hostile_names):
    from appraisal.ranking import compute_quarterly_ranking

    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    page = client_for(world.county_staff).get(
        reverse("appraisal:ranking_export") + "?county=150523&quarter=2026Q1"
    )
    assert page.status_code == 200
    assert assert_formula_safe(page.content)


def test_the_decisions_export_is_formula_safe(world, client_for, hostile_names):
    proposal(world.p_a1)
    page = client_for(world.county_staff).get(reverse("decisions:export"))
    assert page.status_code == 200 and assert_formula_safe(page.content)


def test_the_monthly_report_and_allowance_are_formula_safe(world, hostile_names, tmp_path):
    for command in ("export_monthly_report", "export_allowance"):
        out = tmp_path / f"{command}.xlsx"
        call_command(
            command, "--county", "150523", "--month", "2026-03", "--out", str(out), stdout=io.StringIO()
        )
        assert_formula_safe(out.read_bytes())


def test_the_attendance_template_is_formula_safe(world, client_for, hostile_names):
    page = client_for(world.township_a1).get(
        reverse("attendance:template"), {"township": world.a1.pk, "month": "2026-03"}
    )
    assert page.status_code == 200
    # The template's own 在岗天数 column sums each row; nothing else is a formula.
    wb = openpyxl.load_workbook(io.BytesIO(page.content))
    formula_columns = {
        c.column_letter for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"
    }
    assert len(formula_columns) <= 1
    assert assert_formula_safe(page.content, allowed_formula_columns=formula_columns)


def test_the_registry_template_is_formula_safe(world, client_for):
    page = client_for(world.county_staff).get(reverse("villages:registry_template"))
    assert page.status_code == 200
    assert_formula_safe(page.content)


def test_the_annotated_error_workbook_is_formula_safe(world):
    from attendance.intake.annotate import annotate
    from tests.attendance.helpers import matrix_xlsx

    data = matrix_xlsx([world.p_a1], dt.date(2026, 3, 1), dt.date(2026, 3, 20))
    out = annotate(data, [{"cell": "考勤!E4", "message": PAYLOAD}, {"cell": "", "message": "-" + PAYLOAD}])
    assert assert_formula_safe(out)
