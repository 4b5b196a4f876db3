"""checkins.demo (run by seed_demo): fences, the cadre logins and a month that shows every finding."""

import datetime as dt
import io
import random

import pytest
from django.utils import timezone

from checkins import demo as checkins_demo
from checkins.models import CheckIn
from checkins.reconciliation import finding_counts, reconcile
from villages import demo as villages_demo
from villages.models import Township, VillageFence


@pytest.fixture
def demo_county(db):
    from attendance import demo as attendance_demo

    out = io.StringIO()
    rng = random.Random(2026)
    villages_demo.seed(scale="county", rng=rng, stdout=out)
    attendance_demo.seed(scale="county", rng=rng, stdout=out)
    checkins_demo.seed(scale="county", rng=rng, stdout=out)
    return out.getvalue()


def test_the_demo_gives_fences_logins_and_every_finding(demo_county, client):
    assert VillageFence.objects.filter(name="驻村工作队宿舍", radius_m=200).exists()
    assert client.login(username="cadre", password="zhucun2026")
    page = client.get("/me/")
    assert page.status_code == 200  # no forced password change for the demo login
    assert client.get("/me/checkin/").status_code == 200
    first = Township.objects.order_by("code").first()
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    counts = finding_counts(reconcile(township=first, month=month))
    assert all(counts.values()), counts
    assert CheckIn.objects.filter(valid=False, reason="定位精度不足").exists()
    assert CheckIn.objects.filter(valid=False, reason__startswith="不在驻地范围（距最近驻地").exists()
    # A second run adds nothing.
    before = CheckIn.objects.count()
    out = io.StringIO()
    checkins_demo.seed(scale="county", rng=random.Random(1), stdout=out)
    assert CheckIn.objects.count() == before and "跳过" in out.getvalue()
