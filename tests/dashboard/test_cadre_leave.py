"""Leave filed by cadres (DOMAIN §4 三级审签): a team member's request is signed by the village's
负责人 from their own pages, then the township, then (long leave) the county."""

import datetime as dt

import pytest
from django.urls import reverse

from attendance.leave.workflow import approve_leave
from attendance.models import LeaveRequest
from tests import factories as f
from tests.checkins.conftest import cadre_user


@pytest.fixture
def team(world):
    """A team member posted in 北堡村 (whose first secretary is cadre_a1), both with accounts."""
    member = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        role="TEAM_MEMBER",
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2027, 12, 31),
    )
    return {
        "member": member,
        "member_user": cadre_user(member.cadre, "member"),
        "lead_user": cadre_user(world.cadre_a1, "lead"),
        "other_lead_user": cadre_user(world.cadre_b1, "other_lead"),
    }


def file_leave(client, days=2):
    start = dt.date(2026, 12, 20)
    return client.post(
        reverse("me:leave"),
        {
            "kind": "LEAVE_PERSONAL",
            "start_date": start.isoformat(),
            "end_date": (start + dt.timedelta(days=days - 1)).isoformat(),
            "reason": "家中有事",
        },
    )


def test_a_team_members_leave_goes_village_then_township(world, team, client):
    client.force_login(team["member_user"])
    assert file_leave(client).status_code == 302
    leave = LeaveRequest.objects.get()
    assert leave.status == "VILLAGE_PENDING" and leave.posting == team["member"]
    # The township cannot act before the 负责人 has signed.
    client.force_login(world.township_a1)
    assert client.post(reverse("attendance:leave_approve", args=[leave.pk])).status_code in (302, 200)
    leave.refresh_from_db()
    assert leave.status == "VILLAGE_PENDING"
    client.force_login(team["lead_user"])
    page = client.get(reverse("me:leave")).content.decode()
    assert team["member"].cadre.name in page and "待我签字" in page
    assert client.post(reverse("me:leave_decide", args=[leave.pk, "sign"])).status_code == 302
    leave.refresh_from_db()
    assert leave.status == "PENDING" and leave.village_decided_by == team["lead_user"]
    approve_leave(leave=leave, user=world.township_a1)
    leave.refresh_from_db()
    assert leave.status == "APPROVED"


def test_long_leave_needs_the_county_after_village_and_township(world, team, client):
    client.force_login(team["member_user"])
    file_leave(client, days=5)
    leave = LeaveRequest.objects.get()
    approve_leave(leave=leave, user=team["lead_user"])
    approve_leave(leave=leave, user=world.township_a1)
    leave.refresh_from_db()
    assert leave.status == "TOWNSHIP_APPROVED"
    approve_leave(leave=leave, user=world.county_staff)
    leave.refresh_from_db()
    assert leave.status == "APPROVED"


def test_the_lead_rejects_with_a_reason(world, team, client):
    client.force_login(team["member_user"])
    file_leave(client)
    leave = LeaveRequest.objects.get()
    client.force_login(team["lead_user"])
    client.post(reverse("me:leave_decide", args=[leave.pk, "reject"]), {"reason": "村里正在迎检"})
    leave.refresh_from_db()
    assert (leave.status, leave.rejection_reason) == ("REJECTED", "村里正在迎检")


def test_only_the_villages_lead_can_sign(world, team, client):
    client.force_login(team["member_user"])
    file_leave(client)
    leave = LeaveRequest.objects.get()
    for user in (team["other_lead_user"], team["member_user"]):
        client.force_login(user)
        assert client.post(reverse("me:leave_decide", args=[leave.pk, "sign"])).status_code == 404
    assert "待我签字" not in client.get(reverse("me:leave")).content.decode()
    leave.refresh_from_db()
    assert leave.status == "VILLAGE_PENDING"


def test_a_first_secretarys_own_leave_goes_to_the_township(world, team, client):
    client.force_login(team["lead_user"])
    file_leave(client)
    assert LeaveRequest.objects.get().status == "PENDING"


def test_a_member_without_a_lead_in_post_goes_to_the_township(world, client):
    client.force_login(cadre_user(world.cadre_a2, "member_a2"))  # 香邑村 has no first secretary
    file_leave(client)
    assert LeaveRequest.objects.get().status == "PENDING"


def test_leave_outside_the_posting_is_refused(world, team, client):
    client.force_login(team["member_user"])
    response = client.post(
        reverse("me:leave"),
        {"kind": "LEAVE_SICK", "start_date": "2025-06-01", "end_date": "2025-06-02", "reason": "病"},
    )
    assert response.status_code == 200 and "不在您的驻村期内" in response.content.decode()
    assert not LeaveRequest.objects.exists()


@pytest.mark.parametrize("actor", ["county_staff", "township_a1"])
def test_staff_have_no_cadre_leave_page(world, client_for, actor):
    assert client_for(getattr(world, actor)).get(reverse("me:leave")).status_code == 404
