"""``python manage.py export_score_template --county CODE --quarter YYYYQn --out PATH``."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from appraisal.management.commands._common import county_from, quarter_from, write_file
from appraisal.scores import score_template


class Command(BaseCommand):
    help = "导出季度考核评分表模板（已填入本季度参加考核的干部）"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县代码（6 位）")
        parser.add_argument("--quarter", required=True, help="季度，格式 YYYYQn，如 2026Q1")
        parser.add_argument("--out", required=True, help="输出文件路径")

    def handle(self, *args, **options):
        county = county_from(options["county"])
        year, quarter = quarter_from(options["quarter"])
        write_file(options["out"], score_template(county=county, year=year, quarter=quarter))
        self.stdout.write(self.style.SUCCESS(_("已导出 %(path)s") % {"path": options["out"]}))
