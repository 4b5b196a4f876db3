"""Evidence stays true (DOMAIN.md §7): proposals follow the totals, rankings and findings they came from."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import AnnualResult, QuarterResult
from appraisal.ranking import compute_annual_ranking
from appraisal.signals import ranking_changed
from attendance.intake import write
from attendance.models import MonthlyTotal
from core.periods import month_end
from decisions import rules, workflow
from decisions.models import Decision, IllegalTransition
from tests.attendance.helpers import long_xlsx
from tests.decisions.conftest import FEB, JAN, TODAY
from tests.decisions.factories import proposal, quarter_result, report
from tests.inspections.factories import FindingFactory, InspectionFactory
from villages.models import Policy

Status = Decision.Status
Kind = Decision.Kind


def _upload(world, month, mark, capture):
    as_of = month_end(month) + dt.timedelta(days=3)
    data = long_xlsx([world.p_a1], month, as_of, mark=mark)
    with capture(execute=True):
        result = write.import_attendance(township=world.a1, month=month, file=data, as_of=as_of)
    assert result.ok, [str(e) for e in result.errors]


def test_a_reuploaded_month_withdraws_the_r1_recall_with_the_new_figures(
    world, django_capture_on_commit_callbacks
):
    # Two months absent: the upload → totals → R1 chain proposes the recall by itself.
    _upload(world, JAN, "×", django_capture_on_commit_callbacks)
    _upload(world, FEB, "×", django_capture_on_commit_callbacks)
    recall = Decision.objects.get(rule="R1", cadre=world.cadre_a1)
    assert recall.status == Status.PROPOSED and recall.period_key == "2026-01~2026-02"

    # The township re-uploads February, all on site and overnight.
    _upload(world, FEB, "√", django_capture_on_commit_callbacks)

    recall.refresh_from_db()
    assert recall.status == Status.WITHDRAWN
    assert recall.withdrawal_reason == "2026年2月考勤已重新上报，在岗 28/22，住村 28/15，已达标"
    event = recall.events.order_by("id").last()
    assert (event.from_status, event.to_status) == (Status.PROPOSED, Status.WITHDRAWN)
    assert event.note == recall.withdrawal_reason
    # Nothing new to propose: January alone is not a run.
    assert not Decision.objects.filter(rule="R1", status=Status.PROPOSED).exists()


def test_approving_a_stale_recall_is_refused_and_it_is_withdrawn(world):
    report(world.p_a1, [(JAN, False), (FEB, False)])
    [recall] = rules.propose_decisions(county=world.county_a, today=TODAY)
    # February's totals change (a re-upload whose rule run has not happened yet).
    MonthlyTotal.objects.filter(posting=world.p_a1, month=FEB).update(
        compliant=True, on_site_days=25, overnight_days=20
    )

    with pytest.raises(IllegalTransition) as refused:
        workflow.approve(decision=recall, user=world.county_staff)

    assert "依据已经变化，不能同意" in refused.value.message
    assert "2026年2月考勤已重新计算，在岗 25/22，住村 20/15，已达标" in refused.value.message
    recall.refresh_from_db()
    assert recall.status == Status.WITHDRAWN


def test_issuing_an_approved_recall_whose_evidence_changed_is_refused(world):
    report(world.p_a1, [(JAN, False), (FEB, False)])
    [recall] = rules.propose_decisions(county=world.county_a, today=TODAY)
    workflow.approve(decision=recall, user=world.county_staff)
    MonthlyTotal.objects.filter(posting=world.p_a1, month=JAN).update(compliant=True, on_site_days=25)

    with pytest.raises(IllegalTransition, match="不能签发"):
        workflow.issue(decision=recall, user=world.county_staff, decision_date=dt.date(2026, 3, 10))

    recall.refresh_from_db()
    assert (recall.status, recall.number) == (Status.WITHDRAWN, "")
    world.p_a1.refresh_from_db()
    assert world.p_a1.status == "ACTIVE"


def test_an_issued_decision_is_never_withdrawn_by_the_rules(world):
    report(world.p_a1, [(JAN, False), (FEB, False)])
    [recall] = rules.propose_decisions(county=world.county_a, today=TODAY)
    workflow.approve(decision=recall, user=world.county_staff)
    workflow.issue(decision=recall, user=world.county_staff, decision_date=dt.date(2026, 3, 10))
    MonthlyTotal.objects.filter(posting=world.p_a1, month=FEB).update(compliant=True)

    run = rules.rerun_rules(county=world.county_a, today=TODAY)

    assert run.withdrawn == []
    recall.refresh_from_db()
    assert recall.status == Status.ISSUED


def test_a_withdrawn_proposal_comes_back_when_the_evidence_does(world):
    report(world.p_a1, [(JAN, False), (FEB, False)])
    [first] = rules.propose_decisions(county=world.county_a, today=TODAY)
    MonthlyTotal.objects.filter(posting=world.p_a1, month=FEB).update(compliant=True)
    assert rules.rerun_rules(county=world.county_a, today=TODAY).withdrawn == [first]
    MonthlyTotal.objects.filter(posting=world.p_a1, month=FEB).update(compliant=False)

    [again] = rules.propose_decisions(county=world.county_a, today=TODAY)

    assert again.pk != first.pk and again.period_key == first.period_key
    assert Decision.objects.get(pk=first.pk).status == Status.WITHDRAWN


def test_a_finding_no_longer_serious_withdraws_its_recall(
    world, client_for, django_capture_on_commit_callbacks
):
    finding = FindingFactory(
        inspection=InspectionFactory(county=world.county_a),
        cadre=world.cadre_a1,
        severity="SERIOUS",
        handling="RECALL",
    )
    [recall] = rules.propose_decisions(county=world.county_a, today=TODAY)
    client = client_for(world.county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("decisions:finding_edit", args=[finding.pk]),
            {
                "cadre": world.cadre_a1.pk,
                "village": "",
                "severity": "MODERATE",
                "handling": "RECTIFY",
                "description": finding.description,
                "deduction": "0",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    recall.refresh_from_db()
    assert recall.status == Status.WITHDRAWN
    assert recall.withdrawal_reason == "督查发现的问题已改为“较重”，不再是严重问题"


def test_the_decision_list_filters_withdrawn_and_the_page_refuses_a_stale_approval(world, client_for):
    report(world.p_a1, [(JAN, False), (FEB, False)])
    [recall] = rules.propose_decisions(county=world.county_a, today=TODAY)
    other = proposal(world.p_a2, rule="R4", kind=Kind.COMMENDATION, period_key="2026Q1")
    MonthlyTotal.objects.filter(posting=world.p_a1, month=FEB).update(compliant=True)
    client = client_for(world.county_staff)

    response = client.post(reverse("decisions:approve", args=[recall.pk]), follow=True)

    assert "依据已经变化，不能同意" in response.content.decode()
    page = client.get(reverse("decisions:list"), {"status": "WITHDRAWN"})
    assert [d.pk for d in page.context["page"].object_list] == [recall.pk]
    assert other.pk not in [d.pk for d in page.context["page"].object_list]
    detail = client.get(reverse("decisions:detail", args=[recall.pk])).content.decode()
    assert "已撤回" in detail and "已达标" in detail
    assert reverse("decisions:approve", args=[recall.pk]) not in detail


# ----------------------------------------------------------------------------------- annual results


def _excellent_everyone(county):
    Policy.for_county(county)
    Policy.objects.filter(county=county).update(excellent_ratio=Decimal("1.00"))


def _rank_year(world, year, quarters, composite="95.00"):
    for q in quarters:
        QuarterResult.objects.filter(cadre=world.cadre_a1, year=year, quarter=q).delete()
        quarter_result(world.p_a1, year, q, "EXCELLENT", composite=composite)
    compute_annual_ranking(county=world.county_a, year=year)


def _announce(world, year, quarter, capture):
    with capture(execute=True):
        ranking_changed.send(sender=QuarterResult, county_id=world.county_a.pk, year=year, quarter=quarter)


def test_annual_rules_are_silent_until_the_fourth_quarter_is_ranked(
    world, django_capture_on_commit_callbacks
):
    _excellent_everyone(world.county_a)
    _rank_year(world, 2026, (1, 2, 3))
    assert AnnualResult.objects.get(cadre=world.cadre_a1, year=2026).grade == "EXCELLENT"

    _announce(world, 2026, 3, django_capture_on_commit_callbacks)
    assert not Decision.objects.filter(kind=Kind.ANNUAL_EXCELLENT).exists()

    _rank_year(world, 2026, (4,))
    _announce(world, 2026, 4, django_capture_on_commit_callbacks)
    assert Decision.objects.filter(kind=Kind.ANNUAL_EXCELLENT, period_key="2026").count() == 1


def test_a_later_quarter_that_changes_the_annual_result_withdraws_annual_excellent_and_promotion(
    world, django_capture_on_commit_callbacks
):
    _excellent_everyone(world.county_a)
    _rank_year(world, 2025, (1, 2, 3, 4))
    _rank_year(world, 2026, (1, 2, 3, 4))
    _announce(world, 2026, 4, django_capture_on_commit_callbacks)
    proposed = dict(Decision.objects.filter(rule="R4").values_list("period_key", "kind"))
    assert proposed["2026"] == Kind.ANNUAL_EXCELLENT and proposed["2025-2026"] == Kind.PROMOTION

    # The fourth quarter is ranked again, much lower: the year's mean is 81.25, 良好.
    _rank_year(world, 2026, (4,), composite="40.00")
    _announce(world, 2026, 4, django_capture_on_commit_callbacks)

    annual = Decision.objects.get(kind=Kind.ANNUAL_EXCELLENT, period_key="2026")
    promotion = Decision.objects.get(kind=Kind.PROMOTION)
    assert annual.status == promotion.status == Status.WITHDRAWN
    assert annual.withdrawal_reason == "2026年度排名已变化，等次为良好（第 1 名），不再是优秀"
    assert Decision.objects.get(kind=Kind.ANNUAL_EXCELLENT, period_key="2025").status == Status.PROPOSED


def test_the_annual_page_says_provisional_until_the_fourth_quarter_is_ranked(world, client_for):
    _excellent_everyone(world.county_a)
    _rank_year(world, 2026, (1, 2))
    client = client_for(world.county_staff)
    url = reverse("appraisal:annual")

    page = client.get(url, {"county": "150523", "year": "2026"}).content.decode()
    assert 'id="annual-provisional"' in page and "暂定" in page

    _rank_year(world, 2026, (4,))
    page = client.get(url, {"county": "150523", "year": "2026"}).content.decode()
    assert 'id="annual-provisional"' not in page
    assert client_for(world.outsider).get(url, {"county": "150523", "year": "2026"}).status_code == 404


# ----------------------------------------------------------------------------------- the notice snapshot


def test_an_issued_notice_and_its_export_do_not_change_after_a_rename(world, client_for, tmp_path):
    import io as _io

    import openpyxl
    from django.core.management import call_command

    from tests.decisions.factories import issued

    recall = issued(world.p_a1, user=world.county_staff)
    client = client_for(world.county_staff)
    before = client.get(reverse("decisions:print", args=[recall.pk])).context["notice"]
    old_name, old_village, old_unit = world.cadre_a1.name, world.v_a1.name, world.unit_a.name
    assert old_name in before["title"] and old_village in "".join(before["body"])

    world.cadre_a1.name = "改名后"
    world.cadre_a1.save()
    world.v_a1.name = "新村名"
    world.v_a1.save()
    world.unit_a.name = "改名后的单位"
    world.unit_a.save()

    page = client.get(reverse("decisions:print", args=[recall.pk]))
    assert page.context["notice"] == before
    text = page.content.decode()
    assert old_name in text and "改名后" not in text and "新村名" not in text
    path = tmp_path / "d.xlsx"
    call_command("export_decisions", "--county", "150523", "--out", str(path), stdout=_io.StringIO())
    rows = {r[2]: r for r in openpyxl.load_workbook(path).active.iter_rows(values_only=True)}
    assert rows["R1"][4:7] == (old_name, world.cadre_a1.id_number, old_unit)
    # A decision not issued yet still shows the registry as it is now.
    assert rows["R5"][4] == "改名后的单位"
