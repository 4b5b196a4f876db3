"""Hand-offs from cadres to the apps above it (ARCHITECTURE.md "Hand-offs upward").

Sent with ``send()`` once the change is committed; the receivers live in the higher apps
(``decisions/pipeline.py``) and a receiver's error reaches the caller — nothing is swallowed.
"""

from django.dispatch import Signal

# New postings were saved in a county (a replacement a recall waits for may now be fulfilled):
# kwargs ``county_id`` (int).
posting_created = Signal()
