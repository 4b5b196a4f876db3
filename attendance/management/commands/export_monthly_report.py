"""``python manage.py export_monthly_report --county CODE --month YYYY-MM --out PATH``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from attendance.models import MonthlyTotal
from attendance.totals.compute import compute_monthly_totals
from attendance.totals.exports import write_monthly_report
from attendance.totals.selectors import sort_totals
from core.periods import parse_month
from villages.models import County


def county_month_totals(options) -> tuple[County, object, object]:
    """The county, the month and its rows, computed afresh first (the job is idempotent), so the
    workbook always matches the records even when no worker has run since the last upload."""
    try:
        month = parse_month(options["month"])
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    county = County.objects.filter(code=(options["county"] or "").strip()).first()
    if county is None:
        raise CommandError(_("县代码 %(code)s 不存在") % {"code": options["county"]})
    compute_monthly_totals(county=county, month=month)
    totals = MonthlyTotal.objects.filter(county=county, month=month)
    totals = sort_totals(
        totals.select_related("cadre", "township", "village", "posting", "posting__unit"), "township"
    )
    return county, month, totals


class Command(BaseCommand):
    help = "导出一个县某月的月度驻村考勤统计表（.xlsx）"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县代码（6 位）")
        parser.add_argument("--month", required=True, help="月份，格式 YYYY-MM")
        parser.add_argument("--out", required=True, help="输出文件路径（.xlsx）")

    def handle(self, *args, **options):
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(_("输出目录不存在：%(path)s") % {"path": out.parent})
        county, month, totals = county_month_totals(options)
        data = write_monthly_report(totals=totals, month=month, area_name=county.name)
        out.write_bytes(data)
        self.stdout.write(
            self.style.SUCCESS(_("已导出 %(n)s 行到 %(path)s") % {"n": totals.count(), "path": out})
        )
