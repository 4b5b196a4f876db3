"""Every path that changes findings tells the apps above once committed (inspections.signals)."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections.signals import findings_changed
from tests.inspections.factories import FindingFactory, InspectionFactory


@pytest.fixture
def heard():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    findings_changed.connect(receiver, dispatch_uid="tests.inspections.heard")
    yield calls
    findings_changed.disconnect(dispatch_uid="tests.inspections.heard")


def test_an_inspection_moved_to_another_quarter_names_both_days(
    world, client_for, heard, django_capture_on_commit_callbacks
):
    inspection = InspectionFactory(county=world.county_a, date=dt.date(2026, 3, 30))
    FindingFactory(inspection=inspection, cadre=world.cadre_a1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.county_staff).post(
            reverse("decisions:inspection_edit", args=[inspection.pk]),
            {"county": world.county_a.pk, "date": "2026-04-02", "kind": "SURPRISE", "inspectors": "王明"},
        )
    assert response.status_code == 302
    assert heard == [
        {
            "signal": findings_changed,
            "county_id": world.county_a.pk,
            "days": [dt.date(2026, 3, 30), dt.date(2026, 4, 2)],
        }
    ]


def test_an_inspection_without_findings_changes_nothing_above(
    world, client_for, heard, django_capture_on_commit_callbacks
):
    inspection = InspectionFactory(county=world.county_a, date=dt.date(2026, 3, 30))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.county_staff).post(
            reverse("decisions:inspection_edit", args=[inspection.pk]),
            {"county": world.county_a.pk, "date": "2026-04-02", "kind": "SURPRISE", "inspectors": "王明"},
        )
    assert heard == []


def test_nothing_is_sent_before_the_commit(world, client_for, heard, django_capture_on_commit_callbacks):
    inspection = InspectionFactory(county=world.county_a, date=dt.date(2026, 5, 3))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(world.county_staff).post(
            reverse("decisions:finding_create", args=[inspection.pk]),
            {
                "cadre": world.cadre_a1.pk,
                "severity": "MINOR",
                "handling": "EDUCATION",
                "description": "日志不全",
                "deduction": "0",
            },
        )
    assert heard == [] and callbacks
    for callback in callbacks:
        callback()
    assert heard == [
        {"signal": findings_changed, "county_id": world.county_a.pk, "days": [dt.date(2026, 5, 3)]}
    ]


def test_deleting_findings_in_the_admin_names_their_days(
    world, client_for, heard, django_capture_on_commit_callbacks
):
    first = FindingFactory(inspection=InspectionFactory(county=world.county_a, date=dt.date(2026, 2, 1)))
    second = FindingFactory(inspection=InspectionFactory(county=world.county_a, date=dt.date(2026, 8, 1)))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.admin).post(
            reverse("admin:inspections_finding_changelist"),
            {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
        )
    assert sorted(call["days"][0] for call in heard) == [dt.date(2026, 2, 1), dt.date(2026, 8, 1)]
