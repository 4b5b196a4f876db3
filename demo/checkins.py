"""Demo check-ins (DOMAIN §10) for the demo county, run by ``seed_demo`` after the attendance.

- a fence (村委会) for every village, a second one (驻村工作队宿舍, 200 m) for every fifth;
- the demo logins ``cadre`` (a first secretary of the first township) and ``cadre2`` (a team
  member of the same village), no forced password change;
- for the last complete month (which has accepted sheets) check-ins that follow each cadre's
  marks with realistic gaps — a forgotten afternoon, an evening spent in town, a weak GPS fix,
  a leave day spent at the village — so the reconciliation page shows every finding; and the
  demo cadre's check-ins of today up to now.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from attendance.models import AttendanceRecord
from cadres.models import Posting
from checkins.importing import write_rows
from checkins.services import LOCAL, Judge
from core import periods
from core.models import StaffProfile
from demo.county import demo_county
from demo.logins import DEMO_PASSWORD
from villages.models import Village, VillageFence

# The demo county lies around 开鲁 (Inner Mongolia): villages spread over ~60 × 60 km.
BASE_LAT, BASE_LON = 43.40, 121.00
METRES_PER_DEG_LAT = 111_194.93


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return (
        lat + north_m / METRES_PER_DEG_LAT,
        lon + east_m / (METRES_PER_DEG_LAT * math.cos(math.radians(lat))),
    )


def _fences(county, rng) -> dict[int, tuple[float, float]]:
    """village id → its 村委会 point; creates the fences."""
    points = {}
    fences = []
    for i, village_id in enumerate(
        Village.objects.filter(township__county=county).order_by("code").values_list("id", flat=True)
    ):
        lat = round(BASE_LAT + rng.uniform(0, 0.55), 6)
        lon = round(BASE_LON + rng.uniform(0, 0.75), 6)
        points[village_id] = (lat, lon)
        fences.append(VillageFence(village_id=village_id, name="村委会", latitude=lat, longitude=lon))
        if i % 5 == 0:
            lat2, lon2 = _offset(lat, lon, rng.uniform(-600, 600), rng.uniform(400, 900))
            fences.append(
                VillageFence(
                    village_id=village_id,
                    name="驻村工作队宿舍",
                    latitude=round(lat2, 6),
                    longitude=round(lon2, 6),
                    radius_m=200,
                )
            )
    VillageFence.objects.bulk_create(fences, batch_size=2000, ignore_conflicts=True)
    return points


def _logins(county, today):
    """The demo cadre logins: a first secretary and a team member of one village of the first township."""
    first_township = county.townships.order_by("code").first()
    members = Posting.objects.active_on(today).filter(
        village__township=first_township, role=Posting.Role.TEAM_MEMBER
    )
    leads = Posting.objects.active_on(today).filter(
        role=Posting.Role.FIRST_SECRETARY, village_id__in=members.values("village_id")
    )
    lead = leads.select_related("cadre").order_by("village__code").first()
    if lead is None:
        return None
    member = members.filter(village_id=lead.village_id).select_related("cadre").order_by("id").first()
    User = get_user_model()
    for username, posting in (("cadre", lead), ("cadre2", member)):
        if posting is None or StaffProfile.objects.filter(cadre=posting.cadre).exists():
            continue
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": posting.cadre.name, "password": make_password(DEMO_PASSWORD)},
        )
        StaffProfile.objects.create(
            user=user, role=StaffProfile.Role.CADRE, cadre=posting.cadre, must_change_password=False
        )
    return lead


class _Rows:
    def __init__(self, judge, rng, points, now):
        self.judge, self.rng, self.points, self.now = judge, rng, points, now
        self.rows: dict[tuple[int, dt.datetime], tuple] = {}

    def add(self, cadre_id, village_id, day, hh, mm, *, away_m=0.0, accuracy=None):
        at = dt.datetime.combine(day, dt.time(hh, mm, self.rng.randrange(60)), tzinfo=LOCAL)
        if at >= self.now:
            return
        lat, lon = self.points[village_id]
        if away_m:
            bearing = self.rng.uniform(0, 2 * math.pi)
            lat, lon = _offset(lat, lon, away_m * math.cos(bearing), away_m * math.sin(bearing))
        else:
            lat, lon = _offset(lat, lon, self.rng.uniform(-120, 120), self.rng.uniform(-120, 120))
        acc = accuracy if accuracy is not None else round(self.rng.uniform(6, 60), 1)
        v = self.judge.decide(cadre_id=cadre_id, at=at, latitude=lat, longitude=lon, accuracy_m=acc)
        self.rows[(cadre_id, at)] = (
            cadre_id,
            v.posting_id,
            at,
            v.day,
            v.slot,
            round(lat, 6),
            round(lon, 6),
            acc,
            "PHONE",
            "",
            "",
            v.valid,
            v.reason,
            v.distance_m,
            self.now,
        )

    def morning(self, c, v, d, **kw):
        self.add(c, v, d, self.rng.randint(7, 9), self.rng.randrange(60), **kw)

    def afternoon(self, c, v, d, **kw):
        self.add(c, v, d, self.rng.randint(13, 16), self.rng.randrange(60), **kw)

    def evening(self, c, v, d, **kw):
        if self.rng.random() < 0.1:  # checked in after midnight: still that day's 晚间
            self.add(c, v, d + dt.timedelta(days=1), 0, self.rng.randint(5, 50), **kw)
        else:
            self.add(c, v, d, self.rng.randint(19, 22), self.rng.randrange(60), **kw)


def _day(rows: _Rows, cadre_id, village_id, day, status):
    r = rows.rng.random()
    if status in ("ON_SITE_OVERNIGHT", "ON_SITE"):
        if r < 0.03:  # the whole day in the county town, 3–8 km away
            away = rows.rng.uniform(3000, 8000)
            rows.morning(cadre_id, village_id, day, away_m=away)
            rows.afternoon(cadre_id, village_id, day, away_m=away)
            return
        rows.morning(cadre_id, village_id, day, accuracy=rows.rng.uniform(220, 600) if r < 0.05 else None)
        if not 0.05 <= r < 0.12:  # 7% forget the afternoon
            rows.afternoon(cadre_id, village_id, day)
        if status == "ON_SITE_OVERNIGHT" and rows.rng.random() > 0.07:  # 7% no evening check-in
            rows.evening(cadre_id, village_id, day)
        elif status == "ON_SITE" and rows.rng.random() < 0.05:
            rows.evening(cadre_id, village_id, day, away_m=rows.rng.uniform(5000, 20000))
    elif status == "OFFICIAL_TRIP":
        if r < 0.4:
            rows.morning(cadre_id, village_id, day, away_m=rows.rng.uniform(20000, 60000))
    elif r < 0.12:  # marked on leave or absent, yet checked in at the village
        rows.morning(cadre_id, village_id, day)
        rows.afternoon(cadre_id, village_id, day)


def seed(*, scale, rng, stdout, today: dt.date | None = None):
    if scale != "county":
        return
    county = demo_county()
    if county is None:
        return
    if VillageFence.objects.filter(village__township__county=county).exists():
        stdout.write("签到演示数据已存在，跳过。")
        return
    now = timezone.now()
    today = today or periods.today()
    points = _fences(county, rng)
    lead = _logins(county, today)
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    marks = list(
        AttendanceRecord.objects.filter(township__county=county, month=month)
        .order_by("cadre_id", "date")
        .values_list("cadre_id", "posting__village_id", "date", "status")
    )
    cadre_ids = {m[0] for m in marks} | ({lead.cadre_id} if lead else set())
    judge = Judge(cadre_ids, month - dt.timedelta(days=1), max(last + dt.timedelta(days=1), today))
    rows = _Rows(judge, rng, points, now)
    for cadre_id, village_id, day, status in marks:
        _day(rows, cadre_id, village_id, day, status)
    if lead is not None:
        rows.morning(lead.cadre_id, lead.village_id, today)
        rows.afternoon(lead.cadre_id, lead.village_id, today)
    created = write_rows(list(rows.rows.values()))
    valid = sum(1 for r in rows.rows.values() if r[11])
    stdout.write(
        f"  签到：驻地 {VillageFence.objects.filter(village__township__county=county).count()} 个，"
        f"{month:%Y-%m} 及今天的签到 {created} 条（有效 {valid}）"
    )
