"""Cadre accounts: bulk creation, first-login password change, and a cadre sees only themself."""

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.urls import reverse

from attendance.models import MonthlyTotal
from cadres.accounts import CREDENTIALS_HEADER, cadres_in_post, create_accounts
from core.models import StaffProfile
from core.scoping import area_for
from tests import factories as f

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def accounts(world):
    made = create_accounts(cadres=cadres_in_post(county=world.county_a, on=TODAY), on=TODAY)
    return {a.cadre.pk: a for a in made}


def test_accounts_are_created_for_the_countys_posted_cadres_only(world, accounts):
    assert set(accounts) == {world.cadre_a1.pk, world.cadre_a2.pk}
    account = accounts[world.cadre_a1.pk]
    assert account.username == world.cadre_a1.id_number
    profile = StaffProfile.objects.get(cadre=world.cadre_a1)
    assert profile.role == StaffProfile.Role.CADRE and profile.must_change_password
    assert authenticate(username=account.username, password=account.password) is not None


def test_creating_twice_adds_nothing_and_keeps_passwords(world, accounts):
    again = create_accounts(cadres=cadres_in_post(county=world.county_a, on=TODAY), on=TODAY)
    assert again == []
    a = accounts[world.cadre_a1.pk]
    assert authenticate(username=a.username, password=a.password) is not None


def test_command_writes_the_credentials_workbook(world, tmp_path, capsys):
    out = tmp_path / "accounts.xlsx"
    call_command("create_cadre_accounts", county=world.county_a.code, out=str(out))
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == CREDENTIALS_HEADER
    assert {r[4] for r in rows[1:]} == {world.cadre_a1.id_number, world.cadre_a2.id_number}
    assert "新建干部账号 2 个" in capsys.readouterr().out


def test_command_refuses_an_unknown_county(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有代码为 999999 的县"):
        call_command("create_cadre_accounts", county="999999", out=str(tmp_path / "x.xlsx"))


def test_admin_action_downloads_initial_passwords(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:cadres_cadre_changelist"),
        {"action": "create_login_accounts", "_selected_action": [world.cadre_a1.pk]},
    )
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.active.cell(2, 5).value == world.cadre_a1.id_number
    assert StaffProfile.objects.filter(cadre=world.cadre_a1, role="CADRE").exists()


def test_first_login_must_change_the_password(world, accounts, client):
    a = accounts[world.cadre_a1.pk]
    assert client.login(username=a.username, password=a.password)
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith("/password/")
    response = client.post(
        "/password/",
        {
            "old_password": a.password,
            "new_password1": "Beibao-village-2026",
            "new_password2": "Beibao-village-2026",
        },
    )
    assert response.status_code == 302
    assert not StaffProfile.objects.get(cadre=world.cadre_a1).must_change_password
    assert client.get("/me/").status_code == 200


@pytest.fixture
def cadre_client(world, client):
    user = f.UserFactory(username="cadre_a1")
    StaffProfile.objects.create(user=user, role=StaffProfile.Role.CADRE, cadre=world.cadre_a1)
    client.force_login(user)
    return client


def test_cadre_sees_their_own_page(world, cadre_client):
    MonthlyTotal.objects.create(
        posting=world.p_a1,
        cadre=world.cadre_a1,
        county=world.county_a,
        township=world.a1,
        village=world.v_a1,
        month=dt.date(2026, 10, 1),
        days_in_month=31,
        posted_days=31,
        on_site_days=23,
        overnight_days=16,
        trip_days=0,
        leave_days=0,
        absent_days=8,
        unreported_days=0,
        required_on_site=22,
        required_overnight=15,
        compliant=True,
        allowance="1380.00",
    )
    page = cadre_client.get("/me/").content.decode()
    assert world.cadre_a1.name in page and world.v_a1.name in page and "2026年10月" in page
    assert world.cadre_a2.name not in page


@pytest.mark.parametrize(
    "url",
    ["/", "/cadres/", "/villages/", "/attendance/upload/", "/decisions/", "/appraisal/ranking/", "/admin/"],
)
def test_cadre_gets_404_on_staff_pages(world, cadre_client, url):
    response = cadre_client.get(url, follow=False)
    if url == "/":
        assert response.status_code == 302 and response["Location"] == "/me/"
    else:
        assert response.status_code == 404


def test_cadre_area_is_only_themself(world, cadre_client):
    from cadres.models import Cadre, Posting

    user = StaffProfile.objects.get(cadre=world.cadre_a1).user
    area = area_for(user)
    assert area.is_cadre
    assert list(Cadre.objects.for_area(area)) == [world.cadre_a1]
    assert list(Posting.objects.for_area(area)) == [world.p_a1]


@pytest.mark.parametrize("actor", ["county_staff", "township_a1", "admin"])
def test_staff_have_no_cadre_page(world, client_for, actor):
    assert client_for(getattr(world, actor)).get("/me/").status_code == 404


def test_month_page_shows_marks(world, cadre_client):
    from attendance.models import AttendanceRecord, AttendanceUpload

    upload = AttendanceUpload.objects.create(
        township=world.a1,
        month=dt.date(2026, 10, 1),
        as_of=dt.date(2026, 11, 2),
        original_name="x.xlsx",
        status=AttendanceUpload.Status.ACCEPTED,
    )
    AttendanceRecord.objects.create(
        posting=world.p_a1,
        cadre=world.cadre_a1,
        township=world.a1,
        month=dt.date(2026, 10, 1),
        date=dt.date(2026, 10, 5),
        status="ON_SITE_OVERNIGHT",
        upload=upload,
    )
    page = cadre_client.get("/me/attendance/2026-10/").content.decode()
    assert "√" in page and "2026年10月" in page
    assert cadre_client.get("/me/attendance/2026-13/").status_code == 404
