"""Decision pages: owner 200, another area 404, township staff read only."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from decisions.exports import EXPORT_HEADER
from decisions.models import Decision
from tests.decisions.factories import issued, proposal

S = Decision.Status


@pytest.fixture
def recall(world):
    return issued(world.p_a1, user=world.county_staff, decision_date=dt.date(2026, 3, 10))


def test_the_list_shows_the_area_decisions_with_counts_per_status(world, client_for, recall):
    proposal(world.p_b1)
    client = client_for(world.county_staff)
    page = client.get(reverse("decisions:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert recall.number in text and world.cadre_a1.name in text
    assert world.cadre_b1.name not in text
    counts = {c["value"]: c["count"] for c in page.context["counts"]}
    # the recall and its R5
    assert counts == {"PROPOSED": 1, "APPROVED": 0, "REJECTED": 0, "ISSUED": 1, "WITHDRAWN": 0}


def test_the_list_filters_by_kind_status_rule_township_and_period(world, client_for, recall):
    client = client_for(world.county_staff)

    def names(**params):
        page = client.get(reverse("decisions:list"), params)
        return [d.kind for d in page.context["page"].object_list]

    assert names(kind="RECALL") == ["RECALL"]
    assert names(status="PROPOSED") == ["INTERVIEW"]
    assert names(rule="R5") == ["INTERVIEW"]
    assert names(township=world.a2.pk) == []
    assert names(period="2026-01", rule="R1") == ["RECALL"]
    assert names(period="2025") == []


def test_the_outsider_sees_an_empty_list_and_404_on_the_detail_and_print(world, client_for, recall):
    client = client_for(world.outsider)
    assert recall.number not in client.get(reverse("decisions:list")).content.decode()
    assert client.get(reverse("decisions:detail", args=[recall.pk])).status_code == 404
    assert client.get(reverse("decisions:print", args=[recall.pk])).status_code == 404
    assert client.post(reverse("decisions:approve", args=[recall.pk])).status_code == 404


def test_township_staff_read_their_township_decisions_but_cannot_act(world, client_for, recall):
    d = proposal(world.p_a1, period_key="2026-03~2026-04")
    own = client_for(world.township_a1)
    assert own.get(reverse("decisions:detail", args=[recall.pk])).status_code == 200
    assert own.post(reverse("decisions:approve", args=[d.pk])).status_code == 403
    assert Decision.objects.get(pk=d.pk).status == S.PROPOSED
    neighbour = client_for(world.township_a2)
    assert neighbour.get(reverse("decisions:detail", args=[recall.pk])).status_code == 404


def test_the_detail_shows_evidence_history_and_the_actions(world, client_for):
    d = proposal(world.p_a1)
    Decision.objects.filter(pk=d.pk).update(
        evidence={
            "months": [
                {
                    "month": "2026-01",
                    "posting_id": world.p_a1.pk,
                    "township_id": world.a1.pk,
                    "on_site_days": 10,
                    "required_on_site": 22,
                    "overnight_days": 5,
                    "required_overnight": 15,
                    "compliant": False,
                }
            ]
        }
    )
    page = client_for(world.county_staff).get(reverse("decisions:detail", args=[d.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "2026-01 月度考勤" in text and "在岗 10/22 天" in text
    assert (
        reverse("decisions:approve", args=[d.pk]) in text and reverse("decisions:reject", args=[d.pk]) in text
    )
    assert "规则自动提出" in text


def test_staff_approve_reject_and_issue_through_the_pages(world, client_for):
    client = client_for(world.county_staff)
    a = proposal(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q1")
    b = proposal(world.p_a2, kind=Decision.Kind.COMMENDATION, rule="R4", period_key="2026Q2")
    client.post(reverse("decisions:approve", args=[a.pk]))
    client.post(reverse("decisions:issue", args=[a.pk]), {"decision_date": "2026-04-02"})
    client.post(reverse("decisions:reject", args=[b.pk]), {"reason": ""})
    assert Decision.objects.get(pk=b.pk).status == S.PROPOSED
    client.post(reverse("decisions:reject", args=[b.pk]), {"reason": "重复提出"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.number, a.decision_date) == (S.ISSUED, "开鲁县驻村〔2026〕1号", dt.date(2026, 4, 2))
    assert (b.status, b.rejection_reason) == (S.REJECTED, "重复提出")
    # An illegal step is refused with a message, not an error page.
    response = client.post(reverse("decisions:approve", args=[a.pk]), follow=True)
    assert "不能改为" in response.content.decode()


def test_a_correction_is_announced_on_both_pages(world, client_for, recall):
    client = client_for(world.county_staff)
    response = client.post(
        reverse("decisions:revoke", args=[recall.pk]), {"kind": "REVOCATION", "reason": "认定有误"}
    )
    new = Decision.objects.get(revokes=recall)
    assert response.status_code == 302
    client.post(reverse("decisions:approve", args=[new.pk]))
    client.post(reverse("decisions:issue", args=[new.pk]), {"decision_date": "2026-03-20"})
    new.refresh_from_db()
    old_page = client.get(reverse("decisions:detail", args=[recall.pk])).content.decode()
    new_page = client.get(reverse("decisions:detail", args=[new.pk])).content.decode()
    assert f"本决定已被 {new.number} 撤销" in old_page
    assert f"本决定用于更正并撤销 {recall.number}" in new_page
    printed = client.get(reverse("decisions:print", args=[new.pk])).content.decode()
    assert f"关于撤销{recall.number}的决定" in printed


def test_the_printable_notice_has_title_number_date_body_and_organ(world, client_for, recall):
    page = client_for(world.county_staff).get(reverse("decisions:print", args=[recall.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"关于召回{world.cadre_a1.name}同志的决定" in text
    assert "开鲁县驻村〔2026〕1号" in text
    assert "2026年3月10日" in text
    assert "中共开鲁县委组织部" in text
    assert "@page { size: A4" in text
    assert "依据：连续 2 个月驻村考勤不达标" in text


def test_the_export_has_exactly_the_specified_header_and_blank_number_until_issued(world, client_for, recall):
    response = client_for(world.county_staff).get(reverse("decisions:export"))
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert (
        list(rows[0])
        == EXPORT_HEADER
        == [
            "文号",
            "决定类型",
            "规则",
            "状态",
            "对象",
            "身份证号",
            "派出单位",
            "依据",
            "提出日期",
            "签发日期",
        ]
    )
    by_kind = {r[1]: r for r in rows[1:]}
    assert by_kind["召回"][:7] == (
        "开鲁县驻村〔2026〕1号",
        "召回",
        "R1",
        "已签发",
        world.cadre_a1.name,
        world.cadre_a1.id_number,
        "开鲁县农业局",
    )
    assert by_kind["召回"][9] == "2026-03-10"
    unit_row = by_kind["约谈"]
    assert unit_row[0] is None and unit_row[9] is None
    assert unit_row[4] == "开鲁县农业局" and unit_row[5] is None and unit_row[2] == "R5"


def test_the_export_follows_the_filters_and_the_area(world, client_for, recall):
    proposal(world.p_b1)
    response = client_for(world.county_staff).get(reverse("decisions:export"), {"kind": "RECALL"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["召回"]
    outsider = client_for(world.outsider).get(reverse("decisions:export"))
    rows = list(openpyxl.load_workbook(io.BytesIO(outsider.content)).active.iter_rows(values_only=True))
    assert [r[4] for r in rows[1:]] == [world.cadre_b1.name]


def test_recall_and_reward_lists_of_the_year(world, client_for, recall):
    reward = issued(
        world.p_a2,
        kind=Decision.Kind.COMMENDATION,
        rule="R4",
        period_key="2026Q1",
        decision_date=dt.date(2026, 4, 1),
    )
    client = client_for(world.county_staff)
    recalls = client.get(reverse("decisions:recalls"), {"year": 2026}).content.decode()
    rewards = client.get(reverse("decisions:rewards"), {"year": 2026}).content.decode()
    assert recall.number in recalls and reward.number not in recalls
    assert reward.number in rewards and recall.number not in rewards
    assert recall.number not in client.get(reverse("decisions:recalls"), {"year": 2025}).content.decode()
    assert (
        recall.number
        not in client_for(world.outsider).get(reverse("decisions:recalls"), {"year": 2026}).content.decode()
    )


def test_the_replacement_page_lists_overdue_ones_and_a_new_posting_fulfils_them(
    world, client_for, recall, django_capture_on_commit_callbacks
):
    from cadres.services import announce_new_postings
    from tests import factories as f

    client = client_for(world.county_staff)
    page = client.get(reverse("decisions:replacements"))
    assert page.status_code == 200 and page.context["overdue_count"] == 1
    assert client_for(world.outsider).get(reverse("decisions:replacements")).context["overdue_count"] == 0
    f.PostingFactory(
        village=world.v_a1, unit=world.unit_a, role="FIRST_SECRETARY", start_date=dt.date(2026, 3, 20)
    )
    # Listing never writes: the replacement waits for the posting's own hand-off.
    assert client_for(world.county_staff).get(reverse("decisions:replacements")).context["overdue_count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        announce_new_postings(county_ids=[world.county_a.pk])
    client = client_for(world.county_staff)
    page = client.get(reverse("decisions:replacements"), {"show": "all"})
    assert page.context["overdue_count"] == 0
    assert "已重派" in page.content.decode() and "逾期重派" in page.content.decode()


def test_the_dashboard_partial_renders_the_overdue_replacements(world, rf, recall):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = world.county_staff
    html = Template("{% load decisions_tags %}{% overdue_replacements_card %}").render(
        Context({"request": request})
    )
    assert 'id="overdue-replacements"' in html and recall.number in html
    request.user = world.outsider
    html = Template("{% load decisions_tags %}{% overdue_replacements_card %}").render(
        Context({"request": request})
    )
    assert recall.number not in html


def test_run_rules_button_proposes_for_the_staff_county(world, client_for):
    from tests.decisions.conftest import FEB, JAN
    from tests.decisions.factories import report

    report(world.p_a1, [(JAN, False), (FEB, False)])
    report(world.p_b1, [(JAN, False), (FEB, False)])
    response = client_for(world.county_staff).post(reverse("decisions:run_rules"))
    assert response.status_code == 302
    assert list(Decision.objects.values_list("county__code", flat=True)) == ["150523"]
    assert client_for(world.township_a1).post(reverse("decisions:run_rules")).status_code == 403


def test_the_unit_interview_pages_name_the_unit(world, client_for, recall):
    r5 = Decision.objects.get(rule="R5")
    client = client_for(world.county_staff)
    detail = client.get(reverse("decisions:detail", args=[r5.pk])).content.decode()
    assert "开鲁县农业局" in detail and recall.number in detail
    printed = client.get(reverse("decisions:print", args=[r5.pk])).content.decode()
    assert "关于约谈开鲁县农业局主要负责同志的决定" in printed and "（未签发）" in printed


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("COMMENDATION", "关于通报表扬{name}同志的决定"),
        ("ANNUAL_EXCELLENT", "关于确定{name}同志为2026年度考核优秀等次的决定"),
        ("PROMOTION", "关于将{name}同志列为优先提拔使用人选的决定"),
        ("INTERVIEW", "关于约谈{name}同志的决定"),
        ("ADJUSTMENT", "关于对{name}同志进行组织调整的决定"),
    ],
)
def test_every_kind_prints_its_own_title(world, client_for, kind, title):
    d = issued(world.p_a2, kind=kind, rule="R4", period_key=f"k-{kind}")
    text = client_for(world.county_staff).get(reverse("decisions:print", args=[d.pk])).content.decode()
    assert title.format(name=world.cadre_a2.name) in text
