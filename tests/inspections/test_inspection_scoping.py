"""An inspection that visited two townships: each township's staff see only their own part."""

import pytest
from django.urls import reverse

from inspections.models import Finding
from tests.inspections.factories import FindingFactory, InspectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(world):
    inspection = InspectionFactory(county=world.county_a)
    inspection.villages.add(world.v_a1, world.v_a2)
    inspection.cadres.add(world.cadre_a1, world.cadre_a2)
    FindingFactory(
        inspection=inspection, village=world.v_a1, cadre=world.cadre_a1, description="北堡村台账缺页"
    )
    FindingFactory(
        inspection=inspection, village=world.v_a2, cadre=world.cadre_a2, description="香邑村夜不驻村"
    )
    FindingFactory(inspection=inspection, cadre=world.cadre_a2, description="队员请假未报")
    return inspection


def test_township_staff_see_only_their_townships_findings_villages_and_cadres(world, client_for, shared):
    page = client_for(world.township_a1).get(reverse("decisions:inspection_detail", args=[shared.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "北堡村台账缺页" in html
    assert "香邑村夜不驻村" not in html and "队员请假未报" not in html
    assert list(page.context["villages"]) == [world.v_a1]
    assert list(page.context["cadres"]) == [world.cadre_a1]
    assert world.cadre_a2.name not in html and world.v_a2.name not in html


def test_the_neighbouring_township_sees_the_other_part(world, client_for, shared):
    page = client_for(world.township_a2).get(reverse("decisions:inspection_detail", args=[shared.pk]))
    html = page.content.decode()
    assert "香邑村夜不驻村" in html and "队员请假未报" in html
    assert "北堡村台账缺页" not in html


def test_county_staff_see_the_whole_inspection(world, client_for, shared):
    page = client_for(world.county_staff).get(reverse("decisions:inspection_detail", args=[shared.pk]))
    assert len(page.context["findings"]) == 3
    assert len(page.context["villages"]) == 2


def test_a_township_cannot_open_the_other_townships_finding(world, client_for, shared):
    other = Finding.objects.get(village=world.v_a2)
    assert client_for(world.township_a1).get(
        reverse("decisions:finding_edit", args=[other.pk])
    ).status_code in (
        403,
        404,
    )
    assert not Finding.objects.for_user(world.township_a1).filter(pk=other.pk).exists()
