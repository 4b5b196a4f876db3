"""Browser smoke test: log in through the login form in headless Chromium, see the Chinese dashboard."""

import os
import shutil

import pytest
from django.urls import reverse

from tests import factories as f

# Playwright's sync API runs an event loop in this thread; the live server's database access
# from the test itself is synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        print(f"跳过浏览器测试：无法导入 playwright（{exc}）")
        pytest.skip(f"playwright 不可用：{exc}")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        print(f"跳过浏览器测试：找不到 {CHROMIUM}")
        pytest.skip(f"找不到 {CHROMIUM}")
    return sync_playwright


def test_org_user_logs_in_and_sees_the_chinese_dashboard(live_server, world, sync_playwright, tmp_path):
    f.VillageFactory(township=world.a2, name="西王村", tags=["建档立卡贫困村"])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(live_server.url + reverse("login"))
            page.fill("input[name=username]", world.county_staff.username)
            page.fill("input[name=password]", "pw-Zhucun-2026")
            page.click("main button[type=submit]")
            page.wait_for_url(live_server.url + reverse("dashboard"))
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
        finally:
            browser.close()
