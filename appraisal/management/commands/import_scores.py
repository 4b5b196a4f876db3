"""``python manage.py import_scores PATH --county CODE --quarter YYYYQn`` — all or nothing."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from appraisal.management.commands._common import county_from, quarter_from
from appraisal.scores import import_scores


class Command(BaseCommand):
    help = "导入季度考核评分表（.xlsx）；有任何错误则全部不导入"

    def add_arguments(self, parser):
        parser.add_argument("path", help=".xlsx 文件路径")
        parser.add_argument("--county", required=True, help="县代码（6 位）")
        parser.add_argument("--quarter", required=True, help="季度，格式 YYYYQn，如 2026Q1")

    def handle(self, *args, **options):
        county = county_from(options["county"])
        year, quarter = quarter_from(options["quarter"])
        try:
            fh = open(options["path"], "rb")
        except OSError as exc:
            raise CommandError(
                _("无法读取文件 %(path)s：%(err)s") % {"path": options["path"], "err": exc}
            ) from None
        with fh:
            result = import_scores(county=county, year=year, quarter=quarter, file=fh)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error)
            sys.exit(1)
        self.stdout.write(
            self.style.SUCCESS(
                _("导入完成：%(rows)s 行，%(scores)s 项得分，%(rates)s 个满意率")
                % {"rows": result.rows, "scores": result.scores, "rates": result.rates}
            )
        )
