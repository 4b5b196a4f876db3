"""撤换重派 (DOMAIN.md §7): what an issued recall opens and what fills it.

An issued recall ends its posting and opens a replacement (``apply_recall``, called by
``workflow.issue``); issuing a revocation cancels the revoked recall's open replacement; a later
posting from the same unit to the same village and role fulfils it (``fulfil_replacements``, run by
``decisions.pipeline`` when a posting is created).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Subquery

from cadres.models import Posting
from decisions import rules
from decisions.models import Decision, Replacement
from villages.models import County, Policy


def apply_recall(d: Decision, *, county: County) -> None:
    """Inside ``workflow.issue``'s transaction: an issued recall (召回 or 组织调整) ends its posting
    (RECALLED, actual end = decision date), opens a replacement due ``replacement_due_days`` later,
    and proposes R5 for the sending unit."""
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
        proposer = rules.Proposer(county, d.decision_date)
        rules.propose_unit_interview(proposer, d)
        proposer.flush()


def cancel_after_revocation(*, revoked_id: int) -> None:
    """Issuing a revocation cancels the revoked recall's open replacement."""
    Replacement.objects.filter(decision_id=revoked_id, status=Replacement.Status.OPEN).update(
        status=Replacement.Status.CANCELLED
    )


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
