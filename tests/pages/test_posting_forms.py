import datetime as dt

import pytest
from django.urls import reverse

from cadres import views as cadres_views
from cadres.models import Posting
from tests import factories as f


def _form_data(cadre, village, unit, role="TEAM_MEMBER", start="2026-03-01", end="2027-02-28"):
    return {
        "cadre": cadre.pk,
        "village": village.pk,
        "unit": unit.pk,
        "role": role,
        "start_date": start,
        "planned_end_date": end,
    }


def _errors(response):
    return " ".join(str(e) for e in response.context["form"].errors.get("__all__", []))


def test_org_staff_creates_a_posting(world, client_for):
    cadre = f.CadreFactory(home_unit=world.unit_a)
    client = client_for(world.county_staff)
    assert client.get(reverse("cadres:posting_create")).status_code == 200
    response = client.post(reverse("cadres:posting_create"), _form_data(cadre, world.v_a2, world.unit_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("cadres:detail", args=[cadre.pk])
    posting = Posting.objects.get(cadre=cadre)
    assert (posting.village, posting.role, posting.status) == (world.v_a2, "TEAM_MEMBER", "ACTIVE")
    assert posting.start_date == dt.date(2026, 3, 1) and posting.planned_end_date == dt.date(2027, 2, 28)


def test_posting_form_refuses_overlapping_posting_of_a_cadre(world, client_for):
    response = client_for(world.county_staff).post(
        reverse("cadres:posting_create"), _form_data(world.cadre_a1, world.v_a2, world.unit_a)
    )
    assert response.status_code == 200
    assert "同一干部同一天只能有一个选派" in _errors(response)
    assert "同一干部同一天只能有一个选派" in response.content.decode()
    assert Posting.objects.filter(cadre=world.cadre_a1).count() == 1


def test_posting_form_refuses_a_second_first_secretary(world, client_for):
    cadre = f.CadreFactory(home_unit=world.unit_a)
    response = client_for(world.county_staff).post(
        reverse("cadres:posting_create"), _form_data(cadre, world.v_a1, world.unit_a, role="FIRST_SECRETARY")
    )
    assert "一个村同一天只能有一名第一书记" in _errors(response)
    assert not Posting.objects.filter(cadre=cadre).exists()


def test_posting_form_shows_database_refusal_as_form_error(world, client_for, monkeypatch):
    # A write racing past the check: the form's check (``PostingRulesMixin``, which asks
    # ``cadres.services.posting_conflicts``) finds nothing, the database constraint refuses the row,
    # and the page explains it with the conflict it finds afterwards (the view's own reference to
    # ``posting_conflicts``, spied on); the spy proves the refusal came from the database.
    monkeypatch.setattr("cadres.services.posting_conflicts", lambda **kwargs: [])
    explained = []
    real_conflicts = cadres_views.posting_conflicts

    def spy(**kwargs):
        explained.append(kwargs)
        return real_conflicts(**kwargs)

    monkeypatch.setattr(cadres_views, "posting_conflicts", spy)
    cadre = f.CadreFactory(home_unit=world.unit_a)
    response = client_for(world.county_staff).post(
        reverse("cadres:posting_create"), _form_data(cadre, world.v_a1, world.unit_a, role="FIRST_SECRETARY")
    )
    assert response.status_code == 200
    assert len(explained) == 1 and explained[0]["cadre_id"] == cadre.pk  # the IntegrityError branch ran
    assert "一个村同一天只能有一名第一书记" in _errors(response)
    assert world.cadre_a1.name in _errors(response)  # the explanation names the first secretary in post
    assert not Posting.objects.filter(cadre=cadre).exists()


def test_posting_form_refuses_end_before_start_in_chinese(world, client_for):
    cadre = f.CadreFactory(home_unit=world.unit_a)
    response = client_for(world.county_staff).post(
        reverse("cadres:posting_create"),
        _form_data(cadre, world.v_a2, world.unit_a, start="2026-05-01", end="2026-04-01"),
    )
    assert response.context["form"].errors["planned_end_date"] == ["计划结束日期不能早于开始日期"]
    assert "Constraint" not in response.content.decode()


def test_posting_form_offers_only_the_users_area(world, client_for):
    response = client_for(world.outsider).get(reverse("cadres:posting_create"))
    form = response.context["form"]
    assert list(form.fields["village"].queryset) == [world.v_b1]
    assert list(form.fields["cadre"].queryset) == [world.cadre_b1]
    assert list(form.fields["unit"].queryset) == [world.unit_b]
    cadre = f.CadreFactory(home_unit=world.unit_b)
    response = client_for(world.outsider).post(
        reverse("cadres:posting_create"), _form_data(cadre, world.v_a2, world.unit_a)
    )
    assert set(response.context["form"].errors) == {"village", "unit"}
    assert not Posting.objects.filter(cadre=cadre).exists()


@pytest.mark.parametrize("actor", ["township_a1", "township_a2"])
def test_township_staff_may_not_register_or_end_postings(world, client_for, actor):
    client = client_for(getattr(world, actor))
    assert client.get(reverse("cadres:posting_create")).status_code == 403
    cadre = f.CadreFactory(home_unit=world.unit_a)
    assert (
        client.post(reverse("cadres:posting_create"), _form_data(cadre, world.v_a1, world.unit_a)).status_code
        == 403
    )
    assert client.post(reverse("cadres:posting_end", args=[world.p_a1.pk]), {}).status_code == 403
    assert not Posting.objects.filter(cadre=cadre).exists()


def test_org_staff_ends_a_posting(world, client_for):
    client = client_for(world.county_staff)
    url = reverse("cadres:posting_end", args=[world.p_a2.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"actual_end_date": "2026-06-30", "status": "TRANSFERRED"})
    assert response.status_code == 302
    world.p_a2.refresh_from_db()
    assert world.p_a2.actual_end_date == dt.date(2026, 6, 30)
    assert world.p_a2.status == "TRANSFERRED"
    # Ended: a second attempt is refused and changes nothing.
    client.post(url, {"actual_end_date": "2026-07-31", "status": "COMPLETED"})
    world.p_a2.refresh_from_db()
    assert world.p_a2.actual_end_date == dt.date(2026, 6, 30)


def test_ending_a_posting_refuses_bad_dates_and_statuses(world, client_for):
    client = client_for(world.county_staff)
    url = reverse("cadres:posting_end", args=[world.p_a2.pk])
    response = client.post(url, {"actual_end_date": "2025-12-31", "status": "COMPLETED"})
    assert "实际结束日期不能早于开始日期" in str(response.context["form"].errors["actual_end_date"])
    response = client.post(url, {"actual_end_date": "2026-06-30", "status": "RECALLED"})
    assert "status" in response.context["form"].errors
    response = client.post(url, {"status": "COMPLETED"})
    assert "actual_end_date" in response.context["form"].errors
    world.p_a2.refresh_from_db()
    assert world.p_a2.actual_end_date is None and world.p_a2.status == "ACTIVE"


def test_ending_another_areas_posting_is_404(world, client_for):
    client = client_for(world.outsider)
    url = reverse("cadres:posting_end", args=[world.p_a1.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"actual_end_date": "2026-06-30", "status": "COMPLETED"}).status_code == 404


def test_extending_a_posting_into_anothers_first_secretary_term_is_refused(world, client_for):
    world.p_a1.actual_end_date = dt.date(2026, 3, 31)
    world.p_a1.status = "COMPLETED"
    world.p_a1.save()
    later = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        role="FIRST_SECRETARY",
        start_date=dt.date(2026, 4, 1),
        planned_end_date=dt.date(2026, 5, 31),
    )
    follower = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        role="FIRST_SECRETARY",
        start_date=dt.date(2026, 6, 1),
        planned_end_date=dt.date(2027, 5, 31),
    )
    response = client_for(world.county_staff).post(
        reverse("cadres:posting_end", args=[later.pk]),
        {"actual_end_date": "2026-06-10", "status": "COMPLETED"},
    )
    assert "一个村同一天只能有一名第一书记" in _errors(response)
    later.refresh_from_db()
    assert later.actual_end_date is None
    assert follower.pk


def test_refusal_page_is_in_chinese(world, client_for):
    response = client_for(world.township_a1).get(reverse("cadres:posting_create"))
    assert response.status_code == 403
    assert "只有组织部人员可以登记选派" in response.content.decode()


@pytest.mark.parametrize(
    ("actor", "create_status", "end_status"),
    [
        ("admin", 200, 200),
        ("county_staff", 200, 200),
        ("township_a1", 403, 403),
        ("township_a2", 403, 403),
        ("outsider", 200, 404),
    ],
)
def test_posting_pages_answer_each_actor(world, client_for, actor, create_status, end_status):
    client = client_for(getattr(world, actor))
    assert client.get(reverse("cadres:posting_create")).status_code == create_status
    assert client.get(reverse("cadres:posting_end", args=[world.p_a1.pk])).status_code == end_status
