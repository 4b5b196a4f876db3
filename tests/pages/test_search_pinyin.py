import datetime as dt

import pytest
from django.urls import reverse

from core import idcard
from core.pinyin import initials
from tests import factories as f


def _names(response):
    return [c.name for c in response.context["page"].object_list]


def test_initials_of_a_name_are_its_lower_case_first_letters():
    assert initials("张伟") == "zw"
    assert initials("欧阳修") == "oyx"
    assert initials("白音他拉村") == "bytlc"


def test_a_polyphonic_surname_keeps_both_readings_everyday_one_first():
    assert initials("单雄信") == "dxx sxx"
    assert initials("曾国藩") == "cgf zgf"
    assert initials("尉迟恭") == "ycg"


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("单雄信", ["sxx", "dxx", "sx", "单"]),
        ("曾国藩", ["zgf", "cgf", "ZG"]),
        ("欧阳修", ["oyx", "oy"]),
        ("张伟", ["zw", "z"]),
    ],
)
def test_cadres_are_found_by_the_initials_of_either_reading(world, client_for, name, queries):
    f.CadreFactory(
        name=name, id_number=idcard.make("110105", dt.date(1988, 3, 9), 41, True), home_unit=world.unit_a
    )
    client = client_for(world.county_staff)
    for q in queries:
        assert name in _names(client.get(reverse("cadres:list"), {"q": q})), q


def test_the_second_reading_matches_only_from_its_start(world, client_for):
    f.CadreFactory(
        name="单雄信", id_number=idcard.make("110105", dt.date(1988, 3, 9), 41, True), home_unit=world.unit_a
    )
    assert "单雄信" not in _names(client_for(world.county_staff).get(reverse("cadres:list"), {"q": "xx"}))
