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
    while the fixture is active go to a queue of this test run only, so a stray worker of
    another run cannot take them.
    """
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.db import connection

    from config.celery import app

    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("需要 PostgreSQL 和 REDIS_URL（CI 第二轮）才能启动真实的 Celery worker")
    db = settings.DATABASES["default"]
    url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    queue = f"zhucun-test-{os.getpid()}-{time.time_ns()}"
    # Every queue of the settings' routes gets a private twin of this run, and the worker consumes
    # them all, as `make worker` consumes intake, reports and the default queue.
    routes = {
        name: {"queue": f"{queue}-{route['queue']}"} for name, route in settings.CELERY_TASK_ROUTES.items()
    }
    queues = ",".join([queue, *sorted({route["queue"] for route in routes.values()})])
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1"}
    celery_bin = Path(sys.executable).with_name("celery")
    proc = subprocess.Popen(
        [
            str(celery_bin),
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-Q",
            queues,
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
    )
    # Eager tasks run earlier in this process can leave Celery believing it is inside a task,
    # which makes result.get() refuse to block; this process is the client here, not a worker.
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    old = (app.conf.task_always_eager, app.conf.task_default_queue, app.conf.task_routes)

    def use_routes(table) -> None:
        app.conf.task_routes = table
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()

    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    use_routes(routes)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            replies = app.control.ping(timeout=0.5) or []
            if replies:
                break
            if proc.poll() is not None:
                pytest.fail("Celery worker 进程启动失败")
        yield app
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old[:2]
        use_routes(old[2])
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


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
