"""Operations settings fail loudly: a visibility timeout not longer than the hard time limit refuses to start."""

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured

import config.settings as module


@pytest.fixture
def reload_with(monkeypatch):
    def reload(**env):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return importlib.reload(module)

    yield reload
    monkeypatch.undo()
    importlib.reload(module)


def test_defaults_redeliver_only_after_the_hard_time_limit(reload_with):
    s = reload_with()
    assert (
        s.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        == 45 * 60
        > s.CELERY_TASK_TIME_LIMIT
        == 30 * 60
    )
    assert s.CELERY_TASK_REJECT_ON_WORKER_LOST and s.CELERY_TASK_ACKS_LATE


def test_a_visibility_timeout_within_the_hard_limit_refuses_to_start(reload_with):
    with pytest.raises(ImproperlyConfigured, match="ZHUCUN_VISIBILITY_TIMEOUT"):
        reload_with(ZHUCUN_TASK_TIME_LIMIT="600", ZHUCUN_VISIBILITY_TIMEOUT="600")


def test_a_soft_limit_above_the_hard_one_refuses_to_start(reload_with):
    with pytest.raises(ImproperlyConfigured, match="SOFT"):
        reload_with(ZHUCUN_TASK_TIME_LIMIT="600", ZHUCUN_TASK_SOFT_TIME_LIMIT="700")


def test_without_a_broker_tasks_run_inline(reload_with, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert reload_with().CELERY_TASK_ALWAYS_EAGER is True
