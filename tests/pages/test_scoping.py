"""Every page, every named actor: lists show only the area's rows, another area's object is 404."""

import pytest
from django.urls import reverse

ACTORS = ["admin", "county_staff", "township_a1", "township_a2", "outsider"]

# What each actor's lists hold (by the world's attribute names).
VISIBLE_VILLAGES = {
    "admin": {"v_a1", "v_a2", "v_b1"},
    "county_staff": {"v_a1", "v_a2"},
    "township_a1": {"v_a1"},
    "township_a2": {"v_a2"},
    "outsider": {"v_b1"},
}
VISIBLE_CADRES = {
    "admin": {"cadre_a1", "cadre_a2", "cadre_b1"},
    "county_staff": {"cadre_a1", "cadre_a2"},
    "township_a1": {"cadre_a1"},
    "township_a2": {"cadre_a2"},
    "outsider": {"cadre_b1"},
}
VISIBLE_UNITS = {
    "admin": {"unit_a", "unit_b"},
    "county_staff": {"unit_a"},
    "township_a1": {"unit_a"},
    "township_a2": {"unit_a"},
    "outsider": {"unit_b"},
}
ALL_VILLAGES = {"v_a1", "v_a2", "v_b1"}
ALL_CADRES = {"cadre_a1", "cadre_a2", "cadre_b1"}
ALL_UNITS = {"unit_a", "unit_b"}


def _pks(world, names):
    return {getattr(world, n).pk for n in names}


@pytest.mark.parametrize("actor", ACTORS)
def test_dashboard_answers_every_actor(world, client_for, actor, fixed_today):
    response = client_for(getattr(world, actor)).get(reverse("dashboard"))
    assert response.status_code == 200
    assert "在岗干部" in response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
def test_village_list_shows_only_the_actors_area(world, client_for, actor, fixed_today):
    response = client_for(getattr(world, actor)).get(reverse("villages:list"))
    assert response.status_code == 200
    assert {v.pk for v in response.context["page"].object_list} == _pks(world, VISIBLE_VILLAGES[actor])


@pytest.mark.parametrize("actor", ACTORS)
def test_cadre_list_shows_only_the_actors_area(world, client_for, actor, fixed_today):
    response = client_for(getattr(world, actor)).get(reverse("cadres:list"))
    assert response.status_code == 200
    assert {c.pk for c in response.context["page"].object_list} == _pks(world, VISIBLE_CADRES[actor])


@pytest.mark.parametrize("actor", ACTORS)
def test_unit_list_shows_only_the_actors_area(world, client_for, actor, fixed_today):
    response = client_for(getattr(world, actor)).get(reverse("cadres:unit_list"))
    assert response.status_code == 200
    assert {u.pk for u in response.context["page"].object_list} == _pks(world, VISIBLE_UNITS[actor])


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("url_name", "visible", "everything"),
    [
        ("villages:detail", VISIBLE_VILLAGES, ALL_VILLAGES),
        ("cadres:detail", VISIBLE_CADRES, ALL_CADRES),
        ("cadres:unit_detail", VISIBLE_UNITS, ALL_UNITS),
    ],
)
def test_detail_pages_answer_own_area_and_404_elsewhere(
    world, client_for, actor, url_name, visible, everything, fixed_today
):
    client = client_for(getattr(world, actor))
    for name in sorted(everything):
        response = client.get(reverse(url_name, args=[getattr(world, name).pk]))
        expected = 200 if name in visible[actor] else 404
        assert response.status_code == expected, (actor, url_name, name)


def test_village_detail_shows_posting_history_and_first_secretary(world, client_for, fixed_today):
    response = client_for(world.township_a1).get(reverse("villages:detail", args=[world.v_a1.pk]))
    html = response.content.decode()
    assert world.v_a1.code in html
    assert "开鲁镇" in html
    assert "软弱涣散村" in html
    assert response.context["first_secretary"] == world.p_a1
    assert list(response.context["postings"]) == [world.p_a1]
    assert world.cadre_a1.name in html


def test_unit_detail_lists_only_in_post_cadres_of_the_area(world, client_for, fixed_today):
    response = client_for(world.township_a2).get(reverse("cadres:unit_detail", args=[world.unit_a.pk]))
    assert list(response.context["postings"]) == [world.p_a2]
    response = client_for(world.county_staff).get(reverse("cadres:unit_detail", args=[world.unit_a.pk]))
    assert set(response.context["postings"]) == {world.p_a1, world.p_a2}


@pytest.mark.parametrize(
    "url_name", ["dashboard", "villages:list", "cadres:list", "cadres:unit_list", "cadres:posting_create"]
)
def test_pages_send_anonymous_visitors_to_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_org_staff_of_a_city_with_two_counties_see_both(world, client_for, fixed_today):
    from tests import factories as f

    city = f.org_user(world.county_a, world.county_b, username="org_city")
    client = client_for(city)
    lists = {
        "villages:list": ALL_VILLAGES,
        "cadres:list": ALL_CADRES,
        "cadres:unit_list": ALL_UNITS,
    }
    for url_name, names in lists.items():
        response = client.get(reverse(url_name))
        assert {o.pk for o in response.context["page"].object_list} == _pks(world, names), url_name
    for url_name, names in (
        ("villages:detail", ALL_VILLAGES),
        ("cadres:detail", ALL_CADRES),
        ("cadres:unit_detail", ALL_UNITS),
    ):
        for name in sorted(names):
            assert client.get(reverse(url_name, args=[getattr(world, name).pk])).status_code == 200
    totals = client.get(reverse("dashboard")).context["totals"]
    assert totals == {"townships": 3, "villages": 3, "units": 2, "in_post": 3}


def test_another_areas_object_answers_a_chinese_404_page(world, client_for, settings, fixed_today):
    settings.DEBUG = False
    response = client_for(world.township_a2).get(reverse("villages:detail", args=[world.v_a1.pk]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_500_page_is_chinese_without_any_context():
    from django.template.loader import render_to_string
    from django.utils import translation

    # The default language, whatever an earlier test in this thread switched to.
    with translation.override("zh-hans"):
        assert "系统出错" in render_to_string("500.html")
