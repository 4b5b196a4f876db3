import threading

import pytest
from django.db import connection, connections

from attendance.intake.write import import_attendance
from attendance.models import AttendanceRecord, AttendanceUpload
from tests.attendance.helpers import matrix_xlsx


@pytest.mark.postgres
def test_two_simultaneous_uploads_of_a_township_month_end_with_one_wholly_applied(
    transactional_db, world, month, as_of
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    files = {
        "ON_SITE_OVERNIGHT": matrix_xlsx([world.p_a1], month, as_of),
        "ON_SITE": matrix_xlsx([world.p_a1], month, as_of, mark="○"),
    }
    barrier = threading.Barrier(2)
    errors = []

    def run(data):
        try:
            barrier.wait()
            result = import_attendance(township=world.a1, month=month, file=data, as_of=as_of)
            assert result.applied
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(data,)) for data in files.values()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    statuses = set(
        AttendanceRecord.objects.filter(township=world.a1, month=month).values_list("status", flat=True)
    )
    assert len(statuses) == 1
    assert AttendanceRecord.objects.filter(township=world.a1, month=month).count() == 20
    uploads = sorted(AttendanceUpload.objects.values_list("status", flat=True))
    assert uploads == [AttendanceUpload.Status.ACCEPTED, AttendanceUpload.Status.SUPERSEDED]
    accepted = AttendanceUpload.objects.get(status=AttendanceUpload.Status.ACCEPTED)
    assert set(AttendanceRecord.objects.values_list("upload_id", flat=True)) == {accepted.pk}
