"""The Celery side: enqueue on commit, the beat fan-out, the decisions hook, a real worker."""

import datetime as dt

import pytest

from attendance.models import MonthlyTotal
from attendance.totals.tasks import (
    compute_current_month_all_counties,
    compute_monthly_totals_task,
    compute_previous_month_all_counties,
    enqueue_monthly_totals,
)
from config.schedules import CELERY_BEAT_SCHEDULE
from tests.attendance.totals.conftest import MARCH
from tests.attendance.totals.factories import mark_days


def test_enqueue_waits_for_the_commit_then_computes(world, django_capture_on_commit_callbacks):
    mark_days(world.p_a1, MARCH, "√" * 22)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_monthly_totals(county_id=world.county_a.pk, month=MARCH)
    assert len(callbacks) == 1
    assert not MonthlyTotal.objects.exists()

    callbacks[0]()

    row = MonthlyTotal.objects.get(posting=world.p_a1, month=MARCH)
    assert (row.on_site_days, row.compliant) == (22, True)


def test_enqueue_runs_the_task_with_primitive_arguments(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(compute_monthly_totals_task, "delay", lambda *args: sent.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_monthly_totals(county_id=world.county_a.pk, month=dt.date(2026, 3, 17))

    assert sent == [(world.county_a.pk, "2026-03-01")]


def test_the_task_computes_and_announces_the_month_it_was_given(world, django_capture_on_commit_callbacks):
    from attendance.totals.signals import totals_changed

    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    totals_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rows = compute_monthly_totals_task.delay(world.county_a.pk, "2026-03-01").get()
    finally:
        totals_changed.disconnect(receiver)

    assert rows == 2
    assert [(c["county_id"], c["month"]) for c in calls] == [(world.county_a.pk, MARCH)]


def test_the_task_retries_database_hiccups_and_acks_late():
    assert compute_monthly_totals_task.acks_late is True
    from django.db import OperationalError

    assert OperationalError in compute_monthly_totals_task.autoretry_for


def test_the_beat_names_are_registered_tasks():
    from config.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovery of every task module
    for entry in CELERY_BEAT_SCHEDULE.values():
        if entry["task"].startswith("attendance."):
            assert entry["task"] in app.tasks


def test_previous_month_job_computes_every_county(world, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 4, 1))

    assert compute_previous_month_all_counties.delay().get() == 2

    assert MonthlyTotal.objects.filter(month=MARCH).count() == 3
    assert set(MonthlyTotal.objects.values_list("county_id", flat=True)) == {
        world.county_a.pk,
        world.county_b.pk,
    }


def test_current_month_job_counts_up_to_today(world, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 3, 12))

    compute_current_month_all_counties.delay().get()

    assert set(MonthlyTotal.objects.filter(month=MARCH).values_list("posted_days", flat=True)) == {12}


@pytest.mark.worker
@pytest.mark.postgres
def test_a_real_worker_computes_the_month(celery_worker_process):
    from tests import factories as f

    county = f.CountyFactory(code="150598")
    posting = f.PostingFactory(village=f.VillageFactory(township=f.TownshipFactory(county=county)))
    mark_days(posting, MARCH, "√" * 16 + "○" * 6)

    result = compute_monthly_totals_task.delay(county.pk, "2026-03-01")

    assert result.get(timeout=60) == 1
    row = MonthlyTotal.objects.get(posting=posting, month=MARCH)
    assert (row.posted_days, row.on_site_days, row.overnight_days, row.compliant) == (31, 22, 16, True)
