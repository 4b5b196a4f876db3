"""What /healthz reports: can the application reach its database, cache and broker, and when did
each periodic job last finish well. Answers carry no data of any county and no error details
(those go to the log)."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils.timezone import localtime

logger = logging.getLogger("zhucun.health")

OK, DOWN, EMBEDDED = "ok", "down", "embedded"
# Seconds a check may take before the component counts as down.
TIMEOUT = 2


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import RedisError

    return (RedisError, OSError)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: database down")
        return DOWN
    return OK


def check_cache() -> str:
    key = f"zhucun:healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except _redis_errors():
        logger.exception("healthz: cache down")
        return DOWN
    return OK if ok else DOWN


def check_broker() -> str:
    """The Celery broker (Redis); in embedded mode there is none and tasks run inline."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return EMBEDDED
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()
    except _redis_errors():
        logger.exception("healthz: broker down")
        return DOWN
    return OK


def periodic_jobs(database: str) -> dict:
    """Each beat entry with its task's last successful run (ISO time), or None if never (or unknown)."""
    from core.models import JobRun

    last = {}
    if database == OK:
        try:
            last = {r.task_name: r.last_success_at for r in JobRun.objects.all()}
        except DatabaseError:  # reachable but not migrated yet
            logger.exception("healthz: cannot read the periodic job runs")
    return {
        name: {
            "task": entry["task"],
            "last_success": localtime(last[entry["task"]]).isoformat() if entry["task"] in last else None,
        }
        for name, entry in sorted(settings.CELERY_BEAT_SCHEDULE.items())
    }


def health() -> tuple[bool, dict]:
    """(healthy, report). Healthy when no component is down; the periodic jobs are information."""
    checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    healthy = DOWN not in checks.values()
    report = {
        "status": OK if healthy else DOWN,
        "checks": checks,
        "periodic_jobs": periodic_jobs(checks["database"]),
    }
    return healthy, report
