"""Every Celery task is safe to run twice (a re-delivery after a lost worker) and has time limits.

``CASES`` holds one scenario per registered task; a new task without one fails
``test_every_task_has_a_run_twice_case``.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from appraisal.models import AnnualResult, QuarterResult
from attendance.models import AttendanceUpload, MonthlyTotal
from cadres.models import Posting
from config.celery import app
from decisions.models import Decision, Replacement
from tests.appraisal.factories import give_composite, small_scheme
from tests.attendance.helpers import matrix_xlsx
from tests.attendance.totals.factories import mark_days

MARCH = dt.date(2026, 3, 1)


def rows(model, **filters):
    names = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "computed_at")]
    return list(model.objects.filter(**filters).order_by(*names[:3]).values(*names))


def _totals(world, monkeypatch, today):
    mark_days(world.p_a1, MARCH, "√" * 20 + "×" * 2)
    mark_days(world.p_b1, MARCH, "○" * 22)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: today)
    return lambda: rows(MonthlyTotal)


def _ranking(world, monkeypatch):
    scheme = small_scheme(world.county_a)
    give_composite(world.cadre_a1, scheme, 90)
    give_composite(world.cadre_a2, scheme, 61)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 4, 3))
    return lambda: (rows(QuarterResult), rows(AnnualResult))


def _upload(world, status, *, since=None):
    upload = AttendanceUpload(
        township=world.a1,
        month=MARCH,
        as_of=dt.date(2026, 3, 31),
        status=status,
        original_name="考勤.xlsx",
        uploaded_by=world.township_a1,
        checking_since=since,
    )
    upload.file.save(
        "考勤.xlsx", ContentFile(matrix_xlsx([world.p_a1], MARCH, dt.date(2026, 3, 31))), save=False
    )
    upload.save()
    return upload


def _upload_snapshot(upload):
    return lambda: list(
        AttendanceUpload.objects.filter(pk=upload.pk).values("status", "errors", "summary", "progress")
    )


CASES = {
    "attendance.tasks.compute_monthly_totals_task": lambda w, mp: (
        (w.county_a.pk, "2026-03-01"),
        _totals(w, mp, dt.date(2026, 6, 30)),
    ),
    "attendance.tasks.compute_previous_month_all_counties": lambda w, mp: (
        (),
        _totals(w, mp, dt.date(2026, 4, 1)),
    ),
    "attendance.tasks.compute_current_month_all_counties": lambda w, mp: (
        (),
        _totals(w, mp, dt.date(2026, 3, 12)),
    ),
    "appraisal.tasks.compute_quarterly_ranking_task": lambda w, mp: (
        (w.county_a.pk, 2026, 1),
        _ranking(w, mp),
    ),
    "appraisal.tasks.rank_previous_quarter_all_counties": lambda w, mp: ((), _ranking(w, mp)),
}


def _check_case(w, mp):
    upload = _upload(w, AttendanceUpload.Status.CHECKING, since=timezone.now())
    return (upload.pk,), _upload_snapshot(upload)


def _sweep_case(w, mp):
    upload = _upload(w, AttendanceUpload.Status.CHECKING, since=timezone.now() - dt.timedelta(hours=1))
    return (), _upload_snapshot(upload)


def _rules_after_totals(w, mp):
    from attendance.totals.compute import compute_monthly_totals

    snapshot = _totals(w, mp, dt.date(2026, 6, 30))
    compute_monthly_totals(month=MARCH, county=w.county_a)
    return (w.county_a.pk, "2026-03-01"), lambda: snapshot() + rows(Decision)


def _rules_after_ranking(w, mp):
    from appraisal.ranking import compute_quarterly_ranking

    snapshot = _ranking(w, mp)
    compute_quarterly_ranking(county=w.county_a, year=2026, quarter=1)
    return (w.county_a.pk, 2026, 1), lambda: snapshot()[0] + rows(Decision)


def _replacements(w, mp):
    return (w.county_a.pk,), lambda: rows(Posting) + rows(Replacement)


CASES["decisions.tasks.rerun_after_totals_task"] = _rules_after_totals
CASES["decisions.tasks.rerun_after_ranking_task"] = _rules_after_ranking
CASES["decisions.tasks.fulfil_replacements_task"] = _replacements
CASES["attendance.tasks.check_upload_task"] = _check_case
CASES["attendance.tasks.fail_stuck_checks_task"] = _sweep_case


def _checkin_partitions(w, mp):
    from checkins.partitions import CHECKINS

    # On PostgreSQL the run makes this month's partition and the next two; a second run makes none.
    return (), lambda: ["check-in partitions:", *CHECKINS.month_partitions()]


CASES["checkins.tasks.make_partitions_ahead_task"] = _checkin_partitions


def project_tasks():
    # Autodiscovery is lazy: import every app's tasks module now, as a worker does at start-up.
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_has_a_run_twice_case():
    assert project_tasks() == set(CASES)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("name", sorted(CASES))
def test_running_a_task_twice_leaves_what_running_it_once_left(name, world, monkeypatch, media):
    args, snapshot = CASES[name](world, monkeypatch)
    assert name in project_tasks()
    task = app.tasks[name]

    task.delay(*args).get()
    once = snapshot()
    task.delay(*args).get()

    assert once == snapshot()
    # The job did produce something to compare (each part, for the ranking's quarter and year).
    assert all(once) if isinstance(once, tuple) else once


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_task_is_acked_late_limited_in_time_and_redelivered_before_it_could_still_run(name):
    assert name in project_tasks()
    task = app.tasks[name]
    hard = task.time_limit or app.conf.task_time_limit
    soft = task.soft_time_limit or app.conf.task_soft_time_limit
    assert task.acks_late is True
    assert 0 < soft < hard
    assert app.conf.broker_transport_options["visibility_timeout"] > hard


def test_a_lost_worker_puts_its_task_back_on_the_queue():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True


def test_a_ranking_run_twice_keeps_one_row_per_cadre(world, monkeypatch):
    snapshot = _ranking(world, monkeypatch)
    assert "appraisal.tasks.compute_quarterly_ranking_task" in project_tasks()
    task = app.tasks["appraisal.tasks.compute_quarterly_ranking_task"]
    task.delay(world.county_a.pk, 2026, 1).get()
    task.delay(world.county_a.pk, 2026, 1).get()
    quarter, year = snapshot()
    assert [r["composite"] for r in quarter] in (
        [Decimal("90.00"), Decimal("61.00")],
        [Decimal("61.00"), Decimal("90.00")],
    )
    assert len(year) == 2
