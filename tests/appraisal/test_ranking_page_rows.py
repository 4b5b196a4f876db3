"""The ranking page's rows (built in the view from a narrow query): what each row shows."""

import datetime as dt

import pytest
from django.urls import reverse

from appraisal.models import QuarterResult
from appraisal.ranking import compute_quarterly_ranking
from cadres.models import Cadre
from tests.appraisal.factories import give_composite, posted, small_scheme

pytestmark = pytest.mark.django_db

Q = "?county=150523&quarter=2026Q1"


@pytest.fixture
def page(world, client_for):
    scheme = small_scheme(world.county_a)
    give_composite(world.cadre_a1, scheme, 91.5)
    give_composite(world.cadre_a2, scheme, 58)
    short = posted(
        world.v_a2, role="VILLAGE_COMMITTEE", start=dt.date(2026, 3, 20), end=dt.date(2026, 12, 31)
    )
    Cadre.objects.filter(pk=world.cadre_a2.pk).update(name="<b>王&小二</b>")
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    body = client_for(world.county_staff).get("/appraisal/" + Q).content.decode()
    return body, short


def test_a_ranking_row_shows_rank_place_name_role_unit_days_subtotals_composite_and_grade(world, page):
    body, _short = page
    r = QuarterResult.objects.get(cadre=world.cadre_a1, year=2026, quarter=1)
    row = body[body.index(f'<tr id="result-{r.pk}">') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">1</td>' in row
    assert world.a1.name in row and world.v_a1.name in row and world.cadre_a1.name in row
    assert "第一书记" in row and world.unit_a.name in row
    assert f'<td class="num">{r.posted_days}</td>' in row
    assert '<td class="num">70.00</td>' in row and '<td class="num"><strong>91.50</strong></td>' in row
    assert '<span class="badge">良好</span>' in row  # alone in the cohort: quota floor(1 × 0.25) = 0
    assert f'href="{reverse("appraisal:cadre_history", args=[world.cadre_a1.pk])}"' in row
    assert f'hx-get="{reverse("appraisal:breakdown", args=[r.pk])}"' in row
    assert f'hx-target="#result-{r.pk}"' in row


def test_ranking_rows_escape_names_and_mark_the_poor_and_the_not_ranked(world, page):
    body, short = page
    assert "&lt;b&gt;王&amp;小二&lt;/b&gt;" in body and "<b>王&小二</b>" not in body
    assert '<span class="badge bad">较差</span>' in body
    r = QuarterResult.objects.get(cadre=short.cadre, year=2026, quarter=1)
    row = body[body.index(f'<tr id="result-{r.pk}">') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">—</td>' in row and '<span class="badge">不参与排名</span>' in row


def test_the_breakdown_link_of_a_row_opens_its_partial(world, page, client_for):
    r = QuarterResult.objects.get(cadre=world.cadre_a1, year=2026, quarter=1)
    response = client_for(world.county_staff).get(reverse("appraisal:breakdown", args=[r.pk]))
    assert response.status_code == 200
    assert client_for(world.outsider).get(reverse("appraisal:breakdown", args=[r.pk])).status_code == 404
