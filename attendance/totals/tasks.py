"""Monthly totals tasks: thin wrappers that take ids and ISO dates and call the service.

Registered under the names ``config/schedules.py`` uses. Each task is idempotent (the service
upserts), so a retry or a duplicate delivery with ``acks_late`` is harmless.
"""

import datetime as dt

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils import timezone

from attendance.partitions import ensure_ahead
from attendance.totals.compute import compute_monthly_totals
from core.periods import last_complete_month, month_start
from villages.models import County

__all__ = [
    "compute_monthly_totals_task",
    "compute_previous_month_all_counties",
    "compute_current_month_all_counties",
    "enqueue_monthly_totals",
]

_RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}
# A fan-out only enqueues one task per county: seconds, not the 30-minute default.
_FAN_OUT_LIMITS = {"soft_time_limit": 50, "time_limit": 60}


@shared_task(name="attendance.tasks.compute_monthly_totals_task", **_RETRY)
def compute_monthly_totals_task(county_id: int, month_iso: str) -> int:
    """One county-month. The service announces the new figures (``totals_changed``) on commit; the
    decisions pipeline re-runs R1 for that month."""
    return compute_monthly_totals(county=int(county_id), month=dt.date.fromisoformat(month_iso))


def _fan_out(month: dt.date) -> int:
    county_ids = list(County.objects.order_by("code").values_list("id", flat=True))
    for county_id in county_ids:
        compute_monthly_totals_task.delay(county_id, month.isoformat())
    return len(county_ids)


@shared_task(name="attendance.tasks.compute_previous_month_all_counties", **_RETRY, **_FAN_OUT_LIMITS)
def compute_previous_month_all_counties() -> int:
    """Beat, 1st of the month: the final figures of the month just ended, one task per county."""
    ensure_ahead(today=timezone.localdate())
    return _fan_out(last_complete_month(timezone.localdate()))


@shared_task(name="attendance.tasks.compute_current_month_all_counties", **_RETRY, **_FAN_OUT_LIMITS)
def compute_current_month_all_counties() -> int:
    """Beat, nightly: provisional figures of the current month up to today, one task per county.

    Both jobs first make the attendance partitions of this month and the next two (PostgreSQL),
    so uploads rarely have to make one themselves."""
    ensure_ahead(today=timezone.localdate())
    return _fan_out(timezone.localdate().replace(day=1))


def enqueue_monthly_totals(*, county_id: int, month: dt.date) -> None:
    """Queue the county-month's computation once the current transaction commits."""
    month_iso = month_start(month).isoformat()
    transaction.on_commit(lambda: compute_monthly_totals_task.delay(county_id, month_iso))
