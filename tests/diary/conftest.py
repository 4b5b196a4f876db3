"""Diary fixtures: cadre accounts for the world's cadres, photos in a temporary media root."""

import io

import pytest

from core.models import StaffProfile
from tests import factories as f


def cadre_user(cadre, username=None):
    user = f.UserFactory(username=username or f"cadre{cadre.pk}")
    StaffProfile.objects.create(user=user, role=StaffProfile.Role.CADRE, cadre=cadre)
    return user


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cadres(world):
    """Accounts for the cadres of townships A1 and B1."""
    return {
        "a1": cadre_user(world.cadre_a1, "cadre_a1"),
        "a2": cadre_user(world.cadre_a2, "cadre_a2"),
        "b1": cadre_user(world.cadre_b1, "cadre_b1"),
    }


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), exif=False) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {2: (39.0, 54.0, 0.0)}  # GPS latitude
        image.save(out, format="JPEG", exif=data)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def png_bytes(size=(32, 32)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()
