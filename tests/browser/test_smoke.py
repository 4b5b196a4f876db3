"""Browser smoke test: log in through the login form in headless Chromium, see the Chinese dashboard."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_org_user_logs_in_and_sees_the_chinese_dashboard(live_server, world, chromium, tmp_path):
    f.VillageFactory(township=world.a2, name="西王村", tags=["建档立卡贫困村"])
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    browser_login(page, live_server, world.county_staff.username)
    assert page.get_by_role("heading", name="驻村工作概况").is_visible()
    assert page.locator(".stat .label", has_text="在岗干部").is_visible()
    assert page.locator("#missing-first-secretary").get_by_text("西王村").is_visible()
    assert "西台神村" not in page.content()
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.click("nav.mainnav >> text=干部")
    page.wait_for_url(live_server.url + reverse("cadres:list"))
    assert page.get_by_text(world.cadre_a1.name).first.is_visible()
