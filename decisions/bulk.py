"""Bulk review (批量审核): approve or reject many proposals in one step with one comment.

Each decision still goes through ``workflow.approve`` / ``workflow.reject`` on its own, in its
own transaction, so each is re-checked under its row lock and logged with who and when exactly
as from its detail page. One that can no longer move (already decided by someone else, withdrawn
because its evidence changed, …) is refused and reported; the others go through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from decisions import workflow
from decisions.models import Decision, IllegalTransition, ImmutableDecision

APPROVE = "approve"
REJECT = "reject"


@dataclass
class BulkResult:
    action: str
    done: list[Decision] = field(default_factory=list)
    refused: list[tuple[Decision, str]] = field(default_factory=list)


def review(*, decisions, action: str, user, note: str = "") -> BulkResult:
    """Approve or reject each of ``decisions`` (already scoped to the user) one by one.

    Rejecting needs a reason (``note``); without one nothing is done and every decision is
    reported as refused.
    """
    if action not in (APPROVE, REJECT):
        raise ValueError(action)
    note = (note or "").strip()
    result = BulkResult(action=action)
    for decision in decisions:
        if action == REJECT and not note:
            result.refused.append((decision, _("驳回必须填写理由")))
            continue
        try:
            if action == APPROVE:
                done = workflow.approve(decision=decision, user=user, note=note)
            else:
                done = workflow.reject(decision=decision, user=user, reason=note)
        except (IllegalTransition, ImmutableDecision) as exc:
            result.refused.append((decision, getattr(exc, "message", None) or str(exc)))
        else:
            decision.status = done.status
            result.done.append(decision)
    return result
