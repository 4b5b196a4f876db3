"""People, not usernames: core.people.person and where pages and exports use it."""

import datetime as dt
import io

import openpyxl
from django.urls import reverse
from django.utils import translation

from attendance.models import AttendanceUpload, LeaveRequest
from core.models import StaffProfile
from core.people import person
from tests import factories as f


def named(user, display_name="", office=""):
    StaffProfile.objects.filter(user=user).update(display_name=display_name, office=office)
    user.refresh_from_db()
    return user


@translation.override("zh-hans")
def test_person_is_office_and_name_with_sensible_fallbacks(world):
    assert person(named(world.county_staff, "王明")) == "组织部 王明"
    assert person(named(world.township_a1, "李娜")) == "开鲁镇 李娜"
    assert person(named(world.township_a2, "赵强", office="东风镇党委")) == "东风镇党委 赵强"
    # No display name: the account's full name, else the login name, still with the office.
    world.outsider.first_name, world.outsider.last_name = "华", "张"
    world.outsider.save()
    assert person(world.outsider) == "组织部 华 张"
    assert person(world.admin) == "系统管理员 admin"
    assert person(None) == "—" and person(None, "") == ""


def upload_by(user, township):
    return AttendanceUpload.objects.create(
        township=township,
        month=dt.date(2026, 5, 1),
        status=AttendanceUpload.Status.ACCEPTED,
        as_of=dt.date(2026, 5, 31),
        file="attendance/2026/05/test.xlsx",
        original_name="五月考勤.xlsx",
        uploaded_by=user,
    )


def test_upload_pages_name_the_uploader_not_the_login(world, client_for):
    upload = upload_by(named(world.township_a1, "李娜"), world.a1)
    client = client_for(world.county_staff)
    for url in (
        reverse("attendance:upload_detail", args=[upload.pk]),
        reverse("attendance:history"),
    ):
        html = client.get(url).content.decode()
        assert "开鲁镇 李娜" in html and "tw_a1" not in html


def test_the_upload_history_export_names_people(world, client_for):
    upload_by(named(world.township_a1, "李娜"), world.a1)
    upload_by(named(world.county_staff, "王明"), world.a2)
    response = client_for(world.county_staff).get(reverse("attendance:history"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "乡镇", "月份", "状态", "文件名", "上传人")
    assert {r[5] for r in rows[1:]} == {"开鲁镇 李娜", "组织部 王明"}
    assert {r[2] for r in rows[1:]} == {"2026年5月"}
    # Scoped like the page: another county's staff export nothing of county A.
    other = client_for(world.outsider).get(reverse("attendance:history"), {"format": "xlsx"})
    assert len(list(openpyxl.load_workbook(io.BytesIO(other.content)).active.iter_rows())) == 1


def test_leave_pages_name_who_registered_and_approved(world, client_for):
    clerk = named(world.township_a1, "李娜")
    leave = LeaveRequest.objects.create(
        posting=world.p_a1,
        cadre=world.cadre_a1,
        kind=LeaveRequest.Kind.SICK,
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 2),
        reason="发烧",
        created_by=clerk,
        township_decided_by=clerk,
        township_decided_at=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC),
        status=LeaveRequest.Status.APPROVED,
    )
    client = client_for(world.county_staff)
    for url in (reverse("attendance:leave_detail", args=[leave.pk]), reverse("attendance:leave_list")):
        html = client.get(url).content.decode()
        assert "开鲁镇 李娜" in html and "tw_a1" not in html


def test_a_user_without_profile_is_named_by_login(db):
    user = f.UserFactory(username="plain")
    assert person(user) == "plain"
