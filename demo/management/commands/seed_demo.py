"""Load a fictional demo county (or a province, for benchmarks) with every kind of data.

Each step is a module of ``demo`` with a ``seed`` function, run in order: registry, attendance,
monthly totals, check-ins, appraisal, decisions, diary. Every step is deterministic for a given
``--seed`` and day; the whole run uses one day (today in Asia/Shanghai).
"""

import random
import time

from django.core.management.base import BaseCommand

from core import periods
from demo import appraisal, attendance, checkins, county, decisions, diary, logins, totals
from villages.models import County

STEPS = (county, attendance, totals, checkins, appraisal, decisions, diary)


class Command(BaseCommand):
    help = "创建演示县（或 --scale province 的全省数据）及每种角色的登录账号"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["county", "province"], default="county")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="已有数据时什么也不做（make run 用）")
        parser.add_argument(
            "--counties", type=int, default=None, help="省级规模的县数（默认 100；测试用小数）"
        )

    def handle(self, *args, scale, seed, if_empty, counties, **options):
        if if_empty and County.objects.exists():
            self.stdout.write("已有数据，跳过演示数据生成。")
            self._print_logins()
            return
        context = {
            "scale": scale,
            "rng": random.Random(seed),
            "stdout": self.stdout,
            "today": periods.today(),
        }
        for step in STEPS:
            started = time.monotonic()
            if step is county and counties is not None:
                step.seed(**context, counties=counties)
            else:
                step.seed(**context)
            self.stdout.write(f"  {step.__name__}: {time.monotonic() - started:.1f} s")
        self._print_logins()

    def _print_logins(self):
        self.stdout.write(self.style.SUCCESS("演示账号（用户名 / 密码）："))
        for username, password, label in logins.DEMO_LOGINS:
            self.stdout.write(f"  {label}: {username} / {password}")
        self.stdout.write("打开 http://127.0.0.1:8000/ 登录。")
