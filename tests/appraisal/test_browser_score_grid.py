"""Browser check of the score grid: a cell saves through htmx (CSRF header included) and an
over-maximum value shows its error in the cell; the ranking row opens its breakdown."""

import pytest
from django.db import connection

from appraisal.models import Score
from appraisal.ranking import compute_quarterly_ranking
from tests import factories as f
from tests.appraisal.factories import small_scheme
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_score_cells_save_through_htmx_and_ranking_rows_open_their_breakdown(
    world, live_server, transactional_db, chromium
):
    if connection.vendor != "sqlite":
        # The page behaviour does not depend on the database; on PostgreSQL a keep-alive server
        # thread can outlive the test and hold the test database open at teardown.
        pytest.skip("浏览器测试只在 SQLite 轮运行")
    small_scheme(world.county_a)
    f.org_user(world.county_a, username="org")
    page = chromium.new_page()
    browser_login(page, live_server, "org")
    page.goto(live_server.url + "/appraisal/scores/?quarter=2026Q1")
    first = page.locator("td.score-cell input").first
    first.fill("99")
    first.press("Tab")
    page.wait_for_selector("td.has-error")
    assert "超过该指标满分 70 分" in page.locator("td.has-error").inner_text()
    second = page.locator("td.score-cell input").nth(1)
    second.fill("12")
    second.press("Tab")
    page.wait_for_selector("td.saved")
    assert list(Score.objects.values_list("points", flat=True)) == [12]
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    page.goto(live_server.url + "/appraisal/?quarter=2026Q1")
    page.locator("table.ranking-table td a").first.click()
    page.wait_for_selector("tr.breakdown")
    assert "工作实绩" in page.locator("tr.breakdown").inner_text()
