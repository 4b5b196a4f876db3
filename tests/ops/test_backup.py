"""backup → restore into a fresh database and media folder → the same row counts and files."""

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from attendance.models import AttendanceUpload
from core.backup import table_counts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def populated(transactional_db, world, settings, tmp_path):
    """The world, plus an uploaded file in the media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    upload_dir = settings.MEDIA_ROOT / "attendance" / "2026" / "03"
    upload_dir.mkdir(parents=True)
    (upload_dir / "考勤.xlsx").write_bytes(b"PK\x03\x04 workbook bytes")
    AttendanceUpload.objects.create(
        township=world.a1,
        month="2026-03-01",
        as_of="2026-03-31",
        file="attendance/2026/03/考勤.xlsx",
        original_name="考勤.xlsx",
        status=AttendanceUpload.Status.ACCEPTED,
    )
    return world


def restore_in(database_url: str, folder: Path, media: Path) -> subprocess.CompletedProcess:
    """``manage.py restore`` in its own process, on another database, as an operator would run it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_backup_writes_the_database_the_media_and_a_manifest(populated, tmp_path):
    out = tmp_path / "backup"
    call_command("backup", "--out", str(out), stdout=io.StringIO())

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["attendance_attendanceupload"] == 1
    assert manifest["tables"] == table_counts()
    assert manifest["media_files"] == 1
    assert (out / ("database.dump" if connection.vendor == "postgresql" else "db.sqlite3")).is_file()


def test_backup_refuses_a_folder_that_is_not_empty(populated, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("x")
    with pytest.raises(CommandError, match="不是空的"):
        call_command("backup", "--out", str(tmp_path / "old"))


def test_restore_refuses_a_database_that_has_data(populated, tmp_path):
    call_command("backup", "--out", str(tmp_path / "b"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="已有数据表"):
        call_command("restore", str(tmp_path / "b"))


def test_restore_refuses_a_folder_that_is_not_a_backup(db, tmp_path):
    with pytest.raises(CommandError, match="不是备份目录"):
        call_command("restore", str(tmp_path))


def test_sqlite_round_trip(populated, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite 的往返测试（PostgreSQL 见下一个测试）")
    call_command("backup", "--out", str(tmp_path / "b"), stdout=io.StringIO())
    expected = table_counts()

    restored_db = tmp_path / "restored.sqlite3"
    done = restore_in(f"sqlite:///{restored_db}", tmp_path / "b", tmp_path / "media2")

    assert done.returncode == 0, done.stderr
    assert "行数与备份一致" in done.stdout
    with sqlite3.connect(restored_db) as db:
        got = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in expected}
    assert got == expected and expected["villages_village"] == 3
    assert (tmp_path / "media2/attendance/2026/03/考勤.xlsx").read_bytes() == b"PK\x03\x04 workbook bytes"


@pytest.mark.postgres
def test_postgres_round_trip_into_a_fresh_database(populated, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL")
    call_command("backup", "--out", str(tmp_path / "b"), stdout=io.StringIO())
    expected = table_counts()

    db = settings.DATABASES["default"]
    server = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    fresh = f"{db['NAME']}_restore_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        done = restore_in(f"{server}/{fresh}", tmp_path / "b", tmp_path / "media2")
        assert done.returncode == 0, done.stderr
        assert "行数与备份一致" in done.stdout
        with psycopg.connect(f"{server}/{fresh}") as restored:
            got = {t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in expected}
        assert got == expected and expected["villages_village"] == 3
        assert (tmp_path / "media2/attendance/2026/03/考勤.xlsx").read_bytes() == b"PK\x03\x04 workbook bytes"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
