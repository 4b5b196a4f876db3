"""Tables partitioned by month on PostgreSQL (issue 18): attendance records and check-ins.

A nation's month is some 24 million cadre-days and three check-ins a day on top. On PostgreSQL
such a table is a declarative range-partitioned table on one date column: one partition per month
(``<table>_p202607``) and a default partition that catches rows of a month whose partition does not
exist yet, so no writer ever fails for want of one. Work on one month touches one partition (the
planner prunes the others by the date column).

Partitions are made ahead by the monthly jobs (:meth:`MonthPartitions.ensure_ahead`) and on demand
by the writing paths (:meth:`MonthPartitions.ensure_month`) before they write; a month that reached
the default partition first is moved into its own partition when that is made. On SQLite the
table stays a plain table and these methods do nothing.

Each app declares its table once (``attendance/partitions.py``, ``checkins/partitions.py``); the
migration that partitions a table in place is the app's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction

from core.periods import next_month


@dataclass(frozen=True)
class MonthPartitions:
    table: str
    column: str  # the partition key: a date column (the month's first day, or any day of it)
    lock_class: int  # pg_advisory_xact_lock(lock_class, yyyymm): one creator per month and table

    @property
    def default_partition(self) -> str:
        return f"{self.table}_default"

    def partition_name(self, month: dt.date) -> str:
        return f"{self.table}_p{month:%Y%m}"

    def is_partitioned(self) -> bool:
        """Whether the table is partitioned here (PostgreSQL after the app's partitioning migration)."""
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [self.table])
            row = cursor.fetchone()
        return bool(row) and row[0] == "p"

    def month_partitions(self) -> list[str]:
        """The names of the month partitions (not the default one), oldest first."""
        if not self.is_partitioned():
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = to_regclass(%s) AND c.relname <> %s ORDER BY c.relname",
                [self.table, self.default_partition],
            )
            return [name for (name,) in cursor.fetchall()]

    def ensure_month(self, month: dt.date) -> bool:
        """Make ``month``'s partition when it is missing; True when it was made.

        Runs in its own short transaction when called outside one (the upload paths call it before
        their own transaction, so the partition's DDL locks are not held while a large file is
        written). A month's rows already in the default partition move into the new partition.
        """
        if not self.is_partitioned():
            return False
        month = month.replace(day=1)
        name = self.partition_name(month)
        end = next_month(month)
        table, column = self.table, self.column
        with connection.cursor() as cursor:  # the common case, without taking the lock
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
            if cursor.fetchone()[0]:
                return False
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [self.lock_class, month.year * 100 + month.month]
            )
            # Read pg_class itself, not to_regclass: the lookup above may have cached "missing" in this
            # session, and an advisory lock does not refresh that cache when another session made it.
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relname = %s AND n.nspname = current_schema())",
                [name],
            )
            if cursor.fetchone()[0]:
                return False
            # CREATE TABLE … PARTITION OF would lock the whole table against readers and writers;
            # a plain table attached afterwards needs only a lock that lets them through.
            cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute(
                f"ALTER TABLE {name} ADD CONSTRAINT {name}_bound CHECK ({column} >= %s AND {column} < %s)",
                [month, end],
            )
            cursor.execute(
                f"WITH moved AS (DELETE FROM {self.default_partition} WHERE {column} >= %s AND {column} < %s "
                f"RETURNING *) INSERT INTO {name} SELECT * FROM moved",
                [month, end],
            )
            cursor.execute(
                f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [month, end]
            )
            cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bound")
        return True

    def ensure_between(self, first: dt.date, last: dt.date) -> list[str]:
        """Partitions for every month from ``first``'s to ``last``'s; returns those made."""
        made = []
        month, stop = first.replace(day=1), last.replace(day=1)
        while month <= stop:
            if self.ensure_month(month):
                made.append(self.partition_name(month))
            month = next_month(month)
        return made

    def ensure_ahead(self, *, today: dt.date, months: int = 3) -> list[str]:
        """The monthly jobs' step: partitions for this month and the next ``months - 1``; returns those made."""
        made = []
        month = today.replace(day=1)
        for _ in range(months):
            if self.ensure_month(month):
                made.append(self.partition_name(month))
            month = next_month(month)
        return made

    def analyze_month(self, month: dt.date) -> None:
        """Refresh the planner's statistics of one month after a large load (the partition only)."""
        if connection.vendor != "postgresql":
            return
        target = self.table
        if self.is_partitioned():
            with connection.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [self.partition_name(month)])
                if cursor.fetchone()[0]:
                    target = self.partition_name(month)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {target}")
