from django.conf import settings
from django.urls import reverse


def test_the_login_page_is_chinese_and_logs_a_user_in(world, client):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="zh-hans"' in html and "登录" in html and "用户名" in html and "密码" in html
    world.county_staff.set_password("pw-Zhucun-2026")
    world.county_staff.save()
    response = client.post(reverse("login"), {"username": "org_a", "password": "pw-Zhucun-2026"})
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_wrong_password_is_refused_in_chinese(world, client):
    response = client.post(reverse("login"), {"username": "org_a", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_logging_out_by_post_ends_the_session_and_returns_to_login(world, client_for):
    client = client_for(world.county_staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_logout_page_asks_in_chinese_and_keeps_the_session_until_confirmed(world, client_for):
    client = client_for(world.county_staff)
    page = client.get(reverse("logout"))
    assert page.status_code == 200
    assert "确定要退出登录吗" in page.content.decode()
    assert client.get(reverse("dashboard")).status_code == 200


def test_the_language_menu_switches_to_english_and_back(world, client_for):
    client = client_for(world.county_staff)
    assert 'lang="zh-hans"' in client.get(reverse("dashboard")).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": reverse("dashboard")})
    english = client.get(reverse("dashboard")).content.decode()
    assert 'lang="en"' in english and "Age structure" in english
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": reverse("dashboard")})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    chinese = client.get(reverse("dashboard")).content.decode()
    assert 'lang="zh-hans"' in chinese and "年龄结构" in chinese
