"""``python manage.py export_ranking --county CODE --quarter YYYYQn --out PATH`` — the 季度考核排名表."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from appraisal.exports import write_ranking
from appraisal.management.commands._common import county_from, quarter_from, write_file
from appraisal.models import QuarterResult


class Command(BaseCommand):
    help = "导出一个县的季度考核排名表（每个排名组一个工作表）"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县代码（6 位）")
        parser.add_argument("--quarter", required=True, help="季度，格式 YYYYQn，如 2026Q1")
        parser.add_argument("--out", required=True, help="输出文件路径")

    def handle(self, *args, **options):
        county = county_from(options["county"])
        year, quarter = quarter_from(options["quarter"])
        results = QuarterResult.objects.filter(county=county, year=year, quarter=quarter)
        write_file(options["out"], write_ranking(results=results))
        self.stdout.write(
            self.style.SUCCESS(
                _("已导出 %(path)s（%(n)s 人）") % {"path": options["out"], "n": results.count()}
            )
        )
