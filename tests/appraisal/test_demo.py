import io
import random

import pytest
from django.utils import timezone

from appraisal import demo
from appraisal.models import QuarterResult, Scheme
from core.periods import last_complete_quarter

pytestmark = pytest.mark.django_db


def test_demo_seeds_schemes_scores_and_a_ranking(world):
    out = io.StringIO()
    demo.seed(scale="county", rng=random.Random(7), stdout=out)
    year, quarter = last_complete_quarter()
    county = demo._demo_county()
    assert Scheme.objects.filter(county=county, year=timezone.localdate().year).exists()
    assert QuarterResult.objects.filter(county=county, year=year, quarter=quarter).exists() == (year >= 2026)
    demo.seed(scale="county", rng=random.Random(7), stdout=out)  # running it again replaces, never doubles
    assert QuarterResult.objects.filter(county=county, year=year, quarter=quarter).count() <= 2


def test_demo_at_province_scale_only_creates_schemes(world):
    demo.seed(scale="province", rng=random.Random(7), stdout=io.StringIO())
    assert not QuarterResult.objects.exists()
