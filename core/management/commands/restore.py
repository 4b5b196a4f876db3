"""python manage.py restore DIR — restore a backup made by ``backup`` and check every table's row count."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 backup 生成的目录恢复数据库和上传的文件，并核对每张表的行数"

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="backup --out 写出的目录")
        parser.add_argument("--force", action="store_true", help="目标数据库已有数据时仍然覆盖")

    def handle(self, *args, folder, force, **options):
        try:
            result = restore(folder=folder, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("已恢复：%(tables)s 张表 %(rows)s 行，%(files)s 个上传文件；行数与备份一致")
            % {"tables": result.tables, "rows": result.rows, "files": result.media_files}
        )
