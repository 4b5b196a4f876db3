"""Decision rules R1–R5 (DOMAIN.md §7), the review workflow, numbering and the effects of a recall.

Everything that writes decisions goes through these keyword-only functions; views, commands, the
admin and the hooks other apps call (``propose_after_monthly_totals``, ``propose_after_ranking``)
only call them.

Rules, as implemented:

- **R1** — per cadre, the county's *complete* months (last day ≤ today) whose monthly totals come
  from a township-month with an ACCEPTED upload. A month counts as non-compliant when any of its
  counted rows is. A run is made of non-compliant months that follow each other in the calendar;
  a month with no accepted upload (or no posting) is not counted and *breaks* the run — the
  township is chased, its cadre is not blamed across the gap. Each run of
  ``recall_after_noncompliant_months`` months proposes one 召回 (evidence period = those months);
  the run then starts again. Only a cadre whose posting of the last month is still ACTIVE is proposed.
- **R2** — for every quarter graded 较差, the streak of consecutive 较差 quarters ending there
  decides the step: 1 → 约谈 by the organization minister, 2 → 约谈 by the county party
  secretary, 3 or more → 组织调整 (a recall). A quarter not graded 较差 (or not ranked, or
  missing) breaks the streak.
- **R3** — every finding of severity 严重 that names a cadre → 召回.
- **R4** — quarterly 优秀 → 通报表扬; annual 优秀 → 年度考核优秀; annual 优秀 in year Y-1 and Y with
  the year-Y annual rank ≤ ``promotion_top_n`` → 优先提拔 (evidence period "Y-1–Y").
- **R5** — every ISSUED recall (召回 or 组织调整) → 约谈 of the sending unit's leadership.

A proposal is unique on (rule, subject, evidence period) among the proposals not withdrawn:
running the rules again never creates a duplicate (checked first, and a database constraint is the
backstop).

**Evidence stays true.** Before proposing, a run re-checks every PROPOSED or APPROVED decision of
the rules it runs (``decisions.evidence.stale_reason``) and withdraws (已撤回) those whose rule no
longer holds, with the reason in words and an event. Approving and issuing re-check inside their
transaction and refuse. Annual R4 proposes only from final annual results (Q4 ranked).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import AnnualResult, QuarterResult
from appraisal.ranking import annual_is_final
from cadres.models import Posting
from core.periods import month_end, next_month, previous_quarter, quarter_bounds
from decisions.evidence import stale_reason
from decisions.models import (
    Decision,
    DecisionCounter,
    DecisionEvent,
    IllegalTransition,
    Replacement,
)
from decisions.notices import take_snapshot
from inspections.models import Finding
from villages.models import County, Policy

log = logging.getLogger(__name__)

Status = Decision.Status
Kind = Decision.Kind
Rule = Decision.Rule

# Which status may follow which; anything else is refused.
TRANSITIONS = {
    Status.PROPOSED: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    Status.APPROVED: {Status.ISSUED, Status.WITHDRAWN},
    Status.REJECTED: set(),
    Status.ISSUED: set(),
    Status.WITHDRAWN: set(),
}
OPEN_STATUSES = (Status.PROPOSED, Status.APPROVED)
ALL_RULES = frozenset({Rule.R1, Rule.R2, Rule.R3, Rule.R4, Rule.R5})


# ---------------------------------------------------------------------------------------------
# Small helpers


def format_number(county_name: str, year: int, seq: int) -> str:
    """The document number: ``开鲁县驻村〔2026〕3号``."""
    return f"{county_name}驻村〔{year}〕{seq}号"


def _county(county) -> County:
    if isinstance(county, County):
        return county
    return County.objects.get(pk=county)


def _subject_key(*, cadre_id=None, unit_id=None) -> str:
    return f"cadre:{cadre_id}" if cadre_id else f"unit:{unit_id}"


class _Proposer:
    """Creates proposals for one county, skipping any (rule, subject, period) already present."""

    def __init__(self, county: County, today: dt.date):
        self.county = county
        self.today = today
        self.created: list[Decision] = []
        self.existing = set(
            Decision.objects.exclude(rule=Rule.MANUAL)
            .exclude(status=Status.WITHDRAWN)
            .filter(county=county)
            .values_list("rule", "subject_key", "period_key")
        )

    def propose(
        self,
        *,
        rule,
        kind,
        period_key,
        basis,
        evidence,
        cadre_id=None,
        unit_id=None,
        posting_id=None,
        township_id=None,
        period_start=None,
        period_end=None,
        interviewer="",
    ) -> Decision | None:
        subject_key = _subject_key(cadre_id=cadre_id, unit_id=unit_id)
        key = (rule, subject_key, period_key)
        if key in self.existing:
            return None
        try:
            with transaction.atomic():
                decision = Decision.objects.create(
                    county=self.county,
                    township_id=township_id,
                    kind=kind,
                    rule=rule,
                    interviewer=interviewer,
                    cadre_id=cadre_id,
                    unit_id=unit_id,
                    posting_id=posting_id,
                    subject_key=subject_key,
                    period_key=period_key,
                    period_start=period_start,
                    period_end=period_end,
                    basis=basis,
                    evidence=evidence,
                    proposed_on=self.today,
                )
                DecisionEvent.objects.create(
                    decision=decision, from_status="", to_status=Status.PROPOSED, note=_("规则自动提出")
                )
        except IntegrityError:
            # Another run created it meanwhile: the unique constraint keeps one.
            self.existing.add(key)
            return None
        self.existing.add(key)
        self.created.append(decision)
        return decision


# ---------------------------------------------------------------------------------------------
# The rules


def _rule_attendance(p: _Proposer, policy: Policy, *, month: dt.date | None = None) -> None:
    """R1; with ``month``, only runs that contain that month (the one whose totals changed)."""
    from attendance.models import AttendanceUpload, MonthlyTotal

    n = max(1, policy.recall_after_noncompliant_months)
    last_complete = (
        p.today.replace(day=1)
        if month_end(p.today) == p.today
        else (p.today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    )
    accepted = set(
        AttendanceUpload.objects.filter(
            township__county=p.county, status=AttendanceUpload.Status.ACCEPTED, month__lte=last_complete
        ).values_list("township_id", "month")
    )
    rows = (
        MonthlyTotal.objects.filter(county=p.county, month__lte=last_complete)
        .order_by("cadre_id", "month", "posting_id")
        .values(
            "cadre_id",
            "month",
            "posting_id",
            "township_id",
            "compliant",
            "on_site_days",
            "required_on_site",
            "overnight_days",
            "required_overnight",
            "posting__status",
        )
    )
    by_cadre: dict[int, dict[dt.date, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows.iterator():
        if (row["township_id"], row["month"]) in accepted:
            by_cadre[row["cadre_id"]][row["month"]].append(row)
    for cadre_id, months in by_cadre.items():
        run: list[tuple[dt.date, list[dict]]] = []
        for month in sorted(months):
            counted = months[month]
            noncompliant = any(not r["compliant"] for r in counted)
            if not noncompliant or (run and next_month(run[-1][0]) != month):
                run = []
            if not noncompliant:
                continue
            run.append((month, counted))
            if len(run) < n:
                continue
            last = run[-1][1][-1]
            touches = month is None or run[0][0] <= month <= run[-1][0]
            if touches and last["posting__status"] == Posting.Status.ACTIVE:
                _propose_attendance_recall(p, cadre_id=cadre_id, run=run, last=last)
            run = []


def _propose_attendance_recall(p: _Proposer, *, cadre_id, run, last) -> None:
    first_month, last_month = run[0][0], run[-1][0]
    months = []
    parts = []
    for month, counted in run:
        for r in counted:
            months.append(
                {
                    "month": f"{month:%Y-%m}",
                    "posting_id": r["posting_id"],
                    "township_id": r["township_id"],
                    "on_site_days": r["on_site_days"],
                    "required_on_site": r["required_on_site"],
                    "overnight_days": r["overnight_days"],
                    "required_overnight": r["required_overnight"],
                    "compliant": r["compliant"],
                }
            )
            parts.append(
                _("%(month)s 在岗 %(on)s/%(ron)s 天、住村 %(night)s/%(rnight)s 天")
                % {
                    "month": f"{month.year}年{month.month}月",
                    "on": r["on_site_days"],
                    "ron": r["required_on_site"],
                    "night": r["overnight_days"],
                    "rnight": r["required_overnight"],
                }
            )
    basis = _("连续 %(n)s 个月驻村考勤不达标（%(detail)s）") % {"n": len(run), "detail": "；".join(parts)}
    p.propose(
        rule=Rule.R1,
        kind=Kind.RECALL,
        cadre_id=cadre_id,
        posting_id=last["posting_id"],
        township_id=last["township_id"],
        period_key=f"{first_month:%Y-%m}~{last_month:%Y-%m}",
        period_start=first_month,
        period_end=month_end(last_month),
        basis=basis,
        evidence={"months": months},
    )


def _quarter_evidence(row) -> dict:
    return {
        "year": row["year"],
        "quarter": row["quarter"],
        "grade": row["grade"],
        "composite": str(row["composite"]),
        "rank": row["rank"],
    }


def _township_of_posting(posting_ids) -> dict[int, int]:
    return dict(Posting.objects.filter(pk__in=set(posting_ids)).values_list("pk", "village__township_id"))


def _rule_poor_grade(p: _Proposer, policy: Policy) -> None:
    rows = list(
        QuarterResult.objects.filter(county=p.county).values(
            "cadre_id", "posting_id", "township_id", "year", "quarter", "grade", "composite", "rank"
        )
    )
    poor = "POOR"
    by_key = {(r["cadre_id"], r["year"], r["quarter"]): r for r in rows}
    for r in sorted(rows, key=lambda r: (r["cadre_id"], r["year"], r["quarter"])):
        if r["grade"] != poor:
            continue
        streak = [r]
        y, q = r["year"], r["quarter"]
        while len(streak) < 3:
            y, q = previous_quarter(y, q)
            prev = by_key.get((r["cadre_id"], y, q))
            if prev is None or prev["grade"] != poor:
                break
            streak.append(prev)
        step = len(streak)
        if step == 1:
            kind, interviewer = Kind.INTERVIEW, Decision.Interviewer.ORG_MINISTER
        elif step == 2:
            kind, interviewer = Kind.INTERVIEW, Decision.Interviewer.PARTY_SECRETARY
        else:
            kind, interviewer = Kind.ADJUSTMENT, ""
        streak.reverse()
        start = quarter_bounds(streak[0]["year"], streak[0]["quarter"])[0]
        end = quarter_bounds(r["year"], r["quarter"])[1]
        basis = _("%(year)s年第%(q)s季度考核等次较差（连续第 %(step)s 个季度，综合得分 %(score)s）") % {
            "year": r["year"],
            "q": r["quarter"],
            "step": step,
            "score": r["composite"],
        }
        p.propose(
            rule=Rule.R2,
            kind=kind,
            interviewer=interviewer,
            cadre_id=r["cadre_id"],
            posting_id=r["posting_id"],
            township_id=r["township_id"],
            period_key=f"{r['year']}Q{r['quarter']}",
            period_start=start,
            period_end=end,
            basis=basis,
            evidence={"quarters": [_quarter_evidence(s) for s in streak]},
        )


def _rule_inspection(p: _Proposer, policy: Policy) -> None:
    findings = (
        Finding.objects.filter(
            inspection__county=p.county, severity=Finding.Severity.SERIOUS, cadre__isnull=False
        )
        .select_related("inspection", "village")
        .order_by("id")
    )
    for finding in findings:
        key = f"finding:{finding.pk}"
        if (Rule.R3, _subject_key(cadre_id=finding.cadre_id), key) in p.existing:
            continue
        day = finding.inspection.date
        postings = Posting.objects.filter(cadre_id=finding.cadre_id, village__township__county=p.county)
        posting = postings.covering(day).first() or postings.order_by("-start_date").first()
        township_id = (
            posting.village.township_id
            if posting
            else (finding.village.township_id if finding.village_id else None)
        )
        basis = _("%(date)s %(kind)s督查发现严重问题（%(handling)s）：%(text)s") % {
            "date": f"{day:%Y-%m-%d}",
            "kind": finding.inspection.get_kind_display(),
            "handling": finding.get_handling_display(),
            "text": finding.description,
        }
        p.propose(
            rule=Rule.R3,
            kind=Kind.RECALL,
            cadre_id=finding.cadre_id,
            posting_id=posting.pk if posting else None,
            township_id=township_id,
            period_key=key,
            period_start=day,
            period_end=day,
            basis=basis,
            evidence={
                "findings": [
                    {
                        "id": finding.pk,
                        "inspection_id": finding.inspection_id,
                        "date": f"{day:%Y-%m-%d}",
                        "kind": finding.inspection.kind,
                        "severity": finding.severity,
                        "handling": finding.handling,
                        "description": finding.description,
                        "deduction": str(finding.deduction),
                    }
                ]
            },
        )


def _rule_reward(p: _Proposer, policy: Policy) -> None:
    excellent = "EXCELLENT"
    rows = QuarterResult.objects.filter(county=p.county, grade=excellent).values(
        "cadre_id", "posting_id", "township_id", "year", "quarter", "grade", "composite", "rank"
    )
    for r in rows:
        start, end = quarter_bounds(r["year"], r["quarter"])
        p.propose(
            rule=Rule.R4,
            kind=Kind.COMMENDATION,
            cadre_id=r["cadre_id"],
            posting_id=r["posting_id"],
            township_id=r["township_id"],
            period_key=f"{r['year']}Q{r['quarter']}",
            period_start=start,
            period_end=end,
            evidence={"quarters": [_quarter_evidence(r)]},
            basis=_("%(year)s年第%(q)s季度考核等次优秀（第 %(rank)s 名，综合得分 %(score)s）")
            % {
                "year": r["year"],
                "q": r["quarter"],
                "rank": r["rank"],
                "score": r["composite"],
            },
        )
    # Annual results are final only once the year's fourth quarter is ranked (DOMAIN.md §7).
    years = set(AnnualResult.objects.filter(county=p.county).values_list("year", flat=True).distinct())
    final_years = {y for y in years if annual_is_final(county_id=p.county.pk, year=y)}
    rows = list(
        AnnualResult.objects.filter(county=p.county, grade=excellent, year__in=final_years).values(
            "cadre_id", "posting_id", "year", "grade", "composite", "rank"
        )
    )
    townships = _township_of_posting(r["posting_id"] for r in rows)
    excellent_years = {(r["cadre_id"], r["year"]) for r in rows}

    def year_evidence(r):
        return {"year": r["year"], "grade": r["grade"], "composite": str(r["composite"]), "rank": r["rank"]}

    by_key = {(r["cadre_id"], r["year"]): r for r in rows}
    for r in rows:
        year = r["year"]
        p.propose(
            rule=Rule.R4,
            kind=Kind.ANNUAL_EXCELLENT,
            cadre_id=r["cadre_id"],
            posting_id=r["posting_id"],
            township_id=townships.get(r["posting_id"]),
            period_key=f"{year}",
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            evidence={"years": [year_evidence(r)]},
            basis=_("%(year)s年度考核等次优秀（第 %(rank)s 名，综合得分 %(score)s）")
            % {
                "year": year,
                "rank": r["rank"],
                "score": r["composite"],
            },
        )
        if (
            (r["cadre_id"], year - 1) in excellent_years
            and r["rank"] is not None
            and r["rank"] <= policy.promotion_top_n
        ):
            prev = by_key[(r["cadre_id"], year - 1)]
            p.propose(
                rule=Rule.R4,
                kind=Kind.PROMOTION,
                cadre_id=r["cadre_id"],
                posting_id=r["posting_id"],
                township_id=townships.get(r["posting_id"]),
                period_key=f"{year - 1}-{year}",
                period_start=dt.date(year - 1, 1, 1),
                period_end=dt.date(year, 12, 31),
                evidence={"years": [year_evidence(prev), year_evidence(r)]},
                basis=_(
                    "%(prev)s、%(year)s年度连续两年考核优秀，%(year)s年度排名第 %(rank)s 名（前 %(top)s 名）"
                )
                % {
                    "prev": year - 1,
                    "year": year,
                    "rank": r["rank"],
                    "top": policy.promotion_top_n,
                },
            )


def _propose_unit_interview(p: _Proposer, recall: Decision) -> Decision | None:
    posting = recall.posting
    if posting is None:
        return None
    basis = _("%(unit)s选派的%(name)s同志被召回（%(number)s），依照上问一级，约谈派出单位主要负责同志") % {
        "unit": posting.unit.name,
        "name": recall.cadre.name if recall.cadre_id else "",
        "number": recall.number,
    }
    return p.propose(
        rule=Rule.R5,
        kind=Kind.INTERVIEW,
        unit_id=posting.unit_id,
        posting_id=posting.pk,
        township_id=recall.township_id,
        period_key=f"decision:{recall.pk}",
        period_start=recall.decision_date,
        period_end=recall.decision_date,
        basis=basis,
        interviewer=Decision.Interviewer.ORG_MINISTER,
        evidence={
            "decision": {
                "id": recall.pk,
                "number": recall.number,
                "kind": recall.kind,
                "cadre_id": recall.cadre_id,
                "date": f"{recall.decision_date:%Y-%m-%d}",
            }
        },
    )


def _rule_unit_accountability(p: _Proposer, policy: Policy) -> None:
    issued = (
        Decision.objects.filter(
            county=p.county, status=Status.ISSUED, kind__in=Decision.RECALL_KINDS, posting__isnull=False
        )
        .select_related("posting__unit", "cadre")
        .order_by("id")
    )
    for recall in issued:
        _propose_unit_interview(p, recall)


# ---------------------------------------------------------------------------------------------
# Entry points


@dataclass
class RuleRun:
    """What one run of the rules did: the proposals it created and the ones it withdrew."""

    created: list[Decision] = field(default_factory=list)
    withdrawn: list[Decision] = field(default_factory=list)


def rerun_rules(
    *,
    county,
    rules=ALL_RULES,
    month: dt.date | None = None,
    today: dt.date | None = None,
) -> RuleRun:
    """Re-validate the open proposals of ``rules``, then propose what the current evidence supports.

    Each PROPOSED or APPROVED decision of those rules whose rule no longer holds is withdrawn with
    the reason in words (an ISSUED decision is never touched). With ``month`` (the monthly totals
    that changed), R1 re-checks and proposes only around that month. Withdrawing first frees the
    (rule, subject, period) of a proposal whose grounds changed, so the rule may propose it anew
    (e.g. a 2nd-quarter 约谈 becoming a 3rd-quarter 组织调整).
    """
    county = _county(county)
    today = today or timezone.localdate()
    policy = Policy.for_county(county)
    rules = frozenset(rules)
    run = RuleRun()
    run.withdrawn = revalidate(county=county, rules=rules, month=month)
    p = _Proposer(county, today)
    if Rule.R1 in rules and policy.rule_attendance_enabled:
        _rule_attendance(p, policy, month=month)
    if Rule.R2 in rules and policy.rule_poor_grade_enabled:
        _rule_poor_grade(p, policy)
    if Rule.R3 in rules and policy.rule_inspection_enabled:
        _rule_inspection(p, policy)
    if Rule.R4 in rules and policy.rule_reward_enabled:
        _rule_reward(p, policy)
    if Rule.R5 in rules and policy.rule_unit_accountability_enabled:
        _rule_unit_accountability(p, policy)
    run.created = p.created
    return run


def propose_decisions(*, county, today: dt.date | None = None) -> list[Decision]:
    """Apply every enabled rule of the county's policy (re-validating the open proposals first);
    return the proposals created by this run."""
    return rerun_rules(county=county, today=today).created


def revalidate(*, county, rules=ALL_RULES, month: dt.date | None = None) -> list[Decision]:
    """Withdraw the county's PROPOSED/APPROVED decisions of ``rules`` whose rule no longer holds."""
    county = _county(county)
    open_ = Decision.objects.filter(county=county, status__in=OPEN_STATUSES, rule__in=list(rules)).order_by(
        "id"
    )
    if month is not None:
        # Only R1 reads monthly totals; a month scopes the re-check to the runs around it.
        open_ = open_.filter(period_start__lte=month_end(month), period_end__gte=month)
    withdrawn = []
    for decision in open_:
        reason = stale_reason(decision)
        if reason:
            withdrawn.append(withdraw(decision=decision, reason=reason))
    return withdrawn


def propose_after_monthly_totals(*, county_id: int, month: dt.date) -> RuleRun:
    """Pipeline step: a county-month's totals changed, so R1 re-runs around that month."""
    return rerun_rules(county=county_id, rules={Rule.R1}, month=month.replace(day=1))


def propose_after_ranking(*, county_id: int, year: int, quarter: int) -> RuleRun:
    """Pipeline step: a quarter (and its year) was ranked, so the grade rules R2 and R4 re-run."""
    return rerun_rules(county=county_id, rules={Rule.R2, Rule.R4})


# ---------------------------------------------------------------------------------------------
# Workflow


def _lock(decision) -> Decision:
    pk = decision.pk if isinstance(decision, Decision) else decision
    return Decision.objects.select_for_update(of=("self",)).get(pk=pk)


def _check(decision: Decision, target: str) -> None:
    if target not in TRANSITIONS[decision.status]:
        raise IllegalTransition(
            _("决定当前状态为“%(current)s”，不能改为“%(target)s”")
            % {
                "current": Status(decision.status).label,
                "target": Status(target).label,
            }
        )


def _log(decision: Decision, *, from_status: str, to_status: str, user=None, note: str = "") -> DecisionEvent:
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    return DecisionEvent.objects.create(
        decision=decision, from_status=from_status, to_status=to_status, actor=actor, note=note
    )


def withdraw(*, decision, reason: str, user=None) -> Decision:
    """PROPOSED/APPROVED → WITHDRAWN: the rule no longer holds; the reason is kept and logged."""
    with transaction.atomic():
        d = _lock(decision)
        _check(d, Status.WITHDRAWN)
        _withdraw_locked(d, reason=reason, user=user)
    return d


def _withdraw_locked(d: Decision, *, reason: str, user=None) -> None:
    from_status = d.status
    d.status = Status.WITHDRAWN
    d.withdrawal_reason = reason
    d.save(update_fields=["status", "withdrawal_reason"])
    _log(d, from_status=from_status, to_status=Status.WITHDRAWN, user=user, note=reason)


def _recheck(d: Decision, *, action: str, user) -> None:
    """Inside the caller's transaction, with the row locked: a stale decision is withdrawn and the
    step refused. The withdrawal is kept (the caller's transaction commits), then the error raised."""
    reason = stale_reason(d)
    if reason:
        _withdraw_locked(d, reason=reason, user=user)
        raise _StaleEvidence(
            _("依据已经变化，不能%(action)s，该决定已撤回：%(reason)s") % {"action": action, "reason": reason}
        )


class _StaleEvidence(IllegalTransition):
    pass


def _refusing_stale(step):
    """Run ``step`` in a transaction; a stale decision's withdrawal commits, then the refusal is raised."""
    refusal = None
    with transaction.atomic():
        try:
            result = step()
        except _StaleEvidence as exc:
            refusal = exc
    if refusal is not None:
        raise IllegalTransition(refusal.message)
    return result


def approve(*, decision, user, note: str = "") -> Decision:
    """PROPOSED → APPROVED, once the evidence is re-checked (DOMAIN.md §7)."""

    def step():
        d = _lock(decision)
        _check(d, Status.APPROVED)
        _recheck(d, action=_("同意"), user=user)
        d.status = Status.APPROVED
        d.save(update_fields=["status"])
        _log(d, from_status=Status.PROPOSED, to_status=Status.APPROVED, user=user, note=note)
        return d

    return _refusing_stale(step)


def reject(*, decision, user, reason: str) -> Decision:
    """PROPOSED → REJECTED; a reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise IllegalTransition(_("驳回必须填写理由"))
    with transaction.atomic():
        d = _lock(decision)
        _check(d, Status.REJECTED)
        d.status = Status.REJECTED
        d.rejection_reason = reason
        d.save(update_fields=["status", "rejection_reason"])
        _log(d, from_status=Status.PROPOSED, to_status=Status.REJECTED, user=user, note=reason)
    return d


def _next_number(*, county_id: int, year: int) -> int:
    """The next N for the county-year, under a row lock: no gaps, no repeats, whatever runs at once."""
    counter = DecisionCounter.objects.select_for_update().filter(county_id=county_id, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                DecisionCounter.objects.create(county_id=county_id, year=year, last=0)
        except IntegrityError:
            pass  # a concurrent issuer created it first; we wait for its lock below
        counter = DecisionCounter.objects.select_for_update().get(county_id=county_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def issue(*, decision, user, decision_date: dt.date | None = None) -> Decision:
    """APPROVED → ISSUED with the next document number and the date; then the decision's effects.

    A recall (召回 or 组织调整) ends its posting (RECALLED, actual end = decision date), opens a
    replacement due ``replacement_due_days`` later, and proposes R5 for the sending unit. Issuing a
    revocation cancels the revoked recall's open replacement. All in one transaction.
    """
    decision_date = decision_date or timezone.localdate()

    def step():
        d = _lock(decision)
        _check(d, Status.ISSUED)
        _recheck(d, action=_("签发"), user=user)
        county = County.objects.get(pk=d.county_id)
        seq = _next_number(county_id=county.pk, year=decision_date.year)
        d.number_year, d.number_seq = decision_date.year, seq
        d.number = format_number(county.name, decision_date.year, seq)
        d.decision_date = decision_date
        d.status = Status.ISSUED
        d.snapshot = take_snapshot(d)
        d.save()
        _log(d, from_status=Status.APPROVED, to_status=Status.ISSUED, user=user, note=d.number)
        if d.is_recall:
            _apply_recall(d, county=county)
        if d.kind == Kind.REVOCATION and d.revokes_id:
            Replacement.objects.filter(decision_id=d.revokes_id, status=Replacement.Status.OPEN).update(
                status=Replacement.Status.CANCELLED
            )
        return d

    return _refusing_stale(step)


def _apply_recall(d: Decision, *, county: County) -> None:
    if d.posting_id is None:
        return
    posting = (
        Posting.objects.select_for_update(of=("self",))
        .select_related("village", "unit", "cadre")
        .get(pk=d.posting_id)
    )
    policy = Policy.for_county(county)
    if posting.status == Posting.Status.ACTIVE:
        end = min(max(d.decision_date, posting.start_date), posting.planned_end_date)
        posting.status = Posting.Status.RECALLED
        posting.actual_end_date = end
        posting.save(update_fields=["status", "actual_end_date"])
        Replacement.objects.create(
            decision=d,
            county=county,
            township_id=posting.village.township_id,
            village_id=posting.village_id,
            unit_id=posting.unit_id,
            role=posting.role,
            recalled_posting=posting,
            opened_on=d.decision_date,
            due_date=d.decision_date + dt.timedelta(days=policy.replacement_due_days),
        )
    if policy.rule_unit_accountability_enabled:
        d.posting = posting
        _propose_unit_interview(_Proposer(county, d.decision_date), d)


def create_correction(
    *, decision, user, reason: str, kind: str | None = None, today: dt.date | None = None
) -> Decision:
    """A new decision (PROPOSED) that, once issued, revokes ``decision``; the old one never changes."""
    reason = (reason or "").strip()
    if not reason:
        raise IllegalTransition(_("更正或撤销必须填写理由"))
    kind = kind or Kind.REVOCATION
    if kind not in Kind.values:
        raise IllegalTransition(_("决定类型无效"))
    with transaction.atomic():
        old = _lock(decision)
        if old.status != Status.ISSUED:
            raise IllegalTransition(_("只有已签发的决定需要更正；未签发的决定请直接驳回"))
        if Decision.objects.filter(revokes=old, status=Status.ISSUED).exists():
            raise IllegalTransition(_("该决定已被撤销"))
        new = Decision.objects.create(
            county_id=old.county_id,
            township_id=old.township_id,
            kind=kind,
            rule=Rule.MANUAL,
            interviewer=old.interviewer if kind == old.kind else "",
            cadre_id=old.cadre_id,
            unit_id=old.unit_id,
            posting_id=old.posting_id,
            period_key=f"revokes:{old.pk}",
            period_start=old.period_start,
            period_end=old.period_end,
            basis=reason,
            revokes=old,
            proposed_on=today or timezone.localdate(),
            created_by=user if getattr(user, "is_authenticated", False) else None,
            evidence={
                "revokes": {"id": old.pk, "number": old.number, "kind": old.kind},
                **(old.evidence or {}),
            },
        )
        _log(
            new,
            from_status="",
            to_status=Status.PROPOSED,
            user=user,
            note=_("更正 %(number)s：%(reason)s") % {"number": old.number, "reason": reason},
        )
    return new


# ---------------------------------------------------------------------------------------------
# Replacements


def fulfil_replacements(*, county_id: int | None = None) -> int:
    """Mark open replacements fulfilled by a later posting to the same village and role from the same unit.

    Set-based: one UPDATE with a correlated subquery (the earliest such posting starting on or
    after the recall date). Returns the number of replacements fulfilled.
    """
    candidates = (
        Posting.objects.filter(
            village_id=OuterRef("village_id"),
            role=OuterRef("role"),
            unit_id=OuterRef("unit_id"),
            start_date__gte=OuterRef("opened_on"),
        )
        .exclude(pk=OuterRef("recalled_posting_id"))
        .order_by("start_date", "id")
    )
    open_ = Replacement.objects.filter(status=Replacement.Status.OPEN)
    if county_id is not None:
        open_ = open_.filter(county_id=county_id)
    return open_.filter(Exists(candidates)).update(
        status=Replacement.Status.FULFILLED,
        fulfilled_by_id=Subquery(candidates.values("id")[:1]),
        fulfilled_on=Subquery(candidates.values("start_date")[:1]),
    )
