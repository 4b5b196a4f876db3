import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    """The demo's attendance uploads and diary photos go to a temporary media root."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(tmp_path / "media"))
