"""Celery tasks of the attendance app: upload processing and monthly totals.

Celery's autodiscovery imports ``attendance.tasks``; each module registers its own tasks.
"""

from attendance.tasks.totals import *  # noqa: F401,F403
from attendance.tasks.upload import *  # noqa: F401,F403
