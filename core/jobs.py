"""Background jobs seen from outside: failures recorded for admins, periodic runs for /healthz.

Connected to Celery's signals in ``CoreConfig.ready()``. Knows no app: a task is a name and its
arguments (ids and ISO dates, never model instances).
"""

from __future__ import annotations

import logging
import traceback as tb

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

logger = logging.getLogger("zhucun.jobs")

# Long error texts (a whole SQL statement, a huge argument list) are cut to keep the admin usable.
_MAX_TEXT = 20_000


def periodic_task_names() -> set[str]:
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def _jsonable(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)


def record_failure(
    *, task_name: str, task_id: str, args, kwargs, error: BaseException, traceback=None
) -> None:
    """Store a task that failed for good. Never raises: the failure is logged in any case."""
    from core.models import TaskFailure

    text = f"{type(error).__name__}: {error}"[:_MAX_TEXT]
    logger.error("task %s[%s] failed for good: %s", task_name, task_id, text)
    trace = "".join(tb.format_tb(traceback))[-_MAX_TEXT:] if traceback is not None else ""
    try:
        # Its own savepoint: a failure inside an eager task's transaction must not break it further.
        with transaction.atomic():
            TaskFailure.objects.create(
                task_name=task_name[:200],
                task_id=(task_id or "")[:64],
                args=_jsonable(list(args or [])),
                kwargs=_jsonable(dict(kwargs or {})),
                error=text,
                traceback=trace,
            )
    except DatabaseError:
        logger.exception("could not record the failure of task %s[%s]", task_name, task_id)


def record_success(*, task_name: str) -> None:
    """Remember when a periodic job last finished well (other tasks are not tracked)."""
    from core.models import JobRun

    if task_name not in periodic_task_names():
        return
    try:
        JobRun.objects.update_or_create(task_name=task_name, defaults={"last_success_at": timezone.now()})
    except DatabaseError:
        logger.exception("could not record the success of task %s", task_name)


def _on_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, traceback=None, **_):
    record_failure(
        task_name=getattr(sender, "name", str(sender)),
        task_id=task_id or "",
        args=args,
        kwargs=kwargs,
        error=exception,
        traceback=traceback,
    )


def _on_task_success(sender=None, **_):
    record_success(task_name=getattr(sender, "name", str(sender)))


_log_tokens: dict[str, object] = {}


def _on_task_prerun(task_id=None, **_):
    from core.request_log import bind_task

    _log_tokens[task_id] = bind_task(task_id)


def _on_task_postrun(task_id=None, **_):
    from core.request_log import unbind

    token = _log_tokens.pop(task_id, None)
    if token is not None:
        unbind(token)


def connect_signals() -> None:
    from celery.signals import task_failure, task_postrun, task_prerun, task_success

    task_failure.connect(_on_task_failure, dispatch_uid="zhucun-task-failure")
    task_success.connect(_on_task_success, dispatch_uid="zhucun-task-success")
    # Log lines written inside a task carry its id where a request would carry the request id.
    task_prerun.connect(_on_task_prerun, dispatch_uid="zhucun-task-prerun")
    task_postrun.connect(_on_task_postrun, dispatch_uid="zhucun-task-postrun")
