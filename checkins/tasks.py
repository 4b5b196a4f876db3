"""Check-in jobs, registered under the names ``config/schedules.py`` uses."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from checkins.partitions import CHECKINS


@shared_task(
    name="checkins.tasks.make_partitions_ahead_task",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=5,
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def make_partitions_ahead_task() -> list[str]:
    """Beat, nightly: the check-in partitions of this month and the next two (PostgreSQL; nothing
    on SQLite), so the phone page and the import rarely have to make one. Idempotent: a partition
    that exists is left alone."""
    return CHECKINS.ensure_ahead(today=timezone.localdate())
