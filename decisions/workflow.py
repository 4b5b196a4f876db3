"""The review workflow of a decision (DOMAIN.md §7): approve, reject, issue with its document
number, and the correction (更正/撤销) of an issued one.

Each step locks the row, checks the step is allowed (``transitions``) and logs an event. Approving
and issuing re-check the evidence inside their transaction (``decisions.evidence.stale_reason``):
a stale decision is withdrawn (the withdrawal commits) and the step refused. Issuing a recall has
its effects in ``replacements`` (the posting ends, a replacement opens, R5 is proposed).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import replacements
from decisions.evidence import stale_reason
from decisions.models import Decision, DecisionCounter, IllegalTransition
from decisions.notices import take_snapshot
from decisions.transitions import check, lock, log_event, withdraw_locked
from villages.models import County

Status = Decision.Status
Kind = Decision.Kind
Rule = Decision.Rule


def format_number(county_name: str, year: int, seq: int) -> str:
    """The document number: ``开鲁县驻村〔2026〕3号``."""
    return f"{county_name}驻村〔{year}〕{seq}号"


def _recheck(d: Decision, *, action: str, user) -> None:
    """Inside the caller's transaction, with the row locked: a stale decision is withdrawn and the
    step refused. The withdrawal is kept (the caller's transaction commits), then the error raised."""
    reason = stale_reason(d)
    if reason:
        withdraw_locked(d, reason=reason, user=user)
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
        d = lock(decision)
        check(d, Status.APPROVED)
        _recheck(d, action=_("同意"), user=user)
        d.status = Status.APPROVED
        d.save(update_fields=["status"])
        log_event(d, from_status=Status.PROPOSED, to_status=Status.APPROVED, user=user, note=note)
        return d

    return _refusing_stale(step)


def reject(*, decision, user, reason: str) -> Decision:
    """PROPOSED → REJECTED; a reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise IllegalTransition(_("驳回必须填写理由"))
    with transaction.atomic():
        d = lock(decision)
        check(d, Status.REJECTED)
        d.status = Status.REJECTED
        d.rejection_reason = reason
        d.save(update_fields=["status", "rejection_reason"])
        log_event(d, from_status=Status.PROPOSED, to_status=Status.REJECTED, user=user, note=reason)
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
        d = lock(decision)
        check(d, Status.ISSUED)
        _recheck(d, action=_("签发"), user=user)
        county = County.objects.get(pk=d.county_id)
        seq = _next_number(county_id=county.pk, year=decision_date.year)
        d.number_year, d.number_seq = decision_date.year, seq
        d.number = format_number(county.name, decision_date.year, seq)
        d.decision_date = decision_date
        d.status = Status.ISSUED
        d.snapshot = take_snapshot(d)
        d.save()
        log_event(d, from_status=Status.APPROVED, to_status=Status.ISSUED, user=user, note=d.number)
        if d.is_recall:
            replacements.apply_recall(d, county=county)
        if d.kind == Kind.REVOCATION and d.revokes_id:
            replacements.cancel_after_revocation(revoked_id=d.revokes_id)
        return d

    return _refusing_stale(step)


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
        old = lock(decision)
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
        log_event(
            new,
            from_status="",
            to_status=Status.PROPOSED,
            user=user,
            note=_("更正 %(number)s：%(reason)s") % {"number": old.number, "reason": reason},
        )
    return new
