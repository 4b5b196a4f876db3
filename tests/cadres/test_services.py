"""cadres.services: the posting rules (DOMAIN.md §3) asked one posting at a time and in a batch."""

import datetime as dt

import pytest

from cadres.services import CADRE, FIRST_SECRETARY, PostingDraft, posting_conflicts, validate_postings
from core.scoping import area_for

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 3, 1), dt.date(2026, 12, 31)


def test_one_posting_overlapping_the_cadres_posting_is_refused_naming_it(world):
    problems = posting_conflicts(
        cadre_id=world.cadre_a1.pk, village_id=world.v_a2.pk, role="TEAM_MEMBER", start=START, end=END
    )
    assert problems == [
        "该干部在 2026-01-01 至 2027-12-31 已选派到北堡村（第一书记），同一干部同一天只能有一个选派"
    ]


def test_one_posting_is_not_checked_against_itself_nor_with_dates_missing(world):
    p = world.p_a1
    assert (
        posting_conflicts(
            cadre_id=p.cadre_id,
            village_id=p.village_id,
            role=p.role,
            start=p.start_date,
            end=p.end_date,
            exclude_id=p.pk,
        )
        == []
    )
    assert posting_conflicts(cadre_id=p.cadre_id, village_id=None, role=None, start=None, end=END) == []
    assert posting_conflicts(cadre_id=p.cadre_id, village_id=None, role=None, start=END, end=START) == [
        "结束日期不能早于开始日期"
    ]


def test_a_batch_finds_drafts_overlapping_each_other_and_names_their_rows(world):
    drafts = [
        PostingDraft(cadre="new", village="v1", role="FIRST_SECRETARY", start=START, end=END, row=2),
        PostingDraft(cadre="new", village="v2", role="TEAM_MEMBER", start=END, end=END, row=3),
        PostingDraft(cadre="other", village="v1", role="FIRST_SECRETARY", start=END, end=END, row=4),
    ]
    conflicts = validate_postings(drafts)
    assert [(c.draft.row, c.rule, c.message) for c in conflicts] == [
        (3, CADRE, "该干部的选派与第 2 行的选派时间重叠，同一干部同一天只能有一个选派"),
        (4, FIRST_SECRETARY, "与第 2 行的第一书记时间重叠，一个村同一天只能有一名第一书记"),
    ]


def test_a_batch_names_another_areas_posting_by_its_dates_only(world):
    draft = PostingDraft(
        cadre=world.cadre_b1.pk,
        cadre_id=world.cadre_b1.pk,
        village=world.v_a2.pk,
        village_id=world.v_a2.pk,
        role="TEAM_MEMBER",
        start=START,
        end=END,
        row=5,
    )
    (conflict,) = validate_postings([draft], area=area_for(world.county_staff))
    assert (
        conflict.message
        == "该干部在 2026-01-01 至 2027-12-31 已有其他地区的选派，同一干部同一天只能有一个选派"
    )
    (same,) = validate_postings([draft])
    assert "西台神村" in same.message


def test_a_batch_checks_a_second_first_secretary_against_the_database_unless_it_rewrites_that_posting(world):
    draft = PostingDraft(
        cadre="new",
        village=world.v_a1.pk,
        village_id=world.v_a1.pk,
        role="FIRST_SECRETARY",
        start=START,
        end=END,
    )
    (conflict,) = validate_postings([draft])
    assert conflict.rule == FIRST_SECRETARY
    assert conflict.message.startswith("北堡村在 2026-01-01 至 2027-12-31 已有第一书记")
    rewrite = PostingDraft(
        cadre=world.cadre_a1.pk,
        cadre_id=world.cadre_a1.pk,
        village=world.v_a1.pk,
        village_id=world.v_a1.pk,
        role="FIRST_SECRETARY",
        start=world.p_a1.start_date,
        end=END,
        posting_id=world.p_a1.pk,
    )
    assert validate_postings([rewrite]) == []


def test_a_batch_reads_the_database_in_two_queries_whatever_its_size(world, django_assert_num_queries):
    drafts = [
        PostingDraft(
            cadre=i,
            cadre_id=world.cadre_a2.pk if i == 0 else None,
            village=i,
            village_id=world.v_a2.pk,
            role="FIRST_SECRETARY",
            start=START,
            end=END,
        )
        for i in range(50)
    ]
    with django_assert_num_queries(2):
        validate_postings(drafts)
