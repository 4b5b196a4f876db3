import pytest

from appraisal.schemes import create_default_scheme
from tests.appraisal.factories import score, small_scheme

pytestmark = pytest.mark.django_db


def test_admin_pages_load_and_a_scheme_in_use_has_read_only_indicators(world, client_for):
    scheme = create_default_scheme(county=world.county_a, year=2026)
    client = client_for(world.admin)
    for url in (
        "/admin/appraisal/scheme/",
        f"/admin/appraisal/scheme/{scheme.pk}/change/",
        "/admin/appraisal/score/",
        "/admin/appraisal/quarterresult/",
        "/admin/appraisal/annualresult/",
        "/admin/appraisal/indicator/",
        "/admin/appraisal/democraticrate/",
    ):
        assert client.get(url).status_code == 200, url
    used = small_scheme(world.county_a, year=2027)
    score(world.cadre_a1, used, "工作实绩", 10, year=2027)
    page = client.get(f"/admin/appraisal/scheme/{used.pk}/change/").content.decode()
    assert 'name="indicators-0-name"' not in page


def test_admin_copy_action_copies_to_the_next_year(world, client_for):
    scheme = small_scheme(world.county_a, year=2026)
    response = client_for(world.admin).post(
        "/admin/appraisal/scheme/", {"action": "copy_to_next_year", "_selected_action": [scheme.pk]}
    )
    assert response.status_code == 302
    assert scheme.county.schemes.filter(year=2027).exists()
