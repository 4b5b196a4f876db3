import datetime as dt
import io
from decimal import Decimal

import pytest

from appraisal.models import AnnualResult, Cohort, Grade, QuarterResult
from appraisal.ranking import compute_annual_ranking, compute_quarterly_ranking
from appraisal.tasks import compute_quarterly_ranking_task, rank_previous_quarter_all_counties
from tests import factories as f
from tests.appraisal.factories import give_composite, posted, small_scheme

pytestmark = pytest.mark.django_db


def _members(world, composites, role="TEAM_MEMBER"):
    """One posted cadre per composite, all in county A's cohort of ``role`` (world's cadres excluded)."""
    scheme = small_scheme(world.county_a)
    cadres = []
    for total in composites:
        p = posted(world.v_a1, role=role)
        give_composite(p.cadre, scheme, total)
        cadres.append(p.cadre)
    return scheme, cadres


def _results(cadres, year=2026, quarter=1):
    by_cadre = {r.cadre_id: r for r in QuarterResult.objects.filter(year=year, quarter=quarter)}
    return [by_cadre[c.pk] for c in cadres]


def test_ties_share_a_rank_and_skip_the_next(world):
    _scheme, cadres = _members(world, [88, 85, 85, 70], role="VILLAGE_SECRETARY")
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    assert [r.rank for r in _results(cadres)] == [1, 2, 2, 4]


def test_excellent_quota_lets_a_tie_across_the_line_all_in(world):
    composites = [94, 93, 93, 92, 85, 80, 70, 50]
    _scheme, cadres = _members(world, composites, role="VILLAGE_COMMITTEE")
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    results = _results(cadres)
    assert [r.rank for r in results] == [1, 2, 2, 4, 5, 6, 7, 8]
    assert [r.grade for r in results] == [
        Grade.EXCELLENT,
        Grade.EXCELLENT,
        Grade.EXCELLENT,  # quota floor(8 × 0.25) = 2, the tie at 2 all in
        Grade.GOOD,
        Grade.GOOD,
        Grade.GOOD,
        Grade.AVERAGE,
        Grade.POOR,
    ]


def test_excellent_needs_at_least_90_points(world):
    _scheme, cadres = _members(world, [89.99, 85, 80, 75], role="VILLAGE_SECRETARY")
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    top = _results(cadres)[0]
    assert (top.rank, top.grade) == (1, Grade.GOOD)


def test_poor_is_below_60_and_60_is_average(world):
    _scheme, cadres = _members(world, [59.99, 60, 79.99, 80], role="VILLAGE_SECRETARY")
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    assert [r.grade for r in _results(cadres)] == [Grade.POOR, Grade.AVERAGE, Grade.AVERAGE, Grade.GOOD]


def test_cohorts_group_leaders_members_and_village_posts(world):
    small_scheme(world.county_a)
    leader = posted(world.v_a2, role="TEAM_LEADER")
    secretary = posted(world.v_a2, role="VILLAGE_SECRETARY")
    committee = posted(world.v_a2, role="VILLAGE_COMMITTEE")
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    cohorts = dict(QuarterResult.objects.values_list("cadre_id", "cohort"))
    assert cohorts[world.cadre_a1.pk] == Cohort.LEADER  # 第一书记
    assert cohorts[leader.cadre_id] == Cohort.LEADER  # 工作队长
    assert cohorts[world.cadre_a2.pk] == Cohort.MEMBER
    assert cohorts[secretary.cadre_id] == cohorts[committee.cadre_id] == Cohort.VILLAGE_POST
    assert world.cadre_b1.pk not in cohorts  # another county's cadre


def test_cadre_is_ranked_in_the_posting_of_the_last_posted_day_with_days_added_up(world):
    small_scheme(world.county_a)
    first = posted(world.v_a1, role="TEAM_MEMBER", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 20))
    posted(
        world.v_a2,
        role="FIRST_SECRETARY",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 15),
        cadre=first.cadre,
    )
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    r = QuarterResult.objects.get(cadre=first.cadre)
    assert (r.cohort, r.village_id, r.township_id) == (Cohort.LEADER, world.v_a2.pk, world.a2.pk)
    assert r.posted_days == 35 and r.ranked


def test_cadres_posted_fewer_than_30_days_are_not_ranked(world):
    small_scheme(world.county_a)
    village = f.VillageFactory(township=world.a1)
    late = posted(village, role="FIRST_SECRETARY", start=dt.date(2026, 3, 3))
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    r = QuarterResult.objects.get(cadre=late.cadre)
    assert (r.posted_days, r.ranked, r.rank, r.grade) == (29, False, None, None)
    assert QuarterResult.objects.get(cadre=world.cadre_a1).rank == 1


def test_recomputing_gives_the_same_rows(world):
    _scheme, cadres = _members(world, [91, 85, 85, 59], role="VILLAGE_SECRETARY")

    def snapshot():
        return sorted(
            QuarterResult.objects.values_list(
                "cadre_id", "cohort", "composite", "ranked", "rank", "grade", "posting_id"
            )
        )

    assert compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1) == 6
    first = snapshot()
    assert compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1) == 6
    assert snapshot() == first
    assert QuarterResult.objects.count() == 6


def test_annual_ranking_is_the_mean_of_ranked_quarters(world):
    scheme = small_scheme(world.county_a)
    give_composite(world.cadre_a1, scheme, 80, quarter=1)
    give_composite(world.cadre_a1, scheme, 91, quarter=2)
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=1)
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=2)
    # a third quarter the cadre was not ranked in does not count
    QuarterResult.objects.create(
        county=world.county_a,
        cadre=world.cadre_a1,
        posting=world.p_a1,
        township=world.a1,
        village=world.v_a1,
        year=2026,
        quarter=3,
        cohort=Cohort.LEADER,
        posted_days=10,
        composite=Decimal("0"),
        ranked=False,
    )
    assert compute_annual_ranking(county=world.county_a, year=2026) == 2
    a = AnnualResult.objects.get(cadre=world.cadre_a1, year=2026)
    assert (a.composite, a.quarters, a.rank, a.grade, a.cohort) == (
        Decimal("85.50"),
        2,
        1,
        Grade.GOOD,
        Cohort.LEADER,
    )
    assert compute_annual_ranking(county=world.county_a, year=2026) == 2
    assert AnnualResult.objects.count() == 2


def test_the_task_ranks_one_county_quarter_and_the_annual(world):
    small_scheme(world.county_a)
    assert compute_quarterly_ranking_task.delay(world.county_a.pk, 2026, 1).get() == 2
    assert AnnualResult.objects.filter(county=world.county_a, year=2026).count() == 2
    assert QuarterResult.objects.filter(county=world.county_a).count() == 2


def test_the_beat_job_enqueues_every_county(world):
    assert rank_previous_quarter_all_counties.delay().get() == 2


@pytest.mark.worker
@pytest.mark.postgres
def test_a_real_worker_ranks_the_quarter(celery_worker_process):
    county = f.CountyFactory(code="150597")
    village = f.VillageFactory(township=f.TownshipFactory(county=county))
    scheme = small_scheme(county)
    p = posted(village, role="FIRST_SECRETARY")
    give_composite(p.cadre, scheme, 92)

    result = compute_quarterly_ranking_task.delay(county.pk, 2026, 1)

    assert result.get(timeout=60) == 1
    row = QuarterResult.objects.get(cadre=p.cadre, year=2026, quarter=1)
    assert (row.composite, row.rank, row.grade) == (Decimal("92.00"), 1, Grade.GOOD)


def test_the_ranking_command_runs_the_decision_rules_on_the_quarter_and_the_year(
    world, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from decisions.models import Decision

    _scheme, cadres = _members(world, [94, 50, 70, 75])  # n = 4: quota 1, so 94 is 优秀; 50 is 较差
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "compute_quarterly_ranking", "--quarter", "2026Q1", "--county", "150523", stdout=io.StringIO()
        )
    kinds = set(Decision.objects.filter(county=world.county_a).values_list("cadre_id", "kind"))
    assert {(cadres[0].pk, "COMMENDATION"), (cadres[1].pk, "INTERVIEW")} <= kinds
    # The year's annual result exists but is 暂定 until Q4 is ranked: no annual rule proposes.
    assert (cadres[0].pk, "ANNUAL_EXCELLENT") not in kinds
