"""Build (or reuse) the bench database: the province, the special counties, a month of attendance
and a quarter of scores. Set-based SQL and COPY only; a marker table records what was built."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from bench.config import (
    BUILD_VERSION,
    IMPORT_COUNTIES,
    LONG_COUNTY,
    MATRIX_COUNTY,
    PAGE_LARGE_COUNTY,
    PAGE_SMALL_COUNTY,
    Scale,
    month_last,
)

MARKER_TABLE = "bench_marker"

# Deterministic day statuses: mostly on site and overnight, a tail of trips, leave and absence.
_STATUS_CASE = """CASE WHEN h < 70 THEN 'ON_SITE_OVERNIGHT' WHEN h < 85 THEN 'ON_SITE'
    WHEN h < 91 THEN 'OFFICIAL_TRIP' WHEN h < 96 THEN 'LEAVE_REST' WHEN h < 98 THEN 'LEAVE_PERSONAL'
    WHEN h < 99 THEN 'LEAVE_SICK' ELSE 'ABSENT' END"""


def ensure_database(stdout) -> None:
    """Create the PostgreSQL database named by DATABASE_URL when it does not exist yet."""
    import psycopg
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
        return
    except OperationalError as exc:
        if "does not exist" not in str(exc):
            raise CommandError(f"无法连接基准数据库：{exc}") from exc
    params = connection.get_connection_params()
    name = params.pop("dbname")
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    stdout.write(f"已创建数据库 {name}")


def read_marker() -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT version, scale, month, year, quarter FROM {MARKER_TABLE} LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip(("version", "scale", "month", "year", "quarter"), row, strict=True))


def _write_marker(*, scale: Scale, month, year, quarter) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (version int, scale text, month date, year int, "
            "quarter int, built_at timestamptz DEFAULT now())"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (version, scale, month, year, quarter) VALUES (%s, %s, %s, %s, %s)",
            [BUILD_VERSION, scale.name, month, year, quarter],
        )


def drop_marker() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")


def reusable(scale: Scale) -> dict | None:
    """The marker when the database was built by this bench version at this scale and still holds
    its data; raises when the database holds something else."""
    from villages.models import County

    marker = read_marker()
    has_data = County.objects.exists()
    if marker and has_data and County.objects.filter(code=LONG_COUNTY).exists():
        if marker["version"] != BUILD_VERSION or marker["scale"] != scale.name:
            raise CommandError(
                f"该数据库已按规模 {marker['scale']}（版本 {marker['version']}）建成基准数据；"
                "请删除它或用另一个 DATABASE_URL。"
            )
        return marker
    if has_data:
        raise CommandError("该数据库已有数据且不是基准库：基准测试只在专用数据库上运行（如 zhucun_bench）。")
    return None


def build(*, scale: Scale, month: dt.date, year: int, quarter: int, stdout) -> None:
    """Everything the scenarios need, in one transaction (a few minutes at province scale)."""
    with transaction.atomic():
        _build(scale=scale, month=month, year=year, quarter=quarter, stdout=stdout)


def _build(*, scale: Scale, month: dt.date, year: int, quarter: int, stdout) -> None:
    from demo import county as demo

    out = io.StringIO()
    call_command("seed_demo", scale="province", counties=scale.counties, seed=2026, stdout=out)
    stdout.write(out.getvalue().strip().splitlines()[0] if out.getvalue().strip() else "")
    today = timezone.localdate()
    starts = (month - dt.timedelta(days=400), month - dt.timedelta(days=1))
    common = {"city": "基准市", "n_units": 20, "n_townships": 1, "starts": starts}
    demo.add_counties(
        rng=random.Random(99),
        today=today,
        counties=[
            {
                **common,
                "code": LONG_COUNTY,
                "name": "基准长表县",
                "n_villages": max(2, scale.long_cadres // 9),
                "n_active": scale.long_cadres,
                "max_members": 12,
            },
            {
                **common,
                "code": MATRIX_COUNTY,
                "name": "基准矩阵县",
                "n_villages": max(2, scale.matrix_cadres // 3),
                "n_active": scale.matrix_cadres,
            },
            {**common, "code": PAGE_SMALL_COUNTY, "name": "基准小县", "n_villages": 8, "n_active": 20},
            {
                **common,
                "code": PAGE_LARGE_COUNTY,
                "name": "基准大县",
                "n_villages": 60,
                "n_active": 200,
                "n_townships": 2,
            },
        ],
    )
    _page_users()
    rows = load_attendance(month=month)
    stdout.write(f"考勤：{month:%Y-%m} 共 {rows} 条")
    scores = load_scores(year=year, quarter=quarter)
    stdout.write(f"考核得分：{year} 年第 {quarter} 季度 {scores} 条")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _write_marker(scale=scale, month=month, year=year, quarter=quarter)


def _page_users() -> None:
    from django.contrib.auth import get_user_model

    from core.models import StaffProfile
    from villages.models import County

    User = get_user_model()
    for username, code in (("bench_p20", PAGE_SMALL_COUNTY), ("bench_p200", PAGE_LARGE_COUNTY)):
        user, _created = User.objects.get_or_create(username=username)
        profile, _created = StaffProfile.objects.get_or_create(
            user=user, defaults={"role": StaffProfile.Role.ORG}
        )
        profile.counties.set([County.objects.get(code=code)])


def load_attendance(*, month: dt.date, county_ids: list[int] | None = None) -> int:
    """One month of attendance for every active posting outside the upload counties (or of the
    postings of ``county_ids`` only), set-based."""
    from attendance.models import AttendanceRecord
    from attendance.partitions import ensure_month

    ensure_month(month)  # as the monthly job would have made it ahead
    table = AttendanceRecord._meta.db_table
    sql = f"""
        INSERT INTO {table} (posting_id, cadre_id, township_id, month, date, status, note, upload_id)
        SELECT p.id, p.cadre_id, v.township_id, %(month)s, d::date, {_STATUS_CASE}, '', NULL
        FROM cadres_posting p
        JOIN villages_village v ON v.id = p.village_id
        JOIN villages_township t ON t.id = v.township_id
        JOIN villages_county c ON c.id = t.county_id
        CROSS JOIN LATERAL generate_series(
            GREATEST(p.start_date, %(month)s::date),
            LEAST(COALESCE(p.actual_end_date, p.planned_end_date), %(last)s::date), interval '1 day') d
        CROSS JOIN LATERAL (SELECT abs(hashint4((p.id * 40 + extract(day from d)::int)::int)) %% 100 AS h) x
        WHERE p.status = 'ACTIVE' AND p.start_date <= %(last)s
          AND COALESCE(p.actual_end_date, p.planned_end_date) >= %(month)s
          AND c.code <> ALL(%(skip)s)
    """
    params = {"month": month, "last": month_last(month), "skip": list(IMPORT_COUNTIES)}
    if county_ids is not None:
        sql += " AND c.id = ANY(%(counties)s)"
        params["counties"] = list(county_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def load_scores(*, year: int, quarter: int, county_ids: list[int] | None = None) -> int:
    """A quarter of manual scores and democratic rates for every cadre posted in the quarter (in
    the counties of ``county_ids`` only, when given)."""
    from appraisal.models import DemocraticRate, Indicator, Scheme, Score, Source
    from appraisal.schemes import get_or_create_scheme
    from villages.models import County

    counties = County.objects.all() if county_ids is None else County.objects.filter(id__in=county_ids)
    for county in counties:
        get_or_create_scheme(county=county, year=year)
    first = dt.date(year, 3 * quarter - 2, 1)
    last = month_last(dt.date(year, 3 * quarter, 1))
    posted = """
        SELECT DISTINCT ON (p.cadre_id) p.cadre_id, t.county_id
        FROM cadres_posting p JOIN villages_village v ON v.id = p.village_id
        JOIN villages_township t ON t.id = v.township_id
        WHERE p.start_date <= %(last)s AND COALESCE(p.actual_end_date, p.planned_end_date) >= %(first)s
          AND (%(counties)s::bigint[] IS NULL OR t.county_id = ANY(%(counties)s::bigint[]))
        ORDER BY p.cadre_id, p.start_date DESC
    """
    params = {
        "first": first,
        "last": last,
        "year": year,
        "quarter": quarter,
        "manual": Source.MANUAL.value,
        "counties": None if county_ids is None else list(county_ids),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {Score._meta.db_table}
                (county_id, cadre_id, year, quarter, indicator_id, points, updated_by_id, updated_at)
            SELECT q.county_id, q.cadre_id, %(year)s, %(quarter)s, i.id,
                   round(i.max_points * (60 + abs(hashint4((q.cadre_id * 131 + i.id)::int)) %% 41) / 100.0, 2),
                   NULL, now()
            FROM ({posted}) q
            JOIN {Scheme._meta.db_table} s ON s.county_id = q.county_id AND s.year = %(year)s
            JOIN {Indicator._meta.db_table} i ON i.scheme_id = s.id AND i.source = %(manual)s""",
            params,
        )
        rows = cursor.rowcount
        cursor.execute(
            f"""INSERT INTO {DemocraticRate._meta.db_table}
                (county_id, cadre_id, year, quarter, rate, updated_by_id, updated_at)
            SELECT q.county_id, q.cadre_id, %(year)s, %(quarter)s,
                   80 + (abs(hashint4((q.cadre_id * 7)::int)) %% 2001) / 100.0, NULL, now()
            FROM ({posted}) q""",
            params,
        )
        return rows + cursor.rowcount
