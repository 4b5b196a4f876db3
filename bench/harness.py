"""Timing, medians, peak RSS in a forked child, and the result rows."""

from __future__ import annotations

import os
import pickle
import resource
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections

JSON_KEYS = ("scenario", "rows", "seconds", "limit_seconds", "ratio", "peak_rss_mb", "queries")
# Added to a row only when it has them: a peer (issue 18), and the figures of a run under load.
PEER_KEYS = ("peer", "peer_seconds", "peer_ratio")
LOAD_KEYS = ("p95_ms", "errors")
# A nation run (bench/nation.py): the same scenario's time on the province alone, and the ratio.
NATION_KEYS = ("province_seconds", "nation_ratio")


class BenchError(Exception):
    """A scenario that cannot run (a service not written yet, a failed import): reported, not raised."""


@dataclass
class Result:
    scenario: str
    rows: int | None = None
    seconds: float | None = None
    limit_seconds: float | None = None
    peak_rss_mb: float | None = None
    queries: dict | None = None
    skipped: str = ""
    runs: list = field(default_factory=list)
    peer: str = ""  # what a Django team would use instead, run on the same data
    peer_seconds: float | None = None
    p95_ms: float | None = None  # load rows: p95 of the page under load (``seconds`` is the same in s)
    errors: int | None = None
    province_seconds: float | None = None  # nation run: the time of the province alone

    @property
    def nation_ratio(self) -> float | None:
        if self.seconds is None or not self.province_seconds:
            return None
        return round(self.seconds / self.province_seconds, 2)

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.limit_seconds:
            return None
        return round(self.seconds / self.limit_seconds, 2)

    @property
    def peer_ratio(self) -> float | None:
        if self.seconds is None or not self.peer_seconds:
            return None
        return round(self.seconds / self.peer_seconds, 3)

    def as_json(self) -> dict:
        row = {
            "scenario": self.scenario,
            "rows": self.rows,
            "seconds": None if self.seconds is None else round(self.seconds, 4),
            "limit_seconds": None if self.limit_seconds is None else round(self.limit_seconds, 4),
            "ratio": self.ratio,
            "peak_rss_mb": None if self.peak_rss_mb is None else round(self.peak_rss_mb, 1),
            "queries": self.queries,
        }
        if self.peer:
            row |= {
                "peer": self.peer,
                "peer_seconds": None if self.peer_seconds is None else round(self.peer_seconds, 4),
                "peer_ratio": self.peer_ratio,
            }
        if self.province_seconds is not None:
            row |= {"province_seconds": round(self.province_seconds, 4), "nation_ratio": self.nation_ratio}
        if self.p95_ms is not None or self.errors is not None:
            row |= {"p95_ms": None if self.p95_ms is None else round(self.p95_ms, 1), "errors": self.errors}
        return row


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(fn: Callable):
    """Run ``fn()`` in a forked process with its own database connection.

    Returns ``(value, peak_rss_mb)``: the child's peak resident set (its start is the lean parent's
    size, so the figure is what one run of ``fn`` needs on top of Django). Raises BenchError with
    the child's traceback when ``fn`` fails.
    """
    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_fd)
        try:
            payload = ("ok", fn(), _maxrss_mb())
        except BenchError as exc:
            payload = ("bench", str(exc), None)
        except BaseException:  # noqa: BLE001 - everything goes back to the parent
            payload = ("error", traceback.format_exc(), None)
        try:
            connections.close_all()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            with os.fdopen(write_fd, "wb") as pipe:
                pickle.dump(payload, pipe)
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if not data:
        raise BenchError("子进程异常退出")
    status, value, rss = pickle.loads(data)
    if status == "bench":
        raise BenchError(value)
    if status != "ok":
        raise BenchError(value.strip().splitlines()[-1] + "\n" + value)
    return value, rss


def timed(fn: Callable) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def medians(product: Callable, limit: Callable, runs: int) -> tuple[float, float, list]:
    """Median seconds of ``runs`` alternating runs of the product path and of its limit."""
    p_times, l_times = [], []
    for _ in range(runs):
        p_times.append(timed(product))
        l_times.append(timed(limit))
    return statistics.median(p_times), statistics.median(l_times), [p_times, l_times]
