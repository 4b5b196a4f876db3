"""Demo registry: a fictional county at the scale of seed 002, or a province for benchmarks.

``seed(scale="county")`` creates 示范市 示范县 (code 150599): 12 townships, ~250 villages (嘎查/村)
with tags, ~100 dispatching units of every level, ~760 cadres with valid 身份证号 and a realistic
spread of age, gender, education, identity, rank and expertise, and their postings: a team in
every village (a first secretary in most, a few villages left without one), start dates over the
last two years (some ending in the next 30 days), and some completed or transferred history.
It also creates the county's Policy and the staff logins of ``demo.logins``; the fictional names
come from ``demo.names``. ``demo_county()`` is the county every later step fills.

``seed(scale="province")`` creates ~100 counties / ~1,200 townships / ~14,000 villages /
~50,000 cadres / ~10,000 units the same way, in well under a minute (COPY on PostgreSQL,
``bulk_create`` on SQLite). Everything is deterministic for a given ``rng`` seed and day.

Rows are generated with explicit primary keys and written table by table; the posting
invariants are respected by construction and enforced by the database anyway.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from cadres.models import Cadre, DispatchingUnit, Posting
from core import bulk, idcard
from core.models import StaffProfile
from core.pinyin import initials
from demo.logins import staff_logins
from demo.names import (
    CITY_UNITS,
    COUNTY_UNITS,
    EDUCATION,
    IDENTITY,
    MOBILE_PREFIXES,
    NEIGHBOUR_REGIONS,
    PROVINCE_UNITS,
    RANK,
    TOWNSHIPS,
    person_name,
    province_codes,
    village_names,
    weighted,
)
from villages.models import County, Policy, Township, Village, VillageTag

DEMO_COUNTY_CODE = "150599"
DEMO_COUNTY_NAME = "示范县"
DEMO_CITY_NAME = "示范市"

# Province scale (DOMAIN.md §9): ~100 counties, 12 townships each, ~140 villages and ~500 cadres a county.
PROVINCE_COUNTIES = 100
PROVINCE_VILLAGES_PER_COUNTY = 140
PROVINCE_CADRES_PER_COUNTY = 500
PROVINCE_UNITS_PER_COUNTY = 100


def demo_county() -> County | None:
    """The county the later steps fill: the ``org`` login's county, else the first with townships."""
    profile = StaffProfile.objects.filter(user__username="org", role=StaffProfile.Role.ORG).first()
    if profile is not None and profile.counties.exists():
        return profile.counties.order_by("code").first()
    return County.objects.filter(townships__isnull=False).order_by("code").first()


class _Ids:
    """Next free primary key per model, so rows can reference each other before they are written."""

    def __init__(self):
        self._next = {}

    def take(self, model) -> int:
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value


class _Builder:
    """Collects the rows of one seed run, county after county."""

    def __init__(self, rng, today: dt.date):
        self.rng = rng
        self.today = today
        self.ids = _Ids()
        self.rows = {model: [] for model in (County, Township, Village, DispatchingUnit, Cadre, Posting)}
        self.village_tags: list[tuple[int, int]] = []
        self.used_id_numbers: set[str] = set(Cadre.objects.values_list("id_number", flat=True))
        self.tags = {t.name: t.pk for t in _ensure_tags()}
        self.now = timezone.now()

    # -- area ---------------------------------------------------------------------------------
    def county(
        self, *, code, name, city, n_villages, n_units, n_active, n_townships=12, max_members=3, starts=None
    ) -> dict:
        """One county's rows. ``starts`` = (first, last) bounds the current postings' start dates
        (default: the last two years); ``max_members`` caps the team members a village."""
        rng = self.rng
        county_id = self.ids.take(County)
        self.rows[County].append({"id": county_id, "code": code, "name": name, "city_name": city})
        townships = []
        tw_names = rng.sample(TOWNSHIPS, n_townships)
        for i, (stem, kind) in enumerate(tw_names):
            tid = self.ids.take(Township)
            self.rows[Township].append(
                {"id": tid, "code": f"{code}{100 + i:03d}", "name": stem + kind, "county_id": county_id}
            )
            townships.append((tid, f"{code}{100 + i:03d}"))
        # Villages spread unevenly over the townships (the seat and big towns have more).
        weights = [rng.uniform(0.6, 1.6) for _ in townships]
        per_tw = [max(1, round(n_villages * w / sum(weights))) for w in weights]
        villages = []
        names = village_names(rng, sum(per_tw))
        k = 0
        for (tid, tcode), n in zip(townships, per_tw, strict=True):
            for j in range(n):
                vid = self.ids.take(Village)
                vname = names[k]
                k += 1
                self.rows[Village].append(
                    {
                        "id": vid,
                        "code": f"{tcode}{200 + j:03d}",
                        "name": vname,
                        "name_initials": initials(vname),
                        "township_id": tid,
                    }
                )
                self._tag_village(vid)
                villages.append(vid)
        units = self._units(
            county_id=county_id,
            code=code,
            name=name,
            city=city,
            n_units=n_units,
            township_names=[s + t for s, t in tw_names],
        )
        self._cadres_and_postings(
            county_code=code,
            villages=villages,
            units=units,
            n_active=n_active,
            max_members=max_members,
            starts=starts,
        )
        return {"id": county_id, "township_ids": [t[0] for t in townships]}

    def _tag_village(self, vid: int) -> None:
        rng, t = self.rng, self.tags
        chosen = []
        if rng.random() < 0.3:
            chosen.append("建档立卡贫困村")
            if rng.random() < 0.25:
                chosen.append("深度贫困村")
        if rng.random() < 0.08:
            chosen.append("软弱涣散村")
        for problem in (
            "长期软弱涣散",
            "集体经济薄弱",
            "信访问题多",
            "行政村合并",
            "村干部年龄老化",
            "青壮劳动力外流",
        ):
            if rng.random() < (0.2 if problem in ("集体经济薄弱", "青壮劳动力外流") else 0.05):
                chosen.append(problem)
        self.village_tags.extend((vid, t[name]) for name in chosen)

    def _units(self, *, county_id, code, name, city, n_units, township_names) -> list[tuple[int, int]]:
        """(unit id, weight) of the county's dispatching units; county-level units send the most."""
        specs = [(n.format(c=name), "COUNTY", 10) for n in COUNTY_UNITS]
        specs += [(f"{name}{t}人民政府", "TOWNSHIP", 4) for t in township_names]
        specs += [(n.format(m=city), "CITY", 3) for n in CITY_UNITS]
        specs += [(n, "PROVINCE", 2) for n in PROVINCE_UNITS]
        specs = specs[: max(n_units - len(PROVINCE_UNITS), 1)] + specs[-len(PROVINCE_UNITS) :]
        while len(specs) < n_units:
            specs.append((f"{name}第{len(specs) + 1}驻村帮扶单位", "COUNTY", 1))
        units = []
        for i, (uname, level, weight) in enumerate(specs[:n_units], start=1):
            uid = self.ids.take(DispatchingUnit)
            self.rows[DispatchingUnit].append(
                {
                    "id": uid,
                    "code": f"U{code}{i:03d}",
                    "name": uname,
                    "name_initials": initials(uname),
                    "level": level,
                    "county_id": county_id,
                }
            )
            units.append((uid, weight))
        return units

    # -- people -------------------------------------------------------------------------------
    def _cadre(self, county_code: str, unit_id: int) -> int:
        rng = self.rng
        male = rng.random() < 0.72
        age = min(58, max(24, round(rng.triangular(24, 58, 38))))
        birth = self.today.replace(year=self.today.year - age, month=1, day=1) - dt.timedelta(
            days=rng.randrange(365)
        )
        region = county_code if rng.random() < 0.75 else rng.choice(NEIGHBOUR_REGIONS)
        while True:
            number = idcard.make(region, birth, rng.randrange(1000), male)
            if number not in self.used_id_numbers:
                break
            birth -= dt.timedelta(days=1)
        self.used_id_numbers.add(number)
        name = person_name(rng, male)
        expertise = "、".join(rng.sample(Cadre.EXPERTISE_CHOICES, rng.choice((0, 1, 1, 2, 2, 3))))
        cid = self.ids.take(Cadre)
        self.rows[Cadre].append(
            {
                "id": cid,
                "id_number": number,
                "name": name,
                "name_initials": initials(name),
                "gender": "M" if male else "F",
                "birth_date": idcard.birth_date(number),
                "mobile": rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
                "education": weighted(rng, EDUCATION),
                "identity": weighted(rng, IDENTITY),
                "rank": weighted(rng, RANK),
                "expertise": expertise,
                "home_unit_id": unit_id,
            }
        )
        return cid

    def _posting(
        self, *, cadre_id, village_id, unit_id, role, start, planned_end, actual_end=None, status="ACTIVE"
    ):
        self.rows[Posting].append(
            {
                "id": self.ids.take(Posting),
                "cadre_id": cadre_id,
                "village_id": village_id,
                "unit_id": unit_id,
                "role": role,
                "start_date": start,
                "planned_end_date": planned_end,
                "actual_end_date": actual_end,
                "status": status,
                "created_at": self.now,
            }
        )

    def _cadres_and_postings(
        self, *, county_code, villages, units, n_active, max_members=3, starts=None
    ) -> None:
        rng, today = self.rng, self.today
        unit_ids = [u[0] for u in units]
        unit_weights = [u[1] for u in units]
        # Roles per village: a first secretary in most, a leader in some, village posts in a few,
        # then team members (1–3 a village) until the county's number of cadres in post is reached.
        teams: dict[int, list[str]] = {}
        for vid in villages:
            roles = []
            if rng.random() < 0.96:
                roles.append("FIRST_SECRETARY")
            if rng.random() < 0.2:
                roles.append("TEAM_LEADER")
            if rng.random() < 0.05:
                roles.append(rng.choice(("VILLAGE_SECRETARY", "VILLAGE_COMMITTEE")))
            roles.append("TEAM_MEMBER")
            teams[vid] = roles
        extra = n_active - sum(len(r) for r in teams.values())
        candidates = list(villages)
        while extra > 0 and candidates:
            vid = rng.choice(candidates)
            teams[vid].append("TEAM_MEMBER")
            extra -= 1
            if teams[vid].count("TEAM_MEMBER") >= max_members:
                candidates.remove(vid)
        # The start dates: spread over the last two years; two-year terms, so the oldest end soon.
        earliest = today - dt.timedelta(days=725)
        spread = 700
        if starts is not None:
            earliest, spread = starts[0], max(1, (starts[1] - starts[0]).days - 60)
        history_end = earliest - dt.timedelta(days=10)
        for vid, roles in teams.items():
            team_start = earliest + dt.timedelta(days=rng.randrange(spread))
            team_unit = rng.choices(unit_ids, weights=unit_weights)[0]
            for role in roles:
                unit = team_unit if rng.random() < 0.5 else rng.choices(unit_ids, weights=unit_weights)[0]
                start = (
                    team_start if rng.random() < 0.7 else team_start + dt.timedelta(days=rng.randrange(60))
                )
                start = min(start, today - dt.timedelta(days=1))
                cid = self._cadre(county_code, unit)
                self._posting(
                    cadre_id=cid,
                    village_id=vid,
                    unit_id=unit,
                    role=role,
                    start=start,
                    planned_end=start + dt.timedelta(days=730),
                )
                if rng.random() < 0.05:
                    # An earlier tour of the same cadre, finished before this one began.
                    self._history(cid, rng.choice(villages), unit, role="TEAM_MEMBER", end=history_end)
            if rng.random() < 0.08:
                # The village's previous first secretary, now back at their unit.
                cid = self._cadre(county_code, team_unit)
                self._history(cid, vid, team_unit, role="FIRST_SECRETARY", end=history_end)

    def _history(self, cadre_id, village_id, unit_id, *, role, end) -> None:
        start = end - dt.timedelta(days=730)
        if self.rng.random() < 0.7:
            self._posting(
                cadre_id=cadre_id,
                village_id=village_id,
                unit_id=unit_id,
                role=role,
                start=start,
                planned_end=end,
                actual_end=end,
                status="COMPLETED",
            )
        else:
            actual = end - dt.timedelta(days=self.rng.randrange(60, 400))
            self._posting(
                cadre_id=cadre_id,
                village_id=village_id,
                unit_id=unit_id,
                role=role,
                start=start,
                planned_end=end,
                actual_end=actual,
                status="TRANSFERRED",
            )

    # -- writing ------------------------------------------------------------------------------
    def write(self) -> None:
        with transaction.atomic():
            for model, rows in self.rows.items():
                _write(model, rows)
            through = Village.tags.through
            _write(
                through, [{"village_id": v, "villagetag_id": t} for v, t in self.village_tags], with_id=False
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), list(self.rows)):
                        cursor.execute(sql)


def _ensure_tags() -> list[VillageTag]:
    existing = set(VillageTag.objects.values_list("name", flat=True))
    VillageTag.objects.bulk_create([VillageTag(name=n) for n in VillageTag.DEFAULT_TAGS if n not in existing])
    return list(VillageTag.objects.all())


def _write(model, rows: list[dict], *, with_id: bool = True) -> None:
    if rows:
        bulk.insert(model, list(rows[0]), (tuple(row.values()) for row in rows))


def seed(*, scale: str, rng, stdout, counties: int | None = None, today: dt.date | None = None) -> None:
    """Create the demo county (``scale="county"``) or a province (``scale="province"``).

    ``counties`` overrides the province's number of counties (tests use 2); ``today`` anchors
    the posting dates (default: today).
    """
    today = today or timezone.localdate()
    builder = _Builder(rng, today)
    if scale == "county":
        if County.objects.filter(code=DEMO_COUNTY_CODE).exists():
            stdout.write(f"{DEMO_COUNTY_NAME}（{DEMO_COUNTY_CODE}）已存在，跳过。")
            return
        county = builder.county(
            code=DEMO_COUNTY_CODE,
            name=DEMO_COUNTY_NAME,
            city=DEMO_CITY_NAME,
            n_villages=250,
            n_units=100,
            n_active=740,
        )
    elif scale == "province":
        n = PROVINCE_COUNTIES if counties is None else counties
        codes = province_codes(n)
        if County.objects.filter(code__in=[c for c, _m, _n in codes]).exists():
            stdout.write("省级演示数据已存在，跳过。")
            return
        first = None
        for code, city, name in codes:
            made = builder.county(
                code=code,
                name=name,
                city=city,
                n_villages=PROVINCE_VILLAGES_PER_COUNTY,
                n_units=PROVINCE_UNITS_PER_COUNTY,
                n_active=PROVINCE_CADRES_PER_COUNTY - 15,
            )
            first = first or made
        county = first
    else:
        raise ValueError(f"未知规模：{scale}")
    builder.write()
    Policy.objects.bulk_create(
        [Policy(county_id=row["id"]) for row in builder.rows[County]], ignore_conflicts=True
    )
    staff_logins(county_id=county["id"], township_id=county["township_ids"][0])
    stdout.write(
        f"登记数据：{len(builder.rows[County])} 个县，{len(builder.rows[Township])} 个乡镇，"
        f"{len(builder.rows[Village])} 个村，{len(builder.rows[DispatchingUnit])} 个派出单位，"
        f"{len(builder.rows[Cadre])} 名干部，{len(builder.rows[Posting])} 条选派"
    )


def add_counties(*, rng, today: dt.date, counties: list[dict]) -> list[dict]:
    """Create extra counties (the benchmark's special-purpose ones): each dict holds the keyword
    arguments of one county (code, name, city, n_villages, n_units, n_active, n_townships,
    max_members, starts). Writes them with their policies; returns ``{"id", "township_ids"}`` each."""
    builder = _Builder(rng, today)
    made = [builder.county(**spec) for spec in counties]
    builder.write()
    Policy.objects.bulk_create([Policy(county_id=c["id"]) for c in made], ignore_conflicts=True)
    return made


def registry_rows(*, rng, today: dt.date, counties: list[dict]) -> dict[str, list[list]]:
    """The rows of a registry workbook (DOMAIN.md §3 sheets) for new counties, written nowhere:
    ``{"乡镇": [...], "村": [...], "派出单位": [...], "干部": [...], "选派": [...]}`` with header rows."""
    builder = _Builder(rng, today)
    for spec in counties:
        builder.county(**spec)
    county_by_id = {c["id"]: c for c in builder.rows[County]}
    township_by_id = {t["id"]: t for t in builder.rows[Township]}
    village_by_id = {v["id"]: v for v in builder.rows[Village]}
    unit_by_id = {u["id"]: u for u in builder.rows[DispatchingUnit]}
    cadre_by_id = {c["id"]: c for c in builder.rows[Cadre]}
    tag_names = {pk: name for name, pk in builder.tags.items()}
    tags: dict[int, list[str]] = {}
    for vid, tid in builder.village_tags:
        tags.setdefault(vid, []).append(tag_names[tid])
    level = dict(DispatchingUnit.Level.choices)
    education, identity, rank = (
        dict(Cadre.Education.choices),
        dict(Cadre.Identity.choices),
        dict(Cadre.Rank.choices),
    )
    roles = dict(Posting.Role.choices)
    out = {
        "乡镇": [["县代码", "县名称", "乡镇代码", "乡镇名称"]],
        "村": [["村代码", "村名称", "乡镇代码", "标签"]],
        "派出单位": [["单位代码", "单位名称", "级别", "县代码"]],
        "干部": [["身份证号", "姓名", "手机", "学历", "身份", "职级", "专长", "单位代码"]],
        "选派": [["身份证号", "村代码", "单位代码", "职务", "开始日期", "计划结束日期"]],
    }
    for t in builder.rows[Township]:
        c = county_by_id[t["county_id"]]
        out["乡镇"].append([c["code"], c["name"], t["code"], t["name"]])
    for v in builder.rows[Village]:
        out["村"].append(
            [v["code"], v["name"], township_by_id[v["township_id"]]["code"], "、".join(tags.get(v["id"], []))]
        )
    for u in builder.rows[DispatchingUnit]:
        out["派出单位"].append(
            [u["code"], u["name"], str(level[u["level"]]), county_by_id[u["county_id"]]["code"]]
        )
    for c in builder.rows[Cadre]:
        out["干部"].append(
            [
                c["id_number"],
                c["name"],
                c["mobile"],
                str(education[c["education"]]),
                str(identity[c["identity"]]),
                str(rank[c["rank"]]),
                c["expertise"],
                unit_by_id[c["home_unit_id"]]["code"],
            ]
        )
    for p in builder.rows[Posting]:
        if p["status"] != "ACTIVE":
            continue
        out["选派"].append(
            [
                cadre_by_id[p["cadre_id"]]["id_number"],
                village_by_id[p["village_id"]]["code"],
                unit_by_id[p["unit_id"]]["code"],
                str(roles[p["role"]]),
                p["start_date"],
                p["planned_end_date"],
            ]
        )
    return out
