"""Decision tasks: thin wrappers with ids and ISO dates, enqueued by ``decisions/pipeline.py``.

Each is idempotent: re-running the rules never duplicates a proposal, a withdrawn one stays
withdrawn, and a fulfilled replacement stays fulfilled.
"""

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from decisions.replacements import fulfil_replacements
from decisions.rules import propose_after_monthly_totals, propose_after_ranking

_RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(name="decisions.tasks.rerun_after_totals_task", **_RETRY)
def rerun_after_totals_task(county_id: int, month_iso: str) -> dict:
    run = propose_after_monthly_totals(county_id=int(county_id), month=dt.date.fromisoformat(month_iso))
    return {"created": len(run.created), "withdrawn": len(run.withdrawn)}


@shared_task(name="decisions.tasks.rerun_after_ranking_task", **_RETRY)
def rerun_after_ranking_task(county_id: int, year: int, quarter: int) -> dict:
    run = propose_after_ranking(county_id=int(county_id), year=int(year), quarter=int(quarter))
    return {"created": len(run.created), "withdrawn": len(run.withdrawn)}


@shared_task(name="decisions.tasks.fulfil_replacements_task", **_RETRY)
def fulfil_replacements_task(county_id: int) -> int:
    return fulfil_replacements(county_id=int(county_id))
