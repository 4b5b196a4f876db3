"""An upload whose check was lost (worker killed, time limit) ends as 检查失败 and is re-checked in one click."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from attendance.intake.queue import fail_stuck_checks
from attendance.intake.tasks import check_upload_task, fail_stuck_checks_task
from attendance.models import AttendanceUpload
from config.schedules import CELERY_BEAT_SCHEDULE
from tests.attendance.helpers import matrix_xlsx

MARCH = dt.date(2026, 3, 1)
Status = AttendanceUpload.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def checking(world, minutes_ago, township=None, **extra):
    upload = AttendanceUpload(
        township=township or world.a1,
        month=MARCH,
        as_of=dt.date(2026, 3, 31),
        status=Status.CHECKING,
        original_name="考勤.xlsx",
        uploaded_by=world.township_a1,
        checking_since=timezone.now() - dt.timedelta(minutes=minutes_ago),
        **extra,
    )
    upload.file.save(
        "考勤.xlsx", ContentFile(matrix_xlsx([world.p_a1], MARCH, dt.date(2026, 3, 31))), save=False
    )
    upload.save()
    return upload


def test_the_sweeper_fails_only_checks_stuck_past_the_limit(world, settings):
    settings.ZHUCUN_STUCK_CHECK_MINUTES = 10
    stuck = checking(world, 11)
    fresh = checking(world, 3)

    assert fail_stuck_checks_task.delay().get() == 1

    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == Status.FAILED and stuck.decided_at is not None
    assert "超过 10 分钟" in stuck.errors[0]["message"] and "重新检查" in stuck.errors[0]["message"]
    assert fresh.status == Status.CHECKING


def test_the_sweeper_leaves_finished_uploads_alone(world):
    done = checking(world, 60)
    AttendanceUpload.objects.filter(pk=done.pk).update(status=Status.PENDING)

    assert fail_stuck_checks() == 0
    done.refresh_from_db()
    assert done.status == Status.PENDING


def test_uploads_from_before_the_checking_clock_use_their_upload_time(world):
    old = checking(world, 0)
    AttendanceUpload.objects.filter(pk=old.pk).update(
        checking_since=None, uploaded_at=timezone.now() - dt.timedelta(hours=2)
    )

    assert fail_stuck_checks() == 1


def test_the_sweeper_runs_on_beat_every_five_minutes():
    entry = CELERY_BEAT_SCHEDULE["fail-stuck-upload-checks"]
    assert entry["task"] == fail_stuck_checks_task.name
    assert entry["schedule"].minute == set(range(0, 60, 5))


def test_a_late_check_does_not_overwrite_a_failed_upload(world):
    upload = checking(world, 30)
    fail_stuck_checks()

    assert check_upload_task.delay(upload.pk).get() == "skipped"
    upload.refresh_from_db()
    assert upload.status == Status.FAILED


def test_a_check_that_hits_its_soft_time_limit_ends_failed(world, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def too_slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("attendance.intake.tasks.stage_upload", too_slow)
    upload = checking(world, 0)

    assert check_upload_task.delay(upload.pk).get() == Status.FAILED
    upload.refresh_from_db()
    assert upload.status == Status.FAILED and "重新检查" in upload.errors[0]["message"]


def test_the_failed_page_explains_and_offers_a_recheck(world, client_for):
    upload = checking(world, 30)
    fail_stuck_checks()

    html = client_for(world.township_a1).get(reverse("attendance:upload_detail", args=[upload.pk])).content
    html = html.decode()
    assert "检查失败" in html and "重新检查" in html
    assert reverse("attendance:upload_recheck", args=[upload.pk]) in html


def test_recheck_checks_the_stored_file_again(world, client_for):
    upload = checking(world, 30)
    fail_stuck_checks()

    response = client_for(world.township_a1).post(
        reverse("attendance:upload_recheck", args=[upload.pk]), follow=True
    )

    upload.refresh_from_db()
    assert upload.status == Status.PENDING, upload.errors
    assert upload.errors == [] and upload.progress == 100
    assert "已重新开始检查" in response.content.decode()


def test_only_failed_uploads_can_be_rechecked(world, client_for):
    upload = checking(world, 0)
    AttendanceUpload.objects.filter(pk=upload.pk).update(status=Status.REJECTED)

    response = client_for(world.township_a1).post(
        reverse("attendance:upload_recheck", args=[upload.pk]), follow=True
    )

    upload.refresh_from_db()
    assert upload.status == Status.REJECTED
    assert "只有“检查失败”的文件可以重新检查" in response.content.decode()


def test_recheck_is_scoped_and_needs_a_post(world, client_for):
    upload = checking(world, 30)
    fail_stuck_checks()
    url = reverse("attendance:upload_recheck", args=[upload.pk])

    assert client_for(world.outsider).post(url).status_code == 404
    assert client_for(world.township_a2).post(url).status_code == 404
    assert client_for(world.county_staff).get(url).status_code == 405
    upload.refresh_from_db()
    assert upload.status == Status.FAILED
