"""The dashboard's to-do panel for each role, and 催报 (chasing late townships, DOMAIN.md §4)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from attendance.models import AttendanceUpload, LeaveRequest, ReportReminder
from attendance.reminders import due_date, late_sheets
from core.models import StaffProfile
from core.scoping import area_for
from tests.decisions.factories import accepted_upload, proposal

MAY, JUNE = dt.date(2026, 5, 1), dt.date(2026, 6, 1)


def accept_everything(world, months=(dt.date(2026, 3, 1), dt.date(2026, 4, 1), MAY, JUNE)):
    for township in (world.a1, world.a2, world.b1):
        for month in months:
            accepted_upload(township, month)


def name(user, display_name, office=""):
    StaffProfile.objects.filter(user=user).update(display_name=display_name, office=office)


def test_due_date_is_the_policy_day_of_the_next_month():
    assert due_date(dt.date(2026, 5, 1), 5) == dt.date(2026, 6, 5)
    assert due_date(dt.date(2026, 12, 1), 10) == dt.date(2027, 1, 10)


def test_township_with_nothing_to_do_is_told_so(world, client_for, fixed_today):
    accept_everything(world)
    ctx = client_for(world.township_a1).get(reverse("dashboard")).context
    assert [s.state for s in ctx["todo"]["sheets"]] == ["accepted", "accepted"]
    assert ctx["todo_pending"] is False
    html = client_for(world.township_a1).get(reverse("dashboard")).content.decode()
    assert 'id="todo-done"' in html
    assert "没有等待您审批的请假" in html


def test_township_sees_its_late_and_waiting_sheets_with_links(world, client_for, fixed_today):
    pending = accepted_upload(world.a1, JUNE, status=AttendanceUpload.Status.PENDING)
    response = client_for(world.township_a1).get(reverse("dashboard"))
    sheets = response.context["todo"]["sheets"]
    # March and April are late too: an older month stays listed while it is missing.
    assert [(s.month, s.state, s.late) for s in sheets] == [
        (dt.date(2026, 3, 1), "missing", True),
        (dt.date(2026, 4, 1), "missing", True),
        (MAY, "missing", True),
        (JUNE, "pending", False),
    ]
    html = response.content.decode()
    assert f"{reverse('attendance:upload')}?month=2026-05" in html
    assert reverse("attendance:upload_detail", args=[pending.pk]) in html
    assert "已逾期" in html and "2026-06-05" in html
    assert response.context["todo_pending"] is True


def test_township_sees_leave_waiting_for_it_and_its_neighbour_does_not(world, client_for, fixed_today):
    leave = LeaveRequest.objects.create(
        posting=world.p_a1,
        cadre=world.cadre_a1,
        kind=LeaveRequest.Kind.PERSONAL,
        start_date=dt.date(2026, 6, 20),
        end_date=dt.date(2026, 6, 21),
        reason="家中有事",
    )
    html = client_for(world.township_a1).get(reverse("dashboard")).content.decode()
    assert "1 项请假等待您审批" in html
    assert reverse("attendance:leave_detail", args=[leave.pk]) in html
    ctx = client_for(world.township_a2).get(reverse("dashboard")).context
    assert ctx["todo"]["leave_waiting_count"] == 0


def test_org_with_nothing_to_do_is_told_so(world, client_for, fixed_today):
    accept_everything(world)
    response = client_for(world.county_staff).get(reverse("dashboard"))
    todo = response.context["todo"]
    assert todo["late"] == [] and todo["proposed_count"] == 0 and todo["overdue_replacements_count"] == 0
    html = response.content.decode()
    assert "所有乡镇都已按期上报考勤表" in html and 'id="todo-done"' in html


def test_org_sees_late_townships_of_its_county_and_waiting_proposals(world, client_for, fixed_today):
    accepted_upload(world.a2, MAY)
    proposal(world.p_a1)
    proposal(world.p_b1)
    response = client_for(world.county_staff).get(reverse("dashboard"))
    todo = response.context["todo"]
    # March to May are past their due day (the 5th of the next month); June is not due yet.
    late = [(row.township.name, row.month) for row in todo["late"]]
    assert late == [
        ("开鲁镇", dt.date(2026, 3, 1)),
        ("东风镇", dt.date(2026, 3, 1)),
        ("开鲁镇", dt.date(2026, 4, 1)),
        ("东风镇", dt.date(2026, 4, 1)),
        ("开鲁镇", MAY),
    ]
    assert todo["proposed_count"] == 1
    html = response.content.decode()
    assert f"{reverse('decisions:list')}?status=PROPOSED" in html
    assert f'value="{world.a1.pk}:2026-05"' in html
    assert "新田乡" not in html


def test_a_sheet_is_not_late_on_its_due_day(world):
    assert late_sheets(area_for(world.county_staff), today=dt.date(2026, 6, 5), months_back=1) == []
    assert len(late_sheets(area_for(world.county_staff), today=dt.date(2026, 6, 6), months_back=1)) == 2


def test_reminder_reaches_the_township_and_is_logged(world, client_for, fixed_today):
    name(world.county_staff, "王明")
    response = client_for(world.county_staff).post(
        reverse("remind"), {"late": [f"{world.a1.pk}:2026-05"], "note": "请本周内上传"}
    )
    assert response.status_code == 302
    reminder = ReportReminder.objects.get()
    assert (reminder.township, reminder.month, reminder.sent_by) == (world.a1, MAY, world.county_staff)
    html = client_for(world.township_a1).get(reverse("dashboard")).content.decode()
    assert "组织部 王明" in html and "催报 2026年5月 考勤表" in html and "请本周内上传" in html
    assert "催报 2026年5月" not in client_for(world.township_a2).get(reverse("dashboard")).content.decode()
    # The org's late list shows that it was chased.
    late = client_for(world.county_staff).get(reverse("dashboard")).context["todo"]["late"]
    assert next(r for r in late if r.township == world.a1 and r.month == MAY).reminders == 1


def test_reminder_disappears_once_the_sheet_is_accepted(world, client_for, fixed_today):
    client_for(world.county_staff).post(reverse("remind"), {"late": [f"{world.a1.pk}:2026-05"]})
    accepted_upload(world.a1, MAY)
    assert client_for(world.township_a1).get(reverse("dashboard")).context["todo"]["reminders"] == []


@pytest.mark.parametrize("actor", ["outsider", "township_a1"])
def test_only_the_countys_org_staff_can_chase_its_townships(world, client_for, fixed_today, actor):
    client_for(getattr(world, actor)).post(reverse("remind"), {"late": [f"{world.a1.pk}:2026-05"]})
    assert not ReportReminder.objects.exists()


def test_a_township_that_is_not_late_cannot_be_chased(world, client_for, fixed_today):
    accepted_upload(world.a1, MAY)
    response = client_for(world.county_staff).post(
        reverse("remind"), {"late": [f"{world.a1.pk}:2026-05", f"{world.a2.pk}:2026-05"]}, follow=True
    )
    assert not ReportReminder.objects.exists()
    assert "不在逾期未报名单中" in response.content.decode()


def test_reminder_is_mailed_when_mail_is_configured(
    world, client_for, fixed_today, settings, django_capture_on_commit_callbacks
):
    settings.ZHUCUN_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.township_a1.email = "kailu@example.gov.cn"
    world.township_a1.save()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.county_staff).post(reverse("remind"), {"late": [f"{world.a1.pk}:2026-05"]})
    assert [m.to for m in mail.outbox] == [["kailu@example.gov.cn"]]
    assert "开鲁镇" in mail.outbox[0].subject
    assert ReportReminder.objects.get().emailed_to == "kailu@example.gov.cn"


def test_header_names_the_person_and_their_area(world, client_for, fixed_today):
    name(world.county_staff, "王明")
    name(world.township_a1, "李娜")
    assert "组织部 王明 · 开鲁县" in client_for(world.county_staff).get(reverse("dashboard")).content.decode()
    html = client_for(world.township_a1).get(reverse("dashboard")).content.decode()
    assert "开鲁镇 李娜" in html and "开鲁镇 李娜 · 开鲁镇" not in html


def test_an_older_late_month_stays_on_the_townships_list_with_its_reminder(world, client_for, fixed_today):
    accepted_upload(world.a1, MAY)
    accepted_upload(world.a1, JUNE)
    accepted_upload(world.a1, dt.date(2026, 3, 1))
    client_for(world.county_staff).post(reverse("remind"), {"late": [f"{world.a1.pk}:2026-04"]})
    todo = client_for(world.township_a1).get(reverse("dashboard")).context["todo"]
    assert [(s.month, s.state) for s in todo["sheets"]] == [
        (dt.date(2026, 4, 1), "missing"),
        (MAY, "accepted"),
        (JUNE, "accepted"),
    ]
    assert [r.month for r in todo["reminders"]] == [dt.date(2026, 4, 1)]


def test_the_reminder_log_is_in_the_admin_read_only_and_scoped(world, client, fixed_today):
    from django.contrib.auth.models import Permission

    client.force_login(world.county_staff)
    client.post(reverse("remind"), {"late": [f"{world.a1.pk}:2026-05"]})
    staff = world.outsider
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_reportreminder"))
    client.force_login(world.admin)
    html = client.get(reverse("admin:attendance_reportreminder_changelist")).content.decode()
    assert "开鲁镇" in html
    assert client.get(reverse("admin:attendance_reportreminder_add")).status_code == 403
    client.force_login(staff)
    other = client.get(reverse("admin:attendance_reportreminder_changelist"))
    assert other.status_code == 200 and "开鲁镇" not in other.content.decode()


def test_township_panel_counts_last_months_days_the_check_ins_do_not_support(world, client_for):
    """A √ day with no check-in at all is a reconciliation finding (DOMAIN §10) on the panel."""
    import datetime as dt
    from unittest import mock

    from attendance.models import AttendanceRecord, AttendanceUpload

    month = dt.date(2026, 10, 1)
    upload = AttendanceUpload.objects.create(
        township=world.a1,
        month=month,
        as_of=dt.date(2026, 11, 2),
        original_name="x.xlsx",
        status=AttendanceUpload.Status.ACCEPTED,
    )
    for day in (5, 6):
        AttendanceRecord.objects.create(
            posting=world.p_a1,
            cadre=world.cadre_a1,
            township=world.a1,
            month=month,
            date=dt.date(2026, 10, day),
            status="ON_SITE_OVERNIGHT",
            upload=upload,
        )
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 11, 20)):
        page = client_for(world.township_a1).get("/").content.decode()
    assert 'id="todo-reconciliation"' in page and "2 个干部日与签到不符" in page
    other = client_for(world.township_a2).get("/").content.decode()
    assert 'id="todo-reconciliation"' not in other
