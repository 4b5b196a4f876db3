"""R2 (poor-grade ladder) and R4 (rewards) from the appraisal results."""

import pytest

from decisions.models import Decision
from decisions.rules import propose_after_ranking, propose_decisions
from tests.decisions.conftest import TODAY
from villages.models import Policy

pytest.importorskip("appraisal.models", reason="appraisal app missing")
from tests.decisions.factories import annual_result, final_year, quarter_result  # noqa: E402

Kind = Decision.Kind


def by_period(county, rule):
    return {d.period_key: d for d in Decision.objects.filter(county=county, rule=rule)}


def test_the_first_poor_quarter_asks_the_organization_minister_to_interview(world):
    quarter_result(world.p_a1, 2026, 1, "POOR")
    [d] = propose_decisions(county=world.county_a, today=TODAY)
    assert (d.rule, d.kind, d.interviewer) == ("R2", Kind.INTERVIEW, Decision.Interviewer.ORG_MINISTER)
    assert d.period_key == "2026Q1" and d.cadre == world.cadre_a1
    assert d.evidence["quarters"][0]["grade"] == "POOR"


def test_the_ladder_climbs_over_three_poor_quarters_running(world):
    for q in (1, 2, 3):
        quarter_result(world.p_a1, 2026, q, "POOR")
    propose_decisions(county=world.county_a, today=TODAY)
    found = by_period(world.county_a, "R2")
    assert found["2026Q1"].interviewer == Decision.Interviewer.ORG_MINISTER
    assert found["2026Q2"].kind == Kind.INTERVIEW
    assert found["2026Q2"].interviewer == Decision.Interviewer.PARTY_SECRETARY
    assert found["2026Q3"].kind == Kind.ADJUSTMENT
    assert [q["quarter"] for q in found["2026Q3"].evidence["quarters"]] == [1, 2, 3]


def test_the_ladder_runs_across_the_new_year(world):
    quarter_result(world.p_a1, 2025, 4, "POOR")
    quarter_result(world.p_a1, 2026, 1, "POOR")
    propose_decisions(county=world.county_a, today=TODAY)
    assert by_period(world.county_a, "R2")["2026Q1"].interviewer == Decision.Interviewer.PARTY_SECRETARY


def test_a_quarter_that_is_not_poor_breaks_the_ladder(world):
    quarter_result(world.p_a1, 2026, 1, "POOR")
    quarter_result(world.p_a1, 2026, 2, "AVERAGE", rank=5)
    quarter_result(world.p_a1, 2026, 3, "POOR")
    propose_decisions(county=world.county_a, today=TODAY)
    found = by_period(world.county_a, "R2")
    assert set(found) == {"2026Q1", "2026Q3"}
    assert found["2026Q3"].interviewer == Decision.Interviewer.ORG_MINISTER


def test_an_unranked_quarter_breaks_the_ladder(world):
    quarter_result(world.p_a1, 2026, 1, "POOR")
    quarter_result(world.p_a1, 2026, 2, None, ranked=False)
    quarter_result(world.p_a1, 2026, 3, "POOR")
    propose_decisions(county=world.county_a, today=TODAY)
    assert by_period(world.county_a, "R2")["2026Q3"].interviewer == Decision.Interviewer.ORG_MINISTER


def test_a_quarterly_excellent_grade_proposes_a_commendation(world):
    quarter_result(world.p_a1, 2026, 1, "EXCELLENT", rank=2)
    quarter_result(world.p_a2, 2026, 1, "GOOD", rank=3)
    created = propose_after_ranking(county_id=world.county_a.pk, year=2026, quarter=1).created
    assert [(d.rule, d.kind, d.cadre) for d in created] == [("R4", Kind.COMMENDATION, world.cadre_a1)]


def test_an_annual_excellent_grade_proposes_annual_excellent(world):
    annual_result(world.p_a1, 2026, "EXCELLENT", rank=3)
    final_year(world.p_a1, 2026)
    [d] = propose_decisions(county=world.county_a, today=TODAY)
    assert (d.kind, d.period_key) == (Kind.ANNUAL_EXCELLENT, "2026")


def test_two_excellent_years_within_the_top_n_propose_promotion(world):
    annual_result(world.p_a1, 2025, "EXCELLENT", rank=30)
    annual_result(world.p_a1, 2026, "EXCELLENT", rank=20)
    final_year(world.p_a1, 2025)
    final_year(world.p_a1, 2026)
    propose_decisions(county=world.county_a, today=TODAY)
    kinds = sorted(Decision.objects.filter(rule="R4").values_list("kind", "period_key"))
    assert (Kind.PROMOTION, "2025-2026") in kinds
    promotion = Decision.objects.get(kind=Kind.PROMOTION)
    assert [y["year"] for y in promotion.evidence["years"]] == [2025, 2026]


def test_a_rank_just_outside_the_top_n_is_not_promoted(world):
    annual_result(world.p_a1, 2025, "EXCELLENT", rank=1)
    annual_result(world.p_a1, 2026, "EXCELLENT", rank=21)
    final_year(world.p_a1, 2025)
    final_year(world.p_a1, 2026)
    propose_decisions(county=world.county_a, today=TODAY)
    assert not Decision.objects.filter(kind=Kind.PROMOTION).exists()


def test_top_n_is_the_county_policy(world):
    Policy.for_county(world.county_a)
    Policy.objects.filter(county=world.county_a).update(promotion_top_n=2)
    annual_result(world.p_a1, 2025, "EXCELLENT", rank=1)
    annual_result(world.p_a1, 2026, "EXCELLENT", rank=3)
    final_year(world.p_a1, 2025)
    final_year(world.p_a1, 2026)
    propose_decisions(county=world.county_a, today=TODAY)
    assert not Decision.objects.filter(kind=Kind.PROMOTION).exists()


def test_one_excellent_year_after_a_good_one_is_not_promoted(world):
    annual_result(world.p_a1, 2025, "GOOD", rank=1)
    annual_result(world.p_a1, 2026, "EXCELLENT", rank=1)
    final_year(world.p_a1, 2025)
    final_year(world.p_a1, 2026)
    propose_decisions(county=world.county_a, today=TODAY)
    assert not Decision.objects.filter(kind=Kind.PROMOTION).exists()


def test_rerunning_grade_rules_creates_no_duplicates(world):
    quarter_result(world.p_a1, 2026, 1, "POOR")
    quarter_result(world.p_a2, 2026, 1, "EXCELLENT")
    annual_result(world.p_a2, 2025, "EXCELLENT")
    annual_result(world.p_a2, 2026, "EXCELLENT")
    final_year(world.p_a2, 2025)
    final_year(world.p_a2, 2026)
    first = propose_decisions(county=world.county_a, today=TODAY)
    # 约谈, 通报表扬, 年度考核优秀 ×2 (2025, 2026), 优先提拔
    assert len(first) == 5
    assert propose_decisions(county=world.county_a, today=TODAY) == []
    assert Decision.objects.count() == 5


def test_rules_switched_off_propose_nothing(world):
    Policy.for_county(world.county_a)
    Policy.objects.filter(county=world.county_a).update(
        rule_poor_grade_enabled=False, rule_reward_enabled=False
    )
    quarter_result(world.p_a1, 2026, 1, "POOR")
    quarter_result(world.p_a2, 2026, 1, "EXCELLENT")
    assert propose_decisions(county=world.county_a, today=TODAY) == []
