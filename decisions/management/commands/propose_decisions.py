"""``python manage.py propose_decisions --county CODE [--today YYYY-MM-DD]``: run rules R1–R5 for one county."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from decisions.rules import propose_decisions
from villages.models import County


class Command(BaseCommand):
    help = "按县运行决定规则 R1–R5，提出召回、约谈与奖励建议（重复运行不会重复提出）"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县代码（6 位）")
        parser.add_argument("--today", help="按哪一天运行（YYYY-MM-DD，默认今天）")

    def handle(self, *args, county, today=None, **options):
        found = County.objects.filter(code=county.strip()).first()
        if found is None:
            raise CommandError(f"县代码 {county} 不存在")
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"日期格式错误：{today}（应为 YYYY-MM-DD）")
        created = propose_decisions(county=found, today=day)
        self.stdout.write(f"{found.name}（{found.code}）：新提出 {len(created)} 项决定")
        for d in created:
            self.stdout.write(f"  {d.rule} {d.get_kind_display()} {d.subject_name} {d.period_key}")
