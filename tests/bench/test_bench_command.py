import importlib.util
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bench.config import bench_month
from bench.harness import JSON_KEYS, LOAD_KEYS, PEER_KEYS
from bench.scenarios import SCENARIOS


@pytest.mark.django_db
def test_bench_refuses_sqlite_with_a_clear_message():
    if connection.vendor == "postgresql":
        pytest.skip("只在 SQLite 上检查拒绝信息")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench", "--quick")


def test_the_bench_command_lives_in_the_bench_app():
    # core imports no app (issue 16): the command is the bench app's own.
    from django.core.management import get_commands

    assert get_commands()["bench"] == "bench"


def test_bench_month_is_the_first_31_day_month_of_the_last_complete_quarter():
    import datetime as dt

    assert bench_month(dt.date(2026, 11, 22)) == (dt.date(2026, 7, 1), 2026, 3)
    assert bench_month(dt.date(2026, 2, 1)) == (dt.date(2025, 10, 1), 2025, 4)
    assert bench_month(dt.date(2026, 5, 1)) == (dt.date(2026, 1, 1), 2026, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_quick_bench_writes_every_scenario_in_order_with_the_issue_keys(tmp_path, capsys):
    if connection.vendor != "postgresql":
        pytest.skip("基准测试只在 PostgreSQL 上运行")
    from bench.build import drop_marker

    output = tmp_path / "bench-results.json"
    try:
        call_command("bench", "--quick", "--output", str(output))
        data = json.loads(output.read_text(encoding="utf-8"))
        assert [row["scenario"] for row in data] == list(SCENARIOS)
        assert all(tuple(row)[: len(JSON_KEYS)] == JSON_KEYS for row in data)
        for row in data:
            assert row["seconds"] is not None, row  # no scenario skipped
            assert row["limit_seconds"] is not None and row["ratio"] is not None
        by_name = {row["scenario"]: row for row in data}
        # Rows with a peer gain its name, time and product/peer ratio (issue 18).
        # django-import-export is a bench-only dependency (`make bench` installs it, `make test`
        # does not): without it the long import keeps its own figures and names the missing peer.
        peer_installed = importlib.util.find_spec("import_export") is not None
        long_row = by_name["attendance_long_200k"]
        assert long_row["peer"] == (
            "django-import-export (bulk)"
            if peer_installed
            else "django-import-export (not installed: make bench installs it)"
        )
        assert (long_row["peer_seconds"] is not None) is peer_installed
        measured = [
            "page_monthly_report",
            "page_ranking",
            *(["attendance_long_200k"] if peer_installed else []),
        ]
        for name in measured:
            row = by_name[name]
            assert tuple(row)[len(JSON_KEYS) :] == PEER_KEYS
            assert row["peer"] and row["peer_seconds"] > 0
            # The row's seconds are rounded for the file; the ratio is of the unrounded times.
            assert row["peer_ratio"] == pytest.approx(row["seconds"] / row["peer_seconds"], abs=0.002)
        # Load rows: p95 of the page and of the cheap endpoint under concurrent clients, no errors.
        for name in ("load_monthly_report", "load_ranking"):
            row = by_name[name]
            assert tuple(row)[len(JSON_KEYS) :] == LOAD_KEYS
            assert (
                row["errors"] == 0 and row["p95_ms"] > 0 and row["rows"] >= 2 * 2 * 2
            )  # each of the 2 clients twice round page and cheap endpoint
            assert row["seconds"] == pytest.approx(row["p95_ms"] / 1000, abs=1e-3)
        assert all(
            len(row) == len(JSON_KEYS)
            for row in data
            if row["scenario"] in ("registry_50k", "ranking_province")
        )
        table = capsys.readouterr().out
        assert all(name in table for name in SCENARIOS)
        # The second run reuses the database it built.
        call_command("bench", "--quick", "--only", "attendance_matrix_township", "--output", str(output))
        assert "复用" in capsys.readouterr().out
    finally:
        drop_marker()
