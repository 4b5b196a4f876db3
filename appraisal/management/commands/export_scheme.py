"""``python manage.py export_scheme --county CODE --year YYYY --out PATH`` — the 考核细则 workbook."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from appraisal.management.commands._common import county_from, write_file
from appraisal.schemes import get_or_create_scheme, scheme_workbook


class Command(BaseCommand):
    help = "导出一个县某年度的考核细则（.xlsx）"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县代码（6 位）")
        parser.add_argument("--year", required=True, type=int, help="年度，如 2026")
        parser.add_argument("--out", required=True, help="输出文件路径")

    def handle(self, *args, **options):
        county = county_from(options["county"])
        scheme = get_or_create_scheme(county=county, year=options["year"])
        write_file(options["out"], scheme_workbook(scheme))
        self.stdout.write(self.style.SUCCESS(_("已导出 %(path)s") % {"path": options["out"]}))
