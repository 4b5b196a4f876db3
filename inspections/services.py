"""Writes around inspections and findings that every path shares (the pages and the admin).

A finding's deduction counts in its quarter's ranking and a 严重 finding is the evidence of R3;
whoever saves or deletes findings (or moves an inspection, with its findings, to another date)
calls ``notify_findings_changed`` so that, once committed, the apps above hear of it through
``inspections.signals.findings_changed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from inspections.models import Finding, Inspection
from inspections.signals import findings_changed


def notify_findings_changed(*, county_id: int, days: Iterable[dt.date]) -> None:
    """Once the current transaction commits, send ``findings_changed`` for ``county_id`` and the
    inspection dates ``days`` (each date once, in order)."""
    days = sorted({day for day in days if day is not None})

    def send():
        findings_changed.send(sender=Finding, county_id=county_id, days=days)

    transaction.on_commit(send)


def finding_saved(*, finding: Finding) -> None:
    """A finding was saved: its inspection's county and date changed (R3, the quarter's 减分)."""
    notify_findings_changed(county_id=finding.inspection.county_id, days=[finding.inspection.date])


def inspection_saved(*, inspection: Inspection, previous_date: dt.date | None = None) -> None:
    """An inspection was saved: if it has findings, their quarter (and, when the date moved, the
    quarter they left) changed."""
    if inspection.findings.exists():
        notify_findings_changed(county_id=inspection.county_id, days=[inspection.date, previous_date])
