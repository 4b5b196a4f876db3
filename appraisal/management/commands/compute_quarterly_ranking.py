"""``python manage.py compute_quarterly_ranking --quarter YYYYQn [--county CODE]`` — the §6 job by hand."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from appraisal.management.commands._common import county_from, quarter_from
from appraisal.ranking import rank_quarter_and_year
from villages.models import County


class Command(BaseCommand):
    help = "计算季度考核排名（默认所有县；--county 只算一个县）"

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="季度，格式 YYYYQn，如 2026Q1")
        parser.add_argument("--county", help="县代码（6 位）；不填则计算所有县")

    def handle(self, *args, **options):
        year, quarter = quarter_from(options["quarter"])
        counties = (
            [county_from(options["county"])] if options["county"] else list(County.objects.order_by("code"))
        )
        total = 0
        for county in counties:
            rows = rank_quarter_and_year(county=county, year=year, quarter=quarter)
            total += rows
            self.stdout.write(
                _("%(code)s %(y)sQ%(q)s：%(n)s 人")
                % {"code": county.code, "y": year, "q": quarter, "n": rows}
            )
        self.stdout.write(self.style.SUCCESS(_("完成：共 %(n)s 人") % {"n": total}))
