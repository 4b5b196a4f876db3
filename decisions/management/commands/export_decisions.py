"""``python manage.py export_decisions --county CODE --out PATH``: the county's decisions as .xlsx."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decisions.exports import write_decisions
from decisions.models import Decision
from villages.models import County


class Command(BaseCommand):
    help = "导出一个县的全部决定（表头：文号, 决定类型, 规则, 状态, 对象, 身份证号, 派出单位, 依据, 提出日期, 签发日期）"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县代码（6 位）")
        parser.add_argument("--out", required=True, help="输出的 .xlsx 文件路径")

    def handle(self, *args, county, out, **options):
        found = County.objects.filter(code=county.strip()).first()
        if found is None:
            raise CommandError(f"县代码 {county} 不存在")
        path = Path(out)
        if not path.parent.exists():
            raise CommandError(f"目录不存在：{path.parent}")
        decisions = (
            Decision.objects.filter(county=found)
            .select_related("cadre", "unit", "posting__unit")
            .order_by("proposed_on", "id")
        )
        data = write_decisions(decisions.iterator(chunk_size=2000))
        path.write_bytes(data)
        self.stdout.write(f"已导出 {decisions.count()} 项决定到 {path}")
