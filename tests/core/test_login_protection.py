"""Login protection: lockout per user name and per address on the site and admin logins,
a working day of inactivity ends a session, and every user can change their password."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Zhucun-2026"


@pytest.fixture
def staff(world):
    user = world.county_staff
    user.set_password(PASSWORD)
    user.is_staff = True
    user.save()
    return user


def _fail(client, url, username, n):
    for _ in range(n):
        client.post(url, {"username": username, "password": "wrong-password"})


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_repeated_failures_lock_the_user_out_even_with_the_right_password(staff, url_name):
    url = reverse(url_name)
    client = Client(REMOTE_ADDR="10.0.0.1")
    _fail(client, url, staff.username, settings.AXES_FAILURE_LIMIT)
    response = client.post(url, {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address does not help: the user name is locked.
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert other.post(url, {"username": staff.username, "password": PASSWORD}).status_code == 429


def test_one_address_guessing_many_user_names_is_locked_out(staff):
    client = Client(REMOTE_ADDR="10.0.0.3")
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": f"guess{i}", "password": "x"})
    response = client.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 429


def test_fewer_failures_than_the_limit_still_log_in(staff):
    client = Client(REMOTE_ADDR="10.0.0.4")
    _fail(client, reverse("login"), staff.username, settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_session_lasts_a_working_day_of_inactivity_and_is_renewed_by_use():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_every_user_can_change_their_password_from_the_header(world, client_for):
    user = world.township_a1
    user.set_password(PASSWORD)
    user.save()
    client = client_for(user)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("password_change") in page
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xin-mima-2026!")
    assert "密码已修改" in client.get(reverse("password_change_done")).content.decode()


def test_the_password_page_needs_a_login(client):
    assert client.get(reverse("password_change")).status_code == 302


def test_pages_send_referrer_and_permissions_policies(world, client_for):
    response = client_for(world.county_staff).get(reverse("dashboard"))
    assert response.headers["Referrer-Policy"] == "same-origin"
    policy = response.headers["Permissions-Policy"]
    assert "geolocation=(self)" in policy and "camera=()" in policy
