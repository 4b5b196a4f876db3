"""Inspection and finding pages: owner 200, another area 404, township staff read only."""

from django.urls import reverse

from inspections.models import Finding, Inspection
from tests.inspections.factories import FindingFactory, InspectionFactory


def test_org_staff_record_an_inspection_with_scoped_choices(world, client_for):
    client = client_for(world.county_staff)
    form = client.get(reverse("decisions:inspection_create")).context["form"]
    assert list(form.fields["county"].queryset) == [world.county_a]
    assert world.v_b1 not in form.fields["villages"].queryset
    response = client.post(
        reverse("decisions:inspection_create"),
        {
            "county": world.county_a.pk,
            "date": "2026-03-10",
            "kind": "SURPRISE",
            "inspectors": "王明",
            "villages": [world.v_a1.pk],
            "cadres": [world.cadre_a1.pk],
            "notes": "夜间突击查岗",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert list(inspection.villages.all()) == [world.v_a1]
    refused = client.post(
        reverse("decisions:inspection_create"),
        {
            "county": world.county_a.pk,
            "date": "2026-03-10",
            "kind": "SURPRISE",
            "inspectors": "王明",
            "villages": [world.v_b1.pk],
        },
    )
    assert refused.status_code == 200 and Inspection.objects.count() == 1


def test_a_negative_deduction_is_refused_by_the_form(world, client_for):
    inspection = InspectionFactory(county=world.county_a)
    response = client_for(world.county_staff).post(
        reverse("decisions:finding_create", args=[inspection.pk]),
        {
            "severity": "MINOR",
            "handling": "EDUCATION",
            "description": "x",
            "deduction": "-1",
        },
    )
    assert response.status_code == 200 and not Finding.objects.exists()


def test_inspection_pages_are_scoped(world, client_for):
    inspection = InspectionFactory(county=world.county_a)
    inspection.villages.add(world.v_a1)
    FindingFactory(inspection=inspection, cadre=world.cadre_a1)
    assert (
        client_for(world.county_staff)
        .get(reverse("decisions:inspection_list"))
        .context["page"]
        .paginator.count
        == 1
    )
    assert (
        client_for(world.outsider).get(reverse("decisions:inspection_list")).context["page"].paginator.count
        == 0
    )
    assert (
        client_for(world.outsider)
        .get(reverse("decisions:inspection_detail", args=[inspection.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(world.outsider).get(reverse("decisions:inspection_edit", args=[inspection.pk])).status_code
        == 404
    )
    own = client_for(world.township_a1)
    assert own.get(reverse("decisions:inspection_detail", args=[inspection.pk])).status_code == 200
    assert own.get(reverse("decisions:inspection_create")).status_code == 403
    assert (
        client_for(world.township_a2)
        .get(reverse("decisions:inspection_detail", args=[inspection.pk]))
        .status_code
        == 404
    )
