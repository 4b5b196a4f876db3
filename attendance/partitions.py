"""Attendance records partitioned by month on PostgreSQL (issue 18; migration 0005).

``attendance_attendancerecord`` is range-partitioned on ``month`` (see core/partitions.py for how
partitions are made and filled). Replacing a township-month, computing a county-month's totals
and reading a cadre's month each touch one partition. On SQLite these functions do nothing.
"""

from __future__ import annotations

import datetime as dt

from core.partitions import MonthPartitions

TABLE = "attendance_attendancerecord"
RECORDS = MonthPartitions(table=TABLE, column="month", lock_class=7302)
DEFAULT_PARTITION = RECORDS.default_partition


def partition_name(month: dt.date) -> str:
    return RECORDS.partition_name(month)


def is_partitioned() -> bool:
    """Whether the records table is partitioned here (PostgreSQL after migration 0005)."""
    return RECORDS.is_partitioned()


def month_partitions() -> list[str]:
    """The names of the month partitions (not the default one), oldest first."""
    return RECORDS.month_partitions()


def ensure_month(month: dt.date) -> bool:
    """Make ``month``'s partition when it is missing (before the upload's own transaction); True when made."""
    return RECORDS.ensure_month(month)


def ensure_ahead(*, today: dt.date, months: int = 3) -> list[str]:
    """The monthly jobs' step: partitions for this month and the next ``months - 1``; returns those made."""
    return RECORDS.ensure_ahead(today=today, months=months)


def analyze_month(month: dt.date) -> None:
    """Refresh the planner's statistics of one month after a large load (the partition only)."""
    RECORDS.analyze_month(month)
