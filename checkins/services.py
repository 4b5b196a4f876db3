"""Check-in rules (DOMAIN §10): the slot of a time, and whether a check-in is valid.

One place decides both, for the phone page and the import alike. :class:`Judge` loads once,
for a set of cadres and a date range, the postings, the fences of their villages and the county
policies, then decides any number of check-ins without touching the database again.

- Slot by local time (Asia/Shanghai): 上午 06:00–11:59, 下午 12:00–17:59, 晚间 18:00–23:59, and
  00:00–05:59 is 晚间 of the previous day (the slot's day is the check-in's ``day``).
- Valid when a posting of the cadre covers that day, the point is within the radius of a fence
  of that posting's village (great-circle distance, R = 6,371,000 m) and the accuracy is at
  most the policy's ``checkin_max_accuracy_m``. Otherwise the reason, in this order:
  无驻村任务, 不在驻地范围（距最近驻地 N 米）, 定位精度不足.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Posting
from checkins.models import CheckIn, Slot
from checkins.partitions import CHECKINS
from villages.models import Policy, VillageFence

LOCAL = ZoneInfo("Asia/Shanghai")
EARTH_RADIUS_M = 6_371_000.0
CHUNK = 2000

# Stored with the check-in as the spec words them (data, like a sheet's cell), not translated.
REASON_NO_POSTING = "无驻村任务"
REASON_OUTSIDE = "不在驻地范围（距最近驻地 {n} 米）"
REASON_NO_FENCE = "不在驻地范围（本村尚未设置驻地）"
REASON_ACCURACY = "定位精度不足"


class CheckInError(Exception):
    """A check-in that cannot even be recorded (coordinates out of range); ``message`` in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def slot_of(at: dt.datetime) -> tuple[dt.date, str]:
    """(the slot's day, the slot) of a moment; a naive datetime is read as Beijing time."""
    local = at.astimezone(LOCAL) if timezone.is_aware(at) else at
    hour = local.hour
    if hour < 6:
        return local.date() - dt.timedelta(days=1), Slot.EVENING
    if hour < 12:
        return local.date(), Slot.MORNING
    if hour < 18:
        return local.date(), Slot.AFTERNOON
    return local.date(), Slot.EVENING


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres on a sphere of radius 6,371,000 m."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def check_coordinates(latitude, longitude, accuracy_m) -> tuple[float, float, float]:
    """Numbers in range, or CheckInError naming what is wrong."""
    try:
        lat, lon, acc = float(latitude), float(longitude), float(accuracy_m)
    except (TypeError, ValueError):
        raise CheckInError(_("没有收到有效的位置信息，请重新签到"))
    if not all(math.isfinite(v) for v in (lat, lon, acc)):
        raise CheckInError(_("没有收到有效的位置信息，请重新签到"))
    if not -90 <= lat <= 90:
        raise CheckInError(_("纬度应在 -90 至 90 之间"))
    if not -180 <= lon <= 180:
        raise CheckInError(_("经度应在 -180 至 180 之间"))
    if acc < 0:
        raise CheckInError(_("定位精度不能为负数"))
    return lat, lon, acc


@dataclass(frozen=True)
class Verdict:
    day: dt.date
    slot: str
    posting_id: int | None
    valid: bool
    reason: str
    distance_m: int | None


@dataclass(frozen=True)
class _Span:
    posting_id: int
    village_id: int
    county_id: int
    start: dt.date
    end: dt.date


def _chunks(values, size=CHUNK):
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


class Judge:
    """Decides check-ins of ``cadre_ids`` whose slot days fall in ``first``…``last``.

    Reads the database a fixed number of times (per chunk of cadres), never per check-in.
    """

    def __init__(self, cadre_ids, first: dt.date, last: dt.date):
        self.spans: dict[int, list[_Span]] = defaultdict(list)
        for chunk in _chunks(set(cadre_ids)):
            rows = (
                Posting.objects.filter(cadre_id__in=chunk)
                .overlapping(first, last)
                .values_list(
                    "id", "cadre_id", "village_id", "village__township__county_id", "start_date", "_end"
                )
            )
            for pid, cadre_id, village_id, county_id, start, end in rows:
                self.spans[cadre_id].append(_Span(pid, village_id, county_id, start, end))
        village_ids = {s.village_id for spans in self.spans.values() for s in spans}
        county_ids = {s.county_id for spans in self.spans.values() for s in spans}
        self.policies = {pk: Policy.for_county(pk) for pk in county_ids}
        self.fences: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
        for chunk in _chunks(village_ids):
            rows = VillageFence.objects.filter(village_id__in=chunk).values_list(
                "village_id", "latitude", "longitude", "radius_m", "village__township__county_id"
            )
            for village_id, lat, lon, radius, county_id in rows:
                policy = self.policies.get(county_id) or Policy.for_county(county_id)
                self.fences[village_id].append(
                    (lat, lon, radius if radius is not None else policy.fence_radius_m)
                )

    def posting_on(self, cadre_id: int, day: dt.date) -> _Span | None:
        for span in self.spans.get(cadre_id, ()):
            if span.start <= day <= span.end:
                return span
        return None

    def decide(
        self, *, cadre_id: int, at: dt.datetime, latitude: float, longitude: float, accuracy_m: float
    ) -> Verdict:
        day, slot = slot_of(at)
        span = self.posting_on(cadre_id, day)
        if span is None:
            return Verdict(day, slot, None, False, REASON_NO_POSTING, None)
        fences = self.fences.get(span.village_id, ())
        if not fences:
            return Verdict(day, slot, span.posting_id, False, REASON_NO_FENCE, None)
        nearest = None
        inside = False
        for lat, lon, radius in fences:
            d = distance_m(latitude, longitude, lat, lon)
            nearest = d if nearest is None else min(nearest, d)
            inside = inside or d <= radius
        shown = int(round(nearest))
        if not inside:
            return Verdict(day, slot, span.posting_id, False, REASON_OUTSIDE.format(n=shown), shown)
        if accuracy_m > self.policies[span.county_id].checkin_max_accuracy_m:
            return Verdict(day, slot, span.posting_id, False, REASON_ACCURACY, shown)
        return Verdict(day, slot, span.posting_id, True, "", shown)


def record_checkin(
    *, cadre, latitude, longitude, accuracy_m, note: str = "", photo=None, at: dt.datetime | None = None
) -> CheckIn:
    """A check-in from the phone page: the server's clock stamps it (to the second), then it is
    judged and stored, valid or not. Tapping twice within a second records it once."""
    lat, lon, acc = check_coordinates(latitude, longitude, accuracy_m)
    at = (at or timezone.now()).replace(microsecond=0)
    day, _slot = slot_of(at)
    verdict = Judge([cadre.pk], day, day).decide(
        cadre_id=cadre.pk, at=at, latitude=lat, longitude=lon, accuracy_m=acc
    )
    checkin = CheckIn(
        cadre=cadre,
        posting_id=verdict.posting_id,
        at=at,
        day=verdict.day,
        slot=verdict.slot,
        latitude=lat,
        longitude=lon,
        accuracy_m=acc,
        source=CheckIn.Source.PHONE,
        note=(note or "").strip()[:200],
        valid=verdict.valid,
        reason=verdict.reason,
        distance_m=verdict.distance_m,
    )
    if photo:
        checkin.photo = photo
    CHECKINS.ensure_month(verdict.day)  # PostgreSQL: the month's partition, when the job has not made it
    try:
        with transaction.atomic():
            checkin.save()
    except IntegrityError:
        return CheckIn.objects.get(cadre=cadre, at=at)
    return checkin


def verdict_text(checkin: CheckIn) -> str:
    """有效（上午） or the reason, as the page answers."""
    if checkin.valid:
        return _("有效（%(slot)s）") % {"slot": checkin.get_slot_display()}
    return checkin.reason


def todays_checkins(cadre, *, today: dt.date | None = None):
    """The cadre's check-ins of today: those whose slot day is today and those made since midnight
    (an 01:00 check-in is yesterday's 晚间 but was made today), newest first."""
    today = today or timezone.localdate()
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=LOCAL)
    return CheckIn.objects.filter(Q(day=today) | Q(at__gte=midnight), cadre=cadre).order_by("-at")
