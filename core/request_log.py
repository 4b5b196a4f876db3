"""Log lines that say which request and which user they belong to.

``RequestIdMiddleware`` gives every request an id (the ``X-Request-ID`` nginx sends, or a new
one), returns it in the response header of the same name and keeps the request in a context
variable; ``RequestContextFilter`` adds ``request_id`` and ``user`` to every log record, so the
settings' format can print them. In a Celery task the id is the task's (``task:…``).
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from django.utils.functional import SimpleLazyObject, empty

_request = ContextVar("zhucun_request", default=None)
_request_id = ContextVar("zhucun_request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


def bind_task(task_id: str | None):
    """Use a Celery task's id as the request id of its log lines; returns the token to reset."""
    return _request_id.set(f"task:{(task_id or '-')[:12]}")


def unbind(token) -> None:
    _request_id.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        id_token = _request_id.set(request_id)
        request_token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(request_token)
            _request_id.reset(id_token)
        response["X-Request-ID"] = request_id
        return response


def _user_of(request) -> str:
    user = getattr(request, "user", None)
    if user is None:
        return "-"
    # Not looked at by the request yet: do not load the session (a database query) for a log line.
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return "-"
    if not user.is_authenticated:
        return "anonymous"
    return user.get_username()


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.user = _user_of(_request.get())
        return True
