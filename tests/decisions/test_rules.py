"""The proposer of ``decisions.rules``: a rule run writes its proposals set-based (issue 18) and the
rows are those the one-at-a-time writer made — decisions, first events and history alike."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from core import history
from decisions import rules
from decisions.models import Decision, DecisionEvent
from tests import factories as f
from tests.decisions.conftest import TODAY
from tests.decisions.factories import quarter_result

Rule = Decision.Rule
GRADE_RULES = {Rule.R2, Rule.R4}


def _cadres(world, n):
    """``n`` cadres, each in a village of their own; odd ones 优秀 twice, even ones 较差 twice."""
    for i in range(n):
        village = f.VillageFactory(township=world.a1, code=f"15052310{i:04d}")
        posting = f.PostingFactory(village=village, unit=world.unit_a)
        grade = "EXCELLENT" if i % 2 else "POOR"
        for quarter in (1, 2):
            quarter_result(posting, 2026, quarter, grade, rank=i + 1)


def _written():
    """Everything a run wrote, without ids and times, in the order it was written."""
    decisions = list(
        Decision.objects.order_by("id").values_list(
            "county_id", "township_id", "kind", "rule", "status", "interviewer", "cadre_id", "unit_id",
            "posting_id", "subject_key", "period_key", "period_start", "period_end", "basis", "evidence",
            "proposed_on", "created_by_id",
        )
    )  # fmt: skip
    events = list(
        DecisionEvent.objects.order_by("id").values_list(
            "decision__subject_key", "decision__period_key", "from_status", "to_status", "note", "actor_id"
        )
    )
    history = list(
        Decision.history.order_by("history_id").values_list(
            "subject_key", "period_key", "status", "basis", "history_type", "history_change_reason",
            "history_user_id",
        )
    )  # fmt: skip
    return decisions, events, history


class _Undo(Exception):
    pass


def _run_and_undo(**kwargs):
    """Run the rules, note what they wrote, then roll it back (events cannot be deleted on PostgreSQL)."""
    try:
        with transaction.atomic():
            run = rules.rerun_rules(**kwargs)
            written = (run, _written())
            raise _Undo
    except _Undo:
        return written


def test_a_rule_run_over_many_cadres_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    _cadres(world, 60)
    with django_assert_max_num_queries(25):
        run = rules.rerun_rules(county=world.county_a, rules=GRADE_RULES, today=TODAY)
    # 30 cadres 较差 twice: 约谈 by the minister, then by the secretary; 30 优秀 twice: two 通报表扬.
    assert len(run.created) == 120
    assert all(d.pk for d in run.created)
    assert DecisionEvent.objects.filter(decision__county=world.county_a).count() == 120
    assert Decision.history.filter(history_type="+").count() == 120
    # A rerun re-checks the 120 open proposals with the county's evidence read once per kind, and
    # proposes nothing new.
    with django_assert_max_num_queries(25):
        again = rules.rerun_rules(county=world.county_a, rules=GRADE_RULES, today=TODAY)
    assert again.created == [] and again.withdrawn == []
    assert Decision.objects.count() == 120


def test_batches_write_the_same_rows_as_one_proposal_at_a_time(world, monkeypatch):
    _cadres(world, 12)
    monkeypatch.setattr(rules.Proposer, "batch_size", 5)  # several batches and a remainder
    bulk, batched = _run_and_undo(county=world.county_a, rules=GRADE_RULES, today=TODAY)

    def refused(*args, **kwargs):
        raise IntegrityError("forced: write one at a time")

    # Every batch refused: each proposal is written on its own, as the proposer did before.
    monkeypatch.setattr(rules, "bulk_create_with_history", refused)
    single, one_by_one = _run_and_undo(county=world.county_a, rules=GRADE_RULES, today=TODAY)
    assert len(bulk.created) == len(single.created) == 24
    assert one_by_one == batched
    assert [d.period_key for d in bulk.created] == [d.period_key for d in single.created]


def test_a_proposal_another_run_made_meanwhile_is_skipped_and_the_rest_written(world):
    p = rules.Proposer(world.county_a, TODAY)
    for posting in (world.p_a1, world.p_a2):
        p.propose(
            rule=Rule.R2,
            kind=Decision.Kind.INTERVIEW,
            interviewer=Decision.Interviewer.ORG_MINISTER,
            cadre_id=posting.cadre_id,
            posting_id=posting.pk,
            township_id=posting.village.township_id,
            period_key="2026Q1",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
            basis="2026年第1季度考核等次较差",
            evidence={},
        )
    # Another run writes the first one between this run's read and its write.
    other = rules.Proposer(world.county_a, TODAY)
    other.propose(
        rule=Rule.R2,
        kind=Decision.Kind.INTERVIEW,
        cadre_id=world.cadre_a1.pk,
        posting_id=world.p_a1.pk,
        period_key="2026Q1",
        basis="另一次运行",
        evidence={},
    )
    other.flush()
    p.flush()
    assert [d.cadre_id for d in p.created] == [world.cadre_a2.pk]
    assert Decision.objects.filter(rule=Rule.R2, period_key="2026Q1").count() == 2
    assert DecisionEvent.objects.count() == 2
    assert Decision.history.count() == 2


def test_history_rows_carry_the_path_and_the_user_as_a_save_would(world):
    _cadres(world, 2)
    run, (_decisions, _events, records) = _run_and_undo(county=world.county_a, rules=GRADE_RULES, today=TODAY)
    assert len(run.created) == 4
    assert [(r[4], r[5], r[6]) for r in records] == [("+", history.COMMAND, None)] * 4
    request = RequestFactory().get("/")
    request.user = world.admin
    HistoricalRecords.context.request = request
    try:
        with history.change_path(history.PAGE):
            run = rules.rerun_rules(county=world.county_a, rules=GRADE_RULES, today=TODAY)
    finally:
        del HistoricalRecords.context.request
    records = Decision.history.filter(id__in=[d.pk for d in run.created])
    assert {(r.history_change_reason, r.history_user) for r in records} == {(history.PAGE, world.admin)}
