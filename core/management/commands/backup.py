"""python manage.py backup --out DIR — database (pg_dump custom format, or the SQLite file) and media."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和上传的文件到一个新目录（恢复：python manage.py restore DIR）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", required=True, type=Path, help="新的空目录，例如 /var/backups/zhucun/2026-12-03"
        )

    def handle(self, *args, out, **options):
        try:
            manifest = backup(out=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            _("已备份到 %(out)s：%(engine)s，%(tables)s 张表 %(rows)s 行，%(files)s 个上传文件")
            % {
                "out": out,
                "engine": manifest["engine"],
                "tables": len(manifest["tables"]),
                "rows": rows,
                "files": manifest["media_files"],
            }
        )
