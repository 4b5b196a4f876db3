"""The printable notice in headless Chromium: laid out as a formal notice, chrome hidden in print."""

import datetime as dt
import os
import shutil

import pytest
from django.urls import reverse

from tests.decisions.factories import issued

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
        pytest.skip(f"playwright 不可用：{exc}")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"找不到 {CHROMIUM}")
    return sync_playwright


def test_the_issued_recall_prints_as_an_a4_notice(live_server, world, sync_playwright, tmp_path):
    recall = issued(world.p_a1, user=world.county_staff, decision_date=dt.date(2026, 3, 10))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1000})
            page.goto(live_server.url + reverse("login"))
            page.fill("input[name=username]", world.county_staff.username)
            page.fill("input[name=password]", "pw-Zhucun-2026")
            page.click("main button[type=submit]")
            page.wait_for_url(live_server.url + reverse("dashboard"))
            page.goto(live_server.url + reverse("decisions:print", args=[recall.pk]))
            assert page.locator("#notice-title").inner_text() == f"关于召回{world.cadre_a1.name}同志的决定"
            assert page.locator("#notice-number").inner_text() == "开鲁县驻村〔2026〕1号"
            assert page.locator("#notice-organ").inner_text() == "中共开鲁县委组织部"
            assert page.locator("#notice-date").inner_text() == "2026年3月10日"
            page.emulate_media(media="print")
            assert not page.locator("header.topbar").is_visible()
            assert page.locator("#notice-title").is_visible()
            pdf = tmp_path / "notice.pdf"
            page.pdf(path=str(pdf), prefer_css_page_size=True)
            assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5_000
        finally:
            browser.close()
