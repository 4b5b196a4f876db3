"""Reads of the inspections app: the 减分 the appraisal counts (DOMAIN.md §6, §8)."""

import datetime as dt
from decimal import Decimal

from inspections.selectors import deductions_by_cadre
from tests.inspections.factories import FindingFactory, InspectionFactory


def test_deductions_are_summed_per_cadre_for_the_inspections_of_the_period(world):
    inspection = InspectionFactory(county=world.county_a, date=dt.date(2026, 3, 10))
    FindingFactory(inspection=inspection, cadre=world.cadre_a1, deduction=Decimal("3.50"))
    FindingFactory(inspection=inspection, cadre=world.cadre_a1, deduction=Decimal("1.00"))
    later = InspectionFactory(county=world.county_a, date=dt.date(2026, 4, 2))
    FindingFactory(inspection=later, cadre=world.cadre_a1, deduction=Decimal("9"))
    got = deductions_by_cadre(
        cadre_ids=[world.cadre_a1.pk], first=dt.date(2026, 1, 1), last=dt.date(2026, 3, 31)
    )
    assert got == {world.cadre_a1.pk: Decimal("4.50")}
