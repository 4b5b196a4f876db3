"""/healthz: 200 with every component up, 503 when one is down; no login, no data."""

import json

import pytest
from django.db import OperationalError
from django.urls import reverse

from core.jobs import record_success


def get(client):
    response = client.get(reverse("healthz"))
    return response, json.loads(response.content)


def test_healthy_embedded_answers_200_without_login(db, client):
    response, body = get(client)

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok" and body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] in ("ok", "embedded")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_it_lists_every_periodic_job_with_its_last_success(db, client, settings):
    record_success(task_name="attendance.tasks.compute_current_month_all_counties")

    _, body = get(client)

    jobs = body["periodic_jobs"]
    assert set(jobs) == set(settings.CELERY_BEAT_SCHEDULE)
    assert jobs["monthly-totals-current-month"]["last_success"].startswith("20")
    assert jobs["quarterly-ranking"]["last_success"] is None


def test_it_reveals_no_data(world, client):
    response, body = get(client)
    text = response.content.decode()

    assert set(body) == {"status", "checks", "periodic_jobs"}
    for secret in (world.county_a.name, world.cadre_a1.name, world.cadre_a1.id_number, "admin"):
        assert secret not in text


def test_503_when_the_database_is_down(db, client, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("core.health.connection", Unreachable())

    response, body = get(client)

    assert response.status_code == 503
    assert body["status"] == "down" and body["checks"]["database"] == "down"
    assert "refused" not in response.content.decode()


def test_503_when_the_broker_is_down(db, client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response, body = get(client)

    assert response.status_code == 503
    assert body["checks"]["broker"] == "down" and body["checks"]["database"] == "ok"


def test_503_when_the_cache_is_down(db, client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response, body = get(client)

    assert response.status_code == 503
    assert body["checks"]["cache"] == "down"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get(db, client, method):
    assert getattr(client, method)(reverse("healthz")).status_code == 405
