"""The nation on one engine (issue 18, ``make bench SCALE=nation``).

The province is built as for ``make bench`` and measured alone (the baseline, kept in the bench
database); then :func:`grow` adds ``provinces - 1`` provinces at the same density around it — a
copy of the province's registry under another province code, by ``INSERT … SELECT`` with ids
offset by a million per province — and ``months`` of attendance for every province by
``generate_series`` (the same statement as the province's month), plus their quarter of scores.
The province scenarios then run again on the province inside the nation, and each is reported as a
ratio to its time alone (target ≤ 1.2×).
"""

from __future__ import annotations

import datetime as dt
import json
import time

from django.db import connection, transaction

from bench import build
from bench.config import NATION_PROVINCE_CODES, Scale, months_back

BASELINE_TABLE = "bench_nation_baseline"
BUILD_TABLE = "bench_nation_build"
OFFSET = 1_000_000  # id offset per added province; keeps ids × 40 inside int4 for the hashes
PROVINCE = "15"  # the bench province (villages/demo.py: codes 15CC21…; 1599NN its special counties)


def province_county_ids() -> list[int]:
    """The bench province's counties (its special ones included): the scope of every nation scenario."""
    from villages.models import County

    return list(
        County.objects.filter(code__startswith=PROVINCE).order_by("code").values_list("id", flat=True)
    )


def save_baseline(results) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {BASELINE_TABLE} (scenario text PRIMARY KEY, seconds float, "
            "limit_seconds float, measured_at timestamptz DEFAULT now())"
        )
        cursor.execute(f"DELETE FROM {BASELINE_TABLE}")
        for r in results:
            cursor.execute(
                f"INSERT INTO {BASELINE_TABLE} (scenario, seconds, limit_seconds) VALUES (%s, %s, %s)",
                [r.scenario, r.seconds, r.limit_seconds],
            )


def read_baseline() -> dict[str, tuple[float | None, float | None]] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [BASELINE_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT scenario, seconds, limit_seconds FROM {BASELINE_TABLE}")
        return {name: (seconds, limit) for name, seconds, limit in cursor.fetchall()}


def save_build(figures: dict) -> None:
    """The nation is built: its figures (rows/s, bytes per cadre-day, sizes) for later runs."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {BUILD_TABLE} (figures jsonb, built_at timestamptz DEFAULT now())"
        )
        cursor.execute(f"DELETE FROM {BUILD_TABLE}")
        cursor.execute(f"INSERT INTO {BUILD_TABLE} (figures) VALUES (%s::jsonb)", [json.dumps(figures)])


def read_build() -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [BUILD_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT figures::text FROM {BUILD_TABLE}")
        row = cursor.fetchone()
    return None if row is None else json.loads(row[0])


def drop_tables() -> None:
    """Forget the baseline and the build figures (the tests' clean-up, with build.drop_marker)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {BASELINE_TABLE}, {BUILD_TABLE}")


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [name for (name,) in cursor.fetchall()]


def _clone(cursor, table: str, *, where: str, exprs: dict[str, str], params: dict) -> int:
    """INSERT … SELECT every column of ``table`` as is, except those given an expression."""
    columns = _columns(table)
    select = ", ".join(exprs.get(c, c) for c in columns)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table} WHERE {where}", params
    )
    return cursor.rowcount


def clone_province(cursor, *, code: str, offset: int) -> dict[str, int]:
    """One more province: the bench province's registry under province ``code``, ids + ``offset``."""
    p = {"off": offset, "code": code, "prov": f"{PROVINCE}%"}
    county_scope = "code LIKE %(prov)s AND code NOT LIKE '1599%%'"
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS _nation_counties AS SELECT id FROM villages_county WHERE {county_scope}",
        p,
    )
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _nation_units AS SELECT id FROM cadres_dispatchingunit "
        "WHERE county_id IN (SELECT id FROM _nation_counties)"
    )
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _nation_villages AS SELECT v.id FROM villages_village v "
        "JOIN villages_township t ON t.id = v.township_id WHERE t.county_id IN (SELECT id FROM _nation_counties)"
    )
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _nation_cadres AS SELECT DISTINCT cadre_id AS id FROM cadres_posting "
        "WHERE village_id IN (SELECT id FROM _nation_villages) UNION SELECT id FROM cadres_cadre "
        "WHERE home_unit_id IN (SELECT id FROM _nation_units)"
    )
    off = "%(off)s"
    n = {}
    n["counties"] = _clone(
        cursor,
        "villages_county",
        where="id IN (SELECT id FROM _nation_counties)",
        exprs={"id": f"id + {off}", "code": "%(code)s || substr(code, 3)"},
        params=p,
    )
    _clone(
        cursor,
        "villages_policy",
        where="county_id IN (SELECT id FROM _nation_counties)",
        exprs={"id": f"id + {off}", "county_id": f"county_id + {off}"},
        params=p,
    )
    n["townships"] = _clone(
        cursor,
        "villages_township",
        where="county_id IN (SELECT id FROM _nation_counties)",
        exprs={"id": f"id + {off}", "code": "%(code)s || substr(code, 3)", "county_id": f"county_id + {off}"},
        params=p,
    )
    n["villages"] = _clone(
        cursor,
        "villages_village",
        where="id IN (SELECT id FROM _nation_villages)",
        exprs={
            "id": f"id + {off}",
            "code": "%(code)s || substr(code, 3)",
            "township_id": f"township_id + {off}",
        },
        params=p,
    )
    _clone(
        cursor,
        "cadres_dispatchingunit",
        where="id IN (SELECT id FROM _nation_units)",
        exprs={
            "id": f"id + {off}",
            "code": "'U' || %(code)s || substr(code, 4)",
            "county_id": f"county_id + {off}",
        },
        params=p,
    )
    n["cadres"] = _clone(
        cursor,
        "cadres_cadre",
        where="id IN (SELECT id FROM _nation_cadres)",
        exprs={
            "id": f"id + {off}",
            # Unique and 18 characters; not a valid 身份证号 (no page of the run checks the digit).
            "id_number": "'N' || %(code)s || lpad((id + %(off)s)::text, 15, '0')",
            "home_unit_id": f"CASE WHEN home_unit_id IN (SELECT id FROM _nation_units) THEN home_unit_id + {off} END",
        },
        params=p,
    )
    n["postings"] = _clone(
        cursor,
        "cadres_posting",
        where="village_id IN (SELECT id FROM _nation_villages)",
        exprs={
            "id": f"id + {off}",
            "cadre_id": f"cadre_id + {off}",
            "village_id": f"village_id + {off}",
            "unit_id": f"CASE WHEN unit_id IN (SELECT id FROM _nation_units) THEN unit_id + {off} ELSE unit_id END",
        },
        params=p,
    )
    return n


def _continue_identities(cursor) -> None:
    for table in (
        "villages_county",
        "villages_policy",
        "villages_township",
        "villages_village",
        "cadres_dispatchingunit",
        "cadres_cadre",
        "cadres_posting",
    ):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}) + 1, false)",
            [table],
        )


def grow(*, scale: Scale, month: dt.date, year: int, quarter: int, stdout) -> dict:
    """Add the other provinces and the months around the built province; returns the build figures."""
    from attendance.partitions import RECORDS
    from villages.models import County

    if scale.provinces - 1 > len(NATION_PROVINCE_CODES):
        raise ValueError(f"at most {len(NATION_PROVINCE_CODES) + 1} provinces")
    figures: dict = {}
    province = province_county_ids()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for k, code in enumerate(NATION_PROVINCE_CODES[: scale.provinces - 1], start=1):
            n = clone_province(cursor, code=code, offset=k * OFFSET)
            stdout.write(
                f"省 {code}：{n['counties']} 县、{n['villages']} 村、{n['cadres']} 名干部、{n['postings']} 条选派"
            )
        _continue_identities(cursor)
        cursor.execute("ANALYZE")
    figures["registry_seconds"] = round(time.perf_counter() - started, 1)
    others = list(County.objects.exclude(id__in=province).values_list("id", flat=True))

    attendance_rows, attendance_seconds = 0, 0.0
    for m in months_back(month, scale.months):
        RECORDS.ensure_month(m)
        started = time.perf_counter()
        # The built month already holds the province's rows; every other month is the whole nation's.
        rows = build.load_attendance(month=m, county_ids=others if m == month else None)
        seconds = time.perf_counter() - started
        attendance_rows += rows
        attendance_seconds += seconds
        stdout.write(f"考勤：{m:%Y-%m} 新增 {rows:,} 条，{seconds:.0f} 秒（{rows / seconds:,.0f} 条/秒）")
        RECORDS.analyze_month(m)
    figures["attendance_rows_added"] = attendance_rows
    figures["attendance_rows_per_second"] = (
        round(attendance_rows / attendance_seconds) if attendance_seconds else None
    )
    started = time.perf_counter()
    figures["score_rows_added"] = build.load_scores(year=year, quarter=quarter, county_ids=others)
    figures["score_seconds"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    figures |= storage(month)
    return figures


def storage(month: dt.date) -> dict:
    """Rows and bytes of the attendance month (its partition: rows, indexes, TOAST) and of the database."""
    from attendance.partitions import RECORDS

    name = RECORDS.partition_name(month)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), pg_total_relation_size(%s::regclass), pg_relation_size(%s::regclass) FROM {name}",
            [name, name],
        )
        rows, total, heap = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM {RECORDS.table}")
        (all_rows,) = cursor.fetchone()
        cursor.execute("SELECT pg_database_size(current_database())")
        (database,) = cursor.fetchone()
    return {
        "month_rows": rows,
        "month_bytes": total,
        "bytes_per_cadre_day": round(total / rows, 1) if rows else None,
        "heap_bytes_per_cadre_day": round(heap / rows, 1) if rows else None,
        "attendance_rows": all_rows,
        "database_bytes": database,
    }
