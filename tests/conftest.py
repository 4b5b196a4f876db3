"""Shared fixtures: the named actors every scoping test uses.

``world`` is two counties: county A with townships A1 and A2, county B with township B1, a
village and a posted cadre in each township, and the actors:
- ``admin``: superuser, sees everything;
- ``county_staff``: organization staff of county A;
- ``township_a1`` / ``township_a2``: township staff of A1 / A2 (colleague and neighbour);
- ``outsider``: organization staff of county B.
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from tests import factories as f


@pytest.fixture
def world(db, django_user_model):
    county_a = f.CountyFactory(code="150523", name="开鲁县")
    county_b = f.CountyFactory(code="140981", name="侯马市")
    a1 = f.TownshipFactory(county=county_a, code="150523100", name="开鲁镇")
    a2 = f.TownshipFactory(county=county_a, code="150523101", name="东风镇")
    b1 = f.TownshipFactory(county=county_b, code="140981100", name="新田乡")
    v_a1 = f.VillageFactory(township=a1, code="150523100201", name="北堡村", tags=["软弱涣散村"])
    v_a2 = f.VillageFactory(township=a2, code="150523101201", name="香邑村")
    v_b1 = f.VillageFactory(township=b1, code="140981100201", name="西台神村")
    unit_a = f.DispatchingUnitFactory(county=county_a, code="U150523001", name="开鲁县农业局")
    unit_b = f.DispatchingUnitFactory(county=county_b, code="U140981001", name="侯马市财政局")
    start = dt.date(2026, 1, 1)
    end = dt.date(2027, 12, 31)
    p_a1 = f.PostingFactory(
        village=v_a1, unit=unit_a, role="FIRST_SECRETARY", start_date=start, planned_end_date=end
    )
    p_a2 = f.PostingFactory(
        village=v_a2, unit=unit_a, role="TEAM_MEMBER", start_date=start, planned_end_date=end
    )
    p_b1 = f.PostingFactory(
        village=v_b1, unit=unit_b, role="FIRST_SECRETARY", start_date=start, planned_end_date=end
    )
    admin = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw-Zhucun-2026")
    return SimpleNamespace(
        county_a=county_a,
        county_b=county_b,
        a1=a1,
        a2=a2,
        b1=b1,
        v_a1=v_a1,
        v_a2=v_a2,
        v_b1=v_b1,
        unit_a=unit_a,
        unit_b=unit_b,
        p_a1=p_a1,
        p_a2=p_a2,
        p_b1=p_b1,
        cadre_a1=p_a1.cadre,
        cadre_a2=p_a2.cadre,
        cadre_b1=p_b1.cadre,
        admin=admin,
        county_staff=f.org_user(county_a, username="org_a"),
        township_a1=f.township_user(a1, username="tw_a1"),
        township_a2=f.township_user(a2, username="tw_a2"),
        outsider=f.org_user(county_b, username="org_b"),
    )


@pytest.fixture
def client_for(client):
    """Log the test client in as one of the world's actors: ``client_for(world.township_a1)``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """A real ``celery worker`` process consuming from Redis, on the test database.

    Only on PostgreSQL with REDIS_URL set (the CI's second run); skipped otherwise. Tasks sent
    while the fixture is active go to a queue of this test run only (``tests/workers.py``).
    """
    from tests.workers import WorkerProcess, new_queue, require_postgres_and_redis, tasks_sent_to

    require_postgres_and_redis()
    worker = WorkerProcess(settings=settings, queue=new_queue())
    with tasks_sent_to(worker.queue) as app:
        worker.start()
        try:
            yield app
        finally:
            worker.stop()


CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling out, which this closed
# network refuses many times a second.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium():
    """Debian's headless Chromium driven by Playwright; skipped with a printed reason where absent."""
    import os
    import shutil

    # Playwright's sync API runs an event loop in this thread; the test's own database access
    # stays synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        print(f"跳过浏览器测试：无法导入 playwright（{exc}）")
        pytest.skip(f"playwright 不可用：{exc}")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        print(f"跳过浏览器测试：找不到 {CHROMIUM}")
        pytest.skip(f"找不到 {CHROMIUM}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def browser_login(page, live_server, username, password="pw-Zhucun-2026"):
    """Log in through the real login form and wait for the dashboard."""
    from django.urls import reverse

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + reverse("dashboard"))
