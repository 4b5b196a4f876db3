"""The finding → re-rank → R3 hand-off (decisions/pipeline.py): a finding saved or deleted on the
page or in the admin reaches the rules once committed, through ``inspections.signals``."""

import datetime as dt

from django.urls import reverse

from decisions.models import Decision
from decisions.pipeline import _recompute_ranking
from inspections import services as inspection_services
from inspections.models import Finding
from tests.decisions.factories import quarter_result
from tests.inspections.factories import FindingFactory, InspectionFactory


def test_recording_a_serious_finding_proposes_a_recall_on_commit(
    world, client_for, django_capture_on_commit_callbacks
):
    inspection = InspectionFactory(county=world.county_a)
    client = client_for(world.county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("decisions:finding_create", args=[inspection.pk]),
            {
                "cadre": world.cadre_a1.pk,
                "village": world.v_a1.pk,
                "severity": "SERIOUS",
                "handling": "RECALL",
                "description": "连续多日不在岗",
                "deduction": "5",
            },
        )
    assert response.status_code == 302
    finding = Finding.objects.get()
    d = Decision.objects.get(rule="R3")
    assert d.period_key == f"finding:{finding.pk}"
    page = client.get(reverse("decisions:inspection_detail", args=[inspection.pk])).content.decode()
    assert "连续多日不在岗" in page and reverse("decisions:detail", args=[d.pk]) in page


def test_a_finding_with_a_deduction_asks_the_appraisal_to_rank_the_quarter_again(
    world, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    monkeypatch.setattr("decisions.pipeline._recompute_ranking", lambda **kw: calls.append(kw))
    inspection = InspectionFactory(county=world.county_a, date=dt.date(2026, 5, 3))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.county_staff).post(
            reverse("decisions:finding_create", args=[inspection.pk]),
            {
                "cadre": world.cadre_a1.pk,
                "severity": "MINOR",
                "handling": "EDUCATION",
                "description": "日志不全",
                "deduction": "2",
            },
        )
    assert calls == [{"county_id": world.county_a.pk, "year": 2026, "quarter": 2}]


def test_a_deduction_reranks_a_quarter_already_ranked_and_leaves_an_unranked_one_alone(world, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "appraisal.tasks.compute_quarterly_ranking_task.delay", lambda *args: calls.append(args)
    )
    _recompute_ranking(county_id=world.county_a.pk, year=2026, quarter=2)
    assert calls == []
    quarter_result(world.p_a1, 2026, 2, "GOOD")
    _recompute_ranking(county_id=world.county_a.pk, year=2026, quarter=2)
    assert calls == [(world.county_a.pk, 2026, 2)]


def test_the_hand_off_waits_for_the_commit_and_runs_r3(world, django_capture_on_commit_callbacks):
    inspection = InspectionFactory(county=world.county_a, date=dt.date(2026, 3, 10))
    finding = FindingFactory(inspection=inspection, cadre=world.cadre_a1, severity=Finding.Severity.SERIOUS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        inspection_services.finding_saved(finding=finding)
    assert not Decision.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    assert Decision.objects.get(rule="R3").period_key == f"finding:{finding.pk}"
