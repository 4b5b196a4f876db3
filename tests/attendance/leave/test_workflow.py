import datetime as dt

import pytest
from django.urls import reverse

from attendance.leave.workflow import (
    LeaveError,
    approve_leave,
    cadre_leave,
    create_leave,
    leave_queue,
    reject_leave,
)
from attendance.models import LeaveRequest
from villages.models import Policy

pytestmark = pytest.mark.django_db


def leave(world, days, posting=None):
    start = dt.date(2026, 3, 2)
    return create_leave(
        posting=posting or world.p_a1,
        kind=LeaveRequest.Kind.PERSONAL,
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        reason="家中有事",
        user=world.township_a1,
    )


def test_short_leave_is_approved_by_the_township_alone(world):
    req = approve_leave(leave=leave(world, 3), user=world.township_a1)
    assert req.status == LeaveRequest.Status.APPROVED
    assert req.township_decided_by == world.township_a1 and req.township_decided_at is not None
    assert req.county_decided_by is None


def test_long_leave_needs_the_township_then_the_county(world):
    req = approve_leave(leave=leave(world, 4), user=world.township_a1)
    assert req.status == LeaveRequest.Status.TOWNSHIP_APPROVED
    assert req in leave_queue(world.county_staff)
    assert req not in leave_queue(world.township_a1)
    req = approve_leave(leave=req, user=world.county_staff)
    assert req.status == LeaveRequest.Status.APPROVED
    assert req.county_decided_by == world.county_staff and req.county_decided_at is not None


def test_the_township_limit_is_the_county_policy(world):
    policy = Policy.for_county(world.county_a)
    policy.leave_township_max_days = 5
    policy.save()
    assert approve_leave(leave=leave(world, 5), user=world.township_a1).status == LeaveRequest.Status.APPROVED


def test_the_county_cannot_take_the_township_step_and_a_neighbour_cannot_either(world):
    req = leave(world, 2)
    with pytest.raises(LeaveError):
        approve_leave(leave=req, user=world.county_staff)
    with pytest.raises(LeaveError):
        approve_leave(leave=req, user=world.township_a2)


def test_rejection_needs_a_reason_and_records_who(world):
    req = leave(world, 4)
    with pytest.raises(LeaveError):
        reject_leave(leave=req, user=world.township_a1, reason=" ")
    req = approve_leave(leave=req, user=world.township_a1)
    req = reject_leave(leave=req, user=world.county_staff, reason="正值换届，不宜离岗")
    assert req.status == LeaveRequest.Status.REJECTED
    assert req.county_decided_by == world.county_staff and req.rejection_reason == "正值换届，不宜离岗"


def test_leave_must_lie_in_the_posting_and_not_overlap(world):
    leave(world, 2)
    with pytest.raises(LeaveError):
        leave(world, 1)
    with pytest.raises(LeaveError):
        create_leave(
            posting=world.p_a1,
            kind="LEAVE_SICK",
            start_date=dt.date(2025, 12, 30),
            end_date=dt.date(2026, 1, 2),
            reason="病",
            user=None,
        )


def test_the_leave_pages_create_approve_and_reject(world, client_for):
    client = client_for(world.township_a1)
    assert client.get(reverse("attendance:leave_create")).status_code == 200
    response = client.post(
        reverse("attendance:leave_create"),
        {
            "posting": world.p_a1.pk,
            "kind": "LEAVE_SICK",
            "start_date": "2026-03-02",
            "end_date": "2026-03-03",
            "reason": "感冒",
        },
    )
    req = LeaveRequest.objects.get()
    assert response.status_code == 302
    assert req in client.get(reverse("attendance:leave_list")).context["queue"]
    client.post(reverse("attendance:leave_approve", args=[req.pk]))
    req.refresh_from_db()
    assert req.status == LeaveRequest.Status.APPROVED


def test_the_reject_page_needs_a_reason(world, client_for):
    req = leave(world, 2)
    client = client_for(world.township_a1)
    client.post(reverse("attendance:leave_reject", args=[req.pk]), {"reason": ""})
    req.refresh_from_db()
    assert req.status == LeaveRequest.Status.PENDING
    client.post(reverse("attendance:leave_reject", args=[req.pk]), {"reason": "人手不足"})
    req.refresh_from_db()
    assert req.status == LeaveRequest.Status.REJECTED and req.township_decided_by == world.township_a1


def test_leave_pages_are_scoped(world, client_for):
    req = leave(world, 2)
    url = reverse("attendance:leave_detail", args=[req.pk])
    assert client_for(world.township_a1).get(url).status_code == 200
    assert client_for(world.county_staff).get(url).status_code == 200
    assert client_for(world.township_a2).get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404
    assert (
        client_for(world.township_a2).post(reverse("attendance:leave_approve", args=[req.pk])).status_code
        == 404
    )
    assert (
        list(client_for(world.outsider).get(reverse("attendance:leave_list")).context["page"].object_list)
        == []
    )


def test_a_township_user_cannot_file_leave_for_another_townships_cadre(world, client_for):
    client = client_for(world.township_a2)
    client.post(
        reverse("attendance:leave_create"),
        {
            "posting": world.p_a1.pk,
            "kind": "LEAVE_SICK",
            "start_date": "2026-03-02",
            "end_date": "2026-03-03",
            "reason": "x",
        },
    )
    assert not LeaveRequest.objects.exists()


def test_the_cadre_leave_selector_is_scoped(world):
    req = leave(world, 2)
    assert list(cadre_leave(cadre=world.cadre_a1, user=world.township_a1)) == [req]
    assert list(cadre_leave(cadre=world.cadre_a1, user=world.township_a2)) == []
