"""The appraisal step: schemes, one quarter's scores and its ranking for the demo county, on a pinned day."""

import datetime as dt
import io
import random

import pytest

from appraisal.models import AnnualResult, DemocraticRate, QuarterResult, Scheme, Score
from demo import appraisal as demo_appraisal
from tests import factories as f

pytestmark = pytest.mark.django_db

# The last complete quarter on this day is 2026 Q2; the world's postings run 2026-01-01 … 2027-12-31.
TODAY = dt.date(2026, 7, 10)


def _figures(county):
    return (
        Score.objects.filter(county=county).count(),
        DemocraticRate.objects.filter(county=county).count(),
        QuarterResult.objects.filter(county=county).count(),
        AnnualResult.objects.filter(county=county).count(),
    )


def test_demo_scores_and_ranks_every_cadre_of_the_last_complete_quarter(world):
    f.org_user(world.county_a, username="org")  # the demo county is the ``org`` login's: county A
    county = world.county_a
    cadres = {world.cadre_a1.pk, world.cadre_a2.pk}
    out = io.StringIO()

    demo_appraisal.seed(scale="county", rng=random.Random(7), stdout=out, today=TODAY)

    assert set(Scheme.objects.filter(county=county).values_list("year", flat=True)) == {2025, 2026}
    assert set(Score.objects.filter(county=county).values_list("cadre_id", "year", "quarter")) == {
        (cadre, 2026, 2) for cadre in cadres
    }
    rates = DemocraticRate.objects.filter(county=county, year=2026, quarter=2)
    assert set(rates.values_list("cadre_id", flat=True)) == cadres
    assert all(40 <= rate <= 100 for rate in rates.values_list("rate", flat=True))
    results = QuarterResult.objects.filter(county=county, year=2026, quarter=2)
    assert set(results.values_list("cadre_id", flat=True)) == cadres
    assert (
        set(AnnualResult.objects.filter(county=county, year=2026).values_list("cadre_id", flat=True))
        == cadres
    )
    assert "2026Q2" in out.getvalue()
    # The other county is left alone.
    assert not Scheme.objects.exclude(county=county).exists()
    assert not Score.objects.exclude(county=county).exists()

    figures = _figures(county)
    demo_appraisal.seed(scale="county", rng=random.Random(7), stdout=io.StringIO(), today=TODAY)
    assert _figures(county) == figures  # running it again replaces, never doubles


def test_demo_at_province_scale_only_creates_schemes(world):
    demo_appraisal.seed(scale="province", rng=random.Random(7), stdout=io.StringIO(), today=TODAY)
    assert Scheme.objects.filter(year=2026).exists()
    assert not Score.objects.exists() and not DemocraticRate.objects.exists()
    assert not QuarterResult.objects.exists() and not AnnualResult.objects.exists()
