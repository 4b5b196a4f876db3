"""``make bench``: the province-scale benchmark of issue 7 (see bench/ and the README's "Performance").

Runs on the PostgreSQL database of DATABASE_URL (the Makefile defaults it to
postgres://postgres@127.0.0.1:5432/zhucun_bench), creating the database when missing, building the
province once (a marker table says it is built) and reusing it afterwards. Prints a table and
writes bench-results.json.
"""

import json
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from bench import nation
from bench.config import NATION_SCENARIOS, SCALES, bench_month
from bench.scenarios import SCENARIOS


class Command(BaseCommand):
    help = "省级规模基准测试：每项为产品代码路径与同机最简做法的耗时之比，写入 bench-results.json"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", choices=sorted(SCALES), default="province", help="tiny：几秒钟的小数据（测试用）"
        )
        parser.add_argument("--quick", action="store_true", help="同 --scale tiny")
        parser.add_argument("--runs", type=int, default=None, help="每项运行次数（取中位数，默认 3）")
        parser.add_argument(
            "--only", action="append", default=[], choices=SCENARIOS, help="只运行这一项（可重复），用于调优"
        )
        parser.add_argument("--output", default=None, help="结果文件（默认项目根目录 bench-results.json）")

    def handle(self, *args, scale, quick, runs, output, only, **options):
        from bench import build
        from bench.harness import JSON_KEYS, in_child

        if connection.vendor != "postgresql":
            raise CommandError(
                "基准测试只在 PostgreSQL 上运行（SQLite 没有 COPY，结果没有意义）。请这样运行：\n"
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhucun_bench make bench"
            )
        config = SCALES["tiny" if quick else scale]
        if runs is not None:
            if runs < 1:
                raise CommandError("--runs 至少为 1")
            config = type(config)(**{**config.__dict__, "runs": runs})
        default_output = f"bench-results-{config.name}.json" if config.nation else "bench-results.json"
        output = Path(output) if output else Path(settings.BASE_DIR) / default_output

        build.ensure_database(self.stdout)
        call_command("migrate", verbosity=0, interactive=False)
        marker = build.reusable(config)
        if marker:
            month, year, quarter = marker["month"], marker["year"], marker["quarter"]
            self.stdout.write(f"复用已建成的基准库（{config.name}，{month:%Y-%m}，{year}Q{quarter}）")
            # Earlier runs replaced rows many times over; with autovacuum off (as on this
            # machine) the dead rows would make every later run slower than the last.
            with connection.cursor() as cursor:
                for table in (
                    "attendance_attendancerecord",
                    "attendance_monthlytotal",
                    "cadres_posting",
                    "cadres_cadre",
                    "villages_village",
                    "appraisal_quarterresult",
                    "appraisal_score",
                ):
                    cursor.execute(f"VACUUM (ANALYZE) {table}")
            if config.nation and nation.read_build() is None:
                raise CommandError("该国家规模基准库没有建完（中途停止）：请删除该数据库后重建。")
        else:
            month, year, quarter = bench_month(timezone.localdate())
            self.stdout.write(
                f"建立基准库（{config.name}）：全省登记数据、{month:%Y-%m} 考勤、{year}Q{quarter} 得分 …"
            )
            in_child(
                lambda: build.build(scale=config, month=month, year=year, quarter=quarter, stdout=self.stdout)
            )
            if config.nation:
                self._grow_nation(config, month, year, quarter, only)

        county_ids = tuple(nation.province_county_ids()) if config.nation else None
        if config.nation:
            only = [name for name in only or NATION_SCENARIOS if name in NATION_SCENARIOS]
        results = self._run(config, month, year, quarter, only, county_ids)
        if config.nation:
            baseline = nation.read_baseline() or {}
            for r in results:
                r.province_seconds = (baseline.get(r.scenario) or (None, None))[0]
            self.stdout.write(render_nation_table(results, nation.read_build() or {}))
        else:
            self.stdout.write(render_table(results))
        data = [r.as_json() for r in results]
        assert all(tuple(d)[: len(JSON_KEYS)] == JSON_KEYS for d in data)
        output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(f"结果已写入 {output}")

    def _run(self, config, month, year, quarter, only, county_ids):
        from bench.scenarios import Context, run_all

        with (
            tempfile.TemporaryDirectory(prefix="zhucun-bench-") as workdir,
            override_settings(MEDIA_ROOT=workdir),
        ):
            ctx = Context(
                scale=config,
                month=month,
                year=year,
                quarter=quarter,
                workdir=Path(workdir),
                stderr=self.stderr,
                county_ids=county_ids,
            )
            return run_all(ctx, log=self.stdout.write, only=tuple(only))

    def _grow_nation(self, config, month, year, quarter, only):
        """The province alone first (the baseline), then the nation around it (bench/nation.py)."""
        from bench.harness import in_child

        self.stdout.write("全省单独测一遍（基线）…")
        names = [name for name in only or NATION_SCENARIOS if name in NATION_SCENARIOS]
        baseline = self._run(config, month, year, quarter, names, tuple(nation.province_county_ids()))
        nation.save_baseline(baseline)
        self.stdout.write(render_table(baseline))
        self.stdout.write(f"扩建为全国规模：{config.provinces} 个省、{config.months} 个月考勤 …")
        started = time.perf_counter()
        figures, _rss = in_child(
            lambda: nation.grow(scale=config, month=month, year=year, quarter=quarter, stdout=self.stdout)
        )
        figures["grow_seconds"] = round(time.perf_counter() - started, 1)
        nation.save_build(figures)
        self.stdout.write(json.dumps(figures, ensure_ascii=False))


def render_table(results) -> str:
    head = (
        "scenario",
        "rows",
        "product s",
        "limit s",
        "ratio",
        "peak RSS MB",
        "queries/request (20 / 200 rows)",
        "peer",
        "peer s",
        "product/peer",
        "p95 ms",
        "errors",
    )
    lines = []
    for r in results:
        if r.skipped:
            lines.append((r.scenario, _fmt(r.rows), f"skipped: {r.skipped}", *[""] * (len(head) - 3)))
            continue
        queries = f"{r.queries['20']} / {r.queries['200']}" if r.queries else ""
        lines.append(
            (
                r.scenario,
                _fmt(r.rows),
                f"{r.seconds:.3f}",
                f"{r.limit_seconds:.3f}",
                f"{r.ratio:.2f}×" if r.ratio is not None else "",
                f"{r.peak_rss_mb:.0f}" if r.peak_rss_mb else "",
                queries,
                r.peer,
                f"{r.peer_seconds:.3f}" if r.peer_seconds is not None else "",
                f"{r.peer_ratio:.3f}×" if r.peer_ratio is not None else "",
                f"{r.p95_ms:.0f}" if r.p95_ms is not None else "",
                "" if r.errors is None else str(r.errors),
            )
        )
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(out)


def render_nation_table(results, figures: dict) -> str:
    head = (
        "scenario",
        "rows (province)",
        "alone s",
        "in nation s",
        "nation/alone",
        "limit s",
        "product/limit",
    )
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        if r.skipped:
            out.append(f"| {r.scenario} | {_fmt(r.rows)} | skipped: {r.skipped} |  |  |  |  |")
            continue
        alone = f"{r.province_seconds:.3f}" if r.province_seconds else ""
        ratio = f"{r.nation_ratio:.2f}×" if r.nation_ratio is not None else ""
        ratio_limit = f"{r.ratio:.2f}×" if r.ratio is not None else ""
        out.append(
            f"| {r.scenario} | {_fmt(r.rows)} | {alone} | {r.seconds:.3f} | {ratio} | {r.limit_seconds:.3f} | {ratio_limit} |"
        )
    if figures:
        out.append(
            f"attendance rows {figures.get('attendance_rows', 0):,} (month {figures.get('month_rows', 0):,}), "
            f"{figures.get('bytes_per_cadre_day')} B per cadre-day, database {figures.get('database_bytes', 0) / 2**30:.1f} GiB, "
            f"{figures.get('attendance_rows_per_second')} rows/s built, grown in {figures.get('grow_seconds')} s"
        )
    return "\n".join(out)


def _fmt(value) -> str:
    return "" if value is None else f"{value:,}"
