"""Log lines carry time, level, logger, request id and user; errors are mailed to ADMINS."""

import io
import logging
import re

import pytest
from django.conf import settings
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from core.request_log import RequestContextFilter, current_request_id


def boom(request):
    raise RuntimeError("计算失败")


def who(request):
    request.user.is_authenticated  # noqa: B018 — the page looks at its user, as every page does
    logging.getLogger("zhucun.test").warning("页面日志")
    return HttpResponse(current_request_id())


urlpatterns = [path("boom/", boom), path("who/", who)]


@pytest.fixture
def log_lines():
    """The console handler's filter and format from settings, on a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["line"]["format"]))
    logger = logging.getLogger("zhucun.test")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


@pytest.mark.urls("tests.ops.test_logging")
def test_a_log_line_names_time_level_logger_request_and_user(world, client_for, log_lines):
    response = client_for(world.county_staff).get("/who/")

    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id) and response.content.decode() == request_id
    line = log_lines.getvalue().strip()
    assert re.fullmatch(
        rf"\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d,\d{{3}} WARNING zhucun.test rid={request_id} user=org_a 页面日志",
        line,
    ), line


@pytest.mark.urls("tests.ops.test_logging")
def test_the_request_id_from_nginx_is_kept_and_junk_is_replaced(db, client):
    assert client.get("/who/", HTTP_X_REQUEST_ID="abcdef0123456789")["X-Request-ID"] == "abcdef0123456789"
    replaced = client.get("/who/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)


def test_outside_a_request_the_line_says_so(log_lines):
    logging.getLogger("zhucun.test").warning("后台")
    assert "rid=- user=- 后台" in log_lines.getvalue()


@pytest.mark.urls("tests.ops.test_logging")
def test_a_server_error_is_mailed_to_the_admins(db, settings):
    settings.DEBUG = False
    settings.ADMINS = [("系统管理员", "admin@county.example")]

    response = Client(raise_request_exception=False).get("/boom/")

    assert response.status_code == 500
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@county.example"]
    assert "计算失败" in mail.outbox[0].body


@pytest.mark.urls("tests.ops.test_logging")
def test_no_mail_without_admins(db, settings):
    settings.DEBUG = False
    settings.ADMINS = []

    assert Client(raise_request_exception=False).get("/boom/").status_code == 500
    assert mail.outbox == []


def test_a_task_failed_for_good_is_mailed_too(db, settings):
    from core.jobs import record_failure

    settings.DEBUG = False
    settings.ADMINS = [("系统管理员", "admin@county.example")]

    record_failure(task_name="attendance.tasks.x", task_id="t1", args=[1], kwargs={}, error=ValueError("坏"))

    assert len(mail.outbox) == 1 and "attendance.tasks.x" in mail.outbox[0].subject


def test_admins_and_mail_come_from_the_environment(monkeypatch):
    import importlib

    import config.settings as module

    monkeypatch.setenv("DJANGO_ADMINS", "系统管理员 <a@county.example>, b@county.example")
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://user:pw@mail.county.example:587")
    try:
        reloaded = importlib.reload(module)
        assert reloaded.ADMINS == [("系统管理员", "a@county.example"), ("", "b@county.example")]
        assert (reloaded.EMAIL_HOST, reloaded.EMAIL_PORT, reloaded.EMAIL_USE_TLS) == (
            "mail.county.example",
            587,
            True,
        )
    finally:
        monkeypatch.undo()
        importlib.reload(module)
