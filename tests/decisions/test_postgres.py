"""PostgreSQL only: gapless numbering under concurrent issuing, and the trigger refusing raw SQL."""

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from decisions import workflow
from decisions.models import Decision
from tests.decisions.factories import issued, proposal

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_gapless_unique_numbers(world):
    decisions = []
    for i in range(12):
        d = proposal(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key=f"P{i}")
        workflow.approve(decision=d, user=world.county_staff)
        decisions.append(d.pk)
    barrier = threading.Barrier(6)
    errors = []

    def worker(pks):
        try:
            barrier.wait()
            for pk in pks:
                workflow.issue(decision=pk, user=None, decision_date=dt.date(2026, 5, 1))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(decisions[i::6],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Decision.objects.filter(pk__in=decisions).values_list("number_seq", flat=True))
    assert numbers == list(range(1, 13))
    assert set(Decision.objects.values_list("number", flat=True)) == {
        f"开鲁县驻村〔2026〕{n}号" for n in range(1, 13)
    }


@pytest.mark.django_db(transaction=True)
def test_the_same_decision_issued_twice_at_once_is_numbered_once(world):
    d = proposal(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q1")
    workflow.approve(decision=d, user=None)
    barrier = threading.Barrier(4)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            workflow.issue(decision=d.pk, user=None, decision_date=dt.date(2026, 5, 1))
            outcomes.append("issued")
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["IllegalTransition"] * 3 + ["issued"]
    assert Decision.objects.get(pk=d.pk).number == "开鲁县驻村〔2026〕1号"


def test_raw_sql_cannot_update_an_issued_decision(world):
    d = issued(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q1")
    with pytest.raises(DatabaseError, match="已签发"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_decision SET basis = %s WHERE id = %s", ["改写", d.pk])
    assert Decision.objects.get(pk=d.pk).basis != "改写"


def test_raw_sql_cannot_delete_an_issued_decision(world):
    d = issued(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q1")
    with pytest.raises(DatabaseError, match="已签发"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM decisions_decision WHERE id = %s", [d.pk])
    assert Decision.objects.filter(pk=d.pk).exists()


def test_raw_sql_cannot_rewrite_or_delete_the_workflow_log(world):
    d = issued(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q1")
    for sql in (
        "UPDATE decisions_decisionevent SET note = 'x' WHERE decision_id = %s",
        "DELETE FROM decisions_decisionevent WHERE decision_id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="流转记录"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [d.pk])
    assert d.events.count() == 3


def test_raw_sql_may_still_change_a_decision_not_yet_issued(world):
    d = proposal(world.p_a1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_decision SET basis = %s WHERE id = %s", ["补充", d.pk])
    assert Decision.objects.get(pk=d.pk).basis == "补充"
