"""R1: recall after N non-compliant months running; only months with an accepted upload count."""

import datetime as dt

from attendance.models import AttendanceUpload
from decisions.models import Decision
from decisions.rules import propose_decisions
from tests.decisions.conftest import APR, FEB, JAN, MAR, TODAY
from tests.decisions.factories import accepted_upload, monthly_total, report
from villages.models import Policy


def r1(county):
    return Decision.objects.filter(county=county, rule="R1")


def test_two_non_compliant_months_running_propose_a_recall(world):
    report(world.p_a1, [(JAN, False), (FEB, False)])
    created = propose_decisions(county=world.county_a, today=TODAY)
    assert [d.rule for d in created] == ["R1"]
    d = created[0]
    assert d.kind == Decision.Kind.RECALL and d.status == Decision.Status.PROPOSED
    assert d.cadre == world.cadre_a1 and d.posting == world.p_a1 and d.township == world.a1
    assert d.period_key == "2026-01~2026-02"
    assert [m["month"] for m in d.evidence["months"]] == ["2026-01", "2026-02"]
    assert "连续 2 个月" in d.basis
    assert d.events.get().to_status == Decision.Status.PROPOSED


def test_a_compliant_month_between_breaks_the_run(world):
    report(world.p_a1, [(JAN, False), (FEB, True), (MAR, False)])
    assert propose_decisions(county=world.county_a, today=TODAY) == []


def test_a_month_the_township_never_reported_breaks_the_run_and_does_not_count(world):
    report(world.p_a1, [(JAN, False), (MAR, False)])
    # February has totals (computed from nothing) but the township never had an upload accepted.
    monthly_total(world.p_a1, FEB, compliant=False)
    assert propose_decisions(county=world.county_a, today=TODAY) == []
    assert not r1(world.county_a).exists()


def test_a_rejected_or_pending_upload_does_not_count(world):
    report(world.p_a1, [(JAN, False)])
    accepted_upload(world.a1, FEB, status=AttendanceUpload.Status.REJECTED)
    monthly_total(world.p_a1, FEB, compliant=False)
    assert propose_decisions(county=world.county_a, today=TODAY) == []


def test_one_month_alone_is_not_enough_with_the_default_policy(world):
    report(world.p_a1, [(JAN, False), (FEB, True)])
    assert propose_decisions(county=world.county_a, today=TODAY) == []


def test_the_number_of_months_is_the_county_policy(world):
    Policy.for_county(world.county_a)
    Policy.objects.filter(county=world.county_a).update(recall_after_noncompliant_months=3)
    report(world.p_a1, [(JAN, False), (FEB, False)])
    assert propose_decisions(county=world.county_a, today=TODAY) == []
    report(world.p_a1, [(MAR, False)])
    [d] = propose_decisions(county=world.county_a, today=TODAY)
    assert d.period_key == "2026-01~2026-03"


def test_the_rule_can_be_switched_off(world):
    Policy.for_county(world.county_a)
    Policy.objects.filter(county=world.county_a).update(rule_attendance_enabled=False)
    report(world.p_a1, [(JAN, False), (FEB, False)])
    assert propose_decisions(county=world.county_a, today=TODAY) == []


def test_an_incomplete_month_does_not_count_yet(world):
    report(world.p_a1, [(MAR, False), (APR, False)])
    assert propose_decisions(county=world.county_a, today=dt.date(2026, 4, 20)) == []
    assert len(propose_decisions(county=world.county_a, today=dt.date(2026, 4, 30))) == 1


def test_rerunning_the_rules_creates_no_duplicate(world):
    report(world.p_a1, [(JAN, False), (FEB, False), (MAR, False)])
    first = propose_decisions(county=world.county_a, today=TODAY)
    second = propose_decisions(county=world.county_a, today=TODAY)
    assert len(first) == 1 and second == []
    assert r1(world.county_a).count() == 1


def test_only_the_county_asked_for_is_looked_at(world):
    report(world.p_b1, [(JAN, False), (FEB, False)])
    assert propose_decisions(county=world.county_a, today=TODAY) == []
    assert len(propose_decisions(county=world.county_b, today=TODAY)) == 1


def test_a_posting_that_already_ended_is_not_proposed_for_recall(world):
    report(world.p_a1, [(JAN, False), (FEB, False)])
    world.p_a1.status = "COMPLETED"
    world.p_a1.actual_end_date = dt.date(2026, 3, 31)
    world.p_a1.save()
    assert propose_decisions(county=world.county_a, today=TODAY) == []


def test_the_monthly_totals_hook_runs_the_rules(world):
    from decisions.rules import propose_after_monthly_totals

    report(world.p_a1, [(JAN, False), (FEB, False)])
    created = propose_after_monthly_totals(county_id=world.county_a.pk, month=FEB).created
    assert len(created) == 1
