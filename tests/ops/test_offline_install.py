"""The wheelhouse installs on a machine with no network: a fresh venv, the index disabled.

Slow (downloads and installs every runtime wheel), so it runs once in CI (``make offline-check``,
which sets ZHUCUN_OFFLINE_TEST=1) and is skipped in the ordinary runs.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.offline


def run(*cmd, **kwargs):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, timeout=900, **kwargs)


@pytest.fixture
def wheelhouse(tmp_path):
    if os.environ.get("ZHUCUN_OFFLINE_TEST") != "1":
        pytest.skip("离线安装测试较慢：由 make offline-check（CI 运行一次）执行")
    target = tmp_path / "wheelhouse"
    run("make", "--no-print-directory", "wheelhouse", f"WHEELHOUSE={target}")
    return target


def test_the_wheelhouse_installs_into_a_fresh_venv_without_an_index(wheelhouse, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    python = venv / "bin" / "python"
    # --isolated: no pip.conf, no PIP_* variables (this machine's extra indexes and find-links).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    run(
        str(python),
        "-m",
        "pip",
        "--isolated",
        "install",
        "--quiet",
        "--no-index",
        "--find-links",
        str(wheelhouse),
        "--require-hashes",
        "-r",
        str(wheelhouse / "requirements.lock"),
        env=env,
    )

    # Lines with an environment marker (Windows, Python < 3.11.3) may rightly not apply here.
    locked = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line and not line.startswith((" ", "#")) and ";" not in line
    }
    freeze = run(str(python), "-m", "pip", "--isolated", "freeze", env=env).stdout
    installed = {
        line.split("==")[0].lower().replace("_", "-") for line in freeze.splitlines() if "==" in line
    }
    assert locked <= installed

    # The installed venv runs the application: system checks and gunicorn's entry point.
    check_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    check_env.pop("REDIS_URL", None)
    out = run(str(python), "manage.py", "check", env=check_env)
    assert "no issues" in out.stdout
    assert "gunicorn" in run(str(venv / "bin" / "gunicorn"), "--version", env=env).stdout
