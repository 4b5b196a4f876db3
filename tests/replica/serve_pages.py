"""Run by ``test_streaming_replica.py`` in a subprocess against a real primary and streaming replica.

``python tests/replica/serve_pages.py setup`` migrates the primary and writes a small county;
``replica`` waits until the replica has replayed it, serves the monthly report, the ranking and
their exports through Django's test client and reports where each query went; ``primary`` (run
after the replica was stopped) serves the same pages again. Each phase prints one JSON line.
DATABASE_URL / DATABASE_REPLICA_URL come from the environment the test sets.
"""

import contextlib
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from core import replica  # noqa: E402

MARCH = dt.date(2026, 3, 1)
PAGES = {
    "monthly_report": "/attendance/totals/?month=2026-03",
    "monthly_export": "/attendance/totals/export/?month=2026-03",
    "ranking": "/appraisal/?county=150523&quarter=2026Q1",
    "ranking_export": "/appraisal/export/?county=150523&quarter=2026Q1",
}
# The tables only the report views read: a query naming one of them is a report read.
REPORT_TABLES = ("attendance_monthlytotal", "appraisal_quarterresult")


def setup() -> dict:
    from appraisal.ranking import compute_quarterly_ranking
    from attendance.totals.compute import compute_monthly_totals
    from tests import factories as f
    from tests.appraisal.factories import give_composite, small_scheme
    from tests.attendance.totals.factories import mark_days

    call_command("migrate", verbosity=0, interactive=False)
    county = f.CountyFactory(code="150523", name="开鲁县")
    township = f.TownshipFactory(county=county, code="150523100", name="开鲁镇")
    unit = f.DispatchingUnitFactory(county=county, code="U150523001", name="开鲁县农业局")
    scheme = small_scheme(county)
    names = []
    for n, role in enumerate(["FIRST_SECRETARY", "TEAM_MEMBER", "TEAM_MEMBER"]):
        village = f.VillageFactory(township=township, code=f"15052310020{n}")
        posting = f.PostingFactory(
            village=village,
            unit=unit,
            role=role,
            start_date=dt.date(2026, 1, 1),
            planned_end_date=dt.date(2027, 12, 31),
        )
        mark_days(posting, MARCH, "√" * (10 + 6 * n))
        give_composite(posting.cadre, scheme, 60 + 10 * n)
        names.append(posting.cadre.name)
    compute_monthly_totals(county=county, month=MARCH, today=dt.date(2026, 6, 30))
    compute_quarterly_ranking(county=county, year=2026, quarter=1, propose=False)
    f.org_user(county, username="org_a")
    return {"names": names}


def _wait_for_replay(timeout: float = 20) -> float:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return time.monotonic() - started
        time.sleep(0.1)
    raise SystemExit(f"replica did not replay {lsn} within {timeout} s")


def _get(client: Client, url: str, *, replica_up: bool = True) -> dict:
    # Capturing connects first, so the replica's queries are only captured while it is up.
    with contextlib.ExitStack() as stack:
        on_primary = stack.enter_context(CaptureQueriesContext(connections["default"]))
        on_replica = (
            stack.enter_context(CaptureQueriesContext(connections["replica"])) if replica_up else None
        )
        response = client.get(url)

    def report_reads(queries) -> int:
        return sum(any(t in q["sql"] for t in REPORT_TABLES) for q in queries)

    return {
        "status": response.status_code,
        "type": response["Content-Type"],
        "body": response.content.decode() if response["Content-Type"].startswith("text/html") else "",
        "bytes": len(response.content),
        "primary_report_reads": report_reads(on_primary.captured_queries),
        "replica_report_reads": report_reads(on_replica.captured_queries) if on_replica else 0,
    }


def _client() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="org_a"))
    return client


def serve_from_replica() -> dict:
    out = {"replay_seconds": _wait_for_replay()}
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        out["replica_in_recovery"] = cursor.fetchone()[0]
    client = _client()
    out["pages"] = {name: _get(client, url) for name, url in PAGES.items()}
    # Inside a transaction on the primary even a marked read stays there.
    token = replica._reads.set(replica.REPLICA)
    try:
        out["alias_outside_atomic"] = replica.read_alias()
        with transaction.atomic():
            out["alias_inside_atomic"] = replica.read_alias()
    finally:
        replica._reads.reset(token)
    # A successful POST (here the language menu) keeps this browser on the primary for a while.
    posted = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    out["post_status"] = posted.status_code
    out["after_post"] = _get(client, PAGES["monthly_report"])
    return out


def serve_without_replica() -> dict:
    client = _client()
    started = time.monotonic()
    pages = {name: _get(client, url, replica_up=False) for name, url in PAGES.items()}
    return {"pages": pages, "seconds": time.monotonic() - started, "replica_down": replica.replica_down()}


if __name__ == "__main__":
    phase = sys.argv[1]
    result = {"setup": setup, "replica": serve_from_replica, "primary": serve_without_replica}[phase]()
    print(json.dumps(result, ensure_ascii=False))
