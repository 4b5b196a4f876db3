"""What issuing a recall does: the posting ends, a replacement opens, the unit is put on notice."""

import datetime as dt

from cadres.models import Posting
from core.scoping import area_for
from decisions import replacements, rules, workflow
from decisions.models import Decision, Replacement
from decisions.selectors import overdue_replacements
from tests import factories as f
from tests.decisions.factories import issued, proposal
from villages.models import Policy

RECALL_DAY = dt.date(2026, 3, 10)


def test_issuing_a_recall_ends_the_posting_and_opens_a_replacement_due_in_seven_days(world):
    d = issued(world.p_a1, user=world.county_staff, decision_date=RECALL_DAY)
    posting = Posting.objects.get(pk=world.p_a1.pk)
    assert posting.status == Posting.Status.RECALLED and posting.actual_end_date == RECALL_DAY
    r = Replacement.objects.get(decision=d)
    assert (r.village, r.role, r.unit, r.due_date) == (
        world.v_a1,
        "FIRST_SECRETARY",
        world.unit_a,
        dt.date(2026, 3, 17),
    )
    assert r.status == Replacement.Status.OPEN


def test_the_due_days_are_the_county_policy(world):
    Policy.for_county(world.county_a)
    Policy.objects.filter(county=world.county_a).update(replacement_due_days=10)
    d = issued(world.p_a1, decision_date=RECALL_DAY)
    assert d.replacement.due_date == dt.date(2026, 3, 20)


def test_issuing_a_recall_proposes_an_interview_for_the_sending_unit(world):
    d = issued(world.p_a1, decision_date=RECALL_DAY)
    r5 = Decision.objects.get(rule="R5")
    assert (r5.kind, r5.unit, r5.cadre, r5.status) == (
        Decision.Kind.INTERVIEW,
        world.unit_a,
        None,
        "PROPOSED",
    )
    assert r5.period_key == f"decision:{d.pk}" and r5.subject_name == "开鲁县农业局"
    assert d.number in r5.basis
    # Running the rules again does not repeat it.
    assert rules.propose_decisions(county=world.county_a, today=dt.date(2026, 6, 1)) == []


def test_an_organizational_adjustment_is_a_recall_too(world):
    issued(
        world.p_a1, kind=Decision.Kind.ADJUSTMENT, rule="R2", period_key="2026Q3", decision_date=RECALL_DAY
    )
    assert Posting.objects.get(pk=world.p_a1.pk).status == Posting.Status.RECALLED
    assert Replacement.objects.count() == 1


def test_rewards_and_interviews_change_no_posting(world):
    issued(world.p_a1, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q1")
    assert Posting.objects.get(pk=world.p_a1.pk).status == Posting.Status.ACTIVE
    assert not Replacement.objects.exists()
    assert not Decision.objects.filter(rule="R5").exists()


def test_a_new_posting_to_the_same_village_and_role_from_the_same_unit_fulfils_the_replacement(world):
    d = issued(world.p_a1, decision_date=RECALL_DAY)
    f.PostingFactory(
        village=world.v_a1, unit=world.unit_a, role="TEAM_MEMBER", start_date=dt.date(2026, 3, 12)
    )
    other_unit = f.DispatchingUnitFactory(county=world.county_a)
    f.PostingFactory(
        village=world.v_a1,
        unit=other_unit,
        role="FIRST_SECRETARY",
        start_date=dt.date(2026, 3, 12),
        planned_end_date=dt.date(2026, 3, 13),
    )
    assert replacements.fulfil_replacements(county_id=world.county_a.pk) == 0
    new = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        role="FIRST_SECRETARY",
        start_date=dt.date(2026, 3, 15),
        planned_end_date=dt.date(2028, 3, 14),
    )
    assert replacements.fulfil_replacements(county_id=world.county_a.pk) == 1
    r = Replacement.objects.get(decision=d)
    assert (r.status, r.fulfilled_by, r.fulfilled_on) == (
        Replacement.Status.FULFILLED,
        new,
        dt.date(2026, 3, 15),
    )
    assert not r.fulfilled_late
    assert replacements.fulfil_replacements(county_id=world.county_a.pk) == 0


def test_overdue_replacements_are_listed_for_their_area_only(world):
    issued(world.p_a1, decision_date=RECALL_DAY)
    area = area_for(world.county_staff)
    assert list(overdue_replacements(area, dt.date(2026, 3, 17))) == []
    assert len(overdue_replacements(area, dt.date(2026, 3, 18))) == 1
    assert len(overdue_replacements(area_for(world.township_a1), dt.date(2026, 3, 18))) == 1
    assert list(overdue_replacements(area_for(world.township_a2), dt.date(2026, 3, 18))) == []
    assert list(overdue_replacements(area_for(world.outsider), dt.date(2026, 3, 18))) == []


def test_issuing_a_revocation_of_a_recall_cancels_its_open_replacement(world):
    d = issued(world.p_a1, decision_date=RECALL_DAY)
    new = workflow.create_correction(decision=d, user=world.county_staff, reason="事实认定有误")
    workflow.approve(decision=new, user=world.county_staff)
    workflow.issue(decision=new, user=world.county_staff, decision_date=dt.date(2026, 3, 12))
    assert Replacement.objects.get(decision=d).status == Replacement.Status.CANCELLED


def test_a_recall_of_a_posting_that_already_ended_opens_no_replacement(world):
    d = proposal(world.p_a1)
    world.p_a1.status = Posting.Status.COMPLETED
    world.p_a1.actual_end_date = dt.date(2026, 2, 28)
    world.p_a1.save()
    workflow.approve(decision=d, user=None)
    workflow.issue(decision=d, user=None, decision_date=RECALL_DAY)
    assert Posting.objects.get(pk=world.p_a1.pk).actual_end_date == dt.date(2026, 2, 28)
    assert not Replacement.objects.exists()


def test_registering_the_replacement_posting_on_the_form_fulfils_it_at_once(
    world, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    d = issued(world.p_a1, user=world.county_staff, decision_date=RECALL_DAY)
    newcomer = f.CadreFactory(home_unit=world.unit_a)
    client.force_login(world.county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cadres:posting_create"),
            {
                "cadre": newcomer.pk, "village": world.v_a1.pk, "unit": world.unit_a.pk,
                "role": "FIRST_SECRETARY", "start_date": "2026-03-15", "planned_end_date": "2027-12-31",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Replacement.objects.get(decision=d).status == Replacement.Status.FULFILLED
