"""``make bench``: the province-scale benchmark of issue 7 (see bench/ and the README's "Performance").

Runs on the PostgreSQL database of DATABASE_URL (the Makefile defaults it to
postgres://postgres@127.0.0.1:5432/zhucun_bench), creating the database when missing, building the
province once (a marker table says it is built) and reusing it afterwards. Prints a table and
writes bench-results.json.
"""

import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from bench.config import SCALES, bench_month
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
        from bench.scenarios import Context, run_all

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
        output = Path(output) if output else Path(settings.BASE_DIR) / "bench-results.json"

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
        else:
            month, year, quarter = bench_month(timezone.localdate())
            self.stdout.write(
                f"建立基准库（{config.name}）：全省登记数据、{month:%Y-%m} 考勤、{year}Q{quarter} 得分 …"
            )
            in_child(
                lambda: build.build(scale=config, month=month, year=year, quarter=quarter, stdout=self.stdout)
            )

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
            )
            results = run_all(ctx, log=self.stdout.write, only=tuple(only))

        self.stdout.write(render_table(results))
        data = [r.as_json() for r in results]
        assert all(tuple(d)[: len(JSON_KEYS)] == JSON_KEYS for d in data)
        output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(f"结果已写入 {output}")


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


def _fmt(value) -> str:
    return "" if value is None else f"{value:,}"
