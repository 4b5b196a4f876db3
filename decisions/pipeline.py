"""The hand-offs from the apps below to the decision rules, top to bottom (ARCHITECTURE.md).

A lower app sends a plain signal once its change is committed; every receiver is connected here
(``DecisionsConfig.ready``), so this file is the whole chain:

- confirmed upload → monthly totals (``attendance.signals.totals_changed``) → R1 for that month;
- scores or a finding → quarter and annual ranking (``appraisal.signals.ranking_changed``) → R2, R4;
- finding saved or deleted, through the page or the admin (``inspections.signals.findings_changed``)
  → re-rank each quarter already ranked (its 减分) → R3;
- new posting (``cadres.signals.posting_created``) → replacement fulfilled.

Each step re-validates the open proposals of its rules and withdraws those whose evidence changed
(DOMAIN.md §7). Receivers enqueue a task with ids (eager Celery runs it inline); an error is raised,
never swallowed, so it reaches the log, the task's state or the page.
"""

from __future__ import annotations

from appraisal.models import QuarterResult
from appraisal.signals import ranking_changed
from appraisal.tasks import compute_quarterly_ranking_task
from attendance.totals.signals import totals_changed
from cadres.signals import posting_created
from core.periods import quarter_of
from decisions import tasks
from decisions.models import Decision
from decisions.rules import RuleRun, rerun_rules
from inspections.signals import findings_changed


def on_totals_changed(sender, *, county_id: int, month, **kwargs) -> None:
    tasks.rerun_after_totals_task.delay(county_id, month.isoformat())


def on_ranking_changed(sender, *, county_id: int, year: int, quarter: int, **kwargs) -> None:
    tasks.rerun_after_ranking_task.delay(county_id, year, quarter)


def on_posting_created(sender, *, county_id: int, **kwargs) -> None:
    tasks.fulfil_replacements_task.delay(county_id)


def on_findings_changed(sender, *, county_id: int, days, **kwargs) -> None:
    after_findings_changed(county_id=county_id, days=days)


def propose_after_finding(*, county_id: int) -> RuleRun:
    """Pipeline step: a finding changed (or was deleted), so R3 re-runs."""
    return rerun_rules(county=county_id, rules={Decision.Rule.R3})


def after_findings_changed(*, county_id: int, days) -> None:
    """Findings of ``county_id`` dated ``days`` were saved or deleted (and committed: the signal is
    sent on commit): re-rank each quarter already ranked (its own hand-off then re-runs R2/R4) and
    re-run R3."""
    quarters = sorted({quarter_of(day) for day in days})
    for year, quarter in quarters:
        _recompute_ranking(county_id=county_id, year=year, quarter=quarter)
    propose_after_finding(county_id=county_id)


def _recompute_ranking(*, county_id: int, year: int, quarter: int) -> None:
    """Rank the quarter again, if it has been ranked: a quarter not ranked yet picks the deduction
    up when it is (ranking an unfinished quarter here would grade cadres on part of it)."""
    if not QuarterResult.objects.filter(county_id=county_id, year=year, quarter=quarter).exists():
        return
    compute_quarterly_ranking_task.delay(county_id, year, quarter)


def connect() -> None:
    totals_changed.connect(on_totals_changed, dispatch_uid="decisions.pipeline.totals")
    ranking_changed.connect(on_ranking_changed, dispatch_uid="decisions.pipeline.ranking")
    posting_created.connect(on_posting_created, dispatch_uid="decisions.pipeline.posting")
    findings_changed.connect(on_findings_changed, dispatch_uid="decisions.pipeline.findings")
