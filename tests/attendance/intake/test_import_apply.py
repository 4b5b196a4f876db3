"""Applying a valid file: replace the township-month in one transaction, history, totals on commit."""

import datetime as dt
import hashlib

import pytest

from attendance.intake import versions, write
from attendance.intake.write import import_attendance
from attendance.models import AttendanceRecord, AttendanceUpload
from tests.attendance.helpers import long_xlsx, matrix_xlsx

pytestmark = pytest.mark.django_db


def records(township):
    return sorted(
        AttendanceRecord.objects.filter(township=township).values_list(
            "cadre_id", "date", "status", "posting_id"
        )
    )


def test_a_valid_file_replaces_the_month_and_is_recorded_as_accepted(
    world, month, as_of, django_capture_on_commit_callbacks
):
    data = matrix_xlsx([world.p_a1], month, as_of)
    with django_capture_on_commit_callbacks(execute=False):
        result = import_attendance(
            township=world.a1, month=month, file=data, as_of=as_of, user=world.township_a1
        )
    assert result.applied
    upload = result.upload
    assert upload.status == AttendanceUpload.Status.ACCEPTED
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.uploaded_by == world.township_a1
    assert upload.file.read() == data
    assert upload.summary["days"] == 20 and upload.summary["diff"]["added"] == 20
    rows = AttendanceRecord.objects.filter(township=world.a1, month=month)
    assert rows.count() == 20
    assert set(rows.values_list("upload_id", flat=True)) == {upload.pk}
    assert set(rows.values_list("posting_id", flat=True)) == {world.p_a1.pk}


def test_uploading_the_same_file_twice_leaves_the_same_records(world, month, as_of):
    data = matrix_xlsx([world.p_a1], month, as_of)
    import_attendance(township=world.a1, month=month, file=data, as_of=as_of)
    first = records(world.a1)
    second = import_attendance(township=world.a1, month=month, file=data, as_of=as_of)
    assert records(world.a1) == first
    assert second.summary["diff"] == {"added": 0, "changed": 0, "removed": 0, "unchanged": 20}


def test_a_reupload_supersedes_the_earlier_upload_and_reports_the_changes(world, month, as_of):
    first = import_attendance(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
    )

    def edit(rows):
        rows[0][4] = "○"

    second = import_attendance(
        township=world.a1,
        month=month,
        file=long_xlsx([world.p_a1], month, dt.date(2026, 3, 22)),
        as_of=dt.date(2026, 3, 22),
    )
    first.upload.refresh_from_db()
    assert first.upload.status == AttendanceUpload.Status.SUPERSEDED
    assert second.upload.status == AttendanceUpload.Status.ACCEPTED
    assert second.summary["diff"] == {"added": 2, "changed": 0, "removed": 0, "unchanged": 20}
    third = import_attendance(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of, edit=edit), as_of=as_of
    )
    assert third.summary["diff"] == {"added": 0, "changed": 1, "removed": 2, "unchanged": 19}
    assert AttendanceRecord.objects.filter(township=world.a1).count() == 20
    assert AttendanceRecord.objects.get(date=month).status == "ON_SITE"


def test_a_rejected_file_never_disturbs_accepted_data(world, month, as_of):
    good = import_attendance(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
    )
    before = records(world.a1)

    def edit(rows):
        rows[0][4] = "Q"

    bad = import_attendance(
        township=world.a1,
        month=month,
        file=matrix_xlsx([world.p_a1], month, as_of, edit=edit),
        as_of=as_of,
        keep_rejected=True,
    )
    assert not bad.ok and bad.upload.status == AttendanceUpload.Status.REJECTED
    assert bad.upload.errors == [{"cell": "考勤!E4", "message": bad.errors[0].message}]
    assert records(world.a1) == before
    good.upload.refresh_from_db()
    assert good.upload.status == AttendanceUpload.Status.ACCEPTED


def test_a_dry_run_writes_nothing(world, month, as_of):
    result = import_attendance(
        township=world.a1,
        month=month,
        file=matrix_xlsx([world.p_a1], month, as_of),
        as_of=as_of,
        dry_run=True,
    )
    assert result.ok and not result.applied
    assert not AttendanceRecord.objects.exists() and not AttendanceUpload.objects.exists()


def test_other_townships_and_months_are_untouched(world, month, as_of):
    import_attendance(
        township=world.a2, month=month, file=matrix_xlsx([world.p_a2], month, as_of), as_of=as_of
    )
    feb = dt.date(2026, 2, 1)
    import_attendance(township=world.a1, month=feb, file=matrix_xlsx([world.p_a1], feb, as_of), as_of=as_of)
    import_attendance(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
    )
    assert AttendanceRecord.objects.filter(township=world.a2).count() == 20
    assert AttendanceRecord.objects.filter(township=world.a1, month=feb).count() == 28


def test_monthly_totals_are_enqueued_on_commit(
    world, month, as_of, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    from attendance.intake import write

    monkeypatch.setattr(write, "enqueue_monthly_totals", lambda **kw: calls.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        import_attendance(
            township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
        )
    assert calls == [{"county_id": world.county_a.pk, "month": month}]


def test_stage_and_apply_use_the_stored_file(world, month, as_of):
    upload = versions.stage_upload(
        township=world.a1,
        month=month,
        file=matrix_xlsx([world.p_a1], month, as_of),
        as_of=as_of,
        user=world.township_a1,
    )
    assert upload.status == AttendanceUpload.Status.PENDING
    assert not AttendanceRecord.objects.exists()
    result = write.apply_upload(upload=upload, user=world.township_a1)
    assert result.applied and result.upload.pk == upload.pk
    upload.refresh_from_db()
    assert upload.status == AttendanceUpload.Status.ACCEPTED
    assert AttendanceRecord.objects.count() == 20
