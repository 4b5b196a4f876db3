"""The cadre's page for staff (``cadres:detail``, served by dashboard): profile, postings and panels."""

from django.urls import reverse


def test_cadre_detail_shows_profile_and_postings(world, client_for, fixed_today):
    cadre = world.cadre_a1
    response = client_for(world.county_staff).get(reverse("cadres:detail", args=[cadre.pk]))
    html = response.content.decode()
    assert cadre.id_number in html
    assert cadre.birth_date.strftime("%Y-%m-%d") in html
    assert f"{cadre.age_on(fixed_today)} 岁" in html
    assert cadre.mobile in html
    assert "本科" in html and "公务员" in html and "一般干部" in html
    assert list(response.context["postings"]) == [world.p_a1]


def test_cadre_page_is_served_by_the_dashboard_under_its_old_address(world):
    from django.urls import resolve

    from dashboard import views

    url = reverse("cadres:detail", args=[world.cadre_a1.pk])
    assert url == f"/cadres/{world.cadre_a1.pk}/"
    assert resolve(url).func is views.cadre_detail
