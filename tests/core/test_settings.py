"""Production settings: refuse to start on weak configuration, pass `check --deploy` when proper."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3J9-pQ2x!Lm8#vR4tY7zW1sD6fG0hJ5aB9cE2nM4qP7uX3yZ8-strong"


def run_manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_zero_warnings_given_a_proper_key_and_hosts():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="zhucun.example.gov.cn",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="zhucun.example.gov.cn")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = run_manage(
        "check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="secret", DJANGO_ALLOWED_HOSTS="example.org"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_empty_allowed_hosts():
    result = run_manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_development_mode_needs_no_environment_at_all():
    result = run_manage("check")
    assert result.returncode == 0, result.stderr


def test_a_secret_key_starting_with_a_dollar_sign_is_taken_as_it_is():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="$" + STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="zhucun.example.gov.cn",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_collectstatic_succeeds_under_production_settings(tmp_path):
    """The manifest storage post-processes every file: a reference to a missing file (a source
    map named in a vendored library) would make the documented production step fail."""
    result = run_manage(
        "collectstatic",
        "--noinput",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="zhucun.example.gov.cn",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert list((tmp_path / "static" / "vendor").glob("chart-4.6.1.umd.min.*.js"))
