"""Report reads from a PostgreSQL streaming replica (``DATABASE_REPLICA_URL``; README "Read replica").

Only what a view marks with :func:`replica_reads` may read from the replica: the report pages and
their exports. Everything else reads and writes the primary, and so do, even inside a marked view:

- every read inside a transaction (``atomic``) on the primary — it must see its own writes;
- every read after the request wrote through the ORM (the router's ``db_for_write`` pins it);
- every read by a user who wrote a few seconds ago: a POST that succeeded leaves a cookie with
  its time (:class:`StickyPrimaryMiddleware`), so a confirmed upload or an approved decision shows
  at once on the next page even when the replica is a moment behind.

When the replica cannot be reached the view runs again on the primary and the replica is left
alone for ``ZHUCUN_REPLICA_RETRY_SECONDS``: a report page never fails because of the replica.
The choice is per request, in a context variable, so threads and async tasks do not mix.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.utils.connection import ConnectionDoesNotExist

REPLICA = "replica"
STICKY_COOKIE = "zhucun_wrote"
# app labels never read from the replica: a session or login written a moment ago must be seen.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "contenttypes"})

logger = logging.getLogger(__name__)

# "replica": this request may read report data from the replica; "primary": it must not
# (it wrote, or it is the retry after the replica failed). Unset outside marked views.
_reads: ContextVar[str | None] = ContextVar("zhucun_replica_reads", default=None)
# Monotonic time until which this process leaves the replica alone after it failed.
_down_until = 0.0


def enabled() -> bool:
    return bool(getattr(settings, "ZHUCUN_READ_REPLICA", False))


def replica_down() -> bool:
    return time.monotonic() < _down_until


def mark_down() -> None:
    global _down_until
    _down_until = time.monotonic() + settings.ZHUCUN_REPLICA_RETRY_SECONDS
    # A broken connection would otherwise be reused by the next request of this thread.
    with contextlib.suppress(DatabaseError, ConnectionDoesNotExist):
        connections[REPLICA].close()


def mark_up() -> None:
    global _down_until
    _down_until = 0.0


def read_alias(model=None) -> str:
    """The alias a read of ``model`` goes to now (the router's ``db_for_read``)."""
    if (
        _reads.get() != REPLICA
        or not enabled()
        or replica_down()
        or (model is not None and model._meta.app_label in PRIMARY_ONLY_APPS)
        or connections[DEFAULT_DB_ALIAS].in_atomic_block
    ):
        return DEFAULT_DB_ALIAS
    return REPLICA


def pin_primary() -> None:
    """From now on this request reads the primary (called for every ORM write by the router).

    Raw SQL writers inside a marked view must call it themselves before reading their result.
    """
    if _reads.get() == REPLICA:
        _reads.set(DEFAULT_DB_ALIAS)


def wrote_recently(request) -> bool:
    """Whether this browser's last successful POST was less than the sticky seconds ago."""
    try:
        wrote_at = float(request.COOKIES.get(STICKY_COOKIE, ""))
    except ValueError:
        return False
    return 0 <= time.time() - wrote_at < settings.ZHUCUN_REPLICA_STICKY_SECONDS


def _replica_reachable() -> bool:
    with contextlib.suppress(DatabaseError, ConnectionDoesNotExist):
        connections[REPLICA].close()
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except (DatabaseError, ConnectionDoesNotExist):
        return False


def replica_reads(view):
    """Let a GET report view read from the replica (when configured), falling back to the primary."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            not enabled()
            or replica_down()
            or request.method not in ("GET", "HEAD")
            or wrote_recently(request)
        ):
            return view(request, *args, **kwargs)
        token = _reads.set(REPLICA)
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            if _replica_reachable():
                # A conflict with recovery or a lagging standby: the primary answers this once.
                logger.warning("replica read failed, answering from the primary: %s", exc)
            else:
                logger.warning(
                    "replica unreachable for %ss, reading the primary: %s",
                    settings.ZHUCUN_REPLICA_RETRY_SECONDS,
                    exc,
                )
                mark_down()
        finally:
            _reads.reset(token)
        return view(request, *args, **kwargs)

    return wrapper


class StickyPrimaryMiddleware:
    """After a successful POST, the same browser reads the primary for a few seconds (cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if enabled() and request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            response.set_cookie(
                STICKY_COOKIE,
                f"{time.time():.3f}",
                max_age=settings.ZHUCUN_REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
