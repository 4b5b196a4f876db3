"""The inspection form at county scale: villages by township with a search box, the cadres in
post in the ticked villages, the county preselected for a one-county user."""

import datetime as dt

from django.urls import reverse

from inspections.models import Inspection
from tests import factories as f


def test_a_one_county_user_gets_the_county_and_today_preselected(world, client_for, fixed_today):
    response = client_for(world.county_staff).get(reverse("decisions:inspection_create"))
    form = response.context["form"]
    assert form.initial["county"] == world.county_a.pk and form.initial["date"] == fixed_today
    html = response.content.decode()
    assert f'<option value="{world.county_a.pk}" selected>' in html


def test_the_form_groups_villages_by_township_and_hides_other_areas(world, client_for, fixed_today):
    html = client_for(world.county_staff).get(reverse("decisions:inspection_create")).content.decode()
    assert 'class="picker-filter"' in html and "js/picker-filter.js" in html
    assert world.a1.name in html and world.v_a1.name in html and world.v_a2.name in html
    assert world.v_b1.name not in html
    assert "先在左侧勾选走访的村" in html  # nothing ticked yet: the cadre half says what to do


def test_the_picker_lists_cadres_in_post_in_the_ticked_villages(world, client_for, fixed_today):
    ended = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        role="TEAM_MEMBER",
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2026, 3, 31),
    )
    client = client_for(world.county_staff)
    response = client.get(
        reverse("decisions:inspection_picker"), {"villages": [world.v_a1.pk], "date": "2026-06-15"}
    )
    groups = response.context["cadre_groups"]
    assert [[c for c, _role, _checked in g["cadres"]] for g in groups] == [[world.cadre_a1]]
    html = response.content.decode()
    assert "第一书记" in html and ended.cadre.name not in html
    # On a day inside the ended posting, its cadre is there too.
    early = client.get(
        reverse("decisions:inspection_picker"), {"villages": [world.v_a1.pk], "date": "2026-02-10"}
    )
    assert ended.cadre.name in early.content.decode()


def test_a_ticked_cadre_outside_the_ticked_villages_stays_ticked(world, client_for, fixed_today):
    response = client_for(world.county_staff).get(
        reverse("decisions:inspection_picker"), {"villages": [world.v_a1.pk], "cadres": [world.cadre_a2.pk]}
    )
    last = response.context["cadre_groups"][-1]
    assert last["village"] is None and last["cadres"] == [(world.cadre_a2, "", True)]


def test_the_picker_never_shows_another_area(world, client_for, fixed_today):
    response = client_for(world.outsider).get(
        reverse("decisions:inspection_picker"), {"villages": [world.v_a1.pk], "cadres": [world.cadre_a1.pk]}
    )
    assert response.context["cadre_groups"] == []
    assert client_for(world.township_a1).get(reverse("decisions:inspection_picker")).status_code == 403


def test_an_inspection_saved_through_the_picker_keeps_its_villages_and_cadres(world, client_for, fixed_today):
    client = client_for(world.county_staff)
    client.post(
        reverse("decisions:inspection_create"),
        {
            "county": world.county_a.pk,
            "date": "2026-06-10",
            "kind": "UNANNOUNCED",
            "inspectors": "王明",
            "villages": [world.v_a1.pk, world.v_a2.pk],
            "cadres": [world.cadre_a1.pk, world.cadre_a2.pk],
        },
    )
    inspection = Inspection.objects.get()
    html = client.get(reverse("decisions:inspection_edit", args=[inspection.pk])).content.decode()
    assert html.count('name="villages"') >= 2 and html.count("checked") >= 4
