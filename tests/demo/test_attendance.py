import datetime as dt
import io
import random

import pytest

from attendance.models import AttendanceRecord, AttendanceUpload, LeaveRequest
from demo import attendance as demo_attendance

pytestmark = pytest.mark.django_db


def test_the_demo_imports_every_township_month_through_the_service(world, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 5, 10))
    monkeypatch.setattr(demo_attendance, "demo_county", lambda: world.county_a)
    out = io.StringIO()
    demo_attendance.seed(scale="county", rng=random.Random(1), stdout=out)
    months = set(AttendanceUpload.objects.values_list("month", flat=True))
    assert months == {dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)}
    assert AttendanceUpload.objects.filter(status=AttendanceUpload.Status.ACCEPTED).count() == 8
    assert not AttendanceRecord.objects.filter(date__gte=dt.date(2026, 5, 10)).exists()
    assert AttendanceRecord.objects.filter(township=world.a1, month=dt.date(2026, 4, 1)).count() == 30
    for leave in LeaveRequest.objects.all():
        assert leave.status == LeaveRequest.Status.APPROVED
    assert "已导入" in out.getvalue()


def test_the_demo_does_nothing_for_the_province(world):
    demo_attendance.seed(scale="province", rng=random.Random(1), stdout=io.StringIO())
    assert not AttendanceUpload.objects.exists()
