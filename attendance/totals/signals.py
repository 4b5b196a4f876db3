"""Hand-offs from attendance to the apps above it (ARCHITECTURE.md "Hand-offs upward").

Sent with ``send()`` once the change is committed; the receivers live in the higher apps
(``decisions/pipeline.py``) and a receiver's error reaches the caller — nothing is swallowed.
"""

from django.dispatch import Signal

# A county-month's monthly totals were (re)computed: kwargs ``county_id`` (int), ``month`` (date, 1st).
totals_changed = Signal()
