"""Hand-offs from appraisal to the apps above it (ARCHITECTURE.md "Hand-offs upward").

Sent with ``send()`` once the change is committed; the receivers live in the higher apps
(``decisions/pipeline.py``) and a receiver's error reaches the caller — nothing is swallowed.
"""

from django.dispatch import Signal

# A county's quarter (and the annual results of its year) were ranked again:
# kwargs ``county_id`` (int), ``year`` (int), ``quarter`` (int).
ranking_changed = Signal()
