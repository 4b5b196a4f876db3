import datetime as dt
import io
import random

from attendance.models import MonthlyTotal
from demo import totals as demo_totals
from tests.attendance.totals.factories import mark_days


def test_demo_step_computes_every_month_that_has_attendance(world):
    mark_days(world.p_a1, dt.date(2026, 2, 1), "√" * 3)
    mark_days(world.p_b1, dt.date(2026, 3, 1), "○" * 3)
    out = io.StringIO()

    demo_totals.seed(scale="county", rng=random.Random(1), stdout=out)

    assert set(MonthlyTotal.objects.values_list("county_id", "month")) == {
        (world.county_a.pk, dt.date(2026, 2, 1)),
        (world.county_b.pk, dt.date(2026, 3, 1)),
    }
    assert "2026-02" in out.getvalue()


def test_demo_step_does_nothing_at_province_scale(world):
    mark_days(world.p_a1, dt.date(2026, 2, 1), "√" * 3)

    demo_totals.seed(scale="province", rng=random.Random(1), stdout=io.StringIO())

    assert not MonthlyTotal.objects.exists()
