"""``import_attendance PATH --township CODE --month YYYY-MM [--as-of YYYY-MM-DD] [--dry-run]``."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.intake.write import import_attendance
from attendance.models import Mark
from core.periods import parse_month
from villages.models import Township


def _month(value: str) -> dt.date:
    try:
        return parse_month(value)
    except ValueError:
        raise CommandError(_("月份格式应为 YYYY-MM：%(v)s") % {"v": value})


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(v)s") % {"v": value})


class Command(BaseCommand):
    help = "导入一个乡镇一个月的考勤表（月度考勤表或考勤明细），有任何错误则整表退回、不写入。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--township", required=True, help="乡镇代码（9 位）")
        parser.add_argument("--month", required=True, help="月份 YYYY-MM")
        parser.add_argument("--as-of", dest="as_of", help="上报日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, path, township, month, as_of=None, dry_run=False, **options):
        month_date = _month(month)
        as_of_date = _date(as_of) if as_of else timezone.localdate()
        town = Township.objects.filter(code=township).first()
        if town is None:
            raise CommandError(_("乡镇代码不存在：%(v)s") % {"v": township})
        try:
            result = import_attendance(
                township=town, month=month_date, file=path, as_of=as_of_date, dry_run=dry_run
            )
        except FileNotFoundError:
            raise CommandError(_("文件不存在：%(v)s") % {"v": path})
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            if getattr(self, "_called_from_command_line", False):
                # From a shell, stderr holds exactly one ``Sheet!Cell: reason`` line per error.
                sys.exit(1)
            raise CommandError(
                _("考勤表有 %(n)s 处错误，已整表退回，未写入任何数据") % {"n": len(result.errors)}
            )
        s = result.summary
        counts = "，".join(f"{Mark(k).label} {v}" for k, v in s["by_status"].items() if v)
        d = s["diff"]
        verb = _("检查通过（未写入）") if dry_run else _("已导入")
        self.stdout.write(
            _(
                "%(verb)s：%(township)s %(month)s，干部 %(cadres)s 人，考勤 %(days)s 天（%(counts)s），"
                "提示 %(warnings)s 条，新增 %(added)s、变更 %(changed)s、删除 %(removed)s"
            )
            % {
                "verb": verb,
                "township": town.name,
                "month": f"{month_date:%Y-%m}",
                "cadres": s["cadres"],
                "days": s["days"],
                "counts": counts or _("无"),
                "warnings": s["warnings"],
                "added": d["added"],
                "changed": d["changed"],
                "removed": d["removed"],
            }
        )
