"""``python manage.py compute_monthly_totals --month YYYY-MM [--county CODE]`` — the §5 job by hand."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from attendance.totals.compute import compute_all_counties, compute_monthly_totals
from core.periods import parse_month
from villages.models import County


class Command(BaseCommand):
    help = "计算月度驻村考勤统计（默认所有县；--county 只算一个县）"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="月份，格式 YYYY-MM")
        parser.add_argument("--county", help="县代码（6 位）；不填则计算所有县")

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["county"]:
            county = County.objects.filter(code=options["county"].strip()).first()
            if county is None:
                raise CommandError(_("县代码 %(code)s 不存在") % {"code": options["county"]})
            counts = {county.pk: compute_monthly_totals(county=county, month=month)}
        else:
            # Every county in one set-based statement (a province month in about a second).
            counts = compute_all_counties(month=month)
        names = dict(County.objects.filter(pk__in=counts).values_list("pk", "code"))
        for county_id, rows in sorted(counts.items(), key=lambda item: names[item[0]]):
            self.stdout.write(
                _("%(code)s %(month)s：%(n)s 条")
                % {"code": names[county_id], "month": f"{month:%Y-%m}", "n": rows}
            )
        self.stdout.write(self.style.SUCCESS(_("完成：共 %(n)s 条月度统计") % {"n": sum(counts.values())}))
        # Like the Celery job, the service announced the new figures on commit (``totals_changed``):
        # the decisions pipeline re-runs R1 for the month (a task, or inline when Celery is eager).
