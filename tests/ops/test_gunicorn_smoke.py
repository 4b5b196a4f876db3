"""Production settings served by gunicorn: start it, GET /healthz and the login page, stop it."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url, headers=None):
    """(status, body or Location) without following redirects."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location") or exc.read().decode()


@pytest.fixture
def production_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="smoke-" + "k3y-Z" * 12,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,zhucun.test",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    bin_dir = Path(sys.executable).parent
    python = str(bin_dir / "python")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    return env


def test_gunicorn_serves_healthz_and_the_login_page_under_production_settings(production_env):
    port = free_port()
    env = {**production_env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                status, body = fetch(f"{base}/healthz")
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail("gunicorn 没有启动")
                time.sleep(0.3)
        # Plain HTTP on the loopback is allowed for the health check (monitors).
        assert status == 200, body
        report = json.loads(body)
        assert report["status"] == "ok" and report["checks"]["database"] == "ok"

        # Everything else expects HTTPS from nginx: plain HTTP is redirected...
        assert fetch(f"{base}/login/", {"Host": "zhucun.test"}) == (301, "https://zhucun.test/login/")
        # ...and through the proxy (X-Forwarded-Proto) the login page renders with hashed static files.
        status, html = fetch(f"{base}/login/", {"Host": "zhucun.test", "X-Forwarded-Proto": "https"})
        assert status == 200
        assert "登录" in html and "/static/" in html
        status, _ = fetch(f"{base}/healthz", {"Host": "evil.example"})
        assert status == 400  # ALLOWED_HOSTS is enforced
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert proc.returncode == 0, out
    # Access log lines carry the request id the application assigned.
    assert re.search(r'"GET /login/ HTTP/1.1" 200 \d+ \d+ms rid=[0-9a-f]{32}', out), out
