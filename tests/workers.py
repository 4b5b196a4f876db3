"""Real Celery worker processes for the tests marked ``worker`` (CI's PostgreSQL + Redis round).

``WorkerProcess`` starts ``celery worker`` on the test database and a queue of this test run only,
so a stray worker of another run cannot take its tasks; it can be killed with SIGKILL (the whole
worker, or only its pool child) and started again, as the OOM killer or an operator would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def database_url(settings) -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def require_postgres_and_redis() -> None:
    from django.db import connection

    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("需要 PostgreSQL 和 REDIS_URL（CI 第二轮）才能启动真实的 Celery worker")


class WorkerProcess:
    """One ``celery worker`` process (``pool`` solo or prefork with one child) consuming ``queue``."""

    def __init__(self, *, settings, queue: str, pool: str = "solo", env: dict | None = None):
        self.queue = queue
        # The default queue and a private twin of every routed queue (intake, reports, …), as
        # `make worker` consumes them all.
        self.queues = ",".join([queue, *sorted({r["queue"] for r in private_routes(queue).values()})])
        self.pool = pool
        # The worker runs the production settings (not the test settings, which force eager tasks).
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(settings),
            "DJANGO_DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **(env or {}),
        }
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 60) -> None:
        from config.celery import app

        self.starts += 1
        hostname = f"w{self.starts}-{self.queue}@localhost"
        pool = ["-P", "solo"] if self.pool == "solo" else ["-P", "prefork", "-c", "1"]
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", *pool]
            + ["-Q", self.queues, "-n", hostname, "--loglevel=WARNING"]
            + ["--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if app.control.ping(destination=[hostname], timeout=0.5):
                return
            if self.proc.poll() is not None:
                pytest.fail("Celery worker 进程启动失败")
        pytest.fail("Celery worker 进程在时限内没有就绪")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def kill(self) -> None:
        """SIGKILL the worker's main process (its prefork children die with it: PR_SET_PDEATHSIG)."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=15)

    def kill_child(self) -> int:
        """SIGKILL the pool child running the task, as the OOM killer would; the main process stays."""
        (child,) = self.children()
        os.kill(child, signal.SIGKILL)
        deadline = time.time() + 15
        while child in self.children():  # until the main process has reaped it
            if time.time() > deadline:
                pytest.fail("被杀死的子进程没有被 worker 主进程回收")
            time.sleep(0.1)
        return child

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)


@contextmanager
def tasks_sent_to(queue: str):
    """While active, ``.delay()`` in this (test) process publishes to ``queue`` instead of running inline."""
    from celery._state import _set_task_join_will_block

    from config.celery import app

    # Eager tasks run earlier in this process can leave Celery believing it is inside a task,
    # which makes result.get() refuse to block; this process is the client here, not a worker.
    _set_task_join_will_block(False)
    old = (app.conf.task_always_eager, app.conf.task_default_queue, app.conf.task_routes)

    def use_routes(table) -> None:
        app.conf.task_routes = table
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()

    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    use_routes(private_routes(queue))
    try:
        yield app
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old[:2]
        use_routes(old[2])


def private_routes(queue: str) -> dict:
    """The settings' task routes, each queue renamed to this test run's private twin."""
    from django.conf import settings

    return {name: {"queue": f"{queue}-{route['queue']}"} for name, route in settings.CELERY_TASK_ROUTES.items()}


def new_queue() -> str:
    return f"zhucun-test-{os.getpid()}-{time.time_ns()}"
