"""``export_reconciliation --township CODE --month YYYY-MM --out PATH`` (DOMAIN §10)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from checkins.exports import reconciliation_workbook
from checkins.reconciliation import FINDING_TEXT, NoAcceptedSheet, finding_counts, reconcile
from core.periods import parse_month
from villages.models import Township


class Command(BaseCommand):
    help = "导出一个乡镇一个月的签到核对表（考勤标记与签到不符的日子）。"

    def add_arguments(self, parser):
        parser.add_argument("--township", required=True, help="乡镇代码（9 位）")
        parser.add_argument("--month", required=True, help="月份 YYYY-MM")
        parser.add_argument("--out", required=True, help="输出的 .xlsx 文件")

    def handle(self, *args, township, month, out, **options):
        try:
            month_date = parse_month(month)
        except ValueError:
            raise CommandError(_("月份格式应为 YYYY-MM：%(v)s") % {"v": month})
        town = Township.objects.filter(code=township).first()
        if town is None:
            raise CommandError(_("乡镇代码不存在：%(v)s") % {"v": township})
        try:
            rows = reconcile(township=town, month=month_date)
        except NoAcceptedSheet:
            raise CommandError(
                _("%(t)s %(m)s 还没有已采用的考勤表，无法核对签到") % {"t": town.name, "m": month}
            )
        Path(out).write_bytes(reconciliation_workbook(township=town, rows=rows))
        counts = finding_counts(rows)
        detail = "，".join(f"{FINDING_TEXT[k]} {v}" for k, v in counts.items())
        self.stdout.write(
            _("已导出 %(t)s %(m)s 签到核对：%(n)s 行（%(detail)s）→ %(out)s")
            % {"t": town.name, "m": month, "n": len(rows), "detail": detail, "out": out}
        )
