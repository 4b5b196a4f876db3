import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.models import QuarterResult
from appraisal.ranking import compute_annual_ranking, compute_quarterly_ranking
from core import idcard
from tests.appraisal.factories import give_composite, posted, small_scheme

pytestmark = pytest.mark.django_db

Q = "?county=150523&quarter=2026Q1"


@pytest.fixture
def ranked(world):
    scheme = small_scheme(world.county_a)
    give_composite(world.cadre_a1, scheme, 91)
    give_composite(world.cadre_a2, scheme, 58)
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    compute_annual_ranking(county=world.county_a, year=2026)
    small_scheme(world.county_b)
    compute_quarterly_ranking(county=world.county_b, year=2026, quarter=1)
    return scheme


def test_ranking_page_shows_the_owners_cohorts(world, ranked, client_for):
    r = client_for(world.county_staff).get("/appraisal/" + Q)
    body = r.content.decode()
    assert r.status_code == 200
    assert world.cadre_a1.name in body and world.cadre_a2.name in body and world.cadre_b1.name not in body
    assert "负责人" in body and "队员" in body and "grade-chart-data" in body


def test_ranking_page_of_another_county_is_404_and_own_default_is_empty_of_it(world, ranked, client_for):
    client = client_for(world.outsider)
    assert client.get("/appraisal/" + Q).status_code == 404
    body = client.get("/appraisal/?quarter=2026Q1").content.decode()
    assert world.cadre_a1.name not in body and world.cadre_b1.name in body


def test_township_staff_read_only_their_townships_results(world, ranked, client_for):
    client = client_for(world.township_a2)
    body = client.get("/appraisal/" + Q).content.decode()
    assert world.cadre_a2.name in body and world.cadre_a1.name not in body
    assert "重新计算本季度排名" not in body
    assert client.post("/appraisal/compute/", {"county": "150523", "quarter": "2026Q1"}).status_code == 403
    assert client.get("/appraisal/scores/" + Q).status_code == 403
    assert client.get("/appraisal/scores/import/" + Q).status_code == 403
    assert client.get("/appraisal/scores/template/" + Q).status_code == 403


def test_ranking_filters_by_grade_and_township(world, ranked, client_for):
    client = client_for(world.county_staff)
    body = client.get("/appraisal/" + Q + "&grade=POOR").content.decode()
    assert world.cadre_a2.name in body and world.cadre_a1.name not in body
    body = client.get("/appraisal/" + Q + f"&township={world.a1.pk}").content.decode()
    assert world.cadre_a1.name in body and world.cadre_a2.name not in body


def test_ranking_page_query_count_does_not_grow_with_rows(world, ranked, client_for):
    client = client_for(world.county_staff)
    client.get("/appraisal/" + Q)
    with CaptureQueriesContext(connection) as few:
        client.get("/appraisal/" + Q)
    for _ in range(6):
        give_composite(posted(world.v_a2, role="VILLAGE_COMMITTEE").cadre, ranked, 75)
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    with CaptureQueriesContext(connection) as many:
        client.get("/appraisal/" + Q)
    assert len(many) == len(few)


def test_breakdown_partial_is_scoped(world, ranked, client_for):
    result = QuarterResult.objects.get(cadre=world.cadre_a1)
    r = client_for(world.county_staff).get(f"/appraisal/results/{result.pk}/breakdown/")
    assert r.status_code == 200 and "工作实绩" in r.content.decode()
    assert client_for(world.outsider).get(f"/appraisal/results/{result.pk}/breakdown/").status_code == 404
    assert client_for(world.township_a2).get(f"/appraisal/results/{result.pk}/breakdown/").status_code == 404


def test_ranking_export_has_the_domain_header_and_is_scoped(world, ranked, client_for):
    r = client_for(world.county_staff).get("/appraisal/export/" + Q)
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    header = [c.value for c in wb["负责人"][1]]
    assert header == [
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
    names = [row[3] for ws in wb.worksheets for row in ws.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted([world.cadre_a1.name, world.cadre_a2.name])
    assert client_for(world.outsider).get("/appraisal/export/" + Q).status_code == 404
    wb = openpyxl.load_workbook(
        io.BytesIO(client_for(world.township_a2).get("/appraisal/export/" + Q).content)
    )
    names = [row[3] for ws in wb.worksheets for row in ws.iter_rows(min_row=2, values_only=True)]
    assert names == [world.cadre_a2.name]


def test_annual_page_is_scoped(world, ranked, client_for):
    body = client_for(world.county_staff).get("/appraisal/annual/?county=150523&year=2026").content.decode()
    assert world.cadre_a1.name in body
    assert client_for(world.outsider).get("/appraisal/annual/?county=150523&year=2026").status_code == 404
    body = client_for(world.outsider).get("/appraisal/annual/?year=2026").content.decode()
    assert world.cadre_a1.name not in body


def test_cadre_history_page_and_partial_are_scoped(world, ranked, client_for):
    for url in (f"/appraisal/cadres/{world.cadre_a1.pk}/", f"/appraisal/cadres/{world.cadre_a1.pk}/panel/"):
        r = client_for(world.county_staff).get(url)
        assert r.status_code == 200 and "2026Q1" in r.content.decode() and "<svg" in r.content.decode()
        assert client_for(world.outsider).get(url).status_code == 404
        assert client_for(world.township_a2).get(url).status_code == 404


def test_scheme_pages_are_scoped_and_locked_once_in_use(world, ranked, client_for):
    client = client_for(world.county_staff)
    assert "2026" in client.get("/appraisal/schemes/").content.decode()
    r = client.get(f"/appraisal/schemes/{ranked.pk}/")
    assert r.status_code == 200 and "已锁定" in r.content.decode()
    other = client_for(world.outsider)
    assert other.get(f"/appraisal/schemes/{ranked.pk}/").status_code == 404
    assert other.get(f"/appraisal/schemes/{ranked.pk}/export/").status_code == 404
    assert other.post(f"/appraisal/schemes/{ranked.pk}/copy/").status_code == 404
    assert client_for(world.township_a1).post(f"/appraisal/schemes/{ranked.pk}/copy/").status_code == 403


def test_scheme_can_be_edited_on_the_page_before_scores_exist(world, client_for):
    scheme = small_scheme(world.county_a, year=2027)
    client = client_for(world.county_staff)
    page = client.get(f"/appraisal/schemes/{scheme.pk}/")
    formset = page.context["formset"]
    data = {
        "form-TOTAL_FORMS": str(len(formset.forms)),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for n, form in enumerate(formset.forms):
        for key in ("category", "name", "max_points", "source", "order"):
            value = form.initial.get(key, "")
            data[f"form-{n}-{key}"] = "" if value is None else str(value)
    data["form-0-max_points"] = "65"
    data["form-1-DELETE"] = "on"
    assert client.post(f"/appraisal/schemes/{scheme.pk}/", data).status_code == 302
    scheme.refresh_from_db()
    assert scheme.version == 2 and scheme.indicators.count() == 6
    assert scheme.indicators.get(name="工作实绩").max_points == 65


def test_score_entry_and_import_pages_are_scoped(world, client_for):
    small_scheme(world.county_a)
    client = client_for(world.county_staff)
    r = client.get("/appraisal/scores/" + Q)
    # The grid is a list: the 身份证号 is masked there (the cadre's page shows it whole).
    assert r.status_code == 200 and idcard.mask(world.cadre_a1.id_number) in r.content.decode()
    assert world.cadre_a1.name in r.content.decode() and world.cadre_a1.id_number not in r.content.decode()
    assert client.get("/appraisal/scores/import/" + Q).status_code == 200
    assert client.get("/appraisal/scores/template/" + Q).status_code == 200
    other = client_for(world.outsider)
    for url in ("/appraisal/scores/", "/appraisal/scores/import/", "/appraisal/scores/template/"):
        assert other.get(url + Q).status_code == 404
    assert world.cadre_a1.id_number not in other.get("/appraisal/scores/?quarter=2026Q1").content.decode()
    r = other.post(
        "/appraisal/scores/cell/",
        {
            "county": "140981",
            "quarter": "2026Q1",
            "cadre": world.cadre_a1.pk,
            "indicator": "rate",
            "value": "90",
        },
    )
    assert r.status_code == 404


def test_score_import_page_reports_cell_errors(world, client_for):
    small_scheme(world.county_a)
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active.append(["身份证号", "姓名", "工作实绩"])
    wb.active.append([world.cadre_a1.id_number, world.cadre_a1.name, 71])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "scores.xlsx"
    r = client_for(world.county_staff).post("/appraisal/scores/import/" + Q, {"file": buf})
    assert r.status_code == 200 and "Sheet1!C2: 超过该指标满分 70 分" in r.content.decode()


def test_compute_button_ranks_the_quarter(world, client_for):
    small_scheme(world.county_a)
    r = client_for(world.county_staff).post("/appraisal/compute/", {"county": "150523", "quarter": "2026Q1"})
    assert r.status_code == 302
    assert (
        client_for(world.outsider)
        .post("/appraisal/compute/", {"county": "150523", "quarter": "2026Q1"})
        .status_code
        == 404
    )


def test_ranking_cohort_filter_accepts_the_value_or_the_chinese_name(world, ranked, client_for):
    client = client_for(world.county_staff)
    for cohort in ("MEMBER", "队员"):
        body = client.get("/appraisal/" + Q + f"&cohort={cohort}").content.decode()
        assert world.cadre_a2.name in body and world.cadre_a1.name not in body
