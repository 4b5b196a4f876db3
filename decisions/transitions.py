"""The decision state machine: which status may follow which, the row lock, the event log and the
withdrawal (已撤回) that both a rule run (``rules.revalidate``) and the workflow (``workflow``) use.

It sits below both so that neither imports the other's module back: a rule run withdraws stale
proposals through here, and issuing a recall (``workflow.issue``) proposes R5 through ``rules``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from decisions.models import Decision, DecisionEvent, IllegalTransition

Status = Decision.Status

# Which status may follow which; anything else is refused.
TRANSITIONS = {
    Status.PROPOSED: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
    Status.APPROVED: {Status.ISSUED, Status.WITHDRAWN},
    Status.REJECTED: set(),
    Status.ISSUED: set(),
    Status.WITHDRAWN: set(),
}
OPEN_STATUSES = (Status.PROPOSED, Status.APPROVED)


def lock(decision) -> Decision:
    pk = decision.pk if isinstance(decision, Decision) else decision
    return Decision.objects.select_for_update(of=("self",)).get(pk=pk)


def check(decision: Decision, target: str) -> None:
    if target not in TRANSITIONS[decision.status]:
        raise IllegalTransition(
            _("决定当前状态为“%(current)s”，不能改为“%(target)s”")
            % {
                "current": Status(decision.status).label,
                "target": Status(target).label,
            }
        )


def log_event(
    decision: Decision, *, from_status: str, to_status: str, user=None, note: str = ""
) -> DecisionEvent:
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    return DecisionEvent.objects.create(
        decision=decision, from_status=from_status, to_status=to_status, actor=actor, note=note
    )


def withdraw(*, decision, reason: str, user=None) -> Decision:
    """PROPOSED/APPROVED → WITHDRAWN: the rule no longer holds; the reason is kept and logged."""
    with transaction.atomic():
        d = lock(decision)
        check(d, Status.WITHDRAWN)
        withdraw_locked(d, reason=reason, user=user)
    return d


def withdraw_locked(d: Decision, *, reason: str, user=None) -> None:
    from_status = d.status
    d.status = Status.WITHDRAWN
    d.withdrawal_reason = reason
    d.save(update_fields=["status", "withdrawal_reason"])
    log_event(d, from_status=from_status, to_status=Status.WITHDRAWN, user=user, note=reason)
