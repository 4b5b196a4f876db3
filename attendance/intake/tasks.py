"""Upload processing tasks: thin wrappers that take ids and call the intake service."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from django.utils import translation
from django.utils.translation import gettext as _

from attendance.intake.queue import fail_check, fail_stuck_checks
from attendance.intake.versions import stage_upload
from attendance.models import AttendanceUpload

__all__ = ["check_upload_task", "fail_stuck_checks_task"]

# A township's month checks in seconds; a check still running after this is stuck, not slow.
CHECK_SOFT_LIMIT = 4 * 60
CHECK_HARD_LIMIT = 5 * 60


@shared_task(
    name="attendance.tasks.check_upload_task",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=3,
    acks_late=True,
    soft_time_limit=CHECK_SOFT_LIMIT,
    time_limit=CHECK_HARD_LIMIT,
)
def check_upload_task(upload_id: int) -> str:
    """Check a stored upload (status CHECKING) and leave it PENDING (valid) or REJECTED, with progress.

    Idempotent: an upload no longer 检查中 is skipped, and a repeated check of the same stored file
    gives the same result.
    """
    upload = AttendanceUpload.objects.select_related("township", "uploaded_by").filter(pk=upload_id).first()
    if upload is None or upload.status != AttendanceUpload.Status.CHECKING:
        return "skipped"
    last = {"p": 0}

    def progress(fraction: float) -> None:
        pct = int(fraction * 100)
        if pct >= last["p"] + 5:
            last["p"] = pct
            AttendanceUpload.objects.filter(pk=upload_id).update(progress=min(pct, 99))

    with translation.override("zh-hans"):
        try:
            upload = stage_upload(
                township=upload.township,
                month=upload.month,
                file=None,
                as_of=upload.as_of,
                user=upload.uploaded_by,
                progress=progress,
                upload=upload,
            )
        except SoftTimeLimitExceeded:
            fail_check(
                upload_id=upload_id,
                message=_(
                    "文件检查超过 %(minutes)s 分钟仍未完成，已停止。文件已保存，请点击“重新检查”；"
                    "如果再次失败，请把文件拆小或联系系统管理员。"
                )
                % {"minutes": CHECK_SOFT_LIMIT // 60},
            )
            return AttendanceUpload.Status.FAILED
    AttendanceUpload.objects.filter(pk=upload_id).update(progress=100)
    return upload.status


@shared_task(
    name="attendance.tasks.fail_stuck_checks_task",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=3,
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def fail_stuck_checks_task() -> int:
    """Beat, every 5 minutes: end uploads stuck 检查中 (their check was lost) as 检查失败."""
    return fail_stuck_checks()
