"""Demo appraisal data: the demo county's schemes, last quarter's scores and its ranking.

Scores are spread the way a county's real ones are: most cadres between 75 and 90, a fifth
strong (with bonus points, several at 90 or more), a few weak ones below 60. Written in bulk,
then ranked by the real service. Province scale does nothing heavy: schemes only.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from appraisal.models import DemocraticRate, Score, Source
from appraisal.ranking import compute_annual_ranking, compute_quarterly_ranking
from appraisal.schemes import get_or_create_scheme, manual_indicators
from appraisal.scoring import quarter_cadres
from core import periods
from demo.county import demo_county

TWO = Decimal("0.01")


def _quality(rng) -> tuple[float, int]:
    """A cadre's level (share of each maximum) and bonus points."""
    roll = rng.random()
    if roll < 0.08:
        return rng.uniform(0.40, 0.58), 0
    if roll < 0.30:
        return rng.uniform(0.92, 0.99), rng.choice([1, 2, 3, 4])
    return rng.uniform(0.72, 0.92), rng.choice([0, 0, 0, 1, 2])


def seed(*, scale, rng, stdout, today: dt.date | None = None):
    county = demo_county()
    if county is None:
        return
    today = today or periods.today()
    year, quarter = periods.last_complete_quarter(today)
    for y in sorted({today.year - 1, today.year, year}):
        get_or_create_scheme(county=county, year=y)
    if scale != "county":
        return
    scheme = get_or_create_scheme(county=county, year=year)
    cadres = quarter_cadres(county_id=county.pk, year=year, quarter=quarter)
    indicators = manual_indicators(scheme)
    Score.objects.filter(
        indicator__scheme=scheme, year=year, quarter=quarter, cadre_id__in=list(cadres)
    ).delete()
    DemocraticRate.objects.filter(year=year, quarter=quarter, cadre_id__in=list(cadres)).delete()
    scores, rates = [], []
    for cadre_id in sorted(cadres):
        level, bonus = _quality(rng)
        for ind in indicators:
            if ind.source != Source.MANUAL:
                continue
            if ind.category == "加分":
                points = Decimal(min(bonus, int(ind.max_points)))
            elif ind.category == "减分":
                points = Decimal(rng.choice([2, 3, 5])) if level < 0.5 and rng.random() < 0.5 else Decimal(0)
            else:
                share = max(0.0, min(1.0, level + rng.uniform(-0.06, 0.06)))
                points = (ind.max_points * Decimal(str(share))).quantize(
                    Decimal("0.5"), rounding=ROUND_HALF_UP
                )
            if points:
                scores.append(
                    Score(
                        county=county,
                        cadre_id=cadre_id,
                        year=year,
                        quarter=quarter,
                        indicator=ind,
                        points=points,
                    )
                )
        rate = Decimal(str(max(40.0, min(100.0, 55 + 45 * level + rng.uniform(-4, 4))))).quantize(TWO)
        rates.append(DemocraticRate(county=county, cadre_id=cadre_id, year=year, quarter=quarter, rate=rate))
    Score.objects.bulk_create(scores, batch_size=2000)
    DemocraticRate.objects.bulk_create(rates, batch_size=2000)
    rows = compute_quarterly_ranking(county=county, year=year, quarter=quarter)
    compute_annual_ranking(county=county, year=year)
    stdout.write(f"appraisal: {county.name} {year}Q{quarter} 评分 {len(scores)} 项，排名 {rows} 人\n")
