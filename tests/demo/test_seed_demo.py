import datetime as dt
import io
import random

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from cadres.models import Cadre, DispatchingUnit, Posting
from core import idcard
from demo import county as demo_registry
from demo import logins
from villages.models import County, Policy, Township, Village


@pytest.fixture
def registry(db):
    """The demo county's registry alone (the fast step; the command runs every step)."""
    demo_registry.seed(scale="county", rng=random.Random(2026), stdout=io.StringIO())


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _no_overlaps():
    """No cadre in two postings on one day, no village with two first secretaries on one day."""
    spans = list(
        Posting.objects.values_list(
            "cadre_id", "village_id", "role", "start_date", "planned_end_date", "actual_end_date"
        )
    )
    by_cadre, by_village = {}, {}
    for cadre, village, role, start, planned, actual in spans:
        by_cadre.setdefault(cadre, []).append((start, actual or planned))
        if role == "FIRST_SECRETARY":
            by_village.setdefault(village, []).append((start, actual or planned))
    for periods in [*by_cadre.values(), *by_village.values()]:
        periods.sort()
        for (_s1, e1), (s2, _e2) in zip(periods, periods[1:], strict=False):
            if s2 <= e1:
                return False
    return True


def test_seed_demo_creates_a_county_at_the_scale_of_seed_002(registry):
    county = County.objects.get(code=demo_registry.DEMO_COUNTY_CODE)
    assert Township.objects.filter(county=county).count() == 12
    assert 230 <= Village.objects.filter(township__county=county).count() <= 270
    assert 90 <= DispatchingUnit.objects.filter(county=county).count() <= 110
    assert 700 <= Cadre.objects.count() <= 820
    assert set(DispatchingUnit.objects.values_list("level", flat=True)) == {
        "PROVINCE",
        "CITY",
        "COUNTY",
        "TOWNSHIP",
    }
    assert Policy.objects.filter(county=county).exists()
    assert Village.objects.filter(tags__name="建档立卡贫困村").exists()
    assert Village.objects.filter(tags__name="软弱涣散村").exists()


def test_every_demo_id_number_is_valid_and_agrees_with_birth_date_and_gender(registry):
    for number, birth, gender in Cadre.objects.values_list("id_number", "birth_date", "gender"):
        assert idcard.is_valid(number)
        assert idcard.birth_date(number) == birth
        assert idcard.gender(number) == gender


def test_demo_postings_respect_the_invariants_and_leave_some_villages_without_a_first_secretary(registry):
    assert _no_overlaps()
    today = dt.date.today()
    active_fs = Posting.objects.active_on(today).filter(role="FIRST_SECRETARY").values("village_id")
    without = Village.objects.exclude(id__in=active_fs).count()
    assert 1 <= without <= 30
    assert Posting.objects.filter(status__in=["COMPLETED", "TRANSFERRED"]).exists()
    assert (
        Posting.objects.active_on(today).filter(planned_end_date__lte=today + dt.timedelta(days=30)).exists()
    )
    roles = set(Posting.objects.values_list("role", flat=True))
    assert roles == {
        "FIRST_SECRETARY",
        "TEAM_LEADER",
        "TEAM_MEMBER",
        "VILLAGE_SECRETARY",
        "VILLAGE_COMMITTEE",
    }


def test_demo_logins_work_and_are_printed(seeded, client):
    for username, password, label in logins.STAFF_LOGINS:
        assert f"{username} / {password}" in seeded
        assert label in seeded
        assert client.login(username=username, password=password)
        assert client.get("/").status_code == 200
        client.logout()
    _check_in_demo(seeded, client)


def test_seed_demo_if_empty_does_nothing_the_second_time(registry):
    before = (Cadre.objects.count(), Posting.objects.count(), Village.objects.count())
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert (Cadre.objects.count(), Posting.objects.count(), Village.objects.count()) == before
    assert "跳过" in out.getvalue()


def test_province_seed_makes_each_county_at_province_density_and_is_deterministic(db):
    day = dt.date(2026, 11, 1)
    demo_registry.seed(scale="province", rng=random.Random(7), stdout=io.StringIO(), counties=2, today=day)
    assert County.objects.count() == 2
    assert Township.objects.count() == 24
    per_county = County.objects.annotate(
        n=Count("townships__villages__postings", filter=Q(townships__villages__postings__status="ACTIVE"))
    )
    assert all(400 <= c.n <= 520 for c in per_county)
    assert _no_overlaps()
    first = list(Cadre.objects.order_by("id").values_list("id_number", "name")[:50])
    Posting.objects.all().delete()
    Cadre.objects.all().delete()
    from django.contrib.auth import get_user_model

    from core.models import StaffProfile

    StaffProfile.objects.all().delete()
    get_user_model().objects.all().delete()
    Policy.objects.all().delete()
    DispatchingUnit.objects.all().delete()
    Village.objects.all().delete()
    Township.objects.all().delete()
    County.objects.all().delete()
    demo_registry.seed(scale="province", rng=random.Random(7), stdout=io.StringIO(), counties=2, today=day)
    assert list(Cadre.objects.order_by("id").values_list("id_number", "name")[:50]) == first


def _check_in_demo(seeded, client):
    """demo.checkins, checked on the logins test's full seed (one seed is slow enough)."""
    from django.utils import timezone

    from checkins.models import CheckIn
    from checkins.reconciliation import finding_counts, reconcile
    from villages.models import VillageFence

    for username, password, label in logins.CADRE_LOGINS:
        assert f"{username} / {password}" in seeded and label in seeded
    assert VillageFence.objects.filter(name="驻村工作队宿舍", radius_m=200).exists()
    assert client.login(username="cadre", password="zhucun2026")
    assert client.get("/").status_code == 302  # a cadre's home is 我的驻村, no forced password change
    assert client.get("/me/checkin/").status_code == 200
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    counts = finding_counts(reconcile(township=Township.objects.order_by("code").first(), month=month))
    assert all(counts.values()), counts
    assert CheckIn.objects.filter(valid=False, reason="定位精度不足").exists()
    assert CheckIn.objects.filter(valid=False, reason__startswith="不在驻地范围（距最近驻地").exists()
    before = CheckIn.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert CheckIn.objects.count() == before
