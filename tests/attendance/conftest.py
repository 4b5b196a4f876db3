import datetime as dt

import pytest

MONTH = dt.date(2026, 3, 1)
AS_OF = dt.date(2026, 3, 20)


@pytest.fixture
def month():
    return MONTH


@pytest.fixture
def as_of():
    return AS_OF


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A real Celery worker (``celery_worker_process``) inherits the environment: same files.
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(tmp_path / "media"))
