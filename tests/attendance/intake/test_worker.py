"""The upload check in a real Celery worker (CI's PostgreSQL + Redis run): the page polls, then confirms."""

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.models import AttendanceRecord, AttendanceUpload
from tests.attendance.helpers import matrix_xlsx


@pytest.mark.postgres
def test_a_real_worker_checks_the_upload_while_the_page_polls(celery_worker_process, world, client_for):
    month, as_of = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    client = client_for(world.township_a1)
    data = matrix_xlsx([world.p_a1], month, as_of)
    client.post(
        reverse("attendance:upload"),
        {"township": world.a1.pk, "month": "2026-03", "file": SimpleUploadedFile("考勤.xlsx", data)},
    )
    upload = AttendanceUpload.objects.get()
    url = reverse("attendance:upload_detail", args=[upload.pk])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.status != AttendanceUpload.Status.CHECKING:
            break
        assert 'hx-trigger="every 1s"' in client.get(url, HTTP_HX_REQUEST="true").content.decode()
        time.sleep(0.2)
    assert upload.status == AttendanceUpload.Status.PENDING, upload.errors
    assert "检查通过" in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    client.post(reverse("attendance:upload_confirm", args=[upload.pk]))
    assert AttendanceRecord.objects.filter(township=world.a1).count() == 31
