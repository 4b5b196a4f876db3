"""Load a fictional demo county (or a province, for benchmarks) with every kind of data.

Each app contributes a step (``<app>.demo.seed``) run in order: registry, attendance, monthly
totals, appraisal, decisions. Every step is deterministic for a given ``--seed``.
"""

import importlib
import random
import time

from django.core.management.base import BaseCommand

STEPS = (
    "villages.demo",
    "attendance.demo",
    "attendance.demo_totals",
    "checkins.demo",
    "appraisal.demo",
    "decisions.demo",
    "diary.demo",
)


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
        from villages.models import County

        if if_empty and County.objects.exists():
            self.stdout.write("已有数据，跳过演示数据生成。")
            self._print_logins()
            return
        context = {"scale": scale, "rng": random.Random(seed), "stdout": self.stdout}
        for name in STEPS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:
                    continue
                raise
            started = time.monotonic()
            if name == "villages.demo" and counties is not None:
                module.seed(**context, counties=counties)
            else:
                module.seed(**context)
            self.stdout.write(f"  {name}: {time.monotonic() - started:.1f} s")
        self._print_logins()

    def _print_logins(self):
        # Each step may name logins of its own (villages.demo: staff; checkins.demo: cadres).
        logins = [
            login for name in STEPS for login in getattr(importlib.import_module(name), "DEMO_LOGINS", [])
        ]
        self.stdout.write(self.style.SUCCESS("演示账号（用户名 / 密码）："))
        for username, password, label in logins:
            self.stdout.write(f"  {label}: {username} / {password}")
        self.stdout.write("打开 http://127.0.0.1:8000/ 登录。")
