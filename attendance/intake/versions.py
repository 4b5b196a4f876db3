"""The upload rows of a township-month (DOMAIN.md §4): a received file waiting for its check, its
check's result kept as pending or rejected, and "only the newest check can be applied".
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.intake.check import CheckResult, check_file
from attendance.models import AttendanceUpload
from core.intake.cells import CellError

MAX_STORED_ERRORS = 2000


def stored_errors(errors: list[CellError]) -> list[dict]:
    stored = [e.as_dict() for e in errors[:MAX_STORED_ERRORS]]
    if len(errors) > MAX_STORED_ERRORS:
        stored.append(
            {"cell": "", "message": _("……另有 %(n)s 处错误未列出") % {"n": len(errors) - MAX_STORED_ERRORS}}
        )
    return stored


def new_upload(*, township, month, check: CheckResult, as_of, user, status) -> AttendanceUpload:
    upload = AttendanceUpload(
        township=township,
        month=month,
        layout=check.layout,
        status=status,
        as_of=as_of,
        original_name=check.original_name[:255] or "attendance.xlsx",
        sha256=check.sha256,
        uploaded_by=user,
        errors=stored_errors(check.errors),
        warnings=[w.as_dict() for w in check.warnings[:MAX_STORED_ERRORS]],
        summary=check.summary,
    )
    upload.file.save(upload.original_name, ContentFile(check.data), save=False)
    return upload


WAITING = (AttendanceUpload.Status.CHECKING, AttendanceUpload.Status.PENDING)


def supersede_waiting(*, upload: AttendanceUpload) -> int:
    """Only the newest check of a township-month can be applied (DOMAIN.md §4): every other upload
    of it still waiting (checking or pending) becomes SUPERSEDED. Called whenever an upload is
    stored; returns how many were superseded."""
    return (
        AttendanceUpload.objects.filter(
            township_id=upload.township_id, month=upload.month, status__in=WAITING
        )
        .exclude(pk=upload.pk)
        .update(status=AttendanceUpload.Status.SUPERSEDED, decided_at=timezone.now())
    )


class Refused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def claim_for_confirmation(upload: AttendanceUpload) -> AttendanceUpload:
    """Inside the township-month's lock: the upload row, locked, if it may still be applied.

    Refuses an upload no longer pending (already applied by a simultaneous confirmation, or
    superseded) and one older than an upload accepted after its check ran."""
    locked = AttendanceUpload.objects.select_for_update().get(pk=upload.pk)
    if locked.status == AttendanceUpload.Status.ACCEPTED:
        raise Refused(_("该文件已经确认采用，不会重复采用"))
    if locked.status == AttendanceUpload.Status.SUPERSEDED:
        raise Refused(_("该文件已被新上传替代，不能再确认；请查看本乡镇该月最新的上传"))
    if locked.status != AttendanceUpload.Status.PENDING:
        raise Refused(_("该文件不是待确认状态，不能确认"))
    checked = locked.checked_at or locked.uploaded_at
    newer = AttendanceUpload.objects.filter(
        township_id=locked.township_id,
        month=locked.month,
        status=AttendanceUpload.Status.ACCEPTED,
        decided_at__gte=checked,
    ).exclude(pk=locked.pk)
    if newer.exists():
        raise Refused(_("本文件检查之后，本乡镇该月已采用了另一份考勤，本文件不能再确认"))
    return locked


def stage_upload(
    *,
    township,
    month: dt.date,
    file,
    as_of: dt.date | None = None,
    user=None,
    progress=None,
    upload: AttendanceUpload | None = None,
) -> AttendanceUpload:
    """Check a file and keep it as a pending upload (valid) or a rejected one, for the page's confirm step."""
    month = month.replace(day=1)
    as_of = as_of or timezone.localdate()
    source = file
    if upload is not None and upload.file:
        upload.file.open("rb")
        try:
            source = upload.file.read()
        finally:
            upload.file.close()
    check = check_file(township=township, month=month, file=source, as_of=as_of, user=user, progress=progress)
    status = AttendanceUpload.Status.PENDING if check.ok else AttendanceUpload.Status.REJECTED
    new = upload is None
    if new:
        upload = new_upload(
            township=township, month=month, check=check, as_of=as_of, user=user, status=status
        )
    with transaction.atomic():
        if not new:
            stored = (
                AttendanceUpload.objects.select_for_update()
                .filter(pk=upload.pk)
                .values_list("status", flat=True)
                .first()
            )
            if stored == AttendanceUpload.Status.SUPERSEDED and check.ok:
                # A newer upload arrived while this one was being checked: it stays superseded.
                status = AttendanceUpload.Status.SUPERSEDED
        upload.status = status
        upload.layout = check.layout
        upload.errors = stored_errors(check.errors)
        upload.warnings = [w.as_dict() for w in check.warnings[:MAX_STORED_ERRORS]]
        upload.summary = check.summary
        upload.sha256 = check.sha256 or upload.sha256
        upload.checked_at = timezone.now()
        upload.decided_at = None if status == AttendanceUpload.Status.PENDING else timezone.now()
        upload.save()
        if new:
            supersede_waiting(upload=upload)
    return upload


def receive_upload(*, township, month: dt.date, data: bytes, name: str, user=None) -> AttendanceUpload:
    """Store a file the page received, to be checked (status CHECKING) by ``check_upload_task``.

    The upload date is today in Asia/Shanghai; every older upload of the township-month still
    waiting for confirmation is superseded at once — only the newest check can be applied."""
    with transaction.atomic():
        row = AttendanceUpload(
            township=township,
            month=month.replace(day=1),
            status=AttendanceUpload.Status.CHECKING,
            checking_since=timezone.now(),
            as_of=timezone.localdate(),
            original_name=(name or "attendance.xlsx")[:255],
            uploaded_by=user,
        )
        row.file.save(row.original_name, ContentFile(data), save=False)
        row.save()
        supersede_waiting(upload=row)
    return row
