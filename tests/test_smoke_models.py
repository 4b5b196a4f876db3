import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cadres.models import Cadre, Posting
from core import idcard
from tests import factories as f


def test_id_number_check_digit_is_verified():
    assert idcard.is_valid("11010519491231002X")
    assert not idcard.is_valid("110105194912310021")
    assert "校验位" in idcard.problem("110105194912310021")


def test_birth_date_and_gender_come_from_id_number(db):
    cadre = f.CadreFactory(id_number="11010519491231002x")
    cadre.refresh_from_db()
    assert cadre.id_number == "11010519491231002X"
    assert cadre.birth_date == dt.date(1949, 12, 31)
    assert cadre.gender == Cadre.Gender.FEMALE


def test_database_refuses_overlapping_postings_of_one_cadre(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(
            cadre=world.cadre_a1, village=world.v_a2, unit=world.unit_a, role="TEAM_MEMBER",
            start_date=dt.date(2026, 6, 1), planned_end_date=dt.date(2026, 12, 31),
        )


def test_database_refuses_second_first_secretary_in_village(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.PostingFactory(
            village=world.v_a1, unit=world.unit_a, role="FIRST_SECRETARY",
            start_date=dt.date(2026, 3, 1), planned_end_date=dt.date(2026, 4, 1),
        )


def test_posting_after_an_ended_one_is_allowed(world):
    world.p_a1.actual_end_date = dt.date(2026, 2, 28)
    world.p_a1.status = Posting.Status.RECALLED
    world.p_a1.save()
    f.PostingFactory(
        village=world.v_a1, unit=world.unit_a, role="FIRST_SECRETARY",
        start_date=dt.date(2026, 3, 1), planned_end_date=dt.date(2026, 12, 31),
    )


def test_scoping_of_postings_by_actor(world):
    assert Posting.objects.for_user(world.admin).count() == 3
    assert set(Posting.objects.for_user(world.county_staff)) == {world.p_a1, world.p_a2}
    assert list(Posting.objects.for_user(world.township_a1)) == [world.p_a1]
    assert list(Posting.objects.for_user(world.outsider)) == [world.p_b1]
    assert set(Cadre.objects.for_user(world.township_a2)) == {world.cadre_a2}


def test_a_lower_case_x_is_the_same_person_when_a_form_checks_uniqueness(db):
    from django.core.exceptions import ValidationError

    f.CadreFactory(id_number="11010519491231002X")
    twin = Cadre(id_number="11010519491231002x", name="重复")
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert "id_number" in caught.value.message_dict
    assert twin.id_number == "11010519491231002X"
