"""The printable notice in headless Chromium: laid out as a formal notice, chrome hidden in print."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import browser_login
from tests.decisions.factories import issued

pytestmark = pytest.mark.browser


def test_the_issued_recall_prints_as_an_a4_notice(live_server, world, chromium, tmp_path):
    recall = issued(world.p_a1, user=world.county_staff, decision_date=dt.date(2026, 3, 10))
    page = chromium.new_page(viewport={"width": 1200, "height": 1000})
    browser_login(page, live_server, world.county_staff.username)
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
