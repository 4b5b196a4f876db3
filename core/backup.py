"""Back up and restore the whole installation: the database and the uploaded files (media).

A backup is a folder:
- ``database.dump`` — PostgreSQL, ``pg_dump --format=custom`` (restored with ``pg_restore``), or
  ``db.sqlite3`` — SQLite, a consistent copy made with SQLite's online backup;
- ``media.tar.gz`` — every uploaded file (attendance workbooks…);
- ``manifest.json`` — when, which engine, and the row count of every table, which ``restore``
  checks after restoring.

Both directions work on the database that DATABASE_URL names and the folder DJANGO_MEDIA_ROOT
names, so restoring onto a new server is: install, configure, ``restore DIR``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "db.sqlite3"
MEDIA = "media.tar.gz"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


@dataclass
class RestoreResult:
    tables: int
    rows: int
    media_files: int


def table_counts() -> dict[str, int]:
    """Row count of every table of the current database."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _run(cmd: list[str], env: dict) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupError(
            _("找不到 %(cmd)s：请安装与数据库服务器同版本的 PostgreSQL 客户端（postgresql-client）")
            % {"cmd": cmd[0]}
        )
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(
            _("%(cmd)s 失败（退出码 %(code)s）：%(err)s")
            % {"cmd": cmd[0], "code": done.returncode, "err": done.stderr.strip()[-2000:]}
        )


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def backup(*, out: Path) -> dict:
    """Write a backup folder ``out`` (created; must be empty if it exists). Returns the manifest."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(_("备份目录 %(out)s 不是空的：请换一个新目录（例如带上日期）") % {"out": out})
    out.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor == "postgresql":
        env, args = _pg_env_and_args()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                *args,
                "--file",
                str(out / PG_DUMP),
            ]
            + [connection.settings_dict["NAME"]],
            env,
        )
    elif vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(out / SQLITE_COPY)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(_("不支持的数据库：%(vendor)s") % {"vendor": vendor})
    media = _media_root()
    files = 0
    with tarfile.open(out / MEDIA, "w:gz") as tar:
        if media.is_dir():
            for path in sorted(media.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(media)))
                    files += 1
    manifest = {
        "created_at": timezone.now().isoformat(),
        "engine": vendor,
        "tables": table_counts(),
        "media_files": files,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(_("%(folder)s 不是备份目录：缺少 %(file)s") % {"folder": folder, "file": MANIFEST})
    return json.loads(path.read_text(encoding="utf-8"))


def _has_tables() -> bool:
    with connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))


def restore(*, folder: Path, force: bool = False) -> RestoreResult:
    """Restore a backup folder into the configured database and media folder, then check row counts.

    Refuses a database that already has tables unless ``force`` (then its objects are replaced).
    """
    folder = Path(folder)
    manifest = _read_manifest(folder)
    vendor = connection.vendor
    if manifest["engine"] != vendor:
        raise BackupError(
            _("备份来自 %(engine)s，当前数据库是 %(vendor)s：不能直接恢复")
            % {"engine": manifest["engine"], "vendor": vendor}
        )
    if _has_tables() and not force:
        raise BackupError(_("目标数据库已有数据表：请恢复到新建的空数据库，或确认覆盖后加 --force"))
    if vendor == "postgresql":
        env, args = _pg_env_and_args()
        connection.close()
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args]
            + (["--clean", "--if-exists"] if force else [])
            + ["--dbname", connection.settings_dict["NAME"], str(folder / PG_DUMP)],
            env,
        )
    else:
        name = connection.settings_dict["NAME"]
        if str(name) == ":memory:" or "mode=memory" in str(name):
            raise BackupError(_("内存数据库不能恢复"))
        connection.close()
        source = sqlite3.connect(folder / SQLITE_COPY)
        target = sqlite3.connect(name)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    media = _media_root()
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA, "r:gz") as tar:
        members = tar.getmembers()
        tar.extractall(media, filter="data")  # "data": no absolute paths, links or devices
    counts = table_counts()
    expected = manifest["tables"]
    wrong = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}
    if wrong:
        detail = "；".join(
            _("%(table)s 应为 %(n)s 行，实为 %(got)s") % {"table": t, "n": n, "got": got}
            for t, (n, got) in sorted(wrong.items())[:10]
        )
        raise BackupError(_("恢复后的行数与备份不一致：%(detail)s") % {"detail": detail})
    return RestoreResult(tables=len(expected), rows=sum(expected.values()), media_files=len(members))
