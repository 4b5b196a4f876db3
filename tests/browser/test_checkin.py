"""The cadre's check-in in headless Chromium at phone size, with Playwright's geolocation emulation."""

import pytest
from django.urls import reverse

from checkins.models import CheckIn
from tests.checkins.conftest import LAT, LON, cadre_user, fences  # noqa: F401 - the fences fixture

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


def cadre_page(chromium, live_server, username, *, latitude, longitude, grant=True):
    context = chromium.new_context(
        viewport=PHONE,
        geolocation={"latitude": latitude, "longitude": longitude, "accuracy": 12},
        permissions=["geolocation"] if grant else [],
        locale="zh-CN",
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-Zhucun-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/me/")
    page.click("a.checkin-link")
    page.wait_for_url(live_server.url + "/me/checkin/")
    return page


def test_a_cadre_inside_the_fence_checks_in_and_sees_valid(live_server, world, fences, chromium, tmp_path):  # noqa: F811
    cadre_user(world.cadre_a1, "cadre_a1")
    page = cadre_page(chromium, live_server, "cadre_a1", latitude=LAT + 0.0005, longitude=LON)
    page.click("#checkin-button")
    result = page.locator("#checkin-result.ok")
    result.wait_for(timeout=15000)
    assert "有效（" in result.inner_text()
    assert page.locator("#checkin-list li").first.inner_text().count("有效") >= 1
    # The button fills the phone's width and nothing scrolls sideways.
    box = page.locator("#checkin-button").bounding_box()
    assert box["width"] > 300 and box["height"] >= 70
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(tmp_path / "checkin-valid.png"), full_page=True)
    checkin = CheckIn.objects.get()
    assert checkin.valid and checkin.source == "PHONE" and checkin.accuracy_m == 12


def test_a_cadre_outside_sees_the_distance_reason(live_server, world, fences, chromium):  # noqa: F811
    cadre_user(world.cadre_a1, "cadre_a1")
    page = cadre_page(chromium, live_server, "cadre_a1", latitude=LAT + 0.01, longitude=LON)
    page.click("#checkin-button")
    result = page.locator("#checkin-result.bad")
    result.wait_for(timeout=15000)
    assert result.inner_text().endswith("不在驻地范围（距最近驻地 1112 米）")
    assert not CheckIn.objects.get().valid


def test_refusing_the_location_gets_a_clear_explanation(live_server, world, fences, chromium):  # noqa: F811
    cadre_user(world.cadre_a1, "cadre_a1")
    page = cadre_page(chromium, live_server, "cadre_a1", latitude=LAT, longitude=LON, grant=False)
    # Not granted: headless Chromium answers the permission prompt with a refusal (code 1).
    page.click("#checkin-button")
    result = page.locator("#checkin-result.bad")
    result.wait_for(timeout=15000)
    assert "拒绝了位置权限" in result.inner_text()
    assert not CheckIn.objects.exists()
