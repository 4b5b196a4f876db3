"""Celery queues a county can spread over machines: every task routed by name (issue 18)."""

import re
from pathlib import Path

from django.conf import settings

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _zhucun_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def _queue_of(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_upload_checks_go_to_the_intake_queue():
    assert _queue_of("attendance.tasks.check_upload_task") == "intake"


def test_totals_and_rankings_go_to_the_reports_queue():
    for name in (
        "attendance.tasks.compute_monthly_totals_task",
        "attendance.tasks.compute_previous_month_all_counties",
        "attendance.tasks.compute_current_month_all_counties",
        "appraisal.tasks.compute_quarterly_ranking_task",
        "appraisal.tasks.rank_previous_quarter_all_counties",
    ):
        assert _queue_of(name) == "reports", name


def test_every_task_of_the_project_has_a_route():
    tasks = _zhucun_tasks()
    assert "attendance.tasks.check_upload_task" in tasks
    assert sorted(tasks - set(settings.CELERY_TASK_ROUTES)) == []
    assert sorted(set(settings.CELERY_TASK_ROUTES) - tasks) == []  # no route for a task that is gone


def test_every_scheduled_task_lands_on_a_queue_the_workers_consume():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert _queue_of(entry["task"]) in settings.ZHUCUN_WORKER_QUEUES


def test_make_run_and_make_worker_consume_every_queue():
    makefile = (ROOT / "Makefile").read_text()
    default = re.search(r"^QUEUES \?= (\S+)$", makefile, re.M)
    assert default and set(default.group(1).split(",")) == set(settings.ZHUCUN_WORKER_QUEUES)
    commands = [line for line in makefile.splitlines() if "celery -A config worker" in line]
    assert len(commands) == 3  # make run, make serve and make worker
    assert all("-Q $(QUEUES)" in command for command in commands)
