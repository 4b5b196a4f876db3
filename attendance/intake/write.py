"""Confirming an attendance workbook (DOMAIN.md §4): replace the township-month's records.

``import_attendance`` is the whole path the page, the command, the Celery task and the demo share:
check, then (if there is no error) lock the township-month, replace its records in one
transaction (``write_records``), record the upload and enqueue the monthly totals on commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance import partitions
from attendance.intake.check import CheckResult, check_file
from attendance.intake.versions import (
    MAX_STORED_ERRORS,
    Refused,
    claim_for_confirmation,
    new_upload,
    stored_errors,
    supersede_waiting,
)
from attendance.models import AttendanceRecord, AttendanceUpload
from attendance.totals.tasks import enqueue_monthly_totals
from core.intake.cells import CellError

logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    check: CheckResult
    upload: AttendanceUpload | None = None
    applied: bool = False
    # Why a confirmation was refused although the file itself is valid (superseded, already applied).
    refusal: str = ""

    @property
    def ok(self) -> bool:
        return self.check.ok

    @property
    def errors(self) -> list[CellError]:
        return self.check.errors

    @property
    def warnings(self) -> list[CellError]:
        return self.check.warnings

    @property
    def summary(self) -> dict:
        return self.check.summary


def lock_township_month(township, month: dt.date) -> None:
    """Serialize writers of one township-month (PostgreSQL); SQLite serializes writers itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            key = (township.pk << 20) + month.year * 12 + month.month
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7301, key & 0x7FFFFFFF])


def copy_text(value: str) -> str:
    """A value for COPY's text format."""
    if not value:
        return ""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_records(township, month: dt.date, records: list[tuple], upload_id: int) -> None:
    """Replace the township-month's records with ``records`` (``(posting_id, cadre_id, date, status,
    note)``): the attendance bulk writer, COPY on PostgreSQL and batched inserts elsewhere. Runs
    inside the caller's transaction, under its township-month lock."""
    table = AttendanceRecord._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE township_id = %s AND month = %s", [township.pk, month])
        deleted = max(cur.rowcount, 0)
        if not records:
            return
        if connection.vendor == "postgresql":
            sql = f"COPY {table} (posting_id, cadre_id, township_id, month, date, status, note, upload_id) FROM STDIN"
            middle = f"\t{township.pk}\t{month.isoformat()}\t"
            tail = f"\t{upload_id}\n"
            iso = {}  # date → its text: a month has 31 of them, the records up to 200,000
            with cur.cursor.copy(sql) as copy:
                lines = []
                for posting_id, cadre_id, day, status, note in records:
                    day_text = iso.get(day)
                    if day_text is None:
                        day_text = iso[day] = day.isoformat()
                    if note:
                        note = copy_text(note)
                    lines.append(f"{posting_id}\t{cadre_id}{middle}{day_text}\t{status}\t{note}{tail}")
                    if len(lines) >= 20000:
                        copy.write("".join(lines))
                        lines = []
                if lines:
                    copy.write("".join(lines))
            if abs(len(records) - deleted) >= 20000:
                # A large load changes the table's statistics enough that the planner may pick a
                # nested loop for the monthly totals right after it (once seen: 108 s instead of
                # 0.5 s). A sampled ANALYZE of this month's partition costs a fraction of a second. A
                # re-upload that replaces about as many rows as it removes leaves the statistics
                # as they were, and skips it.
                partitions.analyze_month(month)
        else:
            sql = (
                f"INSERT INTO {table} (posting_id, cadre_id, township_id, month, date, status, note, upload_id) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            )
            tid = township.pk
            batch = []
            for posting_id, cadre_id, day, status, note in records:
                batch.append((posting_id, cadre_id, tid, month, day, status, note, upload_id))
                if len(batch) >= 5000:
                    cur.executemany(sql, batch)
                    batch = []
            if batch:
                cur.executemany(sql, batch)


def import_attendance(
    *,
    township,
    month: dt.date,
    file,
    as_of: dt.date | None = None,
    user=None,
    dry_run: bool = False,
    upload: AttendanceUpload | None = None,
    keep_rejected: bool = False,
    progress=None,
    enqueue_totals: bool = True,
) -> ImportResult:
    """Check a workbook and, if it has no error, make it the township-month's attendance.

    In one transaction, under a lock of the township-month: delete the month's records, insert the
    new ones, mark earlier accepted uploads superseded, record this upload as accepted; on commit,
    enqueue the monthly totals. A rejected file writes nothing (``keep_rejected`` stores the upload
    row with its errors for the history page). ``upload`` is a pending upload being confirmed;
    ``enqueue_totals=False`` is for bulk loaders (the demo) that compute the totals once afterwards.
    """
    month = month.replace(day=1)
    as_of = as_of or timezone.localdate()
    check = check_file(township=township, month=month, file=file, as_of=as_of, user=user, progress=progress)
    result = ImportResult(check=check)
    if dry_run:
        return result
    if not check.ok:
        if upload is not None:
            upload.status = AttendanceUpload.Status.REJECTED
            upload.errors = stored_errors(check.errors)
            upload.summary = check.summary
            upload.decided_at = timezone.now()
            upload.save(update_fields=["status", "errors", "summary", "decided_at"])
            result.upload = upload
        elif keep_rejected and check.data:
            result.upload = new_upload(
                township=township,
                month=month,
                check=check,
                as_of=as_of,
                user=user,
                status=AttendanceUpload.Status.REJECTED,
            )
            result.upload.decided_at = timezone.now()
            result.upload.save()
        return result
    # The month's partition (PostgreSQL) is made, when missing, in its own short transaction first.
    partitions.ensure_month(month)
    confirming = upload is not None
    try:
        with transaction.atomic():
            lock_township_month(township, month)
            if confirming:
                upload = claim_for_confirmation(upload)
                upload.confirmed_by = user if getattr(user, "is_authenticated", False) else None
                upload.confirmed_at = timezone.now()
            if upload is None:
                upload = new_upload(
                    township=township,
                    month=month,
                    check=check,
                    as_of=as_of,
                    user=user,
                    status=AttendanceUpload.Status.ACCEPTED,
                )
            upload.status = AttendanceUpload.Status.ACCEPTED
            upload.layout = check.layout
            upload.summary = check.summary
            upload.warnings = [w.as_dict() for w in check.warnings[:MAX_STORED_ERRORS]]
            upload.errors = []
            upload.decided_at = timezone.now()
            upload.save()
            write_records(township, month, check.records, upload.pk)
            AttendanceUpload.objects.filter(
                township_id=township.pk, month=month, status=AttendanceUpload.Status.ACCEPTED
            ).exclude(pk=upload.pk).update(status=AttendanceUpload.Status.SUPERSEDED)
            supersede_waiting(upload=upload)
            if enqueue_totals:
                county_id = township.county_id
                transaction.on_commit(lambda: enqueue_monthly_totals(county_id=county_id, month=month))
    except Refused as exc:
        result.refusal = exc.message
        return result
    except IntegrityError:
        logger.exception("attendance import conflict")
        check.errors = [
            CellError(
                "", _("部分干部的考勤与其他乡镇已上报的记录冲突（同一干部同一天），请核对选派记录后重新上传")
            )
        ]
        check.records = []
        return result
    result.upload = upload
    result.applied = True
    return result


def apply_upload(*, upload: AttendanceUpload, user=None) -> ImportResult:
    """Confirm a pending upload: the same service, re-checked against today's registry, from the stored file."""
    upload.file.open("rb")
    try:
        data = upload.file.read()
    finally:
        upload.file.close()
    return import_attendance(
        township=upload.township, month=upload.month, file=data, as_of=upload.as_of, user=user, upload=upload
    )
