"""``python manage.py export_diary_ledger --county CODE --month YYYY-MM --out PATH`` — 民情台账 (§11)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import month_start, parse_month
from diary.exports import ledger_lines, write_ledger
from villages.models import County


class Command(BaseCommand):
    help = "导出一个县某月的民情台账（.xlsx）：每名当月驻村干部一行"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县代码（6 位）")
        parser.add_argument("--month", required=True, help="月份，格式 YYYY-MM")
        parser.add_argument("--out", required=True, help="输出文件路径（.xlsx）")

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        today = timezone.localdate()
        if month > month_start(today):
            raise CommandError(_("%(month)s 还没有到，不能导出民情台账") % {"month": f"{month:%Y-%m}"})
        county = County.objects.filter(code=(options["county"] or "").strip()).first()
        if county is None:
            raise CommandError(_("县代码 %(code)s 不存在") % {"code": options["county"]})
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(_("输出目录不存在：%(path)s") % {"path": out.parent})
        lines = ledger_lines(county_id=county.pk, month=month, today=today)
        try:
            out.write_bytes(write_ledger(lines))
        except OSError as exc:
            raise CommandError(_("无法写入文件 %(path)s：%(err)s") % {"path": out, "err": exc}) from None
        self.stdout.write(
            self.style.SUCCESS(_("已导出 %(n)s 行到 %(path)s") % {"n": len(lines), "path": out})
        )
