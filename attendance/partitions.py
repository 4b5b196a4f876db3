"""Attendance records partitioned by month on PostgreSQL (issue 18; migration 0004).

A nation's month is some 24 million cadre-days. On PostgreSQL ``attendance_attendancerecord`` is a
declarative range-partitioned table on ``month``: one partition per month
(``attendance_attendancerecord_p202607``) and a default partition that catches rows of a month
whose partition does not exist yet, so no writer ever fails for want of one. Replacing a
township-month, computing a county-month's totals and reading a cadre's month each touch one
partition (the planner prunes the others by ``month``).

Partitions are made ahead by the monthly jobs (:func:`ensure_ahead`) and on demand by the upload
path (:func:`ensure_month`) before it writes; a month that reached the default partition first is
moved into its own partition when that is made. On SQLite the table stays a plain table and these
functions do nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from core.periods import next_month

TABLE = "attendance_attendancerecord"
DEFAULT_PARTITION = f"{TABLE}_default"
_LOCK_CLASS = 7302  # pg_advisory_xact_lock(class, yyyymm): one creator per month


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def is_partitioned() -> bool:
    """Whether the records table is partitioned here (PostgreSQL after migration 0004)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def month_partitions() -> list[str]:
    """The names of the month partitions (not the default one), oldest first."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s) AND c.relname <> %s ORDER BY c.relname",
            [TABLE, DEFAULT_PARTITION],
        )
        return [name for (name,) in cursor.fetchall()]


def ensure_month(month: dt.date) -> bool:
    """Make ``month``'s partition when it is missing; True when it was made.

    Runs in its own short transaction when called outside one (the upload path calls it before its
    own transaction, so the partition's DDL locks are not held while a large file is written). A
    month's rows already in the default partition move into the new partition.
    """
    if not is_partitioned():
        return False
    month = month.replace(day=1)
    name = partition_name(month)
    end = next_month(month)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, month.year * 100 + month.month])
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return False
        # CREATE TABLE … PARTITION OF would lock the whole table against readers and writers;
        # a plain table attached afterwards needs only a lock that lets them through.
        cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(
            f"ALTER TABLE {name} ADD CONSTRAINT {name}_bound CHECK (month >= %s AND month < %s)", [month, end]
        )
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE month >= %s AND month < %s RETURNING *) "
            f"INSERT INTO {name} SELECT * FROM moved",
            [month, end],
        )
        cursor.execute(
            f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [month, end]
        )
        cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bound")
    return True


def ensure_ahead(*, today: dt.date, months: int = 3) -> list[str]:
    """The monthly jobs' step: partitions for this month and the next ``months - 1``; returns those made."""
    made = []
    month = today.replace(day=1)
    for _ in range(months):
        if ensure_month(month):
            made.append(partition_name(month))
        month = next_month(month)
    return made


def analyze_month(month: dt.date) -> None:
    """Refresh the planner's statistics of one month after a large load (the partition only)."""
    if connection.vendor != "postgresql":
        return
    target = TABLE
    if is_partitioned():
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [partition_name(month)])
            if cursor.fetchone()[0]:
                target = partition_name(month)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {target}")
