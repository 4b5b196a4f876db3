"""The hand-offs from the apps below to the decision rules, top to bottom (ARCHITECTURE.md).

A lower app sends a plain signal once its change is committed; every receiver is connected here
(``DecisionsConfig.ready``), so this file is the whole chain:

- confirmed upload → monthly totals (``attendance.signals.totals_changed``) → R1 for that month;
- scores or a finding → quarter and annual ranking (``appraisal.signals.ranking_changed``) → R2, R4;
- finding saved through the page or the admin (``services.after_finding_saved``) → re-rank → R3;
- new posting (``cadres.signals.posting_created``) → replacement fulfilled.

Each step re-validates the open proposals of its rules and withdraws those whose evidence changed
(DOMAIN.md §7). Receivers enqueue a task with ids (eager Celery runs it inline); an error is raised,
never swallowed, so it reaches the log, the task's state or the page.
"""

from __future__ import annotations

from appraisal.signals import ranking_changed
from attendance.totals.signals import totals_changed
from cadres.signals import posting_created
from decisions import tasks


def on_totals_changed(sender, *, county_id: int, month, **kwargs) -> None:
    tasks.rerun_after_totals_task.delay(county_id, month.isoformat())


def on_ranking_changed(sender, *, county_id: int, year: int, quarter: int, **kwargs) -> None:
    tasks.rerun_after_ranking_task.delay(county_id, year, quarter)


def on_posting_created(sender, *, county_id: int, **kwargs) -> None:
    tasks.fulfil_replacements_task.delay(county_id)


def connect() -> None:
    totals_changed.connect(on_totals_changed, dispatch_uid="decisions.pipeline.totals")
    ranking_changed.connect(on_ranking_changed, dispatch_uid="decisions.pipeline.ranking")
    posting_created.connect(on_posting_created, dispatch_uid="decisions.pipeline.posting")
