"""Rows the decision rules read, created directly: monthly totals, accepted uploads, appraisal
results, and decisions in any state (inspections and findings: ``tests.inspections.factories``)."""

import datetime as dt
from decimal import Decimal

from attendance.models import AttendanceUpload, MonthlyTotal
from core.periods import month_end
from decisions import rules, workflow
from decisions.models import Decision


def month_days(month: dt.date) -> int:
    return month_end(month).day


def monthly_total(posting, month: dt.date, *, compliant: bool) -> MonthlyTotal:
    """One posting-month of §5 totals, compliant or not (on-site 25 vs 10 days of 22 required)."""
    days = month_days(month)
    on_site = 25 if compliant else 10
    return MonthlyTotal.objects.create(
        posting=posting,
        cadre=posting.cadre,
        county=posting.village.township.county,
        township=posting.village.township,
        village=posting.village,
        month=month,
        days_in_month=days,
        posted_days=days,
        on_site_days=min(on_site, days),
        overnight_days=20 if compliant else 5,
        trip_days=0,
        leave_days=0,
        absent_days=days - min(on_site, days),
        unreported_days=0,
        required_on_site=22,
        required_overnight=15,
        compliant=compliant,
        allowance=Decimal("60.00") * min(on_site, days),
    )


def accepted_upload(township, month: dt.date, *, status=AttendanceUpload.Status.ACCEPTED) -> AttendanceUpload:
    return AttendanceUpload.objects.create(
        township=township,
        month=month,
        status=status,
        as_of=month_end(month),
        file=f"attendance/{month:%Y/%m}/test.xlsx",
        original_name="考勤.xlsx",
    )


def report(posting, months_and_compliance, *, accepted=True):
    """Totals for several months of one posting, each with its township's accepted upload."""
    for month, compliant in months_and_compliance:
        if (
            accepted
            and not AttendanceUpload.objects.filter(
                township=posting.village.township, month=month, status=AttendanceUpload.Status.ACCEPTED
            ).exists()
        ):
            accepted_upload(posting.village.township, month)
        monthly_total(posting, month, compliant=compliant)


def proposal(
    posting,
    *,
    kind=Decision.Kind.RECALL,
    rule=Decision.Rule.R1,
    period_key="2026-01~2026-02",
    today=dt.date(2026, 3, 5),
) -> Decision:
    """A PROPOSED decision about the posting's cadre, with its first event, as the rules make it."""
    p = rules.Proposer(posting.village.township.county, today)
    p.propose(
        rule=rule,
        kind=kind,
        cadre_id=posting.cadre_id,
        posting_id=posting.pk,
        township_id=posting.village.township_id,
        period_key=period_key,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 2, 28),
        basis="连续 2 个月驻村考勤不达标",
        evidence={},
    )
    p.flush()
    return p.created[0] if p.created else None


def issued(posting, *, user=None, decision_date=dt.date(2026, 3, 10), **kwargs) -> Decision:
    d = proposal(posting, **kwargs)
    workflow.approve(decision=d, user=user)
    return workflow.issue(decision=d, user=user, decision_date=decision_date)


def quarter_result(posting, year, quarter, grade, *, rank=1, composite=None, ranked=True):
    """An ``appraisal.models.QuarterResult`` row (the appraisal app owns the model)."""
    from appraisal.models import QuarterResult

    default = {"EXCELLENT": "95.00", "GOOD": "85.00", "AVERAGE": "70.00", "POOR": "50.00", None: "0.00"}
    cohort = (
        "LEADER"
        if posting.role in ("FIRST_SECRETARY", "TEAM_LEADER")
        else ("MEMBER" if posting.role == "TEAM_MEMBER" else "VILLAGE_POST")
    )
    return QuarterResult.objects.create(
        county=posting.village.township.county,
        cadre=posting.cadre,
        posting=posting,
        township=posting.village.township,
        village=posting.village,
        year=year,
        quarter=quarter,
        cohort=cohort,
        posted_days=90,
        composite=Decimal(composite or default[grade]),
        ranked=ranked,
        rank=rank if ranked else None,
        grade=grade if ranked else None,
    )


def annual_result(posting, year, grade, *, rank=1, composite=None):
    from appraisal.models import AnnualResult

    default = {"EXCELLENT": "95.00", "GOOD": "85.00", "AVERAGE": "70.00", "POOR": "50.00"}
    cohort = (
        "LEADER"
        if posting.role in ("FIRST_SECRETARY", "TEAM_LEADER")
        else ("MEMBER" if posting.role == "TEAM_MEMBER" else "VILLAGE_POST")
    )
    return AnnualResult.objects.create(
        county=posting.village.township.county,
        cadre=posting.cadre,
        posting=posting,
        township=posting.village.township,
        village=posting.village,
        year=year,
        cohort=cohort,
        composite=Decimal(composite or default[grade]),
        ranked=True,
        rank=rank,
        grade=grade,
    )


def final_year(posting, year, grade="GOOD", *, rank=5):
    """The year's fourth quarter ranked, which makes its annual results final (DOMAIN.md §7)."""
    return quarter_result(posting, year, 4, grade, rank=rank)
