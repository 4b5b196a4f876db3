"""Demo registry: a fictional county at the scale of seed 002, or a province for benchmarks.

``seed(scale="county")`` creates 示范市 示范县 (code 150599): 12 townships, ~250 villages (嘎查/村)
with tags, ~100 dispatching units of every level, ~760 cadres with valid 身份证号 and a realistic
spread of age, gender, education, identity, rank and expertise, and their postings: a team in
every village (a first secretary in most, a few villages left without one), start dates over the
last two years (some ending in the next 30 days), and some completed or transferred history.
It also creates the county's Policy and the demo logins of ``DEMO_LOGINS``.

``seed(scale="province")`` creates ~100 counties / ~1,200 townships / ~14,000 villages /
~50,000 cadres / ~10,000 units the same way, in well under a minute (COPY on PostgreSQL,
``bulk_create`` on SQLite). Everything is deterministic for a given ``rng`` seed and day.

Rows are generated with explicit primary keys and written table by table; the posting
invariants are respected by construction and enforced by the database anyway.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from cadres.models import Cadre, DispatchingUnit, Posting
from core import bulk, idcard
from core.models import StaffProfile
from core.pinyin import initials
from villages.models import County, Policy, Township, Village, VillageTag

DEMO_PASSWORD = "zhucun2026"
DEMO_COUNTY_CODE = "150599"
DEMO_COUNTY_NAME = "示范县"
DEMO_CITY_NAME = "示范市"

#: (username, password, label) of every demo login, printed by ``seed_demo``.
DEMO_LOGINS = [
    ("admin", DEMO_PASSWORD, "管理员（全部数据，可用后台）"),
    ("org", DEMO_PASSWORD, "组织部（示范县，可用按县限定的后台）"),
    ("township", DEMO_PASSWORD, "乡镇（示范县第一个乡镇）"),
]

# Province scale (DOMAIN.md §9): ~100 counties, 12 townships each, ~140 villages and ~500 cadres a county.
PROVINCE_COUNTIES = 100
PROVINCE_VILLAGES_PER_COUNTY = 140
PROVINCE_CADRES_PER_COUNTY = 500
PROVINCE_UNITS_PER_COUNTY = 100

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
    "包乌那宝"
)
# Weights: the commonest surnames first, a long tail after.
_SURNAME_WEIGHTS = [30 if i < 10 else 10 if i < 30 else 3 for i in range(len(_SURNAMES))]
_GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帅建国志文海峰亮林东旭晨阳龙忠红"
_GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷慧颖琳雪梅欣悦晶倩璐佳蕾琴秀英华红兰桂凤洁岚"
_GIVEN_ANY = "春晓德福永振利成新宏庆云学国海荣玉立志世光卫中晓金宝斯格日乐图"

_VILLAGE_CN = (
    "东升",
    "西湖",
    "南岗",
    "北山",
    "前进",
    "后屯",
    "新民",
    "太平",
    "永兴",
    "长胜",
    "富民",
    "双合",
    "三合",
    "兴隆",
    "红星",
    "建设",
    "光明",
    "和平",
    "幸福",
    "胜利",
    "团结",
    "友谊",
    "丰收",
    "五一",
    "向阳",
    "朝阳",
    "共和",
    "民主",
    "新华",
    "永安",
    "保安",
    "福兴",
    "德胜",
    "万发",
    "吉祥",
    "全胜",
    "义和",
    "广发",
    "庆丰",
    "裕民",
    "白音",
    "黄花",
    "柳条",
    "榆树",
    "杏树",
    "梨树",
    "桃园",
    "杨树",
    "大林",
    "小河",
    "清河",
    "泉水",
    "石门",
    "沙坨",
    "草甸",
    "双井",
    "四合",
    "六合",
    "八里",
    "十家",
)
_VILLAGE_MN = (
    "巴彦",
    "乌兰",
    "查干",
    "宝力",
    "敖包",
    "塔拉",
    "额尔登",
    "那仁",
    "哈日",
    "阿拉坦",
    "伊和",
    "巴嘎",
    "胡和",
    "乌力吉",
    "宝日",
    "吉日嘎",
    "苏布",
    "朝鲁",
    "好力",
    "图门",
    "希日",
    "珠日",
    "乌兰哈达",
    "道布",
)
_VILLAGE_MN_TAIL = ("嘎查", "浩特嘎查", "塔拉嘎查", "敖包嘎查", "套布嘎查", "花嘎查")
_VILLAGE_CN_TAIL = ("村", "村", "村", "屯村", "堡村", "营子村", "窝堡村", "庄村")
_TOWNSHIPS = (
    ("城关", "镇"),
    ("东风", "镇"),
    ("麦新", "镇"),
    ("义和塔拉", "镇"),
    ("建华", "镇"),
    ("小街基", "镇"),
    ("东来", "镇"),
    ("黑龙坝", "镇"),
    ("吉日嘎郎吐", "镇"),
    ("大榆树", "镇"),
    ("北清河", "乡"),
    ("巴彦塔拉", "苏木"),
    ("保安", "农场"),
    ("兴隆", "乡"),
    ("红星", "乡"),
    ("宝力格", "苏木"),
)
# Dispatching units of the county: "{c}" is the county's name, "{t}" the township's.
_COUNTY_UNITS = (
    "{c}委办公室",
    "{c}政府办公室",
    "{c}纪委监委",
    "{c}委组织部",
    "{c}委宣传部",
    "{c}委统战部",
    "{c}委政法委",
    "{c}委编办",
    "{c}人大常委会办公室",
    "{c}政协办公室",
    "{c}发展和改革委员会",
    "{c}教育局",
    "{c}科学技术局",
    "{c}工业和信息化局",
    "{c}公安局",
    "{c}民政局",
    "{c}司法局",
    "{c}财政局",
    "{c}人力资源和社会保障局",
    "{c}自然资源局",
    "{c}生态环境分局",
    "{c}住房和城乡建设局",
    "{c}交通运输局",
    "{c}水利局",
    "{c}农牧局",
    "{c}林业和草原局",
    "{c}商务局",
    "{c}文化旅游体育局",
    "{c}卫生健康委员会",
    "{c}退役军人事务局",
    "{c}应急管理局",
    "{c}审计局",
    "{c}市场监督管理局",
    "{c}统计局",
    "{c}医疗保障局",
    "{c}乡村振兴局",
    "{c}信访局",
    "{c}总工会",
    "共青团{c}委员会",
    "{c}妇女联合会",
    "{c}科学技术协会",
    "{c}残疾人联合会",
    "{c}人民法院",
    "{c}人民检察院",
    "{c}人民医院",
    "{c}中医医院",
    "{c}蒙医医院",
    "{c}第一中学",
    "{c}第二中学",
    "{c}职业中学",
    "{c}实验小学",
    "{c}疾病预防控制中心",
    "{c}融媒体中心",
    "{c}供销合作社",
    "{c}农村信用合作联社",
    "{c}国有资产投资公司",
    "{c}供电公司",
    "{c}烟草专卖局",
    "{c}邮政分公司",
    "{c}农业技术推广中心",
    "{c}畜牧工作站",
    "{c}林业工作站",
    "{c}水利工作站",
    "{c}档案馆",
    "{c}党校",
    "{c}机关事务服务中心",
    "{c}城市管理综合执法局",
    "{c}税务局",
    "{c}气象局",
    "{c}消防救援大队",
    "{c}公路管理段",
    "{c}自来水公司",
    "{c}图书馆",
    "{c}广播电视台",
    "{c}农业银行支行",
    "{c}建设银行支行",
    "{c}工商联",
    "{c}红十字会",
    "{c}政务服务中心",
    "{c}公共资源交易中心",
)
_CITY_UNITS = (
    "{m}委组织部",
    "{m}财政局",
    "{m}农牧局",
    "{m}乡村振兴局",
    "{m}教育局",
    "{m}卫生健康委员会",
    "{m}交通运输局",
    "{m}水利局",
    "{m}自然资源局",
    "{m}纪委监委",
)
_PROVINCE_UNITS = ("自治区农牧厅", "自治区乡村振兴局", "自治区财政厅", "自治区自然资源厅", "自治区水利厅")
_EDUCATION = (("BACHELOR", 60), ("JUNIOR_COLLEGE", 25), ("MASTER", 10), ("DOCTOR", 1), ("OTHER", 4))
_IDENTITY = (("CIVIL_SERVANT", 46), ("PUBLIC_INSTITUTION", 44), ("STATE_ENTERPRISE", 7), ("OTHER", 3))
_RANK = (("STAFF", 55), ("DEPUTY_SECTION", 25), ("SECTION", 17), ("DEPUTY_DIVISION_UP", 3))
_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "176",
    "177",
    "180",
    "182",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
)
_NEIGHBOUR_REGIONS = ("150502", "150521", "150522", "150523", "150524", "150525", "150526", "152201")


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


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _person_name(rng, male: bool) -> str:
    surname = rng.choices(_SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    pool = _GIVEN_MALE if male else _GIVEN_FEMALE
    if rng.random() < 0.35:
        return surname + rng.choice(pool)
    return surname + rng.choice(pool + _GIVEN_ANY) + rng.choice(pool)


def _village_names(rng, count: int) -> list[str]:
    """``count`` distinct names, about a third Mongolian 嘎查 names."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        if rng.random() < 0.35:
            name = rng.choice(_VILLAGE_MN) + rng.choice(_VILLAGE_MN_TAIL)
        else:
            name = rng.choice(_VILLAGE_CN) + rng.choice(_VILLAGE_CN_TAIL)
        if name in seen:
            name = rng.choice("东西南北前后大小新") + name
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


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
        tw_names = rng.sample(_TOWNSHIPS, n_townships)
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
        names = _village_names(rng, sum(per_tw))
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
        specs = [(n.format(c=name), "COUNTY", 10) for n in _COUNTY_UNITS]
        specs += [(f"{name}{t}人民政府", "TOWNSHIP", 4) for t in township_names]
        specs += [(n.format(m=city), "CITY", 3) for n in _CITY_UNITS]
        specs += [(n, "PROVINCE", 2) for n in _PROVINCE_UNITS]
        specs = specs[: max(n_units - len(_PROVINCE_UNITS), 1)] + specs[-len(_PROVINCE_UNITS) :]
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
        region = county_code if rng.random() < 0.75 else rng.choice(_NEIGHBOUR_REGIONS)
        while True:
            number = idcard.make(region, birth, rng.randrange(1000), male)
            if number not in self.used_id_numbers:
                break
            birth -= dt.timedelta(days=1)
        self.used_id_numbers.add(number)
        name = _person_name(rng, male)
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
                "mobile": rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}",
                "education": _weighted(rng, _EDUCATION),
                "identity": _weighted(rng, _IDENTITY),
                "rank": _weighted(rng, _RANK),
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


def _users(*, county_id: int, township_id: int, stdout) -> None:
    User = get_user_model()
    admin, _created = User.objects.get_or_create(username="admin")
    admin.is_staff = admin.is_superuser = True
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    StaffProfile.objects.update_or_create(
        user=admin, defaults={"role": StaffProfile.Role.ADMIN, "township": None}
    )

    # Organization staff may use the admin: it is scoped to their county (core.admin.ScopedAdminMixin).
    org, _created = User.objects.get_or_create(username="org", defaults={"first_name": "组织部"})
    org.is_staff, org.is_superuser = True, False
    org.set_password(DEMO_PASSWORD)
    org.save()
    org.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=("villages", "cadres", "attendance", "appraisal", "decisions"),
            codename__regex=r"^(view|add|change)_",
        )
    )
    profile, _created = StaffProfile.objects.update_or_create(
        user=org, defaults={"role": StaffProfile.Role.ORG, "township": None, "display_name": "王明"}
    )
    profile.counties.set([county_id])

    township, _created = User.objects.get_or_create(username="township", defaults={"first_name": "乡镇"})
    township.is_staff = township.is_superuser = False
    township.set_password(DEMO_PASSWORD)
    township.save()
    StaffProfile.objects.update_or_create(
        user=township,
        defaults={"role": StaffProfile.Role.TOWNSHIP, "township_id": township_id, "display_name": "李娜"},
    )


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
        codes = _province_codes(n)
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
    _users(county_id=county["id"], township_id=county["township_ids"][0], stdout=stdout)
    stdout.write(
        f"登记数据：{len(builder.rows[County])} 个县，{len(builder.rows[Township])} 个乡镇，"
        f"{len(builder.rows[Village])} 个村，{len(builder.rows[DispatchingUnit])} 个派出单位，"
        f"{len(builder.rows[Cadre])} 名干部，{len(builder.rows[Posting])} 条选派"
    )


_CITY_STEMS = (
    "青山",
    "白河",
    "金川",
    "玉泉",
    "红岭",
    "松原",
    "兴安",
    "宝丰",
    "临河",
    "锡林",
    "阿尔山",
    "乌拉",
)
_COUNTY_STEMS = (
    "东",
    "西",
    "南",
    "北",
    "新",
    "安",
    "永",
    "长",
    "丰",
    "宁",
    "和",
    "平",
    "广",
    "兴",
    "泰",
    "顺",
    "裕",
    "富",
    "乐",
    "康",
    "宁",
    "盛",
    "阳",
    "昌",
)


def _province_codes(n: int) -> list[tuple[str, str, str]]:
    """(county code, city name, county name) of a fictional province: 12 cities, codes 15CC21…"""
    out = []
    for i in range(n):
        city_no, county_no = i % 12, i // 12
        city = _CITY_STEMS[city_no] + "市"
        stem = _COUNTY_STEMS[(i * 7) % len(_COUNTY_STEMS)] + _COUNTY_STEMS[(i * 5 + 3) % len(_COUNTY_STEMS)]
        name = f"{_CITY_STEMS[city_no][0]}{stem}{'旗' if county_no % 3 == 2 else '县'}"
        out.append((f"15{city_no + 1:02d}{21 + county_no:02d}", city, name))
    return out


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
