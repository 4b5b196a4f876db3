"""The peers of issue 18: what a Django team would reach for instead of the product, on the same data.

- Import peer: django-import-export (the ``bench`` optional dependency group) loading the same
  考勤明细 workbook into a flat table in its bulk mode — the settings its documentation gives for
  large imports (``use_bulk``, ``force_init_instance``, ``skip_diff``), one pass without the admin's
  dry run. The flat table has no foreign keys, no checks against the registry, no marks: it is what
  the tool does with the file, not what the product has to do.
- Page peer: the project's own Django admin changelist of the same rows (monthly totals, quarter
  results), filtered to one county, 50 rows a page, through the same middleware and login.
"""

from __future__ import annotations

from pathlib import Path

from django.db import connection, models

from bench.harness import BenchError

FLAT_TABLE = "bench_peer_flat_attendance"


class FlatAttendance(models.Model):
    """One 考勤明细 row as plain columns. Not migrated: created and dropped by the bench run."""

    id_number = models.CharField(max_length=18)
    name = models.CharField(max_length=50)
    date = models.DateField()
    status = models.CharField(max_length=8)
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        app_label = "bench"
        db_table = FLAT_TABLE
        managed = False

    def __str__(self) -> str:
        return f"{self.id_number} {self.date} {self.status}"


def _resource():
    # The bench dependency group (`make bench` installs it); without it the scenario reports the error.
    from import_export import fields, resources, widgets

    class FlatAttendanceResource(resources.ModelResource):
        id_number = fields.Field(attribute="id_number", column_name="身份证号", widget=widgets.CharWidget())
        name = fields.Field(attribute="name", column_name="姓名", widget=widgets.CharWidget())
        date = fields.Field(attribute="date", column_name="日期", widget=widgets.DateWidget())
        status = fields.Field(attribute="status", column_name="状态", widget=widgets.CharWidget())
        note = fields.Field(attribute="note", column_name="备注", widget=widgets.CharWidget(allow_blank=True))

        class Meta:
            model = FlatAttendance
            fields = ("id_number", "name", "date", "status", "note")
            import_id_fields = ()
            use_bulk = True
            batch_size = 1000
            force_init_instance = True
            skip_diff = True
            skip_html_diff = True
            report_skipped = False

    return FlatAttendanceResource()


def create_flat_table() -> None:
    drop_flat_table()
    with connection.schema_editor() as editor:
        editor.create_model(FlatAttendance)


def drop_flat_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLAT_TABLE}")


def import_export_long(path: Path) -> int:
    """Read the workbook with the tool's XLSX format and import it in bulk into the empty flat table."""
    from import_export.formats.base_formats import XLSX

    resource = _resource()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {FLAT_TABLE}")
    dataset = XLSX().create_dataset(path.read_bytes())
    result = resource.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    if result.has_errors() or result.has_validation_errors():
        raise BenchError("django-import-export 导入出错")
    return FlatAttendance.objects.count()
