import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cadres.models import Cadre, Posting
from core import idcard
from core.scoping import area_for
from core.selectors import average_age, share_percent, structure_of_cadres_in_post
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


def test_structure_of_cadres_in_post_counts_age_bands_and_shares(world, fixed_today):
    day = fixed_today  # 2026-06-15
    _posted(world, dt.date(1990, 6, 16), seq=1)  # 35 → 35岁以下
    _posted(world, dt.date(1990, 6, 15), seq=3)  # 36 today → 36–45岁
    _posted(world, dt.date(1980, 6, 16), seq=5, male=False, education=Cadre.Education.MASTER)  # 45
    _posted(world, dt.date(1980, 6, 15), seq=7, rank=Cadre.Rank.SECTION)  # 46 → 46–55岁
    _posted(world, dt.date(1970, 6, 15), seq=9, identity=Cadre.Identity.PUBLIC_INSTITUTION)  # 56 → 56岁以上
    ended = _posted(world, dt.date(1960, 1, 1), seq=11)
    Posting.objects.filter(pk=ended.pk).update(actual_end_date=dt.date(2026, 6, 14), status="COMPLETED")

    structure = structure_of_cadres_in_post(area_for(world.outsider), day)
    # world.p_b1's cadre (born 1975–1999 by the factory) is in post too: 6 cadres in all.
    assert all(t.total == 6 for t in structure)
    ages = _table(structure, "age")
    b1_age = world.cadre_b1.age_on(day)
    expected = {"35岁以下": 1, "36–45岁": 2, "46–55岁": 1, "56岁以上": 1}
    band = (
        "35岁以下"
        if b1_age <= 35
        else "36–45岁"
        if b1_age <= 45
        else "46–55岁"
        if b1_age <= 55
        else "56岁以上"
    )
    expected[band] += 1
    assert {label: n for label, (n, _p) in ages.items()} == expected
    assert sum(p for _n, p in ages.values()) in (Decimal("99.9"), Decimal("100.0"), Decimal("100.1"))
    gender = _table(structure, "gender")
    assert gender["女"][0] == 1 + (world.cadre_b1.gender == "F")
    assert _table(structure, "education")["硕士研究生"] == (1, Decimal("16.7"))
    assert _table(structure, "rank")["正科级"] == (1, Decimal("16.7"))
    assert _table(structure, "identity")["事业单位人员"] == (1, Decimal("16.7"))
    assert _table(structure, "unit_level")["县"] == (6, Decimal("100.0"))


def test_dashboard_shows_structure_tables_in_chinese(world, client_for, fixed_today):
    html = client_for(world.county_staff).get(reverse("dashboard")).content.decode()
    for heading in (
        "年龄结构",
        "性别结构",
        "学历结构",
        "干部身份",
        "职务级别",
        "选派单位级别",
        "35岁以下",
        "56岁以上",
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
