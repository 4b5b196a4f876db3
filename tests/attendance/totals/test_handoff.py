"""The hand-off upward (issue #16): a county-month's totals → ``totals_changed`` → the decisions
pipeline → R1 for *that* month. The month the totals task was given must reach the rules."""

import datetime as dt

import pytest

from attendance.totals.tasks import compute_monthly_totals_task
from decisions.models import Decision
from decisions.tasks import rerun_after_totals_task
from tests.attendance.totals.conftest import MARCH
from tests.decisions.factories import report

JAN, FEB, APR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 4, 1)
TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    return TODAY


def test_the_month_the_totals_task_was_given_reaches_the_rules(
    world, today, monkeypatch, django_capture_on_commit_callbacks
):
    # The decisions task the pipeline enqueues is the rules' entry: it is handed the same month.
    handed = []
    monkeypatch.setattr(rerun_after_totals_task, "delay", lambda *args: handed.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        compute_monthly_totals_task.delay(world.county_a.pk, MARCH.isoformat()).get()

    assert handed == [(world.county_a.pk, MARCH.isoformat())]


def test_the_totals_of_one_month_propose_a_recall_whose_run_contains_it(
    world, today, django_capture_on_commit_callbacks
):
    report(world.p_a1, [(JAN, False), (FEB, False)])
    with django_capture_on_commit_callbacks(execute=True):
        compute_monthly_totals_task.delay(world.county_a.pk, FEB.isoformat()).get()

    # February's totals were recomputed (from no records: unreported, not compliant) and the run
    # January–February contains February: R1 proposes the recall.
    assert list(
        Decision.objects.filter(county=world.county_a, rule="R1").values_list("period_key", flat=True)
    ) == ["2026-01~2026-02"]


def test_the_totals_of_a_later_month_leave_an_earlier_run_to_its_own_months(
    world, today, django_capture_on_commit_callbacks
):
    report(world.p_a1, [(JAN, False), (FEB, False)])
    with django_capture_on_commit_callbacks(execute=True):
        compute_monthly_totals_task.delay(world.county_a.pk, APR.isoformat()).get()

    # April has no accepted upload, so it is not part of any run; the January–February run does not
    # contain April, and R1 run for April's totals proposes nothing.
    assert not Decision.objects.filter(county=world.county_a, rule="R1").exists()
