"""``import_checkins PATH``: check-ins exported from DingTalk or WeChat (DOMAIN §10)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from checkins.importing import import_checkins


class Command(BaseCommand):
    help = (
        "导入签到记录（身份证号、姓名、打卡时间、纬度、经度、精度(米)、备注），有任何错误则整表退回、不写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            result = import_checkins(file=path)
        except FileNotFoundError:
            raise CommandError(_("文件不存在：%(v)s") % {"v": path})
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            if getattr(self, "_called_from_command_line", False):
                # From a shell, stderr holds exactly one ``Sheet!Cell: reason`` line per error.
                sys.exit(1)
            raise CommandError(
                _("签到文件有 %(n)s 处错误，已整表退回，未写入任何数据") % {"n": len(result.errors)}
            )
        self.stdout.write(result.summary())
