"""Upload processing tasks: thin wrappers that take ids and call the intake service."""

from celery import shared_task
from django.db import OperationalError
from django.utils import translation

from attendance.importing import stage_upload
from attendance.models import AttendanceUpload

__all__ = ["check_upload_task"]


@shared_task(
    name="attendance.tasks.check_upload_task",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=3,
    acks_late=True,
)
def check_upload_task(upload_id: int) -> str:
    """Check a stored upload (status CHECKING) and leave it PENDING (valid) or REJECTED, with progress."""
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
        upload = stage_upload(
            township=upload.township,
            month=upload.month,
            file=None,
            as_of=upload.as_of,
            user=upload.uploaded_by,
            progress=progress,
            upload=upload,
        )
    AttendanceUpload.objects.filter(pk=upload_id).update(progress=100)
    return upload.status
