"""``python manage.py import_registry PATH [--dry-run]``: the registry workbook from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.importing import import_registry

# Operators load whole provinces from the command line; the web upload keeps its own limit.
COMMAND_MAX_BYTES = 512 * 1024 * 1024


class Command(BaseCommand):
    help = "导入名册工作簿（乡镇、村、派出单位、干部、选派）；有任何错误则全部不写入"

    def add_arguments(self, parser):
        parser.add_argument("path", help="名册 .xlsx 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, path, dry_run, **options):
        if not Path(path).is_file():
            raise CommandError(f"文件不存在：{path}")
        result = import_registry(file=path, dry_run=dry_run, max_bytes=COMMAND_MAX_BYTES)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"名册有 {len(result.errors)} 处错误，未写入任何数据")
        self.stdout.write(result.summary())
