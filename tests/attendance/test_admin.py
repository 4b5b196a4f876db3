import pytest
from django.urls import reverse

from attendance.intake.write import import_attendance
from tests.attendance.helpers import matrix_xlsx

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["attendanceupload", "attendancerecord", "leaverequest"])
def test_the_admin_lists_attendance_models(world, client_for, month, as_of, model):
    import_attendance(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
    )
    response = client_for(world.admin).get(reverse(f"admin:attendance_{model}_changelist"))
    assert response.status_code == 200


def test_uploads_are_read_only_in_the_admin(world, client_for, month, as_of):
    upload = import_attendance(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
    ).upload
    client = client_for(world.admin)
    assert client.get(reverse("admin:attendance_attendanceupload_add")).status_code == 403
    response = client.get(reverse("admin:attendance_attendanceupload_change", args=[upload.pk]))
    assert response.status_code == 200


def test_the_admin_scopes_uploads_for_non_superuser_staff(world, client_for, month, as_of):
    import_attendance(
        township=world.a1, month=month, file=matrix_xlsx([world.p_a1], month, as_of), as_of=as_of
    )
    from django.contrib.auth.models import Permission

    from attendance.admin import AttendanceUploadAdmin
    from attendance.models import AttendanceUpload

    staff = world.township_a2
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_attendanceupload"))
    request = type("R", (), {"user": staff})()
    admin_obj = AttendanceUploadAdmin(AttendanceUpload, None)
    assert list(admin_obj.get_queryset(request)) == []
