"""R3: a finding of severity 严重 proposes a recall; inspections feed the quarter's deductions."""

from decimal import Decimal

from decisions.models import Decision, Finding
from decisions.rules import propose_decisions
from tests.decisions.conftest import TODAY
from tests.decisions.factories import FindingFactory, InspectionFactory


def test_a_serious_finding_proposes_a_recall(world):
    inspection = InspectionFactory(county=world.county_a)
    finding = FindingFactory(
        inspection=inspection,
        cadre=world.cadre_a1,
        village=world.v_a1,
        severity=Finding.Severity.SERIOUS,
        handling=Finding.Handling.RECALL,
        description="长期不在岗，冒签考勤",
    )
    [d] = propose_decisions(county=world.county_a, today=TODAY)
    assert (d.rule, d.kind, d.cadre, d.posting) == ("R3", Decision.Kind.RECALL, world.cadre_a1, world.p_a1)
    assert d.period_key == f"finding:{finding.pk}"
    assert "冒签考勤" in d.basis
    assert d.evidence["findings"][0]["inspection_id"] == inspection.pk


def test_findings_that_are_not_serious_propose_nothing(world):
    inspection = InspectionFactory(county=world.county_a)
    FindingFactory(inspection=inspection, cadre=world.cadre_a1, severity=Finding.Severity.MODERATE)
    FindingFactory(inspection=inspection, cadre=world.cadre_a1, severity=Finding.Severity.MINOR)
    assert propose_decisions(county=world.county_a, today=TODAY) == []


def test_a_serious_finding_about_a_village_only_names_no_one_to_recall(world):
    inspection = InspectionFactory(county=world.county_a)
    FindingFactory(inspection=inspection, village=world.v_a1, severity=Finding.Severity.SERIOUS)
    assert propose_decisions(county=world.county_a, today=TODAY) == []


def test_a_serious_finding_is_proposed_once(world):
    inspection = InspectionFactory(county=world.county_a)
    FindingFactory(inspection=inspection, cadre=world.cadre_a1, severity=Finding.Severity.SERIOUS)
    propose_decisions(county=world.county_a, today=TODAY)
    assert propose_decisions(county=world.county_a, today=TODAY) == []
    assert Decision.objects.filter(rule="R3").count() == 1


def test_a_negative_deduction_is_refused_by_the_database(world):
    import pytest
    from django.db import IntegrityError, transaction

    inspection = InspectionFactory(county=world.county_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingFactory(inspection=inspection, cadre=world.cadre_a1, deduction=Decimal("-1"))


def test_the_appraisal_reads_finding_deductions_for_the_quarter(world):
    import datetime as dt

    from appraisal.scoring import inspection_deductions

    inspection = InspectionFactory(county=world.county_a, date=dt.date(2026, 3, 10))
    FindingFactory(inspection=inspection, cadre=world.cadre_a1, deduction=Decimal("3.50"))
    FindingFactory(inspection=inspection, cadre=world.cadre_a1, deduction=Decimal("1.00"))
    later = InspectionFactory(county=world.county_a, date=dt.date(2026, 4, 2))
    FindingFactory(inspection=later, cadre=world.cadre_a1, deduction=Decimal("9"))
    got = inspection_deductions(
        cadre_ids=[world.cadre_a1.pk], first=dt.date(2026, 1, 1), last=dt.date(2026, 3, 31)
    )
    assert got == {world.cadre_a1.pk: Decimal("4.50")}


def test_a_deduction_reranks_a_quarter_already_ranked_and_leaves_an_unranked_one_alone(world, monkeypatch):
    from decisions.pipeline import _recompute_ranking
    from tests.decisions.factories import quarter_result

    calls = []
    monkeypatch.setattr(
        "appraisal.tasks.compute_quarterly_ranking_task.delay", lambda *args: calls.append(args)
    )
    _recompute_ranking(county_id=world.county_a.pk, year=2026, quarter=2)
    assert calls == []
    quarter_result(world.p_a1, 2026, 2, "GOOD")
    _recompute_ranking(county_id=world.county_a.pk, year=2026, quarter=2)
    assert calls == [(world.county_a.pk, 2026, 2)]
