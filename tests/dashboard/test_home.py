import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cadres.models import Cadre, Posting
from core import idcard
from core.scoping import area_for
from dashboard.figures import average_age, share_percent, structure_of_cadres_in_post
from tests import factories as f


def _table(structure, key):
    table = next(t for t in structure if t.key == key)
    return {row.label: (row.count, row.percent) for row in table.rows}


def test_share_percent_rounds_to_one_decimal_half_up_like_seed_003():
    assert share_percent(6, 31) == Decimal("19.4")
    assert share_percent(13, 31) == Decimal("41.9")
    assert share_percent(25, 31) == Decimal("80.6")
    assert share_percent(1, 31) == Decimal("3.2")
    assert share_percent(1, 8) == Decimal("12.5")
    assert share_percent(0, 0) == Decimal("0.0")


def test_dashboard_counts_the_county_staffs_area_only(world, client_for, fixed_today):
    response = client_for(world.county_staff).get(reverse("dashboard"))
    ctx = response.context
    assert ctx["totals"] == {"townships": 2, "villages": 2, "units": 1, "in_post": 2}
    by_role = {row.key: row.count for row in ctx["by_role"]}
    assert by_role["FIRST_SECRETARY"] == 1 and by_role["TEAM_MEMBER"] == 1 and by_role["TEAM_LEADER"] == 0
    by_tag = {row.label: row.count for row in ctx["by_tag"]}
    assert by_tag["软弱涣散村"] == 1
    assert ctx["missing_first_secretary"] == []
    assert ctx["missing_first_secretary_count"] == 0
    assert ctx["without_first_secretary_count"] == 1  # 香邑村 has a team member, no first secretary


def test_dashboard_of_township_staff_counts_their_township(world, client_for, fixed_today):
    ctx = client_for(world.township_a2).get(reverse("dashboard")).context
    assert ctx["totals"]["villages"] == 1
    assert ctx["totals"]["in_post"] == 1
    assert {row.key: row.count for row in ctx["by_role"]}["TEAM_MEMBER"] == 1
    assert sum(row.count for row in ctx["by_tag"]) == 0


def test_dashboard_lists_tagged_village_without_first_secretary(world, client_for, fixed_today):
    village = f.VillageFactory(township=world.a2, name="西王村", tags=["建档立卡贫困村"])
    # A first secretary whose posting ended before today does not count.
    f.PostingFactory(
        village=village,
        unit=world.unit_a,
        role="FIRST_SECRETARY",
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2026, 12, 31),
        actual_end_date=dt.date(2026, 5, 31),
        status="RECALLED",
    )
    response = client_for(world.county_staff).get(reverse("dashboard"))
    assert response.context["missing_first_secretary"] == [village]
    assert response.context["missing_first_secretary_count"] == 1
    html = response.content.decode()
    assert reverse("villages:detail", args=[village.pk]) in html
    # The outsider's dashboard does not list it.
    assert client_for(world.outsider).get(reverse("dashboard")).context["missing_first_secretary"] == []


def test_dashboard_lists_postings_ending_in_next_30_days(world, client_for, fixed_today):
    soon = f.PostingFactory(
        village=world.v_a2,
        unit=world.unit_a,
        role="TEAM_LEADER",
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2026, 7, 15),
    )
    by_actual = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        role="TEAM_MEMBER",
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2027, 12, 31),
        actual_end_date=dt.date(2026, 6, 20),
        status="TRANSFERRED",
    )
    f.PostingFactory(  # 31 days away: not listed
        village=world.v_a2,
        unit=world.unit_a,
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2026, 7, 16),
    )
    ctx = client_for(world.county_staff).get(reverse("dashboard")).context
    assert ctx["ending_soon"] == [by_actual, soon]
    assert ctx["ending_soon_count"] == 2
    assert client_for(world.township_a1).get(reverse("dashboard")).context["ending_soon"] == [by_actual]


def _posted(world, birth, *, male=True, seq=1, **cadre_fields):
    cadre = f.CadreFactory(id_number=idcard.make("110105", birth, seq, male), **cadre_fields)
    return f.PostingFactory(cadre=cadre, village=f.VillageFactory(township=world.b1), unit=world.unit_b)


def _band(age: int) -> str:
    if age <= 35:
        return "35岁以下"
    if age >= 51:
        return "51岁以上"
    low = 36 + (age - 36) // 5 * 5
    return f"{low}-{low + 4}岁"


def test_structure_of_cadres_in_post_counts_age_bands_and_shares(world, fixed_today):
    day = fixed_today  # 2026-06-15
    _posted(world, dt.date(1990, 6, 16), seq=1)  # 35 → 35岁以下
    _posted(world, dt.date(1990, 6, 15), seq=3)  # 36 today → 36-40岁
    _posted(world, dt.date(1985, 6, 16), seq=5, male=False, education=Cadre.Education.MASTER)  # 40 → 36-40岁
    _posted(world, dt.date(1985, 6, 15), seq=7, rank=Cadre.Rank.SECTION)  # 41 today → 41-45岁
    _posted(world, dt.date(1980, 6, 15), seq=9, identity=Cadre.Identity.PUBLIC_INSTITUTION)  # 46 → 46-50岁
    _posted(world, dt.date(1975, 6, 16), seq=13)  # 50 → 46-50岁
    _posted(world, dt.date(1975, 6, 15), seq=15)  # 51 today → 51岁以上
    ended = _posted(world, dt.date(1960, 1, 1), seq=11)
    Posting.objects.filter(pk=ended.pk).update(actual_end_date=dt.date(2026, 6, 14), status="COMPLETED")

    structure = structure_of_cadres_in_post(area_for(world.outsider), day)
    # world.p_b1's cadre (born 1975–1999 by the factory) is in post too: 8 cadres in all.
    assert all(t.total == 8 for t in structure)
    ages = _table(structure, "age")
    assert list(ages) == ["35岁以下", "36-40岁", "41-45岁", "46-50岁", "51岁以上"]
    expected = {"35岁以下": 1, "36-40岁": 2, "41-45岁": 1, "46-50岁": 2, "51岁以上": 1}
    expected[_band(world.cadre_b1.age_on(day))] += 1
    assert {label: n for label, (n, _p) in ages.items()} == expected
    assert {label: p for label, (_n, p) in ages.items()} == {
        label: share_percent(n, 8) for label, n in expected.items()
    }
    gender = _table(structure, "gender")
    assert gender["女"][0] == 1 + (world.cadre_b1.gender == "F")
    assert _table(structure, "education")["硕士研究生"] == (1, Decimal("12.5"))
    assert _table(structure, "rank")["正科级"] == (1, Decimal("12.5"))
    assert _table(structure, "identity")["事业单位人员"] == (1, Decimal("12.5"))
    assert _table(structure, "unit_level")["县"] == (8, Decimal("100.0"))


def test_dashboard_shows_structure_tables_in_chinese(world, client_for, fixed_today):
    html = client_for(world.county_staff).get(reverse("dashboard")).content.decode()
    for heading in (
        "年龄结构",
        "36-40岁",
        "46-50岁",
        "性别结构",
        "学历结构",
        "干部身份",
        "职务级别",
        "选派单位级别",
        "35岁以下",
        "51岁以上",
    ):
        assert heading in html
    assert "100.0%" in html


@pytest.mark.parametrize("actor", ["township_a1", "outsider"])
def test_dashboard_of_other_areas_does_not_count_county_a(world, client_for, actor, fixed_today):
    ctx = client_for(getattr(world, actor)).get(reverse("dashboard")).context
    assert ctx["totals"]["in_post"] == 1


def test_average_age_of_cadres_in_post_has_one_decimal(world, fixed_today):
    _posted(world, dt.date(1990, 6, 16), seq=1)  # 35
    _posted(world, dt.date(1980, 6, 15), seq=3)  # 46
    ages = [35, 46, world.cadre_b1.age_on(fixed_today)]
    expected = (Decimal(sum(ages)) / 3).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
    assert average_age(area_for(world.outsider), fixed_today) == expected
    assert (
        average_age(area_for(f.township_user(f.TownshipFactory(county=world.county_b))), fixed_today) is None
    )


@pytest.mark.parametrize("tag", ["集体经济薄弱", "青壮劳动力外流", "深度贫困村"])
def test_a_village_of_any_registry_tag_without_first_secretary_needs_one(world, client_for, tag, fixed_today):
    village = f.VillageFactory(township=world.a1, name="南堡村", tags=[tag])
    f.VillageFactory(township=world.a1, name="东堡村", tags=["示范村"])  # not a tag of DOMAIN.md §3
    ctx = client_for(world.county_staff).get(reverse("dashboard")).context
    assert ctx["missing_first_secretary"] == [village]
    assert ctx["without_first_secretary_count"] == 3  # 香邑村, 南堡村, 东堡村
    assert client_for(world.township_a2).get(reverse("dashboard")).context["missing_first_secretary"] == []
