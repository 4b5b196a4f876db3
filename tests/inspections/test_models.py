"""The inspection models: the database refuses what the forms refuse, and the move from
``decisions`` kept the tables."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from inspections.models import Finding, Inspection
from tests.inspections.factories import FindingFactory, InspectionFactory


def test_a_negative_deduction_is_refused_by_the_database(world):
    inspection = InspectionFactory(county=world.county_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingFactory(inspection=inspection, cadre=world.cadre_a1, deduction=Decimal("-1"))


def test_the_models_keep_the_tables_they_had_in_decisions():
    assert Inspection._meta.db_table == "decisions_inspection"
    assert Finding._meta.db_table == "decisions_finding"
    assert Inspection.villages.through._meta.db_table == "decisions_inspection_villages"
    assert Inspection.cadres.through._meta.db_table == "decisions_inspection_cadres"
    assert Inspection.history.model._meta.db_table == "decisions_historicalinspection"
    assert Finding.history.model._meta.db_table == "decisions_historicalfinding"
