"""Which alias a read goes to, decided without a replica server (the real one: test_streaming_replica)."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from attendance.models import MonthlyTotal
from config.db_router import ReplicaRouter
from core import replica

router = ReplicaRouter()
enabled = override_settings(ZHUCUN_READ_REPLICA=True)


@pytest.fixture(autouse=True)
def _replica_up():
    replica.mark_up()
    yield
    replica.mark_up()


def _alias_seen_by(request) -> str:
    seen = []

    @replica.replica_reads
    def view(request):
        seen.append(router.db_for_read(MonthlyTotal))
        return HttpResponse("ok")

    view(request)
    return seen[0]


def test_without_a_replica_every_read_goes_to_the_primary():
    assert _alias_seen_by(RequestFactory().get("/attendance/totals/")) == "default"


@enabled
def test_a_marked_report_view_reads_the_replica_and_nothing_else_does():
    assert _alias_seen_by(RequestFactory().get("/attendance/totals/")) == "replica"
    assert router.db_for_read(MonthlyTotal) == "default"  # outside a marked view


@enabled
def test_a_post_to_a_marked_view_reads_the_primary():
    assert _alias_seen_by(RequestFactory().post("/attendance/totals/")) == "default"


@enabled
def test_sessions_and_users_are_never_read_from_the_replica():
    token = replica._reads.set(replica.REPLICA)
    try:
        assert router.db_for_read(MonthlyTotal) == "replica"
        assert router.db_for_read(Session) == "default"
    finally:
        replica._reads.reset(token)


@enabled
def test_after_a_write_the_rest_of_the_request_reads_the_primary():
    seen = []

    @replica.replica_reads
    def view(request):
        seen.append(router.db_for_read(MonthlyTotal))
        assert router.db_for_write(MonthlyTotal) == "default"
        seen.append(router.db_for_read(MonthlyTotal))
        return HttpResponse("ok")

    view(RequestFactory().get("/"))
    assert seen == ["replica", "default"]


@enabled
def test_a_browser_that_wrote_seconds_ago_reads_the_primary():
    request = RequestFactory().get("/attendance/totals/")
    request.COOKIES[replica.STICKY_COOKIE] = f"{time.time() - 1:.3f}"
    assert _alias_seen_by(request) == "default"
    request.COOKIES[replica.STICKY_COOKIE] = f"{time.time() - 60:.3f}"
    assert _alias_seen_by(request) == "replica"
    request.COOKIES[replica.STICKY_COOKIE] = "not-a-time"
    assert _alias_seen_by(request) == "replica"


@enabled
@pytest.mark.parametrize(
    ("method", "status", "sticky"),
    [
        ("post", 302, True),
        ("post", 200, True),
        ("post", 400, False),
        ("post", 403, False),
        ("get", 200, False),
    ],
)
def test_only_a_successful_post_marks_the_browser(method, status, sticky):
    middleware = replica.StickyPrimaryMiddleware(lambda request: HttpResponse(status=status))
    response = middleware(getattr(RequestFactory(), method)("/attendance/upload/"))
    assert (replica.STICKY_COOKIE in response.cookies) is sticky
    if sticky:
        cookie = response.cookies[replica.STICKY_COOKIE]
        assert cookie["max-age"] == 5 and cookie["httponly"]
        assert abs(float(cookie.value) - time.time()) < 5


def test_nothing_is_marked_without_a_replica():
    middleware = replica.StickyPrimaryMiddleware(lambda request: HttpResponse(status=302))
    assert replica.STICKY_COOKIE not in middleware(RequestFactory().post("/")).cookies


@enabled
def test_an_unreachable_replica_answers_from_the_primary_and_is_skipped_for_a_while():
    seen = []

    @replica.replica_reads
    def view(request):
        alias = router.db_for_read(MonthlyTotal)
        seen.append(alias)
        if alias == "replica":
            raise OperationalError("connection refused")
        return HttpResponse("from the primary")

    # No "replica" alias is configured in the test settings: it cannot be reached.
    response = view(RequestFactory().get("/"))
    assert response.content == b"from the primary"
    assert seen == ["replica", "default"]
    assert replica.replica_down()
    view(RequestFactory().get("/"))
    assert seen[2:] == ["default"]


def test_the_replica_is_never_migrated():
    assert router.allow_migrate("replica", "attendance") is False
    assert router.allow_migrate("default", "attendance") is True
