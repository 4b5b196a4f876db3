"""A task that fails for good is recorded for the admins: admin list and dashboard count."""

import pytest
from django.urls import reverse

from core.jobs import record_failure, record_success
from core.models import JobRun, TaskFailure


@pytest.fixture
def failing_task():
    from config.celery import app

    @app.task(name="tests.ops.always_fails", acks_late=True)
    def always_fails(county_id, month_iso):
        raise ValueError("这个县的月份不存在")

    yield always_fails
    app.tasks.pop("tests.ops.always_fails", None)


def test_a_failed_task_is_recorded_with_its_name_arguments_and_error(db, failing_task):
    # As in a worker: the error is stored, not raised into the caller (eager tasks propagate instead).
    result = failing_task.apply(args=(7, "2026-03-01"), throw=False)

    assert result.failed()
    failure = TaskFailure.objects.get()
    assert failure.task_name == "tests.ops.always_fails"
    assert failure.args == [7, "2026-03-01"]
    assert failure.error == "ValueError: 这个县的月份不存在"
    assert "always_fails" in failure.traceback
    assert failure.failed_at is not None and not failure.resolved


def test_unserialisable_arguments_are_kept_as_text(db):
    record_failure(task_name="x", task_id="1", args=[object()], kwargs={"d": {1}}, error=RuntimeError("boom"))

    failure = TaskFailure.objects.get()
    assert failure.args[0].startswith("<object object") and failure.kwargs == {"d": "{1}"}


def test_only_periodic_jobs_record_their_last_success(db):
    record_success(task_name="attendance.tasks.compute_current_month_all_counties")
    record_success(task_name="attendance.tasks.compute_monthly_totals_task")
    record_success(task_name="attendance.tasks.compute_current_month_all_counties")

    assert list(JobRun.objects.values_list("task_name", flat=True)) == [
        "attendance.tasks.compute_current_month_all_counties"
    ]


def test_a_periodic_job_records_its_success_when_it_runs(world):
    from attendance.intake.tasks import fail_stuck_checks_task

    fail_stuck_checks_task.delay().get()

    assert JobRun.objects.filter(task_name=fail_stuck_checks_task.name).exists()


def test_the_admin_lists_failures_for_superusers_only(world, client_for):
    record_failure(task_name="tests.ops.x", task_id="abc", args=[1], kwargs={}, error=ValueError("坏了"))
    url = reverse("admin:core_taskfailure_changelist")

    html = client_for(world.admin).get(url).content.decode()
    assert "tests.ops.x" in html and "坏了" in html

    world.county_staff.is_staff = True
    world.county_staff.save()
    assert client_for(world.county_staff).get(url).status_code == 403


def test_the_admin_marks_failures_handled(world, client_for):
    record_failure(task_name="tests.ops.x", task_id="abc", args=[1], kwargs={}, error=ValueError("坏了"))
    failure = TaskFailure.objects.get()

    client_for(world.admin).post(
        reverse("admin:core_taskfailure_changelist"),
        {"action": "mark_resolved", "_selected_action": [failure.pk]},
    )

    failure.refresh_from_db()
    assert failure.resolved


def test_the_dashboard_counts_unhandled_failures_for_the_admin_only(world, client_for):
    record_failure(task_name="a", task_id="1", args=[], kwargs={}, error=ValueError("x"))
    record_failure(task_name="b", task_id="2", args=[], kwargs={}, error=ValueError("y"))
    TaskFailure.objects.filter(task_name="b").update(resolved=True)

    html = client_for(world.admin).get(reverse("dashboard")).content.decode()
    assert "1 个后台任务失败未处理" in html
    assert reverse("admin:core_taskfailure_changelist") in html

    html = client_for(world.county_staff).get(reverse("dashboard")).content.decode()
    assert "后台任务失败" not in html
