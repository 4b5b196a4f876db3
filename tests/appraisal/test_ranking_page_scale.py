"""The ranking pages at county scale: 50 rows a page, search, and a summary that follows the filters."""

import pytest

from appraisal.models import QuarterResult
from appraisal.ranking import compute_annual_ranking, compute_quarterly_ranking
from cadres.models import Cadre
from tests.appraisal.factories import give_composite, posted, small_scheme

pytestmark = pytest.mark.django_db

Q = "/appraisal/?county=150523&quarter=2026Q1"


@pytest.fixture
def county(world):
    """62 ranked cadres in county A: 60 team members in 北堡村, the two of the world."""
    scheme = small_scheme(world.county_a)
    for i in range(60):
        give_composite(posted(world.v_a1).cadre, scheme, 50 + i % 40)
    give_composite(world.cadre_a1, scheme, 93)
    give_composite(world.cadre_a2, scheme, 85)
    cadre = Cadre.objects.get(pk=world.cadre_a2.pk)
    cadre.name = "欧阳娜娜"
    cadre.save()
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    return world


def rows_on(html: str) -> int:
    return html.count('<tr id="result-')


def test_the_ranking_lists_50_rows_a_page_and_the_summary_counts_all(county, client_for):
    client = client_for(county.county_staff)
    first = client.get(Q)
    assert rows_on(first.content.decode()) == 50 and first.context["total"] == 62
    assert first.context["page"].paginator.num_pages == 2
    second = client.get(Q + "&page=2")
    assert rows_on(second.content.decode()) == 12 and second.context["total"] == 62
    assert "第 2 / 2 页" in second.content.decode()


def test_filters_change_the_summary_and_the_chart(county, client_for):
    client = client_for(county.county_staff)
    everyone = client.get(Q).context
    leaders = client.get(Q + f"&cohort=LEADER&township={county.a1.pk}").context
    assert leaders["total"] == 1 < everyone["total"]
    stats = dict(leaders["grade_stats"])
    assert sum(stats.values()) + leaders["not_ranked"] == 1
    assert leaders["chart"]["labels"] == [county.a1.name]
    assert set(everyone["chart"]["labels"]) == {county.a1.name, county.a2.name}


@pytest.mark.parametrize("q", ["欧阳", "oyn", "香邑"])
def test_search_finds_by_name_pinyin_initials_or_village(county, client_for, q):
    response = client_for(county.county_staff).get(Q + f"&q={q}")
    html = response.content.decode()
    result = QuarterResult.objects.get(cadre=county.cadre_a2, year=2026, quarter=1)
    assert rows_on(html) == 1 and f'<tr id="result-{result.pk}">' in html
    assert response.context["total"] == 1


def test_a_search_that_finds_nobody_says_what_to_do(county, client_for):
    html = client_for(county.county_staff).get(Q + "&q=不存在的人").content.decode()
    assert rows_on(html) == 0 and "清除筛选" in html


def test_the_annual_ranking_pages_and_filters_the_same_way(county, client_for):
    for quarter in (2, 3, 4):
        compute_quarterly_ranking(county=county.county_a, year=2026, quarter=quarter)
    compute_annual_ranking(county=county.county_a, year=2026)
    client = client_for(county.county_staff)
    url = "/appraisal/annual/?county=150523&year=2026"
    first = client.get(url)
    assert first.context["page"].paginator.count == 62 and len(first.context["page"].object_list) == 50
    found = client.get(url + "&q=oyn").context
    assert found["total"] == 1 and [r.cadre_id for r in found["page"].object_list] == [county.cadre_a2.pk]


def test_the_score_grid_shows_the_village_and_searches(county, client_for):
    client = client_for(county.county_staff)
    html = client.get("/appraisal/scores/?county=150523&quarter=2026Q1&q=香邑").content.decode()
    assert "欧阳娜娜" in html and county.v_a2.name in html and county.cadre_a1.name not in html
    assert "sticky-first" in html
