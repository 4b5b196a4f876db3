"""Check-ins partitioned by month on PostgreSQL (checkins migration 0002, checkins/partitions.py)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from checkins.importing import import_checkins
from checkins.models import CheckIn
from checkins.partitions import CHECKINS
from checkins.services import record_checkin
from checkins.tasks import make_partitions_ahead_task
from tests.checkins.conftest import LAT, LON, at
from tests.checkins.test_import import workbook

pytestmark = pytest.mark.postgres

TABLE = "checkins_checkin"
BEFORE = ("checkins", "0001_checkins")
AFTER = ("checkins", "0002_partition_checkins_by_month")
COLUMNS = (
    "id, at, day, slot, latitude, longitude, accuracy_m, source, note, valid, reason, cadre_id, posting_id"
)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL：SQLite 上签到是普通表")


def _where_rows_are() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text, count(*) FROM {TABLE} GROUP BY 1")
        return dict(cursor.fetchall())


def _rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM {TABLE} ORDER BY id")
        return cursor.fetchall()


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _phone(world, moment):
    return record_checkin(cadre=world.cadre_a1, latitude=LAT, longitude=LON, accuracy_m=15, at=moment)


def _constraints() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass",
            [TABLE],
        )
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_row_its_id_and_the_constraints(world, fences):
    _migrate(BEFORE)
    assert not CHECKINS.is_partitioned()
    _phone(world, at(2026, 3, 31, 20, 0))
    _phone(world, at(2026, 4, 1, 1, 30))  # 晚间 of 31 March: March's partition
    _phone(world, at(2026, 4, 1, 8, 0))
    before = _rows()
    try:
        _migrate(AFTER)
        assert CHECKINS.is_partitioned()
        assert _rows() == before
        assert _where_rows_are() == {f"{TABLE}_p202603": 2, f"{TABLE}_p202604": 1}
        constraints = _constraints()
        assert constraints[f"{TABLE}_pkey"] == "PRIMARY KEY (id, day)"
        assert constraints["checkin_unique_cadre_time"] == "UNIQUE (cadre_id, at, day)"
        assert "REFERENCES cadres_cadre(id) DEFERRABLE INITIALLY DEFERRED" in "".join(constraints.values())
        assert "REFERENCES cadres_posting(id) DEFERRABLE INITIALLY DEFERRED" in "".join(constraints.values())
        assert "CHECK ((distance_m >= 0))" in constraints.values()
        # New ids continue after the copied ones; tapping twice still records once.
        later = _phone(world, at(2026, 4, 1, 15, 0))
        assert later.pk > max(row[0] for row in before)
        assert _phone(world, at(2026, 4, 1, 15, 0)).pk == later.pk
        with pytest.raises(IntegrityError), transaction.atomic():
            CheckIn.objects.create(
                cadre=world.cadre_a1,
                at=at(2026, 4, 1, 15, 0),
                day=dt.date(2026, 4, 1),
                slot="PM",
                latitude=LAT,
                longitude=LON,
                accuracy_m=5,
                source="IMPORT",
                valid=True,
            )
        # Still only for an existing cadre.
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"INSERT INTO {TABLE} (at, day, slot, latitude, longitude, accuracy_m, source, note, photo, "
                "valid, reason, created_at, cadre_id) VALUES (now(), '2026-04-02', 'AM', 0, 0, 1, 'IMPORT', "
                "'', '', true, '', now(), 987654321)"
            )
    finally:
        _migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_the_migration_can_be_reversed_with_the_rows(world, fences):
    _phone(world, at(2026, 3, 2, 8, 0))
    _phone(world, at(2026, 5, 2, 8, 0))
    before = _rows()
    try:
        _migrate(BEFORE)
        assert not CHECKINS.is_partitioned()
        assert _rows() == before
        assert _constraints()[f"{TABLE}_pkey"] == "PRIMARY KEY (id)"
        assert _constraints()["checkin_unique_cadre_time"] == "UNIQUE (cadre_id, at)"
    finally:
        _migrate_to_latest()
    assert CHECKINS.is_partitioned()
    assert _rows() == before


@pytest.mark.django_db(transaction=True)
def test_an_import_for_a_new_month_makes_its_partition(world, fences):
    name = CHECKINS.partition_name(dt.date(2026, 11, 1))
    assert name not in CHECKINS.month_partitions()
    a1 = world.cadre_a1
    rows = [
        [a1.id_number, a1.name, "2026-11-10 07:30", LAT, LON, 15, ""],
        [a1.id_number, a1.name, "2026-11-10 14:05", LAT, LON, 20, ""],
    ]
    result = import_checkins(file=workbook(rows))
    assert result.ok and result.created == 2
    assert name in CHECKINS.month_partitions()
    assert _where_rows_are() == {name: 2}
    assert import_checkins(file=workbook(rows)).created == 0  # a re-import adds nothing


@pytest.mark.django_db(transaction=True)
def test_a_phone_check_in_in_a_new_month_makes_its_partition(world, fences):
    _phone(world, at(2026, 12, 1, 3, 0))  # 晚间 of 30 November
    _phone(world, at(2026, 12, 1, 9, 0))
    assert _where_rows_are() == {f"{TABLE}_p202611": 1, f"{TABLE}_p202612": 1}


@pytest.mark.django_db(transaction=True)
def test_rows_that_reached_the_default_partition_move_into_their_month(world, fences):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, day, slot, latitude, longitude, accuracy_m, source, note, photo, valid, "
            "reason, created_at, cadre_id) VALUES ('2027-07-02 00:00+00', '2027-07-02', 'AM', 0, 0, 1, "
            "'IMPORT', '', '', true, '', now(), %s)",
            [world.cadre_a1.pk],
        )
    assert _where_rows_are() == {f"{TABLE}_default": 1}
    assert CHECKINS.ensure_month(dt.date(2027, 7, 15)) is True
    assert CHECKINS.ensure_month(dt.date(2027, 7, 1)) is False
    assert _where_rows_are() == {f"{TABLE}_p202707": 1}


@pytest.mark.django_db(transaction=True)
def test_the_nightly_job_makes_this_month_and_the_next_two(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2032, 12, 5))
    assert make_partitions_ahead_task() == [f"{TABLE}_p203212", f"{TABLE}_p203301", f"{TABLE}_p203302"]
    assert make_partitions_ahead_task() == []
    assert f"{TABLE}_p203303" not in CHECKINS.month_partitions()


@pytest.mark.django_db(transaction=True)
def test_a_months_reconciliation_reads_one_partition(world):
    CHECKINS.ensure_between(dt.date(2027, 1, 1), dt.date(2027, 3, 1))
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN SELECT cadre_id, day, slot FROM {TABLE} WHERE valid AND cadre_id = %s "
            "AND day BETWEEN %s AND %s",
            [world.cadre_a1.pk, dt.date(2027, 2, 1), dt.date(2027, 2, 28)],
        )
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert f"{TABLE}_p202702" in plan
    assert f"{TABLE}_p202701" not in plan and f"{TABLE}_p202703" not in plan and "default" not in plan


@pytest.mark.django_db(transaction=True)
def test_two_first_check_ins_of_a_month_at_once_both_land_in_its_partition(world, fences):
    import threading

    from django.db import connections

    barrier = threading.Barrier(2)
    errors = []

    def run(cadre, hour):
        try:
            assert CHECKINS.ensure_month(dt.date(2028, 2, 1)) in (True, False)  # warms the lookup
            barrier.wait()
            record_checkin(cadre=cadre, latitude=LAT, longitude=LON, accuracy_m=15, at=at(2028, 3, 1, hour))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(cadre, hour))
        for cadre, hour in ((world.cadre_a1, 8), (world.cadre_a2, 9))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _where_rows_are() == {f"{TABLE}_p202803": 2}
