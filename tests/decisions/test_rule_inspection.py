"""R3: a finding of severity 严重 proposes a recall."""

from decisions.models import Decision
from decisions.rules import propose_decisions
from inspections.models import Finding
from tests.decisions.conftest import TODAY
from tests.inspections.factories import FindingFactory, InspectionFactory


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
