"""Attendance records partitioned by month on PostgreSQL (migration 0004, attendance/partitions.py)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from attendance import partitions
from attendance.intake.write import import_attendance
from attendance.models import AttendanceRecord
from attendance.totals.compute import compute_monthly_totals
from attendance.totals.tasks import compute_current_month_all_counties
from tests.attendance.helpers import long_xlsx
from tests.attendance.totals.factories import mark_days

pytestmark = pytest.mark.postgres

TABLE = "attendance_attendancerecord"
BEFORE = ("attendance", "0004_leave_village_signoff")
AFTER = ("attendance", "0005_partition_records_by_month")


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL：SQLite 上考勤记录是普通表")


def _where_rows_are() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text, count(*) FROM {TABLE} GROUP BY 1")
        return dict(cursor.fetchall())


def _rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, month, date, status, note, cadre_id, posting_id, township_id, upload_id FROM {TABLE} ORDER BY id"
        )
        return cursor.fetchall()


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _migrate_to_latest() -> None:
    """Back to every app's newest migration: going back to BEFORE also unapplied the migrations
    that came after the partitioning, and the tests that follow need the whole schema."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(line for (line,) in cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_row_its_id_and_the_constraints(world):
    _migrate(BEFORE)
    assert not partitions.is_partitioned()
    mark_days(world.p_a1, dt.date(2026, 3, 1), "√○公事")
    mark_days(world.p_a2, dt.date(2026, 4, 29), "√√√√")  # across the month's end
    before = _rows()
    try:
        _migrate(AFTER)
        assert partitions.is_partitioned()
        assert _rows() == before
        assert _where_rows_are() == {
            f"{TABLE}_p202603": 4,
            f"{TABLE}_p202604": 2,
            f"{TABLE}_p202605": 2,
        }
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass",
                [TABLE],
            )
            constraints = dict(cursor.fetchall())
        assert constraints[f"{TABLE}_pkey"] == "PRIMARY KEY (id, month)"
        assert constraints["attendance_one_status_per_cadre_day"] == "UNIQUE (cadre_id, date, month)"
        assert "REFERENCES cadres_posting(id) DEFERRABLE INITIALLY DEFERRED" in "".join(constraints.values())
        assert "attendance_record_month_is_dates_month" in constraints
        # New ids continue after the copied ones.
        record = AttendanceRecord.objects.create(
            posting=world.p_b1,
            cadre=world.cadre_b1,
            township=world.b1,
            month=dt.date(2026, 3, 1),
            date=dt.date(2026, 3, 9),
            status="ON_SITE",
        )
        assert record.pk > max(row[0] for row in before)
        # Still one status per cadre-day, and still only for an existing posting.
        with pytest.raises(IntegrityError), transaction.atomic():
            mark_days(world.p_a1, dt.date(2026, 3, 1), "×")
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"INSERT INTO {TABLE} (month, date, status, note, cadre_id, posting_id, township_id) "
                "VALUES ('2026-03-01', '2026-03-10', 'ON_SITE', '', %s, 987654321, %s)",
                [world.cadre_b1.pk, world.b1.pk],
            )
        # And month is always the date's month, so (cadre, date, month) is as strict as (cadre, date).
        with pytest.raises(IntegrityError), transaction.atomic():
            AttendanceRecord.objects.create(
                posting=world.p_b1,
                cadre=world.cadre_b1,
                township=world.b1,
                month=dt.date(2026, 4, 1),
                date=dt.date(2026, 3, 9),
                status="ON_SITE",
            )
    finally:
        _migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_the_migration_can_be_reversed_with_the_rows(world):
    mark_days(world.p_a1, dt.date(2026, 3, 1), "√√")
    before = _rows()
    try:
        _migrate(BEFORE)
        assert not partitions.is_partitioned()
        assert _rows() == before
    finally:
        _migrate_to_latest()
    assert _rows() == before


@pytest.mark.django_db(transaction=True)
def test_an_upload_for_a_new_month_makes_its_partition(world):
    month, as_of = dt.date(2027, 5, 1), dt.date(2027, 5, 20)  # inside the world's postings
    name = partitions.partition_name(month)
    assert name not in partitions.month_partitions()
    result = import_attendance(
        township=world.a1, month=month, file=long_xlsx([world.p_a1], month, as_of), as_of=as_of
    )
    assert result.applied
    assert name in partitions.month_partitions()
    assert _where_rows_are() == {name: 20}
    # Re-uploading the month finds the partition there.
    assert import_attendance(
        township=world.a1, month=month, file=long_xlsx([world.p_a1], month, as_of), as_of=as_of
    ).applied
    assert _where_rows_are() == {name: 20}


@pytest.mark.django_db(transaction=True)
def test_rows_that_reached_the_default_partition_move_into_their_month(world):
    mark_days(world.p_a1, dt.date(2027, 7, 1), "√√√")
    assert _where_rows_are() == {f"{TABLE}_default": 3}
    assert partitions.ensure_month(dt.date(2027, 7, 15)) is True
    assert partitions.ensure_month(dt.date(2027, 7, 1)) is False
    assert _where_rows_are() == {f"{TABLE}_p202707": 3}


@pytest.mark.django_db(transaction=True)
def test_the_monthly_job_makes_this_month_and_the_next_two(world, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2032, 12, 5))
    compute_current_month_all_counties()
    made = set(partitions.month_partitions())
    assert {f"{TABLE}_p203212", f"{TABLE}_p203301", f"{TABLE}_p203302"} <= made
    assert f"{TABLE}_p203303" not in made


@pytest.mark.django_db(transaction=True)
def test_replacing_a_township_month_and_its_totals_touch_one_partition(world):
    for month in (dt.date(2027, 1, 1), dt.date(2027, 2, 1), dt.date(2027, 3, 1)):
        partitions.ensure_month(month)
    mark_days(world.p_a1, dt.date(2027, 1, 1), "√" * 28)
    mark_days(world.p_a1, dt.date(2027, 2, 1), "√" * 28)
    replace = _explain(
        f"DELETE FROM {TABLE} WHERE township_id = %s AND month = %s", [world.a1.pk, dt.date(2027, 2, 1)]
    )
    assert f"{TABLE}_p202702" in replace
    assert f"{TABLE}_p202701" not in replace and f"{TABLE}_default" not in replace
    # The totals' own query, captured as it runs, planned with the month it was given.
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        compute_monthly_totals(county=world.county_a, month=dt.date(2027, 2, 1), today=dt.date(2027, 6, 1))
    totals_sql = next(q["sql"] for q in captured if f"FROM {TABLE}" in q["sql"])
    plan = _explain(totals_sql, None)
    assert f"{TABLE}_p202702" in plan
    assert f"{TABLE}_p202701" not in plan and f"{TABLE}_p202703" not in plan
