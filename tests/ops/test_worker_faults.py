"""A worker killed in the middle of a job does not lose the job (PostgreSQL + Redis, real workers).

Each test runs the job once undisturbed through a real worker and keeps its rows, deletes them,
then runs it again and SIGKILLs the worker (or only its pool child) while the job is inside its
transaction. The job is held there by a table lock this test takes from a second connection, so
"in the middle" is exact, not a race. After the kill (and a restart for the whole-worker case),
the job completes on its own and its rows are identical to the undisturbed run.
"""

import datetime as dt
import time
from contextlib import contextmanager

import psycopg
import pytest

from appraisal.models import AnnualResult, QuarterResult
from appraisal.tasks import compute_quarterly_ranking_task
from attendance.models import MonthlyTotal
from attendance.totals.tasks import compute_monthly_totals_task
from core.models import TaskFailure
from tests import factories as f
from tests.appraisal.factories import give_composite, posted, small_scheme
from tests.attendance.totals.factories import mark_days
from tests.workers import WorkerProcess, database_url, new_queue, require_postgres_and_redis, tasks_sent_to

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

MARCH = dt.date(2026, 3, 1)
# Short limits so that Redis hands a lost message out again within seconds; the visibility
# timeout stays longer than the hard time limit, as in production.
VISIBILITY = 15
WORKER_ENV = {
    "ZHUCUN_TASK_TIME_LIMIT": "12",
    "ZHUCUN_TASK_SOFT_TIME_LIMIT": "10",
    "ZHUCUN_VISIBILITY_TIMEOUT": str(VISIBILITY),
}


@pytest.fixture
def worker(transactional_db, settings):
    require_postgres_and_redis()
    w = WorkerProcess(settings=settings, queue=new_queue(), pool="prefork", env=WORKER_ENV)
    with tasks_sent_to(w.queue):
        w.start()
        try:
            yield w
        finally:
            w.stop()


class TableLock:
    """EXCLUSIVE lock on a table from a second connection: readers pass, the job's writes wait."""

    def __init__(self, url: str, table: str):
        self.table = table
        self.conn = psycopg.connect(url)
        self.conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")

    def wait_for_blocked_backend(self, timeout: float = 60) -> int:
        """The backend of the job, waiting for this lock: proof that the job is mid-run."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # Inside a transaction pg_stat_activity is a snapshot taken once: take a fresh one.
            self.conn.execute("SELECT pg_stat_clear_snapshot()")
            row = self.conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND query ILIKE %s",
                [f"%{self.table}%"],
            ).fetchone()
            if row:
                return row[0]
            time.sleep(0.1)
        pytest.fail(f"任务没有在 {timeout} 秒内运行到 {self.table}")

    def end_orphan(self, pid: int) -> None:
        # PostgreSQL notices a dead client only when it next writes to it (or by TCP keepalive);
        # end the killed process's session now so the test does not depend on that timing.
        self.conn.execute("SELECT pg_terminate_backend(%s)", [pid])

    def release(self) -> None:
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()


@contextmanager
def locked(settings, table):
    lock = TableLock(database_url(settings), table)
    try:
        yield lock
    finally:
        lock.release()


def run_and_kill(*, worker, settings, send, table, kill, before_restart=None):
    """Send the job, wait until it blocks on ``table``, kill, restart if needed, return its result."""
    with locked(settings, table) as lock:
        result = send()
        blocked = lock.wait_for_blocked_backend()
        delivered = time.time()
        if kill == "worker":
            worker.kill()
        else:
            worker.kill_child()
        lock.end_orphan(blocked)
        if before_restart is not None:
            before_restart()
    if kill == "worker":
        # Redis gives an unacknowledged message to another consumer once the visibility timeout
        # has passed; a worker restarting after that takes it back at start-up.
        time.sleep(max(0.0, delivered + VISIBILITY + 1 - time.time()))
        worker.start()
    return result.get(timeout=180)


def monthly_rows(county):
    return list(
        MonthlyTotal.objects.filter(county=county)
        .order_by("posting_id", "month")
        .values(*[f.name for f in MonthlyTotal._meta.concrete_fields if f.name not in ("id", "computed_at")])
    )


def _totals_county():
    county = f.CountyFactory(code="150596")
    township = f.TownshipFactory(county=county)
    patterns = ["√" * 22, "√" * 10 + "○" * 10 + "×" * 2, "公" * 5 + "√" * 18, "." * 31, "病" * 3 + "√" * 28]
    for marks in patterns:
        posting = f.PostingFactory(
            village=f.VillageFactory(township=township), start_date=dt.date(2026, 1, 1), role="TEAM_MEMBER"
        )
        mark_days(posting, MARCH, marks)
    return county


@pytest.mark.parametrize("kill", ["worker", "child"])
def test_monthly_totals_survive_a_killed_worker(worker, settings, kill):
    county = _totals_county()
    assert compute_monthly_totals_task.delay(county.pk, MARCH.isoformat()).get(timeout=60) == 5
    undisturbed = monthly_rows(county)
    MonthlyTotal.objects.filter(county=county).delete()

    def nothing_half_written():
        # The killed run was inside its transaction: not one row of it is visible.
        assert not MonthlyTotal.objects.filter(county=county).exists()

    rows = run_and_kill(
        worker=worker,
        settings=settings,
        send=lambda: compute_monthly_totals_task.delay(county.pk, MARCH.isoformat()),
        table=MonthlyTotal._meta.db_table,
        kill=kill,
        before_restart=nothing_half_written,
    )

    assert rows == 5
    assert monthly_rows(county) == undisturbed
    assert not TaskFailure.objects.exists()


def ranking_rows(county):
    def values(model):
        names = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "computed_at")]
        return list(model.objects.filter(county=county).order_by("cadre_id").values(*names))

    return values(QuarterResult), values(AnnualResult)


def _ranking_county():
    county = f.CountyFactory(code="150595")
    village = f.VillageFactory(township=f.TownshipFactory(county=county))
    scheme = small_scheme(county)
    for total in (92, 85, 85, 70, 64, 50):
        give_composite(posted(f.VillageFactory(township=village.township)).cadre, scheme, total)
    return county


@pytest.mark.parametrize("kill", ["worker", "child"])
def test_ranking_survives_a_killed_worker(worker, settings, kill):
    county = _ranking_county()
    assert compute_quarterly_ranking_task.delay(county.pk, 2026, 1).get(timeout=60) == 6
    undisturbed = ranking_rows(county)
    assert len(undisturbed[0]) == len(undisturbed[1]) == 6
    QuarterResult.objects.filter(county=county).delete()
    AnnualResult.objects.filter(county=county).delete()

    def killed_between_quarter_and_year():
        # The quarter was committed, the year not yet: the job died half-way.
        assert QuarterResult.objects.filter(county=county).count() == 6
        assert not AnnualResult.objects.filter(county=county).exists()

    rows = run_and_kill(
        worker=worker,
        settings=settings,
        send=lambda: compute_quarterly_ranking_task.delay(county.pk, 2026, 1),
        table=AnnualResult._meta.db_table,
        kill=kill,
        before_restart=killed_between_quarter_and_year,
    )

    assert rows == 6
    assert ranking_rows(county) == undisturbed
    assert not TaskFailure.objects.exists()
