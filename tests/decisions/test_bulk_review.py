"""Bulk review on the decision list: each proposal re-checked and logged on its own."""

import datetime as dt

import pytest
from django.urls import reverse

from decisions import workflow
from decisions.models import Decision, DecisionEvent
from tests import factories as f
from tests.decisions.factories import proposal

S = Decision.Status


@pytest.fixture
def proposals(world):
    """Three proposals in county A (two in 开鲁镇, one in 东风镇) and one in county B."""
    second = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        role="TEAM_MEMBER",
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2027, 12, 31),
    )
    return {
        "a1": proposal(world.p_a1),
        "a1_member": proposal(second),
        "a2": proposal(world.p_a2, kind=Decision.Kind.INTERVIEW, rule=Decision.Rule.R2, period_key="2026Q1"),
        "b1": proposal(world.p_b1),
    }


def post_bulk(client, **data):
    return client.post(reverse("decisions:bulk"), data)


def test_bulk_approve_rechecks_each_proposal_and_reports_the_stale_one(world, client_for, proposals):
    # Someone else rejected one of them after the list was shown.
    workflow.reject(decision=proposals["a1_member"], user=world.admin, reason="另行处理")
    ids = [proposals[k].pk for k in ("a1", "a1_member", "a2")]
    response = post_bulk(
        client_for(world.county_staff), ids=ids, action="approve", scope="page", note="经部务会研究同意"
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert sorted(d.pk for d in result.done) == sorted([proposals["a1"].pk, proposals["a2"].pk])
    assert [(d.pk, reason) for d, reason in result.refused] == [
        (proposals["a1_member"].pk, "决定当前状态为“已驳回”，不能改为“已同意”")
    ]
    html = response.content.decode()
    assert "已同意 2 项" in html and "1 项未办理" in html and "已驳回" in html
    for key in ("a1", "a2"):
        proposals[key].refresh_from_db()
        assert proposals[key].status == S.APPROVED
        event = DecisionEvent.objects.get(decision=proposals[key], to_status=S.APPROVED)
        assert (event.actor, event.note) == (world.county_staff, "经部务会研究同意")
    proposals["a1_member"].refresh_from_db()
    assert proposals["a1_member"].status == S.REJECTED


def test_bulk_reject_needs_a_reason_and_then_rejects_each(world, client_for, proposals):
    client = client_for(world.county_staff)
    ids = [proposals["a1"].pk, proposals["a2"].pk]
    response = post_bulk(client, ids=ids, action="reject", scope="page", note="")
    assert len(response.context["result"].refused) == 2
    assert Decision.objects.filter(status=S.REJECTED).count() == 0
    post_bulk(client, ids=ids, action="reject", scope="page", note="证据不足")
    assert set(Decision.objects.filter(status=S.REJECTED).values_list("pk", flat=True)) == set(ids)
    assert set(Decision.objects.filter(status=S.REJECTED).values_list("rejection_reason", flat=True)) == {
        "证据不足"
    }


def test_bulk_approve_all_matching_the_filters(world, client_for, proposals):
    post_bulk(
        client_for(world.county_staff), action="approve", scope="filtered", township=str(world.a1.pk), note=""
    )
    statuses = {k: Decision.objects.get(pk=d.pk).status for k, d in proposals.items()}
    assert statuses == {"a1": S.APPROVED, "a1_member": S.APPROVED, "a2": S.PROPOSED, "b1": S.PROPOSED}


def test_bulk_review_never_reaches_another_countys_proposals(world, client_for, proposals):
    response = post_bulk(client_for(world.outsider), ids=[proposals["a1"].pk], action="approve", scope="page")
    assert response.status_code == 302
    post_bulk(client_for(world.outsider), action="approve", scope="filtered")
    assert Decision.objects.get(pk=proposals["a1"].pk).status == S.PROPOSED
    assert Decision.objects.get(pk=proposals["b1"].pk).status == S.APPROVED


def test_township_staff_cannot_bulk_review(world, client_for, proposals):
    response = post_bulk(
        client_for(world.township_a1), ids=[proposals["a1"].pk], action="approve", scope="page"
    )
    assert response.status_code == 403
    assert Decision.objects.get(pk=proposals["a1"].pk).status == S.PROPOSED


def test_the_list_orders_by_rule_then_township_village_and_name_and_sorts_by_column(
    world, client_for, proposals
):
    client = client_for(world.county_staff)
    rows = client.get(reverse("decisions:list")).context["page"].object_list
    assert [(d.rule, d.township.code) for d in rows] == [
        ("R1", world.a1.code),
        ("R1", world.a1.code),
        ("R2", world.a2.code),
    ]
    rows = client.get(reverse("decisions:list"), {"sort": "-township"}).context["page"].object_list
    assert [d.township.code for d in rows] == [world.a2.code, world.a1.code, world.a1.code]
    html = client.get(reverse("decisions:list"), {"sort": "rule"}).content.decode()
    assert "?sort=-rule" in html and 'aria-sort="ascending"' in html


def test_the_list_offers_checkboxes_only_for_proposals_and_only_to_org_staff(world, client_for, proposals):
    workflow.approve(decision=proposals["a2"], user=world.admin)
    html = client_for(world.county_staff).get(reverse("decisions:list")).content.decode()
    assert f'name="ids" value="{proposals["a1"].pk}"' in html
    assert f'name="ids" value="{proposals["a2"].pk}"' not in html
    assert "全部 2 项待审核决定" in html
    assert 'name="ids"' not in client_for(world.township_a1).get(reverse("decisions:list")).content.decode()


def test_approval_from_the_detail_page_records_the_comment_and_the_person(world, client_for, proposals):
    from core.models import StaffProfile

    StaffProfile.objects.filter(user=world.county_staff).update(display_name="王明")
    client = client_for(world.county_staff)
    decision = proposals["a1"]
    assert 'name="note"' in client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    client.post(reverse("decisions:approve", args=[decision.pk]), {"note": "同意召回"})
    event = DecisionEvent.objects.get(decision=decision, to_status=S.APPROVED)
    assert event.note == "同意召回"
    html = client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    assert "组织部 王明" in html and "org_a" not in html
