"""The life of an upload's background check when things go wrong: start, fail, re-check, sweep.

The check itself is ``attendance.intake.versions.stage_upload``; this module only moves an upload in
and out of 检查中 so that a check whose worker died, or that ran out of time, never leaves the
upload 检查中 forever. Every change is a conditional UPDATE on ``status``, so a sweeper and a
late-finishing check cannot both win.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from attendance.models import AttendanceUpload

Status = AttendanceUpload.Status


def start_check(*, upload_id: int) -> None:
    """Enqueue the check of an upload that is 检查中: inline in embedded mode, after commit otherwise."""
    from attendance.intake.tasks import check_upload_task

    if check_upload_task.app.conf.task_always_eager:
        # No broker (or tests): check inline now, so the page behaves the same.
        check_upload_task.delay(upload_id)
    else:
        transaction.on_commit(lambda: check_upload_task.delay(upload_id))


def fail_check(*, upload_id: int, message: str) -> bool:
    """End a check that is still 检查中 as 检查失败 with ``message``; False if it had already ended."""
    return bool(
        AttendanceUpload.objects.filter(pk=upload_id, status=Status.CHECKING).update(
            status=Status.FAILED,
            errors=[{"cell": "", "message": str(message)}],
            decided_at=timezone.now(),
        )
    )


def recheck(*, upload: AttendanceUpload) -> bool:
    """Put a failed upload back to 检查中 and check its stored file again; False if it was not failed."""
    moved = AttendanceUpload.objects.filter(pk=upload.pk, status=Status.FAILED).update(
        status=Status.CHECKING, errors=[], progress=0, decided_at=None, checking_since=timezone.now()
    )
    if moved:
        start_check(upload_id=upload.pk)
    return bool(moved)


def stuck_message(minutes: int) -> str:
    with override("zh-hans"):
        return _(
            "文件检查超过 %(minutes)s 分钟仍未完成，可能是后台服务中断。文件已保存，"
            "请点击“重新检查”；如果再次失败，请联系系统管理员查看后台任务失败记录。"
        ) % {"minutes": minutes}


def fail_stuck_checks(*, now: dt.datetime | None = None, minutes: int | None = None) -> int:
    """Sweeper: end every upload 检查中 for longer than ``minutes`` as 检查失败. Returns how many."""
    now = now or timezone.now()
    minutes = minutes or settings.ZHUCUN_STUCK_CHECK_MINUTES
    cutoff = now - dt.timedelta(minutes=minutes)
    # Uploads from before checking_since existed fall back to their upload time.
    stuck = AttendanceUpload.objects.filter(status=Status.CHECKING, checking_since__lt=cutoff) | (
        AttendanceUpload.objects.filter(
            status=Status.CHECKING, checking_since__isnull=True, uploaded_at__lt=cutoff
        )
    )
    return stuck.update(
        status=Status.FAILED,
        errors=[{"cell": "", "message": stuck_message(minutes)}],
        decided_at=now,
    )
