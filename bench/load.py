"""Pages under load (issue 18): concurrent clients against gunicorn on 127.0.0.1, p95 latencies.

The server is the production one — gunicorn with DJANGO_DEBUG=0 and the same middleware — on the
bench database (``bench/server_settings.py`` says the one difference). Each client thread alternates the page under test with a cheap
endpoint (``/healthz`` when the project has it, else the login page), so both latencies are
measured in the same run under the same load; only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from bench.harness import BenchError

HOST = "127.0.0.1"
CHEAP_CANDIDATES = ("/healthz", "/login/")
WORKERS = 4  # without a gunicorn.conf.py of the project: 2 × cores on this 2-core machine


@dataclass
class Timings:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def p95_ms(self, url: str) -> float | None:
        values = self.latencies.get(url, [])
        if len(values) < 2:
            return values[0] * 1000 if values else None
        return statistics.quantiles(values, n=20, method="inclusive")[18] * 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )


class Server:
    """gunicorn serving the project on a free port of 127.0.0.1, with production settings."""

    def __init__(self):
        self.port = _free_port()
        self.secret = secrets.token_urlsafe(48)
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_REPLICA_URL")},
            "DATABASE_URL": _database_url(),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": self.secret,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "bench.server_settings",
        }
        self.proc = None

    def __enter__(self):
        base = Path(settings.BASE_DIR)
        bin_dir = Path(sys.executable).parent
        config = base / "gunicorn.conf.py"
        args = ["-c", str(config)] if config.exists() else ["--workers", str(WORKERS)]
        self.proc = subprocess.Popen(
            [str(bin_dir / "gunicorn"), *args, "--bind", f"{HOST}:{self.port}", "config.wsgi:application"],
            cwd=base,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError("gunicorn 启动失败：" + self.proc.stderr.read().decode()[-500:])
            try:
                status, _ = self.get("/login/", {})
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise BenchError("gunicorn 30 秒内没有应答")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def get(self, url: str, headers: dict) -> tuple[int, float]:
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request("GET", url, headers={"Host": HOST, **headers})
            response = conn.getresponse()
            response.read()
            return response.status, time.perf_counter() - started
        finally:
            conn.close()

    def session_cookie(self, user) -> str:
        """A logged-in session for ``user``, signed with the server's key."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore
        from django.test.utils import override_settings

        with override_settings(SECRET_KEY=self.secret):
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def cheap_endpoint(server: Server, headers: dict) -> str:
    for url in CHEAP_CANDIDATES:
        status, _ = server.get(url, headers)
        if status == 200:
            return url
    raise BenchError("没有可作对照的轻量页面（/healthz、/login/）")


def run_load(server: Server, urls: list[str], *, headers: dict, clients: int, seconds: float) -> Timings:
    """``clients`` threads for ``seconds``, each requesting ``urls`` in turn (starting at a different
    one), and each at least twice round the list however slow the server is."""
    timings = Timings({u: [] for u in urls}, {u: 0 for u in urls})
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        i = offset
        while time.monotonic() < stop_at or i - offset < 2 * len(urls):
            url = urls[i % len(urls)]
            i += 1
            try:
                status, elapsed = server.get(url, headers)
                ok = status == 200
            except OSError:
                ok, elapsed = False, 0.0
            with lock:
                if ok:
                    timings.latencies[url].append(elapsed)
                else:
                    timings.errors[url] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings
