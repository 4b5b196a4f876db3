import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cadres.models import Cadre, DispatchingUnit, Posting
from core.models import StaffProfile
from villages.models import County, Policy, Township, Village, VillageTag

pytestmark = pytest.mark.django_db

REGISTRY_MODELS = (
    County,
    Township,
    Village,
    VillageTag,
    Policy,
    DispatchingUnit,
    Cadre,
    Posting,
    StaffProfile,
)


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def staff_a(world):
    """Organization staff of county A who may use the admin (view everything, add/change postings)."""
    user = world.county_staff
    user.is_staff = True
    user.save()
    codenames = [f"view_{m._meta.model_name}" for m in REGISTRY_MODELS] + ["add_posting", "change_posting"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    Policy.for_county(world.county_a)
    Policy.for_county(world.county_b)
    return user


def test_admin_sees_every_registry_changelist(world, client_for):
    Policy.for_county(world.county_a)
    client = client_for(world.admin)

    for model in (*REGISTRY_MODELS, type(world.admin)):
        response = client.get(changelist(model))
        assert response.status_code == 200, model
    page = client.get(changelist(Village)).content.decode()
    assert "北堡村" in page and "西台神村" in page


def test_admin_search_and_filters_answer(world, client_for):
    client = client_for(world.admin)

    assert "北堡村" in client.get(changelist(Village), {"q": "bbc"}).content.decode()
    response = client.get(changelist(Posting), {"q": world.cadre_b1.id_number})
    assert response.context["cl"].result_count == 1
    response = client.get(changelist(Posting), {"role__exact": "FIRST_SECRETARY"})
    assert response.context["cl"].result_count == 2


@pytest.mark.parametrize(
    "model, mine, theirs",
    [
        (County, "开鲁县", "侯马市"),
        (Township, "东风镇", "新田乡"),
        (Village, "香邑村", "西台神村"),
        (DispatchingUnit, "开鲁县农业局", "侯马市财政局"),
        (Policy, "开鲁县", "侯马市"),
    ],
)
def test_non_superuser_staff_see_only_their_county(world, staff_a, client_for, model, mine, theirs):
    response = client_for(staff_a).get(changelist(model))

    assert response.status_code == 200
    page = response.content.decode()
    assert mine in page
    assert theirs not in page


def test_non_superuser_staff_see_only_their_countys_cadres_and_postings(world, staff_a, client_for):
    client = client_for(staff_a)

    cadres = client.get(changelist(Cadre)).context["cl"].queryset
    assert set(cadres) == {world.cadre_a1, world.cadre_a2}
    postings = client.get(changelist(Posting)).context["cl"].queryset
    assert set(postings) == {world.p_a1, world.p_a2}
    profiles = client.get(changelist(StaffProfile)).context["cl"].queryset
    assert world.outsider.staff_profile not in set(profiles)


def test_another_countys_object_does_not_exist_in_the_admin(world, staff_a, client_for):
    url = reverse("admin:cadres_posting_change", args=[world.p_b1.pk])

    response = client_for(staff_a).get(url)

    assert response.status_code == 302  # Django's "does not exist" redirect to the admin index
    assert (
        client_for(staff_a).get(reverse("admin:cadres_posting_change", args=[world.p_a1.pk])).status_code
        == 200
    )


def test_autocomplete_offers_only_the_users_villages(world, staff_a, client_for):
    response = client_for(staff_a).get(
        reverse("admin:autocomplete"),
        {"app_label": "cadres", "model_name": "posting", "field_name": "village", "term": ""},
    )

    assert response.status_code == 200
    names = {item["text"] for item in response.json()["results"]}
    assert names == {"北堡村", "香邑村"}


def test_a_posting_to_another_countys_village_is_refused_in_the_admin(world, staff_a, client_for):
    response = client_for(staff_a).post(
        reverse("admin:cadres_posting_add"),
        {
            "cadre": world.cadre_a2.pk,
            "village": world.v_b1.pk,
            "unit": world.unit_a.pk,
            "role": "TEAM_MEMBER",
            "start_date": "2028-01-01",
            "planned_end_date": "2028-12-31",
            "status": "ACTIVE",
        },
    )

    assert response.status_code == 200
    assert "village" in response.context["adminform"].form.errors
    assert not Posting.objects.filter(village=world.v_b1, cadre=world.cadre_a2).exists()


def posting_form(**values):
    data = {
        "role": "TEAM_MEMBER",
        "status": "ACTIVE",
        "start_date": "2026-06-01",
        "planned_end_date": "2026-12-31",
    }
    data.update(values)
    return data


def test_the_admin_refuses_a_cadre_in_two_postings_at_once(world, client_for):
    response = client_for(world.admin).post(
        reverse("admin:cadres_posting_add"),
        posting_form(cadre=world.cadre_a1.pk, village=world.v_a2.pk, unit=world.unit_a.pk),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "同一干部同一天只能有一个选派" in page
    assert Posting.objects.filter(cadre=world.cadre_a1).count() == 1


def test_the_admin_refuses_a_second_first_secretary(world, client_for):
    newcomer = Cadre.objects.create(id_number="11010519491231002X", name="赵敏")

    response = client_for(world.admin).post(
        reverse("admin:cadres_posting_add"),
        posting_form(cadre=newcomer.pk, village=world.v_a1.pk, unit=world.unit_a.pk, role="FIRST_SECRETARY"),
    )

    assert response.status_code == 200
    assert "一个村同一天只能有一名第一书记" in response.content.decode()
    assert not newcomer.postings.exists()


def test_the_admin_accepts_a_posting_that_overlaps_nothing(world, client_for):
    newcomer = Cadre.objects.create(id_number="11010519491231002X", name="赵敏")

    response = client_for(world.admin).post(
        reverse("admin:cadres_posting_add"),
        posting_form(cadre=newcomer.pk, village=world.v_a1.pk, unit=world.unit_a.pk, role="TEAM_MEMBER"),
    )

    assert response.status_code == 302
    assert newcomer.postings.get().status == Posting.Status.ACTIVE


def test_postings_can_never_be_deleted_in_the_admin(world, client_for):
    client = client_for(world.admin)

    response = client.get(reverse("admin:cadres_posting_delete", args=[world.p_a1.pk]))

    assert response.status_code == 403
    assert "delete_selected" not in client.get(changelist(Posting)).context["cl"].model_admin.get_actions(
        response.wsgi_request
    )
    assert Posting.objects.filter(pk=world.p_a1.pk).exists()


def test_the_cadre_form_shows_birth_date_and_gender_read_only(world, client_for):
    response = client_for(world.admin).get(reverse("admin:cadres_cadre_change", args=[world.cadre_a1.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="birth_date"' not in page
    assert world.cadre_a1.get_gender_display() in page
    assert f"{world.cadre_a1.birth_date.year}" in page


def test_the_user_admin_edits_the_staff_profile_inline(world, client_for):
    response = client_for(world.admin).get(reverse("admin:auth_user_change", args=[world.county_staff.pk]))

    assert response.status_code == 200
    assert "staff_profile-0-role" in response.content.decode()
