"""The monthly report, township overview, charts and cadre calendar pages, and their downloads."""

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.totals.compute import compute_monthly_totals
from attendance.totals.exports import MONTHLY_HEADER, MONTHLY_HEADER_ROW
from tests import factories as f
from tests.attendance.totals.conftest import AFTER, MARCH
from tests.attendance.totals.factories import mark_days

REPORT = reverse("attendance:monthly_report")


@pytest.fixture
def computed(world):
    mark_days(world.p_a1, MARCH, "√" * 22)  # compliant
    mark_days(world.p_a2, MARCH, "○" * 5)  # not compliant
    mark_days(world.p_b1, MARCH, "√" * 30)
    for county in (world.county_a, world.county_b):
        compute_monthly_totals(county=county, month=MARCH, today=AFTER)
    return world


def _export_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))[MONTHLY_HEADER_ROW - 1 :]


def test_report_requires_login(client):
    assert client.get(REPORT).status_code == 302


def test_county_staff_see_their_county_and_the_totals_line(computed, client_for):
    response = client_for(computed.county_staff).get(REPORT, {"month": "2026-03"})

    assert response.status_code == 200
    page = response.content.decode()
    assert computed.cadre_a1.name in page and computed.cadre_a2.name in page
    assert computed.cadre_b1.name not in page
    assert response.context["sum"]["rows"] == 2
    assert response.context["sum"]["on_site_days"] == 27
    assert response.context["sum"]["compliant_rows"] == 1


def test_outsider_sees_none_of_another_county(computed, client_for):
    response = client_for(computed.outsider).get(REPORT, {"month": "2026-03"})

    names = [t.cadre.name for t in response.context["page"]]
    assert names == [computed.cadre_b1.name]


def test_township_staff_see_only_their_township(computed, client_for):
    response = client_for(computed.township_a2).get(REPORT, {"month": "2026-03"})

    assert [t.posting_id for t in response.context["page"]] == [computed.p_a2.pk]


def test_report_filters_by_compliance_township_village_and_role(computed, client_for):
    client = client_for(computed.county_staff)

    def postings(**params):
        response = client.get(REPORT, {"month": "2026-03", **params})
        return [t.posting_id for t in response.context["page"]]

    assert postings(compliant="no") == [computed.p_a2.pk]
    assert postings(compliant="yes") == [computed.p_a1.pk]
    assert postings(township=computed.a2.pk) == [computed.p_a2.pk]
    assert postings(village=computed.v_a1.pk) == [computed.p_a1.pk]
    assert postings(role="TEAM_MEMBER") == [computed.p_a2.pk]
    # Another county's township is not a choice: the filter is ignored, the scope still holds.
    assert sorted(postings(township=computed.b1.pk)) == sorted([computed.p_a1.pk, computed.p_a2.pk])


def test_report_filter_dropdowns_list_the_areas_places_and_keep_the_choice(computed, client_for):
    client = client_for(computed.county_staff)
    page = client.get(REPORT, {"month": "2026-03"}).content.decode()
    chosen = client.get(REPORT, {"month": "2026-03", "township": computed.v_a1.township_id}).content.decode()

    assert f'<option value="{computed.v_a1.pk}">{computed.v_a1.name}</option>' in page
    assert f'<option value="{computed.v_a2.pk}">{computed.v_a2.name}</option>' in page
    assert computed.v_b1.name not in page
    assert '<option value="" selected>全部村</option>' in page
    assert f'<option value="{computed.v_a1.township_id}" selected>' in chosen
    assert computed.v_a1.name in chosen and computed.v_a2.name not in chosen


def test_report_sorts_by_a_column_both_ways(computed, client_for):
    client = client_for(computed.county_staff)

    up = client.get(REPORT, {"month": "2026-03", "sort": "on_site"}).context["page"]
    down = client.get(REPORT, {"month": "2026-03", "sort": "-on_site"}).context["page"]

    assert [t.on_site_days for t in up] == [5, 22]
    assert [t.on_site_days for t in down] == [22, 5]


def test_report_defaults_to_the_last_complete_month(computed, client_for, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 4, 9))

    response = client_for(computed.county_staff).get(REPORT)

    assert response.context["month"] == MARCH
    assert response.context["sum"]["rows"] == 2


def test_report_query_count_does_not_grow_with_the_page(world, client_for):
    client = client_for(world.county_staff)
    compute_monthly_totals(county=world.county_a, month=MARCH, today=AFTER)
    with CaptureQueriesContext(connection) as few:
        client.get(REPORT, {"month": "2026-03"})
    for _ in range(12):
        f.PostingFactory(village=f.VillageFactory(township=world.a1))
    compute_monthly_totals(county=world.county_a, month=MARCH, today=AFTER)
    with CaptureQueriesContext(connection) as many:
        response = client.get(REPORT, {"month": "2026-03"})

    assert len(response.context["page"]) == 14
    assert len(many) == len(few)


def test_report_paginates(world, client_for):
    for _ in range(55):
        f.PostingFactory(village=world.v_a2, unit=world.unit_a)
    compute_monthly_totals(county=world.county_a, month=MARCH, today=AFTER)

    response = client_for(world.county_staff).get(REPORT, {"month": "2026-03", "page": 2})

    assert response.context["page"].paginator.count == 57
    assert len(response.context["page"]) == 7


def test_export_download_matches_the_page_filters(computed, client_for):
    response = client_for(computed.county_staff).get(
        reverse("attendance:monthly_export"), {"month": "2026-03", "compliant": "no"}
    )

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = _export_rows(response)
    assert list(rows[0]) == MONTHLY_HEADER
    assert [(r[3], r[8], r[16]) for r in rows[1:]] == [(computed.cadre_a2.name, 5, "否")]


def test_export_download_for_an_outsider_has_none_of_another_county(computed, client_for):
    response = client_for(computed.outsider).get(reverse("attendance:monthly_export"), {"month": "2026-03"})

    assert [r[3] for r in _export_rows(response)[1:]] == [computed.cadre_b1.name]


def test_export_download_for_township_staff_holds_their_township_only(computed, client_for):
    response = client_for(computed.township_a1).get(
        reverse("attendance:monthly_export"), {"month": "2026-03"}
    )

    assert [r[4] for r in _export_rows(response)[1:]] == [computed.cadre_a1.id_number]


def test_allowance_download_is_scoped_and_per_unit(computed, client_for):
    response = client_for(computed.county_staff).get(
        reverse("attendance:allowance_export"), {"month": "2026-03"}
    )

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["开鲁县农业局"]
    body = list(book.active.iter_rows(values_only=True))[3:]
    assert [r[8] for r in body] == [1320, 300, 1620]

    outsider = client_for(computed.outsider).get(reverse("attendance:allowance_export"), {"month": "2026-03"})
    assert openpyxl.load_workbook(io.BytesIO(outsider.content)).sheetnames == ["侯马市财政局"]


def test_allowance_download_as_one_file_per_unit(computed, client_for):
    response = client_for(computed.county_staff).get(
        reverse("attendance:allowance_export"), {"month": "2026-03", "layout": "files"}
    )

    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert len(zf.namelist()) == 1


def test_township_overview_gives_the_rate_per_township(computed, client_for):
    response = client_for(computed.county_staff).get(
        reverse("attendance:township_overview"), {"month": "2026-03"}
    )

    assert response.status_code == 200
    rates = {r["township__name"]: r["rate"] for r in response.context["rows"]}
    assert rates == {"开鲁镇": 1.0, "东风镇": 0.0}


def test_township_overview_for_an_outsider_lists_only_their_townships(computed, client_for):
    response = client_for(computed.outsider).get(
        reverse("attendance:township_overview"), {"month": "2026-03"}
    )

    assert [r["township__name"] for r in response.context["rows"]] == ["新田乡"]


def test_charts_give_twelve_months_of_rates_and_the_distribution(computed, client_for):
    response = client_for(computed.county_staff).get(
        reverse("attendance:monthly_charts"), {"month": "2026-03"}
    )

    assert response.status_code == 200
    data = response.context["chart_data"]
    assert len(data["trend"]["labels"]) == 12
    assert data["trend"]["labels"][-1] == "2026年3月"
    assert data["trend"]["rates"][-1] == 50.0
    assert data["trend"]["rates"][0] is None
    assert data["distribution"]["rows"][22] == 1 and data["distribution"]["rows"][5] == 1
    assert sum(data["distribution"]["rows"]) == 2
    page = response.content.decode()
    assert "vendor/chart-4.6.1.umd.min.js" in page
    assert "totals-chart-data" in page
    script = page.split('id="totals-chart-data"')[1].split(">", 1)[1].split("</script>")[0]
    assert json.loads(script)["trend"]["rates"][-1] == 50.0


def test_charts_for_an_outsider_count_only_their_county(computed, client_for):
    response = client_for(computed.outsider).get(reverse("attendance:monthly_charts"), {"month": "2026-03"})

    assert sum(response.context["chart_data"]["distribution"]["rows"]) == 1


def test_cadre_month_shows_a_calendar_coloured_by_status(computed, client_for):
    url = reverse("attendance:cadre_month", args=[computed.cadre_a1.pk])

    response = client_for(computed.county_staff).get(url, {"month": "2026-03"})

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("s-ON_SITE_OVERNIGHT") >= 22
    assert "s-UNREPORTED" in page
    assert response.context["totals"][0].on_site_days == 22


def test_cadre_month_of_another_area_is_404(computed, client_for):
    url = reverse("attendance:cadre_month", args=[computed.cadre_a1.pk])

    assert client_for(computed.outsider).get(url).status_code == 404
    assert client_for(computed.township_a2).get(url).status_code == 404
    assert client_for(computed.township_a1).get(url).status_code == 200


def test_cadre_panel_lists_the_months_and_is_scoped(computed, client_for):
    url = reverse("attendance:cadre_totals_panel", args=[computed.cadre_a1.pk])

    response = client_for(computed.county_staff).get(url)
    assert response.status_code == 200
    assert "2026年3月" in response.content.decode()
    assert client_for(computed.outsider).get(url).status_code == 404
