"""The scenarios of issue 7, in order. Each compares the product's own code path with the plainest
way to do the same work, measured in the same run (medians of ``runs`` alternating runs)."""

from __future__ import annotations

import datetime as dt
import statistics
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from bench import workbooks
from bench.config import LONG_COUNTY, MATRIX_COUNTY, PAGE_LARGE_COUNTY, PAGE_SMALL_COUNTY, Scale, month_last
from bench.harness import BenchError, Result, in_child, medians, timed

SCENARIOS = (
    "attendance_long_200k",
    "attendance_matrix_township",
    "registry_50k",
    "monthly_totals_province",
    "ranking_province",
    "page_monthly_report",
    "page_ranking",
    "checkins_import_200k",
    "reconcile_province",
    "load_monthly_report",
    "load_ranking",
)


@dataclass
class Context:
    scale: Scale
    month: dt.date
    year: int
    quarter: int
    workdir: Path
    stderr: object
    # A nation run (bench/nation.py): the province's counties; the scenarios work on them only.
    county_ids: tuple[int, ...] | None = None

    def townships(self) -> list[int] | None:
        """The province's townships in a nation run, else None (every township)."""
        if self.county_ids is None:
            return None
        from villages.models import Township

        return list(Township.objects.filter(county_id__in=self.county_ids).values_list("id", flat=True))

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
    from attendance.intake.write import import_attendance

    def run():
        # The totals job is measured on its own (enqueue_totals=False).
        result = import_attendance(
            township=township, month=ctx.month, file=path, as_of=ctx.as_of, enqueue_totals=False
        )
        if not result.applied:
            raise BenchError("导入被拒绝：" + "；".join(str(e) for e in result.check.errors[:5]))

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
    if layout == "long" and ctx.county_ids is None:  # no peers in a nation run
        _import_export_peer(result, path)


def _import_export_peer(result: Result, path: Path) -> None:
    """django-import-export in bulk mode, the same file into an empty flat table: one run (minutes).

    The peer is a bench-only dependency (`make bench` installs it): where it is missing the
    product's own figures still stand and the row says which peer was not measured.
    """
    import importlib.util

    from bench import peers

    if importlib.util.find_spec("import_export") is None:
        result.peer = "django-import-export (not installed: make bench installs it)"
        return

    peers.create_flat_table()
    try:
        seconds = []

        def run():
            if peers.import_export_long(path) != result.rows:
                raise BenchError("django-import-export 导入的行数不对")

        seconds.append(timed(run))
        result.peer = "django-import-export (bulk)"
        result.peer_seconds = seconds[0]
    finally:
        peers.drop_flat_table()


def _attendance_long_200k(ctx: Context, result: Result) -> None:
    _attendance_import(ctx, result, county=LONG_COUNTY, layout="long")


def _attendance_matrix_township(ctx: Context, result: Result) -> None:
    _attendance_import(ctx, result, county=MATRIX_COUNTY, layout="matrix")


# --- registry --------------------------------------------------------------------------------


def _registry_50k(ctx: Context, result: Result) -> None:
    from registry.importing import import_registry

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
    from attendance.totals.compute import compute_all_counties as compute_all

    townships = ctx.townships()
    county_ids = None if townships is None else list(ctx.county_ids)

    def product():
        # The job alone (inside the nation, for the province's counties only): its hand-off to
        # the decision rules is not the totals' time.
        compute_all(month=ctx.month, today=ctx.as_of, announce=False, county_ids=county_ids)

    table = AttendanceRecord._meta.db_table
    scope = "" if townships is None else " AND township_id = ANY(%s)"
    params = [ctx.month] if townships is None else [ctx.month, townships]

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
                FROM {table} WHERE month = %s{scope} GROUP BY posting_id, cadre_id, township_id""",
                params,
            )

    records = AttendanceRecord.objects.filter(month=ctx.month)
    result.rows = (records if townships is None else records.filter(township_id__in=townships)).count()
    _value, result.peak_rss_mb = in_child(product)  # committed: the pages read these rows
    result.seconds, result.limit_seconds, result.runs = medians(product, limit, ctx.scale.runs)


# --- ranking ---------------------------------------------------------------------------------


def _ranking_province(ctx: Context, result: Result) -> None:
    from appraisal.models import Score
    from appraisal.ranking import compute_all_counties as compute_all
    from villages.models import County

    county_ids = list(ctx.county_ids or County.objects.order_by("code").values_list("id", flat=True))
    scope = "" if ctx.county_ids is None else " AND county_id = ANY(%s)"
    params = [ctx.year, ctx.quarter] + ([] if ctx.county_ids is None else [county_ids])
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
                      WHERE year = %s AND quarter = %s{scope} GROUP BY county_id, cadre_id) s""",
                params,
            )

    result.rows = (
        Score.objects.filter(year=ctx.year, quarter=ctx.quarter, county_id__in=county_ids)
        .values("cadre_id")
        .distinct()
        .count()
    )
    # The first run commits and tells the decisions app, as in production; the timed runs are rolled
    # back and leave the decision rules out, so their follow-up work is not counted in the ranking's time.
    _value, result.peak_rss_mb = in_child(once)
    result.seconds, result.limit_seconds, result.runs = medians(
        _rolled_back(lambda: once(propose=False)), limit, ctx.scale.runs
    )


# --- pages -----------------------------------------------------------------------------------


def _page(
    ctx: Context, result: Result, *, url_name: str, query: Callable[[str], str], peer: Callable[[object], str]
) -> None:
    """The page, the trivial view (its limit) and the Django admin changelist of the same rows (its peer)."""
    from django.contrib import admin
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
        # The peer: the project's admin changelist of the same rows, one county, 50 rows a page
        # (this forked child only: the admin's own default is 100).
        peer_url, model = peer(county)
        admin.site._registry[model].list_per_page = 50
        listed = get(client, peer_url).content.decode()
        body = listed[listed.index("<tbody>") : listed.index("</tbody>")]
        if body.count("<tr") != min(50, model.objects.filter(county=county).count()):
            raise BenchError(f"{peer_url} 没有列出 50 行")
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

        def peer_run():
            for _ in range(n):
                get(client, peer_url)

        _value, result.peak_rss_mb = in_child(product)
        result.seconds, result.limit_seconds, result.runs = medians(product, limit, ctx.scale.runs)
        result.peer = "Django admin changelist (50 rows)"
        result.peer_seconds = statistics.median(timed(peer_run) for _ in range(ctx.scale.runs))


def _totals_changelist(ctx: Context):
    from attendance.models import MonthlyTotal

    return lambda county: (
        f"/admin/attendance/monthlytotal/?county__id__exact={county.pk}&month__exact={ctx.month:%Y-%m-%d}",
        MonthlyTotal,
    )


def _results_changelist(ctx: Context):
    from appraisal.models import QuarterResult

    return lambda county: (
        f"/admin/appraisal/quarterresult/?county__id__exact={county.pk}&year={ctx.year}&quarter={ctx.quarter}",
        QuarterResult,
    )


def _page_monthly_report(ctx: Context, result: Result) -> None:
    _page(
        ctx,
        result,
        url_name="attendance:monthly_report",
        query=lambda code: f"?month={ctx.month:%Y-%m}",
        peer=_totals_changelist(ctx),
    )


def _page_ranking(ctx: Context, result: Result) -> None:
    _page(
        ctx,
        result,
        url_name="appraisal:ranking",
        query=lambda code: f"?county={code}&quarter={ctx.year}Q{ctx.quarter}",
        peer=_results_changelist(ctx),
    )


# --- pages under load --------------------------------------------------------------------------


def _load(ctx: Context, result: Result, *, page: Callable[[object], str]) -> None:
    """``load_clients`` clients for ``load_seconds`` against gunicorn, alternating the page with a
    cheap endpoint: ``seconds`` is the page's p95, ``limit_seconds`` the cheap endpoint's p95."""
    from django.contrib.auth import get_user_model

    from bench.load import Server, cheap_endpoint, run_load
    from villages.models import County

    org = get_user_model().objects.get(username="org")
    county = County.objects.filter(staff__user=org).order_by("code").first()
    with Server() as server:
        headers = {"Cookie": server.session_cookie(org)}
        page_url = page(county)
        status, _elapsed = server.get(page_url, headers)
        if status != 200:
            raise BenchError(f"{page_url} 返回 {status}")
        cheap = cheap_endpoint(server, headers)
        # Warm every gunicorn worker (imports, URL map, templates) before anything is measured.
        run_load(
            server,
            [page_url, cheap],
            headers=headers,
            clients=ctx.scale.load_clients,
            seconds=ctx.scale.load_seconds / 6,
        )
        timings = run_load(
            server,
            [page_url, cheap],
            headers=headers,
            clients=ctx.scale.load_clients,
            seconds=ctx.scale.load_seconds,
        )
    result.rows = sum(len(v) for v in timings.latencies.values())
    result.p95_ms = timings.p95_ms(page_url)
    result.errors = sum(timings.errors.values())
    cheap_p95 = timings.p95_ms(cheap)
    if result.p95_ms is None or cheap_p95 is None:
        raise BenchError(f"负载测试没有成功的请求（错误 {result.errors} 次）")
    result.seconds, result.limit_seconds = result.p95_ms / 1000, cheap_p95 / 1000
    ctx.stderr.write(
        f"{result.scenario}：{ctx.scale.load_clients} 个并发客户端 {ctx.scale.load_seconds} 秒，"
        f"对照 {cheap}，请求 {result.rows} 次，错误 {result.errors} 次"
    )


def _load_monthly_report(ctx: Context, result: Result) -> None:
    _load(ctx, result, page=lambda county: f"/attendance/totals/?month={ctx.month:%Y-%m}")


def _load_ranking(ctx: Context, result: Result) -> None:
    _load(
        ctx, result, page=lambda county: f"/appraisal/?county={county.code}&quarter={ctx.year}Q{ctx.quarter}"
    )


# --- check-ins (DOMAIN §10, issue 14) ----------------------------------------------------------


def _checkin_fixtures(ctx: Context) -> None:
    """Committed once and reused: a fence per village, an accepted sheet per township-month of the
    loaded attendance, and the province month's check-ins derived from its marks (set-based)."""
    from attendance.models import AttendanceRecord, AttendanceUpload
    from checkins.models import CheckIn as checkin
    from checkins.partitions import CHECKINS
    from villages.models import Village, VillageFence

    # A nation run: the province's villages, townships and check-ins only (the rest of the nation
    # has attendance and no check-ins; a nation's month of check-ins would be ~50 M rows more).
    townships = ctx.townships()
    villages = Village.objects.exclude(fences__isnull=False)
    if townships is not None:
        villages = villages.filter(township_id__in=townships)
    VillageFence.objects.bulk_create(
        [
            VillageFence(
                village_id=pk,
                name="村委会",
                latitude=40 + (pk % 997) * 0.01,
                longitude=110 + (pk % 991) * 0.01,
            )
            for pk in villages.values_list("id", flat=True)
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    have = set(
        AttendanceUpload.objects.filter(month=ctx.month, status=AttendanceUpload.Status.ACCEPTED).values_list(
            "township_id", flat=True
        )
    )
    marked = AttendanceRecord.objects.filter(month=ctx.month)
    if townships is not None:
        marked = marked.filter(township_id__in=townships)
    townships_marked = set(marked.values_list("township_id", flat=True).distinct())
    AttendanceUpload.objects.bulk_create(
        [
            AttendanceUpload(
                township_id=pk,
                month=ctx.month,
                status=AttendanceUpload.Status.ACCEPTED,
                as_of=ctx.as_of,
                original_name="bench",
            )
            for pk in sorted(townships_marked - have)
        ],
        batch_size=2000,
    )
    if checkin.objects.filter(day=ctx.month, note="bench").exists():
        return
    # √: 上午, 下午, 晚间; ○: 上午, 下午; leave or absent: now and then both. About one mark in
    # fourteen loses a slot, so every finding occurs.
    sql = f"""
        INSERT INTO {checkin._meta.db_table} (cadre_id, posting_id, at, day, slot, latitude, longitude,
            accuracy_m, source, note, photo, valid, reason, distance_m, created_at)
        SELECT ar.cadre_id, ar.posting_id,
            (ar.date + make_interval(hours => s.hour, mins => (ar.cadre_id %% 50)::int))
                AT TIME ZONE 'Asia/Shanghai',
            ar.date, s.slot, f.latitude, f.longitude, 12, 'IMPORT', 'bench', '', true, '', 0, now()
        FROM {AttendanceRecord._meta.db_table} ar
        JOIN cadres_posting p ON p.id = ar.posting_id
        JOIN LATERAL (SELECT latitude, longitude FROM villages_villagefence vf
                      WHERE vf.village_id = p.village_id ORDER BY vf.id LIMIT 1) f ON true
        CROSS JOIN (VALUES ('AM', 8), ('PM', 15), ('EVE', 20)) AS s(slot, hour)
        WHERE ar.month = %(month)s AND (%(townships)s::bigint[] IS NULL OR ar.township_id = ANY(%(townships)s))
          AND abs(hashint4((ar.cadre_id * 40 + extract(day from ar.date)::int)::int + s.hour)) %% 14 <> 0
          AND CASE ar.status
                WHEN 'ON_SITE_OVERNIGHT' THEN true
                WHEN 'ON_SITE' THEN s.slot <> 'EVE'
                WHEN 'OFFICIAL_TRIP' THEN false
                ELSE s.slot <> 'EVE' AND abs(hashint4(ar.cadre_id::int)) %% 10 = 0
              END
        ON CONFLICT DO NOTHING
    """
    CHECKINS.ensure_month(ctx.month)  # as the nightly job would have made it ahead
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"month": ctx.month, "townships": townships})
    CHECKINS.analyze_month(ctx.month)


def _checkin_workbook(path: Path, *, month: dt.date, rows: int) -> int:
    """The DingTalk-style import: 身份证号, 姓名, 打卡时间, 纬度, 经度, 精度(米), 备注; three a day."""
    import xlsxwriter

    from attendance.models import AttendanceRecord

    days = [month + dt.timedelta(days=i) for i in range((month_last(month) - month).days + 1)]
    per_cadre = len(days) * 3
    cadres = list(
        AttendanceRecord.objects.filter(month=month, date=month)
        .order_by("cadre_id")
        .values_list(
            "cadre__id_number",
            "cadre__name",
            "posting__village__fences__latitude",
            "posting__village__fences__longitude",
        )[: (rows + per_cadre - 1) // per_cadre]
    )
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("打卡记录")
    stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws.write_row(0, 0, ["身份证号", "姓名", "打卡时间", "纬度", "经度", "精度(米)", "备注"])
    r = 1
    for id_number, name, lat, lon in cadres:
        for day in days:
            for hour in (7, 14, 21):
                if r > rows:
                    break
                ws.write_string(r, 0, id_number)
                ws.write_string(r, 1, name)
                ws.write_datetime(r, 2, dt.datetime(day.year, day.month, day.day, hour, 31, r % 60), stamp)
                ws.write_number(r, 3, (lat or 40) + (r % 7) * 0.0003)
                ws.write_number(r, 4, lon or 110)
                ws.write_number(r, 5, 5 + r % 40)
                r += 1
    wb.close()
    return r - 1


def _checkins_import_200k(ctx: Context, result: Result) -> None:
    from checkins.importing import import_checkins

    _value, _rss = in_child(lambda: _checkin_fixtures(ctx))
    path = ctx.workdir / "checkins.xlsx"
    result.rows, _rss = in_child(
        lambda: _checkin_workbook(path, month=ctx.month, rows=ctx.scale.checkin_rows)
    )

    def once():
        outcome = import_checkins(file=path)
        if not outcome.ok:
            raise BenchError("签到导入被拒绝：" + "；".join(str(e) for e in outcome.errors[:5]))
        if outcome.created != result.rows:
            raise BenchError(f"签到导入只新增了 {outcome.created} 条（应为 {result.rows}）")

    def limit():
        rows = next(iter(_calamine_sheets(path).values()))
        _copy_rows(
            "bench_scratch_checkins", 7, ([_text(v) for v in (row + [""] * 7)[:7]] for row in rows[1:])
        )

    product = _rolled_back(once)  # each run imports into the same state
    _value, result.peak_rss_mb = in_child(product)
    result.seconds, result.limit_seconds, result.runs = medians(product, limit, ctx.scale.runs)


def _reconcile_province(ctx: Context, result: Result) -> None:
    """Every township-month of the province with its findings, against one plain SQL join."""
    from attendance.models import AttendanceRecord, AttendanceUpload
    from checkins.models import CheckIn as checkin
    from checkins.reconciliation import reconcile
    from villages.models import Township

    _value, _rss = in_child(lambda: _checkin_fixtures(ctx))
    accepted = AttendanceUpload.objects.filter(month=ctx.month, status=AttendanceUpload.Status.ACCEPTED)
    townships = ctx.townships()
    if townships is not None:
        accepted = accepted.filter(township_id__in=townships)
    township_ids = list(accepted.order_by("township_id").values_list("township_id", flat=True))
    scope = "" if townships is None else " AND ar.township_id = ANY(%(townships)s)"

    def product():
        found = 0
        for township in Township.objects.filter(id__in=township_ids).order_by("code"):
            found += len(reconcile(township=township, month=ctx.month))
        return found

    def limit():
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT ar.cadre_id, ar.date, ar.status, e.am, e.pm, e.eve
                FROM {AttendanceRecord._meta.db_table} ar
                LEFT JOIN (SELECT cadre_id, day, min(at) FILTER (WHERE slot = 'AM') am,
                                  min(at) FILTER (WHERE slot = 'PM') pm, min(at) FILTER (WHERE slot = 'EVE') eve
                           FROM {checkin._meta.db_table} WHERE valid AND day BETWEEN %(first)s AND %(last)s
                           GROUP BY cadre_id, day) e ON e.cadre_id = ar.cadre_id AND e.day = ar.date
                WHERE ar.month = %(first)s{scope} AND (
                    (ar.status = 'ON_SITE_OVERNIGHT' AND (e.am IS NULL OR e.pm IS NULL OR e.eve IS NULL))
                    OR (ar.status = 'ON_SITE' AND (e.am IS NULL OR e.pm IS NULL))
                    OR (ar.status NOT IN ('ON_SITE_OVERNIGHT', 'ON_SITE', 'OFFICIAL_TRIP')
                        AND e.am IS NOT NULL AND e.pm IS NOT NULL))""",
                {"first": ctx.month, "last": month_last(ctx.month), "townships": townships},
            )
            return len(cursor.fetchall())

    records = AttendanceRecord.objects.filter(month=ctx.month)
    result.rows = (records if townships is None else records.filter(township_id__in=townships)).count()
    found, result.peak_rss_mb = in_child(product)
    expected, _rss = in_child(limit)
    if found != expected:
        raise BenchError(f"核对结果 {found} 行与普通 SQL 连接的 {expected} 行不一致")
    result.seconds, result.limit_seconds, result.runs = medians(product, limit, ctx.scale.runs)
