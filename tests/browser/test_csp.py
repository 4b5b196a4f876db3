"""The Content-Security-Policy in a real browser (issue #12): the pages that used inline scripts
and handlers still work — charts drawn, htmx cards loaded, the language select submits — and
Chromium reports no CSP violation on the console."""

import pytest
from django.urls import reverse

from appraisal.ranking import compute_quarterly_ranking
from tests.appraisal.factories import give_composite, small_scheme
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_pages_work_under_the_csp_without_violations(live_server, world, chromium):
    scheme = small_scheme(world.county_a)
    give_composite(world.cadre_a1, scheme, 91)
    give_composite(world.cadre_a2, scheme, 58)
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)

    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page.on("pageerror", lambda err: console.append(f"pageerror: {err}"))

    browser_login(page, live_server, world.county_staff.username)
    assert page.evaluate("document.querySelector('meta[name=\"htmx-config\"]') !== null")
    # The diary's overdue card arrives by hx-get on load (htmx works without eval or inline styles).
    page.wait_for_selector("#diary-overdue", timeout=10_000)

    page.goto(live_server.url + reverse("attendance:monthly_charts") + "?month=2026-03")
    page.wait_for_selector("#chart-trend")
    assert page.evaluate(
        "typeof Chart !== 'undefined' && !!Chart.getChart(document.getElementById('chart-trend'))"
    )
    assert page.evaluate("!!Chart.getChart(document.getElementById('chart-distribution'))")

    page.goto(live_server.url + reverse("appraisal:ranking") + "?county=150523&quarter=2026Q1")
    page.wait_for_selector("canvas#grade-chart")
    assert page.evaluate("!!Chart.getChart(document.getElementById('grade-chart'))")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    assert [m for m in console if "Content Security Policy" in m] == []

    # The language select submits its form on change (a static script, no onchange=).
    with page.expect_navigation():
        page.select_option("header select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "/appraisal/" in page.url

    violations = [m for m in console if "Content Security Policy" in m or m.startswith("pageerror")]
    assert violations == []
