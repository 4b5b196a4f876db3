"""The scenarios of issue 7, in order. Each compares the product's own code path with the plainest
way to do the same work, measured in the same run (medians of ``runs`` alternating runs)."""

from __future__ import annotations

import datetime as dt
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from bench import workbooks
from bench.config import LONG_COUNTY, MATRIX_COUNTY, PAGE_LARGE_COUNTY, PAGE_SMALL_COUNTY, Scale, month_last
from bench.harness import BenchError, Result, in_child, lazy, medians

SCENARIOS = (
    "attendance_long_200k",
    "attendance_matrix_township",
    "registry_50k",
    "monthly_totals_province",
    "ranking_province",
    "page_monthly_report",
    "page_ranking",
)


@dataclass
class Context:
    scale: Scale
    month: dt.date
    year: int
    quarter: int
    workdir: Path
    stderr: object

    @property
    def as_of(self) -> dt.date:
        return month_last(self.month) + dt.timedelta(days=1)


def run_all(ctx: Context, *, log: Callable[[str], None], only: tuple[str, ...] = ()) -> list[Result]:
    """Every scenario (or those named in ``only``), each in its own forked process so none
    inherits another's memory."""
    results = []
    for name in SCENARIOS:
        if only and name not in only:
            continue
        log(f"… {name}")
        try:
            result, _rss = in_child(lambda name=name: _run_one(ctx, name))
        except BenchError as exc:
            ctx.stderr.write(str(exc))
            result = Result(scenario=name, skipped=f"出错：{str(exc).splitlines()[0]}")
        results.append(result)
    return results


def _run_one(ctx: Context, name: str) -> Result:
    result = Result(scenario=name)
    try:
        globals()[f"_{name}"](ctx, result)
    except BenchError as exc:
        text = str(exc)
        result.skipped = text.splitlines()[0]
        if "\n" in text:
            ctx.stderr.write(text)
    except Exception as exc:  # noqa: BLE001 - one broken scenario must not hide the others
        ctx.stderr.write(traceback.format_exc())
        result.skipped = f"出错：{type(exc).__name__}: {exc}".splitlines()[0]
    if result.skipped:
        result.seconds = result.limit_seconds = result.peak_rss_mb = None
        result.queries = None
    return result


# --- limits ----------------------------------------------------------------------------------


def _copy_rows(table: str, columns: int, rows) -> None:
    cols = ", ".join(f"c{i} text" for i in range(columns))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({cols})")
        cursor.execute(f"TRUNCATE {table}")
        with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _text(value) -> str | None:
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _calamine_sheets(path: Path) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def _limit_long(path: Path) -> None:
    rows = next(iter(_calamine_sheets(path).values()))
    _copy_rows("bench_scratch_long", 5, ([_text(v) for v in (row + [""] * 5)[:5]] for row in rows[1:]))


def _limit_matrix(path: Path) -> None:
    rows = next(iter(_calamine_sheets(path).values()))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "序号")
    header = rows[header_at]

    def cadre_days():
        for row in rows[header_at + 1 :]:
            for col in range(4, len(header)):
                yield (_text(row[2]), _text(header[col]), _text(row[col]))

    _copy_rows("bench_scratch_matrix", 3, cadre_days())


def _limit_registry(path: Path) -> None:
    for i, rows in enumerate(_calamine_sheets(path).values()):
        width = len(rows[0])
        _copy_rows(
            f"bench_scratch_registry_{i}", width, ([_text(v) for v in row[:width]] for row in rows[1:])
        )


def _rolled_back(fn: Callable) -> Callable:
    """``fn`` inside a transaction that is rolled back: each run starts from the same state."""

    def run():
        with transaction.atomic():
            fn()
            transaction.set_rollback(True)

    return run


# --- attendance imports ----------------------------------------------------------------------


def _township(code: str):
    from villages.models import Township

    return Township.objects.filter(county__code=code).order_by("code").first()


def _import_callable(ctx: Context, township, path: Path) -> Callable:
    import inspect

    import_attendance = lazy("attendance.importing", "import_attendance")
    extra = {}
    if "enqueue_totals" in inspect.signature(import_attendance).parameters:
        extra["enqueue_totals"] = False  # the totals job is measured on its own

    def run():
        result = import_attendance(township=township, month=ctx.month, file=path, as_of=ctx.as_of, **extra)
        if not getattr(result, "applied", getattr(result, "ok", False)):
            errors = getattr(getattr(result, "check", result), "errors", [])
            raise BenchError("导入被拒绝：" + "；".join(str(e) for e in errors[:5]))

    return run


def _attendance_import(ctx: Context, result: Result, *, county: str, layout: str) -> None:
    township = _township(county)
    path = ctx.workdir / f"{layout}.xlsx"
    if layout == "long":
        result.rows, _rss = in_child(
            lambda: workbooks.long_workbook(path, township_id=township.pk, month=ctx.month)
        )
        limit = lambda: _limit_long(path)  # noqa: E731
    else:
        result.rows, _rss = in_child(
            lambda: workbooks.matrix_workbook(
                path, township_id=township.pk, township_name=township.name, month=ctx.month
            )
        )
        limit = lambda: _limit_matrix(path)  # noqa: E731
    product = _import_callable(ctx, township, path)
    _value, result.peak_rss_mb = in_child(product)  # also the first upload: timed runs are re-uploads
    result.seconds, result.limit_seconds, result.runs = medians(product, limit, ctx.scale.runs)


def _attendance_long_200k(ctx: Context, result: Result) -> None:
    _attendance_import(ctx, result, county=LONG_COUNTY, layout="long")


def _attendance_matrix_township(ctx: Context, result: Result) -> None:
    _attendance_import(ctx, result, county=MATRIX_COUNTY, layout="matrix")


# --- registry --------------------------------------------------------------------------------


def _registry_50k(ctx: Context, result: Result) -> None:
    import_registry = lazy("villages.registry", "import_registry")
    path = ctx.workdir / "registry.xlsx"
    result.rows, _rss = in_child(lambda: workbooks.registry_workbook(path, scale=ctx.scale))

    def once():
        outcome = import_registry(file=path)
        if not outcome.ok:
            raise BenchError("登记导入被拒绝：" + "；".join(str(e) for e in outcome.errors[:5]))

    product = _rolled_back(once)
    _value, result.peak_rss_mb = in_child(product)
    result.seconds, result.limit_seconds, result.runs = medians(
        product, lambda: _limit_registry(path), ctx.scale.runs
    )


# --- monthly totals --------------------------------------------------------------------------


def _monthly_totals_province(ctx: Context, result: Result) -> None:
    from attendance.models import AttendanceRecord
    from villages.models import County

    try:
        compute_all = lazy("attendance.totals", "compute_all_counties")

        def product():
            # The job alone: its hand-off to the decision rules is not the totals' time.
            compute_all(month=ctx.month, today=ctx.as_of, announce=False)

    except BenchError:
        compute = lazy("attendance.totals", "compute_monthly_totals")
        county_ids = list(County.objects.values_list("id", flat=True))

        def product():
            for county_id in county_ids:
                compute(county=county_id, month=ctx.month, today=ctx.as_of)

    table = AttendanceRecord._meta.db_table

    def limit():
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS bench_scratch_totals (posting_id bigint, cadre_id bigint, "
                "township_id bigint, on_site int, overnight int, trip int, leave int, absent int, posted int)"
            )
            cursor.execute("TRUNCATE bench_scratch_totals")
            cursor.execute(
                f"""INSERT INTO bench_scratch_totals
                SELECT posting_id, cadre_id, township_id,
                    count(*) FILTER (WHERE status IN ('ON_SITE_OVERNIGHT', 'ON_SITE', 'OFFICIAL_TRIP')),
                    count(*) FILTER (WHERE status = 'ON_SITE_OVERNIGHT'),
                    count(*) FILTER (WHERE status = 'OFFICIAL_TRIP'),
                    count(*) FILTER (WHERE status LIKE 'LEAVE%%'),
                    count(*) FILTER (WHERE status = 'ABSENT'),
                    count(*)
                FROM {table} WHERE month = %s GROUP BY posting_id, cadre_id, township_id""",
                [ctx.month],
            )

    result.rows = AttendanceRecord.objects.filter(month=ctx.month).count()
    _value, result.peak_rss_mb = in_child(product)  # committed: the pages read these rows
    result.seconds, result.limit_seconds, result.runs = medians(product, limit, ctx.scale.runs)


# --- ranking ---------------------------------------------------------------------------------


def _ranking_province(ctx: Context, result: Result) -> None:
    compute_all = lazy("appraisal.ranking", "compute_all_counties")
    Score = lazy("appraisal.models", "Score")
    from villages.models import County

    county_ids = list(County.objects.order_by("code").values_list("id", flat=True))
    if not Score.objects.filter(year=ctx.year, quarter=ctx.quarter).exists():
        raise BenchError("基准库中没有该季度的考核得分（建库时评分模型尚不存在）：请删除基准库后重建")

    def once(propose: bool = True):
        # The ranking service's province-wide entry point: the same rows as ranking each county.
        compute_all(year=ctx.year, quarter=ctx.quarter, county_ids=county_ids, propose=propose)

    def limit():
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS bench_scratch_rank "
                "(county_id bigint, cadre_id bigint, composite numeric, rank int)"
            )
            cursor.execute("TRUNCATE bench_scratch_rank")
            cursor.execute(
                f"""INSERT INTO bench_scratch_rank
                SELECT county_id, cadre_id, total, RANK() OVER (PARTITION BY county_id ORDER BY total DESC)
                FROM (SELECT county_id, cadre_id, sum(points) AS total FROM {Score._meta.db_table}
                      WHERE year = %s AND quarter = %s GROUP BY county_id, cadre_id) s""",
                [ctx.year, ctx.quarter],
            )

    result.rows = (
        Score.objects.filter(year=ctx.year, quarter=ctx.quarter).values("cadre_id").distinct().count()
    )
    # The first run commits and tells the decisions app, as in production; the timed runs are rolled
    # back and leave the decision rules out, so their follow-up work is not counted in the ranking's time.
    _value, result.peak_rss_mb = in_child(once)
    result.seconds, result.limit_seconds, result.runs = medians(
        _rolled_back(lambda: once(propose=False)), limit, ctx.scale.runs
    )


# --- pages -----------------------------------------------------------------------------------


def _page(ctx: Context, result: Result, *, url_name: str, query: Callable[[str], str]) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import NoReverseMatch, reverse

    from villages.models import County

    User = get_user_model()
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise without collectstatic
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False, ALLOWED_HOSTS=["testserver", "localhost"]):
        try:
            url = reverse(url_name)
        except NoReverseMatch as exc:
            raise BenchError(f"页面 {url_name} 不存在") from exc
        org = User.objects.get(username="org")
        county = County.objects.filter(staff__user=org).order_by("code").first()
        client = Client()
        client.force_login(org)
        page_url = url + query(county.code)
        trivial_url = reverse("bench_trivial")

        def get(c, u):
            response = c.get(u)
            if response.status_code != 200:
                raise BenchError(f"{u} 返回 {response.status_code}")
            return response

        get(client, page_url)
        get(client, trivial_url)
        n = ctx.scale.requests

        def product():
            for _ in range(n):
                get(client, page_url)

        def limit():
            for _ in range(n):
                get(client, trivial_url)

        queries = {}
        for username, code, rows in (
            ("bench_p20", PAGE_SMALL_COUNTY, "20"),
            ("bench_p200", PAGE_LARGE_COUNTY, "200"),
        ):
            small = Client()
            small.force_login(User.objects.get(username=username))
            get(small, url + query(code))
            with CaptureQueriesContext(connections["default"]) as captured:
                get(small, url + query(code))
            queries[rows] = len(captured)
        result.queries = queries
        result.rows = n
        _value, result.peak_rss_mb = in_child(product)
        result.seconds, result.limit_seconds, result.runs = medians(product, limit, ctx.scale.runs)


def _page_monthly_report(ctx: Context, result: Result) -> None:
    _page(ctx, result, url_name="attendance:monthly_report", query=lambda code: f"?month={ctx.month:%Y-%m}")


def _page_ranking(ctx: Context, result: Result) -> None:
    _page(
        ctx,
        result,
        url_name="appraisal:ranking",
        query=lambda code: f"?county={code}&quarter={ctx.year}Q{ctx.quarter}",
    )
