"""The review workflow: legal and illegal transitions, numbering, the log, and immutability."""

import datetime as dt

import pytest

from decisions import workflow
from decisions.models import Decision, DecisionEvent, IllegalTransition, ImmutableDecision
from tests.decisions.factories import issued, proposal

S = Decision.Status


def test_approve_then_issue_numbers_the_decision_and_logs_every_step(world):
    d = proposal(world.p_a2, kind=Decision.Kind.INTERVIEW, rule="R2", period_key="2026Q1")
    workflow.approve(decision=d, user=world.county_staff)
    d = workflow.issue(decision=d, user=world.county_staff, decision_date=dt.date(2026, 4, 3))
    assert d.status == S.ISSUED
    assert d.number == "开鲁县驻村〔2026〕1号"
    assert d.decision_date == dt.date(2026, 4, 3)
    steps = list(d.events.values_list("from_status", "to_status", "actor__username"))
    assert steps == [
        ("", S.PROPOSED, None),
        (S.PROPOSED, S.APPROVED, "org_a"),
        (S.APPROVED, S.ISSUED, "org_a"),
    ]


def test_numbers_follow_each_other_per_county_and_restart_each_year(world):
    numbers = []
    for i, day in enumerate([dt.date(2026, 4, 1), dt.date(2026, 4, 2), dt.date(2027, 1, 5)]):
        d = proposal(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key=f"2026Q{i + 1}")
        workflow.approve(decision=d, user=world.county_staff)
        numbers.append(workflow.issue(decision=d, user=world.county_staff, decision_date=day).number)
    other = proposal(world.p_b1, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q1")
    workflow.approve(decision=other, user=world.outsider)
    other = workflow.issue(decision=other, user=world.outsider, decision_date=dt.date(2026, 4, 9))
    assert numbers == ["开鲁县驻村〔2026〕1号", "开鲁县驻村〔2026〕2号", "开鲁县驻村〔2027〕1号"]
    assert other.number == "侯马市驻村〔2026〕1号"


def test_rejecting_needs_a_reason_and_is_final(world):
    d = proposal(world.p_a1)
    with pytest.raises(IllegalTransition):
        workflow.reject(decision=d, user=world.county_staff, reason="  ")
    d = workflow.reject(decision=d, user=world.county_staff, reason="该月已补交请假手续")
    assert d.status == S.REJECTED and d.rejection_reason == "该月已补交请假手续"
    assert d.events.last().note == "该月已补交请假手续"
    for step in (workflow.approve, workflow.issue):
        with pytest.raises(IllegalTransition):
            step(decision=d, user=world.county_staff)


def test_a_proposal_cannot_be_issued_before_it_is_approved(world):
    d = proposal(world.p_a1)
    with pytest.raises(IllegalTransition):
        workflow.issue(decision=d, user=world.county_staff)
    assert Decision.objects.get(pk=d.pk).status == S.PROPOSED


def test_an_approved_decision_cannot_be_approved_again_or_rejected(world):
    d = proposal(world.p_a1)
    workflow.approve(decision=d, user=world.county_staff)
    with pytest.raises(IllegalTransition):
        workflow.approve(decision=d, user=world.county_staff)
    with pytest.raises(IllegalTransition):
        workflow.reject(decision=d, user=world.county_staff, reason="x")


def test_an_issued_decision_cannot_be_issued_twice(world):
    d = issued(world.p_a1)
    with pytest.raises(IllegalTransition):
        workflow.issue(decision=d, user=world.county_staff)
    assert Decision.objects.filter(number__startswith="开鲁县").count() == 1


def test_an_issued_decision_refuses_save_and_delete(world):
    d = issued(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q1")
    d.basis = "改写"
    with pytest.raises(ImmutableDecision):
        d.save()
    with pytest.raises(ImmutableDecision):
        d.delete()
    assert Decision.objects.get(pk=d.pk).basis != "改写"


def test_an_issued_decision_refuses_queryset_update_and_delete(world):
    d = issued(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q1")
    with pytest.raises(ImmutableDecision):
        Decision.objects.filter(pk=d.pk).update(basis="改写")
    with pytest.raises(ImmutableDecision):
        Decision.objects.all().delete()
    assert Decision.objects.filter(pk=d.pk, basis="改写").count() == 0


def test_decisions_not_yet_issued_may_still_change(world):
    d = proposal(world.p_a1)
    Decision.objects.filter(pk=d.pk).update(basis="补充依据")
    assert Decision.objects.get(pk=d.pk).basis == "补充依据"


def test_a_correction_is_a_new_decision_that_revokes_the_old_one(world):
    old = issued(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q1")
    with pytest.raises(IllegalTransition):
        workflow.create_correction(decision=old, user=world.county_staff, reason="")
    new = workflow.create_correction(decision=old, user=world.county_staff, reason="得分计算有误")
    assert new.revokes == old and new.kind == Decision.Kind.REVOCATION and new.rule == "MANUAL"
    assert new.status == S.PROPOSED
    workflow.approve(decision=new, user=world.county_staff)
    new = workflow.issue(decision=new, user=world.county_staff, decision_date=dt.date(2026, 4, 20))
    assert new.number == "开鲁县驻村〔2026〕2号"
    assert list(old.revoked_by.all()) == [new]
    with pytest.raises(IllegalTransition):
        workflow.create_correction(decision=old, user=world.county_staff, reason="再次撤销")


def test_a_decision_not_issued_needs_no_correction(world):
    with pytest.raises(IllegalTransition):
        workflow.create_correction(decision=proposal(world.p_a1), user=world.county_staff, reason="x")


def test_the_workflow_log_is_kept_for_every_decision(world):
    d = proposal(world.p_a1)
    workflow.approve(decision=d, user=world.county_staff, note="同意")
    assert DecisionEvent.objects.filter(decision=d).count() == 2


def test_admin_shows_decisions_read_only_and_offers_no_delete(world, client):
    d = issued(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q1")
    client.force_login(world.admin)
    assert client.get("/admin/decisions/decision/").status_code == 200
    page = client.get(f"/admin/decisions/decision/{d.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get(f"/admin/decisions/decision/{d.pk}/delete/").status_code == 403
    response = client.post(
        f"/admin/decisions/decision/{d.pk}/change/", {"basis": "改写", "status": "PROPOSED"}
    )
    assert response.status_code == 403
    response = client.post(
        "/admin/decisions/decision/", {"action": "delete_selected", "_selected_action": [d.pk]}
    )
    assert Decision.objects.filter(pk=d.pk, status=S.ISSUED).exists()
    assert Decision.objects.get(pk=d.pk).basis != "改写"
