import datetime as dt

import pytest


@pytest.fixture
def fixed_today(monkeypatch):
    """Pin ``timezone.localdate`` for the pages to a day inside the world's postings (2026-06-15)."""
    day = dt.date(2026, 6, 15)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
    return day
