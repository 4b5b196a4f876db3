"""Hand-offs from inspections to the apps above it (ARCHITECTURE.md "Hand-offs upward").

Sent with ``send()`` once the change is committed (``inspections.services.notify_findings_changed``);
the receiver lives in ``decisions/pipeline.py`` (re-rank the quarters already ranked, then R3), and
its error reaches the caller — nothing is swallowed.
"""

from django.dispatch import Signal

# Findings of a county were saved or deleted (directly, or through their inspection):
# kwargs ``county_id`` (int), ``days`` (list of ``datetime.date``: the inspection dates involved,
# so the receiver knows which quarters' 减分 changed).
findings_changed = Signal()
