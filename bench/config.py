"""Sizes of the benchmark at each scale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

BUILD_VERSION = 1

# Special-purpose counties of the bench database (codes outside the province's 15CC21–15CC29).
LONG_COUNTY = "159901"  # one township whose month is the 200,000-row 考勤明细 upload
MATRIX_COUNTY = "159902"  # one township of 60 cadres: the 月度考勤表 upload
PAGE_SMALL_COUNTY = "159903"  # 20 cadres: query count of the pages at 20 rows
PAGE_LARGE_COUNTY = "159904"  # 200 cadres: query count of the pages at 200 rows
IMPORT_COUNTIES = (LONG_COUNTY, MATRIX_COUNTY)


@dataclass(frozen=True)
class Scale:
    name: str
    counties: int  # province counties (seed_demo --scale province --counties N)
    long_cadres: int  # cadres of the long-upload township (× 31 days = rows)
    matrix_cadres: int
    registry_counties: int  # new counties in the registry workbook
    registry_cadres_per_county: int
    runs: int
    requests: int  # page requests per run
    checkin_rows: int = 200_000  # rows of the check-in import (DOMAIN §10, issue 14)
    load_clients: int = 8  # concurrent clients against gunicorn (issue 18)
    load_seconds: float = 30
    # The nation on one engine (issue 18, `make bench SCALE=nation`): the province is built, measured
    # alone, then ``provinces - 1`` more provinces at its density and ``months`` of attendance are
    # added around it and the province scenarios run again inside the nation.
    provinces: int = 1
    months: int = 1

    @property
    def nation(self) -> bool:
        return self.provinces > 1


SCALES = {
    "province": Scale("province", 100, 6452, 60, 100, 485, 3, 50),
    "tiny": Scale("tiny", 2, 40, 12, 1, 60, 1, 3, checkin_rows=3000, load_clients=2, load_seconds=2),
    # 15 provinces of 100 counties, three months: ~22 M cadre-days a month, ~65 M in all (hours, ~12 GB).
    "nation": Scale("nation", 100, 6452, 60, 100, 485, 3, 50, provinces=15, months=3),
    # The same code path at a tenth of the density (15 provinces of 10 counties): validates the run
    # and measures rows/s and bytes per cadre-day in minutes.
    "nation-lite": Scale(
        "nation-lite", 10, 1000, 60, 10, 485, 3, 20, checkin_rows=50_000, provinces=15, months=3
    ),
    # A nation of two tiny provinces: the tests' run of the nation path.
    "nation-tiny": Scale(
        "nation-tiny",
        2,
        40,
        12,
        1,
        60,
        1,
        3,
        checkin_rows=3000,
        load_clients=2,
        load_seconds=2,
        provinces=2,
        months=2,
    ),
}

# Province codes of the provinces added around the bench's province (15); 16 is the registry
# workbook's new counties, so it is never one of them.
NATION_PROVINCE_CODES = (
    "11",
    "12",
    "13",
    "14",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
)
# The province's own work, measured alone and inside the nation: every scenario but the two load
# runs (gunicorn for 30 s each; the pages' own rows stand for them). No peers in a nation run.
NATION_SCENARIOS = (
    "attendance_long_200k",
    "attendance_matrix_township",
    "registry_50k",
    "monthly_totals_province",
    "ranking_province",
    "page_monthly_report",
    "page_ranking",
    "checkins_import_200k",
    "reconcile_province",
)


def bench_month(today: dt.date) -> tuple[dt.date, int, int]:
    """(month, year, quarter): the first 31-day month of the last complete quarter."""
    q = (today.month - 1) // 3 + 1
    year, quarter = (today.year, q - 1) if q > 1 else (today.year - 1, 4)
    first_month = {1: 1, 2: 5, 3: 7, 4: 10}[quarter]
    return dt.date(year, first_month, 1), year, quarter


def months_back(month: dt.date, n: int) -> list[dt.date]:
    """``n`` months ending with ``month``, oldest first."""
    out = [month]
    while len(out) < n:
        out.insert(0, (out[0] - dt.timedelta(days=1)).replace(day=1))
    return out


def month_last(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
