"""Report pages served from a real PostgreSQL streaming replica, and from the primary when it stops.

The test makes its own primary (wal_level=replica, a replication line in pg_hba) and a standby
cloned with ``pg_basebackup -R`` on a second port, both in a temporary directory, and runs the
app against them in a subprocess (``serve_pages.py``) so the settings see DATABASE_REPLICA_URL.
Skipped where the PostgreSQL 15 binaries or a way to run them as ``postgres`` are missing.
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.postgres

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("serve_pages.py")


def _as_postgres() -> list[str] | None:
    """The prefix that runs a command as the postgres user (initdb and pg_ctl refuse root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else None
    return [] if pwd.getpwuid(os.geteuid()).pw_name == "postgres" else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clusters:
    def __init__(self, base: Path, prefix: list[str]):
        self.base, self.prefix = base, prefix
        self.primary, self.standby = base / "primary", base / "replica"
        self.primary_port, self.standby_port = _free_port(), _free_port()

    def pg(self, tool: str, *args) -> None:
        subprocess.run([*self.prefix, str(PG_BIN / tool), *map(str, args)], check=True, capture_output=True)

    def start(self) -> None:
        self.pg(
            "initdb", "-D", self.primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"
        )
        with (self.primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.primary_port}\n"
                f"unix_socket_directories = '{self.base}'\nwal_level = replica\nmax_wal_senders = 4\n"
                "fsync = off\nsynchronous_commit = off\nshared_buffers = 32MB\n"
            )
        with (self.primary / "pg_hba.conf").open("a") as hba:
            hba.write("\nhost replication postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 trust\n")
        self.pg("pg_ctl", "-D", self.primary, "-l", self.base / "primary.log", "-w", "-t", "30", "start")
        self.pg("createdb", "-h", "127.0.0.1", "-p", self.primary_port, "-U", "postgres", "zhucun")
        self.pg(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", self.primary_port, "-U", "postgres"),
            *("-D", self.standby, "-R", "-X", "stream", "-c", "fast"),
        )
        with (self.standby / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.standby_port}\n")
        self.pg("pg_ctl", "-D", self.standby, "-l", self.base / "replica.log", "-w", "-t", "30", "start")

    def stop_standby(self) -> None:
        self.pg("pg_ctl", "-D", self.standby, "-m", "fast", "-w", "stop")

    def stop_all(self) -> None:
        for data in (self.standby, self.primary):
            if (data / "postmaster.pid").exists():
                subprocess.run(
                    [*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                    capture_output=True,
                )

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/zhucun"


@pytest.fixture
def clusters():
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL（CI 第二轮）")
    prefix = _as_postgres()
    if prefix is None or not (PG_BIN / "pg_basebackup").exists():
        pytest.skip(f"需要 {PG_BIN} 下的 PostgreSQL 15 工具，并能以 postgres 用户运行")
    base = Path(tempfile.mkdtemp(prefix="zhucun-replica-"))
    shutil.chown(base, "postgres", "postgres")
    pair = Clusters(base, prefix)
    try:
        pair.start()
        yield pair
    finally:
        pair.stop_all()
        shutil.rmtree(base, ignore_errors=True)


def _phase(pair: Clusters, phase: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": pair.url(pair.primary_port),
        "DATABASE_REPLICA_URL": pair.url(pair.standby_port),
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_LOG_LEVEL": "ERROR",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), phase], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_report_pages_read_the_replica_and_fall_back_to_the_primary_when_it_stops(clusters):
    names = _phase(clusters, "setup")["names"]

    served = _phase(clusters, "replica")
    assert served["replica_in_recovery"] is True
    for name, page in served["pages"].items():
        assert page["status"] == 200, name
        assert page["replica_report_reads"] >= 1, name
        assert page["primary_report_reads"] == 0, name
    for page in (served["pages"]["monthly_report"], served["pages"]["ranking"]):
        assert all(cadre in page["body"] for cadre in names)
    assert served["pages"]["monthly_export"]["type"].startswith("application/vnd.openxmlformats")
    assert served["pages"]["ranking_export"]["bytes"] > 1000
    assert (served["alias_outside_atomic"], served["alias_inside_atomic"]) == ("replica", "default")
    # Right after a successful POST the same browser reads its report from the primary.
    assert served["post_status"] == 302
    assert served["after_post"]["status"] == 200
    assert served["after_post"]["replica_report_reads"] == 0
    assert served["after_post"]["primary_report_reads"] >= 1

    clusters.stop_standby()
    fallback = _phase(clusters, "primary")
    assert fallback["replica_down"] is True
    for name, page in fallback["pages"].items():
        assert page["status"] == 200, name
        assert page["primary_report_reads"] >= 1, name
    for page in (fallback["pages"]["monthly_report"], fallback["pages"]["ranking"]):
        assert all(cadre in page["body"] for cadre in names)
    # Connection refused is immediate, and the replica is then skipped: no page waits on it.
    assert fallback["seconds"] < 15
