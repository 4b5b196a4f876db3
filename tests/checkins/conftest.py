"""Check-in fixtures: a fence around 北堡村 (village of township A1) and logged-in cadre clients."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.models import StaffProfile
from tests import factories as f
from villages.models import VillageFence

BJ = ZoneInfo("Asia/Shanghai")
# 北堡村's 村委会 and a second fence (the team's lodging) 2 km east of it.
LAT, LON = 43.600000, 121.300000
LAT2, LON2 = 43.600000, 121.324700


def at(y, m, d, hh, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=BJ)


def north_of(metres: float) -> float:
    """The latitude ``metres`` north of the fence (one degree of latitude ≈ 111,194.9 m on R = 6,371 km)."""
    return LAT + metres / 111_194.92664455873


@pytest.fixture
def fences(world):
    return [
        VillageFence.objects.create(village=world.v_a1, name="村委会", latitude=LAT, longitude=LON),
        VillageFence.objects.create(
            village=world.v_a1, name="宿舍", latitude=LAT2, longitude=LON2, radius_m=100
        ),
    ]


def cadre_user(cadre, username):
    user = f.UserFactory(username=username)
    StaffProfile.objects.create(user=user, role=StaffProfile.Role.CADRE, cadre=cadre)
    return user


@pytest.fixture
def cadre_a1_user(world):
    return cadre_user(world.cadre_a1, "cadre_a1")


@pytest.fixture
def cadre_a2_user(world):
    return cadre_user(world.cadre_a2, "cadre_a2")
