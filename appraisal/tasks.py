"""Ranking tasks: thin wrappers taking ids and ints, registered under the names config/schedules.py uses.

Each run rebuilds its county-quarter in one transaction, so a retry or a duplicate delivery is harmless.
"""

from celery import shared_task
from django.db import OperationalError, transaction

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


@shared_task(name="appraisal.tasks.compute_quarterly_ranking_task", **_RETRY)
def compute_quarterly_ranking_task(county_id: int, year: int, quarter: int) -> int:
    from appraisal.ranking import rank_quarter_and_year

    # The annual ranking follows its quarters, so it is always current; then the decision rules run.
    return rank_quarter_and_year(county=int(county_id), year=int(year), quarter=int(quarter))


@shared_task(name="appraisal.tasks.rank_previous_quarter_all_counties", **_RETRY, **_FAN_OUT_LIMITS)
def rank_previous_quarter_all_counties() -> int:
    """Beat, 3rd day after a quarter ends: rank the quarter just ended, one task per county."""
    from core.periods import last_complete_quarter
    from villages.models import County

    year, quarter = last_complete_quarter()
    county_ids = list(County.objects.order_by("code").values_list("id", flat=True))
    for county_id in county_ids:
        compute_quarterly_ranking_task.delay(county_id, year, quarter)
    return len(county_ids)


def enqueue_quarterly_ranking(*, county_id: int, year: int, quarter: int) -> None:
    """Enqueue the ranking of a county-quarter once the current transaction commits."""
    transaction.on_commit(lambda: compute_quarterly_ranking_task.delay(county_id, year, quarter))
