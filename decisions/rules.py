"""Decision rules R1–R5 (DOMAIN.md §7): what the evidence proposes, and what it no longer supports.

Views, commands and the pipeline (``propose_after_monthly_totals``, ``propose_after_ranking``) run
the rules through these keyword-only functions; the review steps are in ``workflow``.

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
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from appraisal.models import AnnualResult, QuarterResult
from appraisal.ranking import annual_is_final
from attendance.models import AttendanceUpload, MonthlyTotal
from cadres.models import Posting
from core.history import COMMAND, current_path
from core.periods import month_end, next_month, previous_quarter, quarter_bounds
from decisions import evidence
from decisions.models import Decision, DecisionEvent
from decisions.transitions import OPEN_STATUSES, withdraw
from inspections.models import Finding
from villages.models import County, Policy

Status = Decision.Status
Kind = Decision.Kind
Rule = Decision.Rule

ALL_RULES = frozenset({Rule.R1, Rule.R2, Rule.R3, Rule.R4, Rule.R5})


# ---------------------------------------------------------------------------------------------
# Small helpers


def _county(county) -> County:
    if isinstance(county, County):
        return county
    return County.objects.get(pk=county)


def _subject_key(*, cadre_id=None, unit_id=None) -> str:
    return f"cadre:{cadre_id}" if cadre_id else f"unit:{unit_id}"


class Proposer:
    """Collects one county's proposals and writes them in batches, skipping any (rule, subject,
    period) already present.

    ``propose`` only queues a proposal; ``flush`` (called by the rule run when it ends, and
    whenever ``batch_size`` proposals are waiting) writes the waiting ones set-based: one
    ``bulk_create`` for the decisions with their history rows (the same values, user and path as
    a save would write) and one for their first events. Should the batch hit the unique
    constraint — another run created one of them meanwhile — the batch is written again one
    proposal at a time, each in its own savepoint, and the one already present is skipped, as
    before.
    """

    batch_size = 1000

    def __init__(self, county: County, today: dt.date):
        self.county = county
        self.today = today
        self.created: list[Decision] = []
        self.pending: list[Decision] = []
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
    ) -> None:
        subject_key = _subject_key(cadre_id=cadre_id, unit_id=unit_id)
        key = (rule, subject_key, period_key)
        if key in self.existing:
            return
        self.existing.add(key)
        self.pending.append(
            Decision(
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
        )
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write the waiting proposals and their first events; they join ``created``."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        try:
            with transaction.atomic():
                bulk_create_with_history(pending, Decision, default_change_reason=current_path() or COMMAND)
                DecisionEvent.objects.bulk_create(_first_event(d) for d in pending)
        except IntegrityError:
            written = [d for d in pending if _create_one(d)]
        else:
            written = pending
        self.created.extend(written)


def _first_event(decision: Decision) -> DecisionEvent:
    return DecisionEvent(decision=decision, from_status="", to_status=Status.PROPOSED, note=_("规则自动提出"))


def _create_one(decision: Decision) -> bool:
    """Save one proposal and its first event in a savepoint; ``False`` if the unique constraint
    already holds one (another run created it meanwhile)."""
    decision.pk = None
    decision._state.adding = True
    try:
        with transaction.atomic():
            decision.save(force_insert=True)
            _first_event(decision).save(force_insert=True)
    except IntegrityError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# The rules


def _rule_attendance(p: Proposer, policy: Policy, *, month: dt.date | None = None) -> None:
    """R1; with ``month``, only runs that contain that month (the one whose totals changed)."""
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
        for current in sorted(months):
            counted = months[current]
            noncompliant = any(not r["compliant"] for r in counted)
            if not noncompliant or (run and next_month(run[-1][0]) != current):
                run = []
            if not noncompliant:
                continue
            run.append((current, counted))
            if len(run) < n:
                continue
            last = run[-1][1][-1]
            touches = month is None or run[0][0] <= month <= run[-1][0]
            if touches and last["posting__status"] == Posting.Status.ACTIVE:
                _propose_attendance_recall(p, cadre_id=cadre_id, run=run, last=last)
            run = []


def _propose_attendance_recall(p: Proposer, *, cadre_id, run, last) -> None:
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


def _rule_poor_grade(p: Proposer, policy: Policy) -> None:
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


def _rule_inspection(p: Proposer, policy: Policy) -> None:
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


def _rule_reward(p: Proposer, policy: Policy) -> None:
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


def propose_unit_interview(p: Proposer, recall: Decision) -> None:
    posting = recall.posting
    if posting is None:
        return
    basis = _("%(unit)s选派的%(name)s同志被召回（%(number)s），依照上问一级，约谈派出单位主要负责同志") % {
        "unit": posting.unit.name,
        "name": recall.cadre.name if recall.cadre_id else "",
        "number": recall.number,
    }
    p.propose(
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


def _rule_unit_accountability(p: Proposer, policy: Policy) -> None:
    issued = (
        Decision.objects.filter(
            county=p.county, status=Status.ISSUED, kind__in=Decision.RECALL_KINDS, posting__isnull=False
        )
        .select_related("posting__unit", "cadre")
        .order_by("id")
    )
    for recall in issued:
        propose_unit_interview(p, recall)


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
    p = Proposer(county, today)
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
    p.flush()
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
    with evidence.batch():  # each kind of evidence read once for the county, not once per proposal
        for decision in open_:
            reason = evidence.stale_reason(decision)
            if reason:
                withdrawn.append(withdraw(decision=decision, reason=reason))
    return withdrawn


def propose_after_monthly_totals(*, county_id: int, month: dt.date) -> RuleRun:
    """Pipeline step: a county-month's totals changed, so R1 re-runs around that month."""
    return rerun_rules(county=county_id, rules={Rule.R1}, month=month.replace(day=1))


def propose_after_ranking(*, county_id: int, year: int, quarter: int) -> RuleRun:
    """Pipeline step: a quarter (and its year) was ranked, so the grade rules R2 and R4 re-run."""
    return rerun_rules(county=county_id, rules={Rule.R2, Rule.R4})
