"""``create_cadre_accounts --county CODE --out PATH``: accounts for a county's posted cadres."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cadres.accounts import cadres_in_post, create_accounts, credentials_workbook
from villages.models import County


class Command(BaseCommand):
    help = "为某县今天在岗的驻村干部批量创建登录账号（用户名为身份证号），初始密码写入工作簿，首次登录须修改密码。"

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="县代码，如 150523")
        parser.add_argument("--out", required=True, help="初始密码工作簿 .xlsx 的路径")

    def handle(self, *args, county, out, **options):
        county_obj = County.objects.filter(code=county).first()
        if county_obj is None:
            raise CommandError(f"没有代码为 {county} 的县")
        today = timezone.localdate()
        accounts = create_accounts(cadres=cadres_in_post(county=county_obj, on=today), on=today)
        Path(out).write_bytes(credentials_workbook(accounts))
        self.stdout.write(f"{county_obj.name}：新建干部账号 {len(accounts)} 个，初始密码已写入 {out}")
