"""Check-ins partitioned by month on PostgreSQL (issue 18; migration 0002).

``checkins_checkin`` is range-partitioned on ``day`` (the slot's day), one partition per month
(``checkins_checkin_p202607``) and a default one — see core/partitions.py. A province-month is
about 4.5 million check-ins; the month's reconciliation reads one partition. The phone page and
the import make their month's partition when missing; the nightly job makes this month's and the
next two ahead (``checkins.tasks.make_partitions_ahead_task``). On SQLite: a plain table.
"""

from core.partitions import MonthPartitions

CHECKINS = MonthPartitions(table="checkins_checkin", column="day", lock_class=7303)
