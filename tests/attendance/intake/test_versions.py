"""Upload versioning (DOMAIN.md §4): only the newest check of a township-month can be applied,
once, by someone recorded; the upload date itself may be blank; 休 needs no leave request."""

import datetime as dt
import io
import threading

import openpyxl
import pytest
from django.db import connection, connections
from django.urls import reverse

from attendance.intake.check import check_file
from attendance.intake.template import build_template
from attendance.intake.versions import stage_upload
from attendance.intake.write import apply_upload, import_attendance
from attendance.models import AttendanceRecord, AttendanceUpload
from tests.attendance.helpers import long_xlsx, matrix_xlsx
from villages.models import Policy

Status = AttendanceUpload.Status


def _records(world, month):
    return sorted(
        AttendanceRecord.objects.filter(township=world.a1, month=month).values_list("date", "status")
    )


def test_an_older_pending_upload_is_refused_after_a_newer_one_is_accepted(world, month, as_of):
    older = stage_upload(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of, mark="○"), as_of=as_of
    )
    assert older.status == Status.PENDING
    # A newer file of the same month is accepted directly (the command's path).
    newer = import_attendance(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
    )
    assert newer.applied
    kept = _records(world, month)

    older.refresh_from_db()
    assert older.status == Status.SUPERSEDED and older.get_status_display() == "已被新上传替代"
    result = apply_upload(upload=older, user=world.township_a1)

    assert not result.applied and "已被新上传替代" in result.refusal
    assert _records(world, month) == kept
    assert AttendanceUpload.objects.get(pk=newer.upload.pk).status == Status.ACCEPTED


def test_a_pending_upload_checked_before_another_was_accepted_is_refused_inside_the_lock(world, month, as_of):
    older = stage_upload(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of, mark="○"), as_of=as_of
    )
    newer = import_attendance(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
    )
    # Even if the older one were still marked pending (a race with the supersession), the
    # confirmation re-checks under the lock that nothing was accepted since its check.
    AttendanceUpload.objects.filter(pk=older.pk).update(status=Status.PENDING)
    older.refresh_from_db()

    result = apply_upload(upload=older, user=world.township_a1)

    assert not result.applied and "已采用了另一份考勤" in result.refusal
    assert AttendanceUpload.objects.get(pk=newer.upload.pk).status == Status.ACCEPTED


def test_a_new_upload_supersedes_the_older_waiting_ones_and_their_confirm_button_goes(
    world, client_for, month, as_of
):
    first = stage_upload(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of, mark="○"), as_of=as_of
    )
    second = stage_upload(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
    )
    first.refresh_from_db()
    assert (first.status, second.status) == (Status.SUPERSEDED, Status.PENDING)

    client = client_for(world.township_a1)
    page = client.get(reverse("attendance:upload_detail", args=[first.pk])).content.decode()
    assert "已被新上传替代" in page
    assert reverse("attendance:upload_confirm", args=[first.pk]) not in page
    response = client.post(reverse("attendance:upload_confirm", args=[first.pk]), follow=True)
    assert "已被新上传替代" in response.content.decode()
    assert not AttendanceRecord.objects.filter(township=world.a1).exists()
    assert (
        reverse("attendance:upload_confirm", args=[second.pk])
        in client.get(reverse("attendance:upload_detail", args=[second.pk])).content.decode()
    )


def test_a_confirmation_records_who_and_when_and_does_not_apply_twice(world, client_for, month, as_of):
    upload = stage_upload(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
    )
    first = apply_upload(upload=upload, user=world.township_a1)
    upload.refresh_from_db()
    assert first.applied and upload.confirmed_by == world.township_a1 and upload.confirmed_at is not None

    # A second confirmation of the same (stale) object is refused, not applied again.
    stale = AttendanceUpload.objects.get(pk=upload.pk)
    stale.status = Status.PENDING
    again = apply_upload(upload=stale, user=world.county_staff)
    assert not again.applied and "已经确认采用" in again.refusal
    upload.refresh_from_db()
    assert upload.confirmed_by == world.township_a1
    page = client_for(world.township_a1).get(reverse("attendance:upload_detail", args=[upload.pk]))
    assert 'id="upload-confirmed"' in page.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_the_same_instant_apply_once(
    world, month, as_of, django_capture_on_commit_callbacks
):
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL")
    upload = stage_upload(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
    )
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def confirm(user):
        try:
            row = AttendanceUpload.objects.get(pk=upload.pk)
            barrier.wait()
            result = apply_upload(upload=row, user=user)
            outcomes.append((result.applied, result.refusal))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(u,)) for u in (world.township_a1, world.county_staff)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert sorted(applied for applied, _r in outcomes) == [False, True]
    assert [r for applied, r in outcomes if not applied] == ["该文件已经确认采用，不会重复采用"]
    assert AttendanceUpload.objects.filter(pk=upload.pk, status=Status.ACCEPTED).count() == 1
    assert AttendanceRecord.objects.filter(township=world.a1, month=month).count() == 20


# ----------------------------------------------------------------------------- the upload date, 休


def test_the_upload_date_itself_may_be_blank_but_earlier_days_may_not(world, month, as_of):
    # Every posted day before the upload date is marked, the upload date (20 March) is blank.
    blank_today = long_xlsx([world.p_a1], month, as_of - dt.timedelta(days=1))
    assert check_file(township=world.a1, month=month, file=blank_today, as_of=as_of).ok

    marked_today = long_xlsx([world.p_a1], month, as_of)
    assert check_file(township=world.a1, month=month, file=marked_today, as_of=as_of).ok

    missing_yesterday = long_xlsx([world.p_a1], month, as_of - dt.timedelta(days=2))
    result = check_file(township=world.a1, month=month, file=missing_yesterday, as_of=as_of)
    assert [e.message for e in result.errors] == [f"{world.cadre_a1.name} 缺少以下驻村日期的考勤：3月19日"]


def test_rest_days_need_no_leave_request_but_personal_leave_does(world, month, as_of):
    def marks(rows):
        rows[0][3] = "休"
        rows[1][3] = "事"

    data = long_xlsx([world.p_a1], month, as_of, edit=marks)
    result = check_file(township=world.a1, month=month, file=data, as_of=as_of)

    assert result.ok
    assert len(result.warnings) == 1 and "标为请假" in result.warnings[0].message
    assert result.warnings[0].cell.endswith("3")  # the 事 row, not the 休 one


def _on_site_formula(world, month):
    book = openpyxl.load_workbook(io.BytesIO(build_template(township=world.a1, month=month)))
    sheet = book.active
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("=COUNTIF"):
                return cell.value
    raise AssertionError("no 在岗天数 formula")


def test_the_template_counts_official_trips_on_site_only_when_the_policy_does(world, month):
    assert '"公"' in _on_site_formula(world, month)
    Policy.for_county(world.county_a)
    Policy.objects.filter(county=world.county_a).update(trip_counts_on_site=False)
    formula = _on_site_formula(world, month)
    assert '"公"' not in formula and '"√"' in formula and '"○"' in formula
