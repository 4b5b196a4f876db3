"""Slot and validity at the boundaries of DOMAIN §10."""

import datetime as dt

import pytest

from checkins.models import CheckIn, Slot
from checkins.services import Judge, distance_m, record_checkin, slot_of
from tests.checkins.conftest import LAT, LAT2, LON, LON2, at, north_of
from villages.models import Policy


@pytest.mark.parametrize(
    "hh, mm, day, slot",
    [
        (5, 59, dt.date(2026, 11, 9), Slot.EVENING),
        (6, 0, dt.date(2026, 11, 10), Slot.MORNING),
        (11, 59, dt.date(2026, 11, 10), Slot.MORNING),
        (12, 0, dt.date(2026, 11, 10), Slot.AFTERNOON),
        (17, 59, dt.date(2026, 11, 10), Slot.AFTERNOON),
        (18, 0, dt.date(2026, 11, 10), Slot.EVENING),
        (23, 59, dt.date(2026, 11, 10), Slot.EVENING),
        (0, 0, dt.date(2026, 11, 9), Slot.EVENING),
    ],
)
def test_slot_edges_in_beijing_time(hh, mm, day, slot):
    assert slot_of(at(2026, 11, 10, hh, mm)) == (day, slot)


def test_slot_is_decided_in_beijing_time_not_utc():
    # 2026-11-10 23:30 UTC is 07:30 on the 11th in Beijing: 上午 of the 11th.
    utc = dt.datetime(2026, 11, 10, 23, 30, tzinfo=dt.UTC)
    assert slot_of(utc) == (dt.date(2026, 11, 11), Slot.MORNING)


def test_haversine_uses_the_mean_earth_radius():
    assert distance_m(0, 0, 0, 1) == pytest.approx(111_194.93, abs=0.01)
    assert distance_m(LAT, LON, north_of(300), LON) == pytest.approx(300, abs=0.001)


def decide(world, lat, lon, acc=10, when=None):
    when = when or at(2026, 11, 10, 8)
    return Judge([world.cadre_a1.pk], when.date() - dt.timedelta(days=1), when.date()).decide(
        cadre_id=world.cadre_a1.pk, at=when, latitude=lat, longitude=lon, accuracy_m=acc
    )


def test_inside_the_default_radius_by_a_few_metres_is_valid(world, fences):
    v = decide(world, north_of(297), LON)
    assert v.valid and v.reason == "" and v.distance_m == 297 and v.posting_id == world.p_a1.pk


def test_exactly_on_the_radius_is_valid(world, fences):
    assert decide(world, north_of(299.999), LON).valid


def test_outside_the_radius_by_a_few_metres_gives_the_distance(world, fences):
    v = decide(world, north_of(303), LON)
    assert not v.valid and v.reason == "不在驻地范围（距最近驻地 303 米）" and v.distance_m == 303


def test_the_second_fence_of_a_village_counts(world, fences):
    near_second = decide(world, LAT2 + 95 / 111_194.92664455873, LON2)
    assert near_second.valid and near_second.distance_m == 95
    # Its own radius (100 m), not the default 300 m, applies.
    beyond_second = decide(world, LAT2 + 105 / 111_194.92664455873, LON2)
    assert beyond_second.reason == "不在驻地范围（距最近驻地 105 米）"


def test_accuracy_at_the_limit_is_valid_and_beyond_it_is_not(world, fences):
    assert decide(world, LAT, LON, acc=200).valid
    v = decide(world, LAT, LON, acc=200.5)
    assert not v.valid and v.reason == "定位精度不足"


def test_the_policy_sets_radius_and_accuracy(world, fences):
    Policy.for_county(world.county_a)
    Policy.objects.filter(county=world.county_a).update(fence_radius_m=500, checkin_max_accuracy_m=50)
    assert decide(world, north_of(450), LON, acc=50).valid
    assert decide(world, LAT, LON, acc=51).reason == "定位精度不足"


def test_a_day_outside_the_posting_has_no_task(world, fences):
    # The posting starts on 2026-01-01: 05:00 that morning is 晚间 of 2025-12-31.
    v = decide(world, LAT, LON, when=at(2026, 1, 1, 5, 0))
    assert (v.day, v.slot, v.valid, v.reason, v.posting_id) == (
        dt.date(2025, 12, 31),
        Slot.EVENING,
        False,
        "无驻村任务",
        None,
    )
    assert decide(world, LAT, LON, when=at(2026, 1, 1, 6, 0)).valid


def test_another_villages_fence_does_not_count(world, fences):
    from villages.models import VillageFence

    VillageFence.objects.create(village=world.v_a2, name="村委会", latitude=30.0, longitude=110.0)
    v = decide(world, 30.0, 110.0)
    assert not v.valid and v.reason.startswith("不在驻地范围（距最近驻地 ")


def test_a_village_without_fences_gives_no_valid_check_in(world):
    v = decide(world, LAT, LON)
    assert not v.valid and v.reason.startswith("不在驻地范围")


def test_record_checkin_stamps_the_server_time_and_stores_invalid_ones_too(world, fences):
    ok = record_checkin(
        cadre=world.cadre_a1, latitude=LAT, longitude=LON, accuracy_m=15, at=at(2026, 11, 10, 19, 5, 7)
    )
    far = record_checkin(
        cadre=world.cadre_a1, latitude=LAT + 1, longitude=LON, accuracy_m=15, at=at(2026, 11, 10, 19, 6)
    )
    assert (ok.valid, ok.slot, ok.source) == (True, Slot.EVENING, CheckIn.Source.PHONE)
    assert not far.valid and far.reason.startswith("不在驻地范围（距最近驻地 111")
    again = record_checkin(
        cadre=world.cadre_a1, latitude=LAT, longitude=LON, accuracy_m=15, at=at(2026, 11, 10, 19, 5, 7)
    )
    assert again.pk == ok.pk and CheckIn.objects.count() == 2


def test_todays_list_includes_a_check_in_after_midnight(world, fences):
    from checkins.services import todays_checkins

    late = record_checkin(
        cadre=world.cadre_a1, latitude=LAT, longitude=LON, accuracy_m=5, at=at(2026, 11, 11, 0, 40)
    )
    assert late.day == dt.date(2026, 11, 10)
    assert list(todays_checkins(world.cadre_a1, today=dt.date(2026, 11, 11))) == [late]
    assert list(todays_checkins(world.cadre_a1, today=dt.date(2026, 11, 10))) == [late]
    assert list(todays_checkins(world.cadre_a1, today=dt.date(2026, 11, 12))) == []
