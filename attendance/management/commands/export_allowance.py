"""``python manage.py export_allowance --county CODE --month YYYY-MM --out PATH [--layout sheets|files]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from attendance.management.commands.export_monthly_report import county_month_totals
from attendance.totals.exports import write_allowance


class Command(BaseCommand):
    help = "导出一个县某月按派出单位的驻村干部生活补助发放表"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县代码（6 位）")
        parser.add_argument("--month", required=True, help="月份，格式 YYYY-MM")
        parser.add_argument("--out", required=True, help="输出文件路径（sheets：.xlsx；files：.zip）")
        parser.add_argument(
            "--layout",
            choices=["sheets", "files"],
            default="sheets",
            help="sheets：一个工作簿、每个派出单位一张表（默认）；files：每个单位一个工作簿，打包为 .zip",
        )

    def handle(self, *args, **options):
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(_("输出目录不存在：%(path)s") % {"path": out.parent})
        county, month, totals = county_month_totals(options)
        totals = totals.order_by(
            "posting__unit__code", "township__code", "village__code", "cadre__name_initials", "id"
        )
        data, _extension, _type = write_allowance(
            totals=totals,
            month=month,
            layout=options["layout"],
        )
        out.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(_("已导出到 %(path)s") % {"path": out}))
