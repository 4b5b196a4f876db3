import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import idcard
from tests import factories as f

ZW_ID = idcard.make("110105", dt.date(1988, 3, 9), 21, True)


@pytest.fixture
def zhang_wei(world):
    # Fixed names for the world's cadres: a generated 张… or 曾伟 (zw too) would also match.
    for cadre, name in ((world.cadre_a1, "李娜"), (world.cadre_a2, "王强")):
        cadre.name = name
        cadre.save()
    return f.CadreFactory(name="张伟", id_number=ZW_ID, home_unit=world.unit_a)


def _cadres(response):
    return [c.name for c in response.context["page"].object_list]


@pytest.mark.parametrize("q", ["zw", "ZW", "张伟", "张", ZW_ID[:10], ZW_ID.lower()])
def test_cadre_search_finds_by_name_id_prefix_and_pinyin_initials(
    world, client_for, zhang_wei, q, fixed_today
):
    response = client_for(world.county_staff).get(reverse("cadres:list"), {"q": q})
    assert _cadres(response) == ["张伟"]


def test_cadre_search_stays_inside_the_area(world, client_for, zhang_wei, fixed_today):
    # Generated names of the outsider's own cadres may also start with "zw": only 张伟 must not show.
    assert "张伟" not in _cadres(client_for(world.outsider).get(reverse("cadres:list"), {"q": "zw"}))


def test_cadre_search_of_initials_is_a_prefix_match(world, client_for, zhang_wei, fixed_today):
    # "w" is inside 张伟's initials "zw" but not at their start. (Other cadres' generated names
    # may well start with w, so only 张伟's absence is asserted.)
    found = _cadres(client_for(world.county_staff).get(reverse("cadres:list"), {"q": "w"}))
    assert "张伟" not in found
    assert "张伟" in _cadres(client_for(world.county_staff).get(reverse("cadres:list"), {"q": "zw"}))


def test_cadre_list_filters_by_role_township_unit_and_in_post(world, client_for, zhang_wei, fixed_today):
    client = client_for(world.county_staff)
    url = reverse("cadres:list")
    assert _cadres(client.get(url, {"role": "FIRST_SECRETARY"})) == [world.cadre_a1.name]
    assert _cadres(client.get(url, {"township": world.a2.pk})) == [world.cadre_a2.name]
    assert _cadres(client.get(url, {"in_post": "0"})) == ["张伟"]
    assert set(_cadres(client.get(url, {"in_post": "1"}))) == {world.cadre_a1.name, world.cadre_a2.name}
    assert len(_cadres(client.get(url, {"unit": world.unit_a.pk}))) == 3
    # Unknown or malformed values are ignored rather than failing.
    assert len(_cadres(client.get(url, {"role": "BOSS", "township": "x"}))) == 3


def test_cadre_list_shows_current_posting(world, client_for, fixed_today):
    response = client_for(world.county_staff).get(reverse("cadres:list"), {"q": world.cadre_a1.id_number})
    [cadre] = response.context["page"].object_list
    assert cadre.current_posting == world.p_a1
    assert "北堡村" in response.content.decode()


def test_village_list_searches_and_filters(world, client_for, fixed_today):
    client = client_for(world.admin)
    url = reverse("villages:list")
    names = lambda r: [v.name for v in r.context["page"].object_list]  # noqa: E731
    assert names(client.get(url, {"q": "bbc"})) == ["北堡村"]
    assert names(client.get(url, {"q": "香"})) == ["香邑村"]
    assert names(client.get(url, {"q": "1409"})) == ["西台神村"]
    assert names(client.get(url, {"township": world.a2.pk})) == ["香邑村"]
    tag = world.v_a1.tags.get()
    assert names(client.get(url, {"tag": tag.pk})) == ["北堡村"]
    row = client.get(url, {"q": "北堡"}).context["page"].object_list[0]
    assert row.first_secretary_name == world.cadre_a1.name
    assert row.in_post_count == 1


def test_unit_list_filters_by_level_and_counts_cadres_in_post(world, client_for, fixed_today):
    f.DispatchingUnitFactory(
        county=world.county_a, code="U150523900", name="开鲁县东风镇政府", level="TOWNSHIP"
    )
    client = client_for(world.county_staff)
    url = reverse("cadres:unit_list")
    response = client.get(url, {"level": "TOWNSHIP"})
    assert [u.name for u in response.context["page"].object_list] == ["开鲁县东风镇政府"]
    [unit_a] = client.get(url, {"q": "klxnyj"}).context["page"].object_list
    assert unit_a == world.unit_a and unit_a.in_post == 2
    # Township staff count only their township's cadres in the unit.
    [unit_a] = client_for(world.township_a1).get(url).context["page"].object_list
    assert unit_a.in_post == 1


def test_cadre_list_paginates_50_a_page_and_page_links_keep_filters(world, client_for, fixed_today):
    for _ in range(60):
        f.CadreFactory(home_unit=world.unit_a)
    client = client_for(world.county_staff)
    first = client.get(reverse("cadres:list"), {"in_post": "0"})
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.count == 60
    assert "?in_post=0&amp;page=2" in first.content.decode()
    second = client.get(reverse("cadres:list"), {"in_post": "0", "page": 2})
    assert len(second.context["page"].object_list) == 10
    assert client.get(reverse("cadres:list"), {"page": 99}).context["page"].number == 2


def test_village_list_paginates(world, client_for, fixed_today):
    for _ in range(55):
        f.VillageFactory(township=world.a1)
    response = client_for(world.township_a1).get(reverse("villages:list"), {"page": 2})
    assert len(response.context["page"].object_list) == 6
    assert response.context["page"].paginator.num_pages == 2


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _posted_cadres(world, n, start):
    unit = world.unit_a
    for i in range(n):
        village = f.VillageFactory(township=world.a1, tags=["软弱涣散村"] if i % 2 else [])
        f.PostingFactory(
            village=village,
            unit=unit,
            role="FIRST_SECRETARY" if i % 3 else "TEAM_LEADER",
            cadre=f.CadreFactory(home_unit=unit),
            start_date=start,
        )


@pytest.mark.parametrize("url_name", ["cadres:list", "villages:list", "cadres:unit_list", "dashboard"])
def test_query_count_does_not_grow_with_page_size(world, client_for, url_name, fixed_today):
    client = client_for(world.county_staff)
    url = reverse(url_name)
    _posted_cadres(world, 5, dt.date(2026, 2, 1))
    few = _count_queries(client, url)
    _posted_cadres(world, 55, dt.date(2026, 2, 1))
    many = _count_queries(client, url)
    assert many == few


def test_detail_query_counts_do_not_grow_with_history(world, client_for, fixed_today):
    client = client_for(world.county_staff)
    village_url = reverse("villages:detail", args=[world.v_a2.pk])
    unit_url = reverse("cadres:unit_detail", args=[world.unit_a.pk])
    before = (_count_queries(client, village_url), _count_queries(client, unit_url))
    for month in range(2, 12):
        f.PostingFactory(
            village=world.v_a2,
            unit=world.unit_a,
            start_date=dt.date(2026, month, 1),
            planned_end_date=dt.date(2026, month, 28),
        )
    assert (_count_queries(client, village_url), _count_queries(client, unit_url)) == before
