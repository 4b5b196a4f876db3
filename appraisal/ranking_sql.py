"""The quarterly and annual ranking of DOMAIN.md §6 — the one implementation, set-based SQL that runs
the same on PostgreSQL and on SQLite (window functions: SQLite ≥ 3.25).

Points per indicator by source (``_points_sql``):
- 人工: the entered Score (blank = 0);
- 考勤 (脱产驻村): max × compliant months / posted months — a month counts as posted if any of its
  days is, and is compliant when each of its MonthlyTotal rows is (no row = not compliant);
- 民主测评: max × rate / 100;
- 督查: the sum of the cadre's inspection findings' deductions in the quarter (§8); without a 督查
  indicator in the scheme the findings go straight into 减分;
- 民情日记 (工作纪实, optional): max × min(1, entries dated in the quarter ÷ the scheme's target).
Subtotals per category; 加分 capped at the policy's bonus_cap; 减分 subtracted without cap;
composite = the sum, never below 0. Each figure is rounded once, to two places ROUND_HALF_UP.

Exact arithmetic on both engines: SQLite keeps decimals as floats, so every decimal is read as
integer hundredths (``_cents``) and every quantity is an integer count of ``1 / (100 × UNIT)``
points, ``UNIT = 60000 × the scheme's diary target`` — a multiple of every divisor above (posted
months 1–3, rate hundredths of a percent, the diary target) — then rounded half up to hundredths
with integer division (``_half_up``).

A quarter, per call (one county, or every county at once), whatever the number of cadres:
1. ``CREATE TEMP TABLE … AS`` who is in the quarter (``_cadres_sql``): the posting of their last
   posted day, in one of the counties, posted days (the union of their postings' days, overlapping
   postings merged as islands), posted and compliant months;
2. ``DELETE`` of the period's rows of those counties and cadres;
3. ``CREATE TEMP TABLE … AS`` the rows (``_rows_sql``): subtotals, bonus cap, floor, rounding, the
   ranked flag, ``RANK() OVER (PARTITION BY county, cohort …)`` and the grade (``_grade_sql``);
4. ``INSERT … SELECT`` of them into the results.
The year (``rank_year_sql``) is one ``INSERT … SELECT`` over the ranked quarters. The breakdown page
(``cadre_breakdown``) and score eligibility (``appraisal.scoring.quarter_cadres``) run the same SQL
for one cadre or one county.

Enum values (categories, sources, roles, cohorts, grades) are passed as parameters, from the model
choices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from appraisal.models import (
    AnnualResult,
    Category,
    Cohort,
    DemocraticRate,
    Grade,
    Indicator,
    QuarterResult,
    Scheme,
    Score,
    Source,
)
from attendance.models import MonthlyTotal
from cadres.models import Posting
from core.periods import quarter_bounds, quarter_months
from diary.models import Entry
from inspections.models import Finding, Inspection
from villages.models import Township, Village

COHORT_OF_ROLE = {
    Posting.Role.FIRST_SECRETARY: Cohort.LEADER,
    Posting.Role.TEAM_LEADER: Cohort.LEADER,
    Posting.Role.TEAM_MEMBER: Cohort.MEMBER,
    Posting.Role.VILLAGE_SECRETARY: Cohort.VILLAGE_POST,
    Posting.Role.VILLAGE_COMMITTEE: Cohort.VILLAGE_POST,
}
# Category → QuarterResult column, in scheme order.
COLUMNS = {
    Category.COMMON: "common",
    Category.DISCIPLINE: "discipline",
    Category.DEMOCRATIC: "democratic",
    Category.BONUS: "bonus",
    Category.DEDUCTION: "deduction",
}
# The computed sources, weighted by the max points of their indicators (督查 by their count).
COMPUTED = {
    Source.ATTENDANCE: "att",
    Source.DEMOCRATIC: "dem",
    Source.INSPECTION: "insp",
    Source.DIARY: "dia",
}
CADRES_TABLE = "appraisal_quarter_cadres"
# Units of 1/100 point per hundredth: a multiple of posted months (1–3), 100² and the diary target.
UNIT = "(CAST(sch.diary_target AS BIGINT) * 60000)"


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _temp(name: str) -> str:
    return f"{'pg_temp' if _pg() else 'temp'}.{name}"


def _cents(expr: str) -> str:
    """A decimal as integer hundredths (exact from SQLite's floats too)."""
    return f"CAST(round({expr} * 100) AS BIGINT)"


def _days(lo: str, hi: str) -> str:
    """Whole days from date ``lo`` to date ``hi``."""
    if _pg():
        return f"({hi} - {lo})"
    return f"CAST(julianday({hi}) - julianday({lo}) AS INTEGER)"


def _half_up(units: str, per: str) -> str:
    """``units / per`` (integers, ``per`` even) rounded half away from zero: ROUND_HALF_UP."""
    return (
        f"(CASE WHEN {units} >= 0 THEN ({units} + {per} / 2) / {per}"
        f" ELSE -((-({units}) + {per} / 2) / {per}) END)"
    )


def _least(a: str, b: str) -> str:
    return f"(CASE WHEN {a} < {b} THEN {a} ELSE {b} END)"


def _in(name: str, values, params: dict) -> str:
    """``%(name0)s, %(name1)s, …`` for an IN list (or a VALUES list), the values put in ``params``."""
    keys = []
    for i, value in enumerate(values):
        params[f"{name}{i}"] = value
        keys.append(f"%({name}{i})s")
    return ", ".join(keys)


def _tables() -> dict[str, str]:
    return {
        "posting": Posting._meta.db_table,
        "village": Village._meta.db_table,
        "township": Township._meta.db_table,
        "total": MonthlyTotal._meta.db_table,
        "score": Score._meta.db_table,
        "indicator": Indicator._meta.db_table,
        "scheme": Scheme._meta.db_table,
        "rate": DemocraticRate._meta.db_table,
        "result": QuarterResult._meta.db_table,
        "annual": AnnualResult._meta.db_table,
    }


def _enum_params() -> dict:
    params = {}
    for category, col in COLUMNS.items():
        params[f"cat_{col}"] = category.value
    for source in Source:
        params[f"src_{source.name.lower()}"] = source.value
    for i, (role, cohort) in enumerate(COHORT_OF_ROLE.items()):
        params[f"role{i}"] = role.value
        params[f"cohort{i}"] = cohort.value
    for grade in Grade:
        params[f"grade_{grade.name.lower()}"] = grade.value
    return params


def _period_params(year: int, quarter: int) -> dict:
    first, last = quarter_bounds(year, quarter)
    months = quarter_months(year, quarter)
    month_last = [(m + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1) for m in months]
    return {
        **_enum_params(),
        **{f"m{i}": m for i, m in enumerate(months)},
        **{f"m{i}_last": m for i, m in enumerate(month_last)},
        "first": first,
        "last": last,
        "year": year,
        "quarter": quarter,
    }


def _policy_cte(policies: dict, params: dict) -> str:
    """``pol``: each county's ranking policy as integers (hundredths; the excellent ratio in thousandths)."""
    rows = []
    for i, (county_id, p) in enumerate(policies.items()):
        values = [
            county_id,
            p.min_ranked_days,
            int(Decimal(p.bonus_cap) * 100),
            int(Decimal(p.excellent_ratio) * 1000),
            int(Decimal(p.excellent_min_score) * 100),
            int(Decimal(p.good_min_score) * 100),
            int(Decimal(p.poor_below_score) * 100),
        ]
        rows.append(f"({_in(f'pol{i}_', values, params)})")
    return (
        "pol(county_id, min_days, cap_c, ex_ratio_m, ex_min_c, good_min_c, poor_below_c) AS "
        f"(VALUES {', '.join(rows)})"
    )


def _findings_sql() -> str:
    """Per cadre, the quarter's §8 finding deductions (``inspections.selectors.deductions_by_cadre``)."""
    return f"""
        SELECT f.cadre_id, sum(f.deduction) AS ded
        FROM {Finding._meta.db_table} f JOIN {Inspection._meta.db_table} i ON i.id = f.inspection_id
        WHERE f.cadre_id IN (SELECT cadre_id FROM {CADRES_TABLE})
          AND i.date >= %(first)s AND i.date <= %(last)s
        GROUP BY f.cadre_id"""


def _diary_sql() -> str:
    """Per cadre, the entries of the work diary dated in the quarter (the optional 民情日记 source)."""
    return f"""
        SELECT e.cadre_id, count(*) AS n
        FROM {Entry._meta.db_table} e
        WHERE e.cadre_id IN (SELECT cadre_id FROM {CADRES_TABLE})
          AND e.date >= %(first)s AND e.date <= %(last)s
        GROUP BY e.cadre_id"""


def _cadres_sql(county_ids, params: dict, *, cadre_filter: str = "") -> str:
    """Stage 1: who is in the quarter of the counties, where, how many days and months.

    A body to follow ``WITH`` (or ``WITH … ,``); ``cadre_filter`` narrows it to some cadres. The
    counties are an IN list (PostgreSQL plans it as ``= ANY(array)``, with row estimates).
    """
    counties = _in("cty", county_ids, params)
    t = _tables()
    end = "coalesce(p.actual_end_date, p.planned_end_date)"
    overlap = f"p.start_date <= %(last)s AND {end} >= %(first)s"
    month_flags = ",\n".join(
        f"max(CASE WHEN lo <= %(m{i}_last)s AND hi >= %(m{i})s THEN 1 ELSE 0 END) OVER w AS p{i}"
        for i in range(3)
    )
    month_ok = ",\n".join(
        f"min(CASE WHEN month = %(m{i})s THEN (CASE WHEN compliant THEN 1 ELSE 0 END) END) AS ok{i}"
        for i in range(3)
    )
    ok_months = " + ".join(f"(CASE WHEN b.p{i} = 1 AND mt.ok{i} = 1 THEN 1 ELSE 0 END)" for i in range(3))
    cohort_case = " ".join(f"WHEN %(role{i})s THEN %(cohort{i})s" for i in range(len(COHORT_OF_ROLE)))
    return f"""
sp AS (
    SELECT p.id, p.cadre_id, p.role, p.start_date, p.village_id, v.township_id, tw.county_id,
           CASE WHEN p.start_date > %(first)s THEN p.start_date ELSE %(first)s END AS lo,
           CASE WHEN {end} < %(last)s THEN {end} ELSE %(last)s END AS hi
    FROM {t["posting"]} p
    JOIN {t["village"]} v ON v.id = p.village_id
    JOIN {t["township"]} tw ON tw.id = v.township_id
    WHERE {overlap}
      AND p.cadre_id IN (
        SELECT p.cadre_id FROM {t["posting"]} p
        JOIN {t["village"]} v ON v.id = p.village_id
        JOIN {t["township"]} tw ON tw.id = v.township_id
        WHERE tw.county_id IN ({counties}) AND {overlap} {cadre_filter})
),
per_posting AS (
    SELECT sp.*,
           row_number() OVER w AS rn,
           count(*) OVER w AS postings,
           {month_flags}
    FROM sp
    WINDOW w AS (PARTITION BY cadre_id ORDER BY hi DESC, start_date DESC, id DESC
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
best AS (
    SELECT * FROM per_posting WHERE rn = 1 AND county_id IN ({counties})
),
multi AS (
    SELECT sp.cadre_id, sp.lo, sp.hi FROM sp
    WHERE sp.cadre_id IN (SELECT cadre_id FROM best WHERE postings > 1)
),
ordered AS (
    SELECT cadre_id, lo, hi,
           max(hi) OVER (PARTITION BY cadre_id ORDER BY lo, hi
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_hi
    FROM multi
),
islands AS (
    SELECT cadre_id, lo, hi,
           sum(CASE WHEN prev_hi IS NULL OR lo > prev_hi THEN 1 ELSE 0 END)
               OVER (PARTITION BY cadre_id ORDER BY lo, hi
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS island
    FROM ordered
),
multi_days AS (
    SELECT cadre_id, sum(span) AS posted_days
    FROM (SELECT cadre_id, {_days("min(lo)", "max(hi)")} + 1 AS span FROM islands GROUP BY cadre_id, island) x
    GROUP BY cadre_id
),
mt AS (
    SELECT cadre_id, {month_ok}
    FROM {t["total"]}
    WHERE month IN (%(m0)s, %(m1)s, %(m2)s) AND cadre_id IN (SELECT cadre_id FROM best)
    GROUP BY cadre_id
)
SELECT b.cadre_id, b.id AS posting_id, b.role, b.township_id, b.village_id, b.county_id,
       CASE b.role {cohort_case} END AS cohort,
       CASE WHEN b.postings = 1 THEN {_days("b.lo", "b.hi")} + 1 ELSE md.posted_days END AS posted_days,
       sc.id AS scheme_id,
       b.p0 + b.p1 + b.p2 AS posted_months,
       {ok_months} AS ok_months
FROM best b
LEFT JOIN {t["scheme"]} sc ON sc.county_id = b.county_id AND sc.year = %(year)s
LEFT JOIN multi_days md ON md.cadre_id = b.cadre_id
LEFT JOIN mt ON mt.cadre_id = b.cadre_id"""


def _points_sql(source: Source, weight: str) -> str:
    """The points of indicators of ``source`` whose max points (hundredths) — for 督查 whose count —
    add up to ``weight``, in units of ``1 / (100 × UNIT)`` point. Needs ``cq`` (stage 1), ``sch``,
    ``dr`` (the rate), ``fd`` (finding deductions) and ``de`` (diary entries)."""
    if source == Source.ATTENDANCE:
        return f"(CASE WHEN cq.posted_months > 0 THEN {weight} * cq.ok_months * ({UNIT} / cq.posted_months) ELSE 0 END)"
    if source == Source.DEMOCRATIC:
        return (
            f"(CASE WHEN dr.rate IS NULL THEN 0 "
            f"ELSE {weight} * {_cents('dr.rate')} * CAST(sch.diary_target AS BIGINT) * 6 END)"
        )
    if source == Source.INSPECTION:
        return f"({weight} * coalesce(fd.ded_c, 0) * {UNIT})"
    if source == Source.DIARY:
        return f"({weight} * {_least('coalesce(de.n, 0)', 'sch.diary_target')} * 60000)"
    return f"({weight} * {UNIT})"  # 人工: the entered points


def _inputs_sql() -> str:
    """The per-cadre inputs of the computed sources: findings (``fd``) and diary entries (``de``)."""
    return f"""findings AS (SELECT f0.cadre_id, {_cents("f0.ded")} AS ded_c FROM ({_findings_sql()}) f0),
diary AS ({_diary_sql()})"""


def _inputs_joins() -> str:
    t = _tables()
    return f"""JOIN {t["scheme"]} sch ON sch.id = cq.scheme_id
    LEFT JOIN {t["rate"]} dr ON dr.cadre_id = cq.cadre_id AND dr.year = %(year)s AND dr.quarter = %(quarter)s
    LEFT JOIN findings fd ON fd.cadre_id = cq.cadre_id
    LEFT JOIN diary de ON de.cadre_id = cq.cadre_id"""


def _grade_sql(*, composite: str, rank: str, n: str, ranked: str) -> str:
    """较差 below the floor; 优秀 within floor(n × ratio) by rank (ties across the line all in) and
    at least the excellent minimum; 良好 from the good minimum; else 一般. Integers, policy ``pol``."""
    return f"""CASE WHEN NOT ({ranked}) THEN NULL
            WHEN {composite} < poor_below_c THEN %(grade_poor)s
            WHEN {rank} <= ({n} * ex_ratio_m) / 1000 AND {composite} >= ex_min_c THEN %(grade_excellent)s
            WHEN {composite} >= good_min_c THEN %(grade_good)s
            ELSE %(grade_average)s END"""


def _rows_sql() -> str:
    """Stage 2: the scored, ranked and graded rows of the cadres in ``CADRES_TABLE`` (stage 1), the
    figures in hundredths. A body to follow ``WITH pol(…) AS (…),`` (and the stage-1 CTE, if any)."""
    t = _tables()
    meta_cols, manual_cols, sub_cols = [], [], []
    for col in COLUMNS.values():
        for source, key in COMPUTED.items():
            weight = "1" if source == Source.INSPECTION else _cents("ind.max_points")
            meta_cols.append(
                f"CAST(coalesce(sum(CASE WHEN ind.category = %(cat_{col})s AND ind.source = %(src_{source.name.lower()})s"
                f" THEN {weight} ELSE 0 END), 0) AS BIGINT) AS {key}_{col}"
            )
        manual_cols.append(
            f"CAST(sum(CASE WHEN category = %(cat_{col})s THEN {_cents('points')} ELSE 0 END) AS BIGINT) AS {col}"
        )
        terms = [_points_sql(Source.MANUAL, f"coalesce(ms.{col}, 0)")]
        terms += [_points_sql(source, f"coalesce(m.{key}_{col}, 0)") for source, key in COMPUTED.items()]
        if col == "deduction":
            # Without a 督查 indicator the findings go straight into 减分.
            terms.append(
                f"(CASE WHEN coalesce(m.insp_all, 0) = 0 THEN {_points_sql(Source.INSPECTION, '1')} ELSE 0 END)"
            )
        sub_cols.append(f"({' + '.join(terms)}) AS {col}_u")
    rounded = ",\n           ".join(
        f"{_half_up(f'{col}_u' if col != 'bonus' else 'bonus_cu', 'unit')} AS {col}_c"
        for col in COLUMNS.values()
    )
    total = "common_u + discipline_u + democratic_u + bonus_cu - deduction_u"
    sep = ",\n           "
    meta_cols, manual_cols, sub_cols = sep.join(meta_cols), sep.join(manual_cols), sep.join(sub_cols)
    return f"""
meta AS (
    SELECT ind.scheme_id,
           {meta_cols},
           CAST(sum(CASE WHEN ind.source = %(src_inspection)s THEN 1 ELSE 0 END) AS BIGINT) AS insp_all
    FROM {t["indicator"]} ind
    WHERE ind.scheme_id IN (SELECT scheme_id FROM {CADRES_TABLE})
    GROUP BY ind.scheme_id
),
entered AS (
    SELECT s.cadre_id, ind.scheme_id, ind.category, sum(s.points) AS points
    FROM {t["score"]} s
    JOIN {t["indicator"]} ind ON ind.id = s.indicator_id
    WHERE ind.source = %(src_manual)s AND ind.scheme_id IN (SELECT scheme_id FROM {CADRES_TABLE})
      AND s.year = %(year)s AND s.quarter = %(quarter)s
    GROUP BY s.cadre_id, ind.scheme_id, ind.category
),
manual AS (
    SELECT cadre_id, scheme_id,
           {manual_cols}
    FROM entered
    GROUP BY cadre_id, scheme_id
),
{_inputs_sql()},
raw AS (
    SELECT cq.*, pol.min_days, pol.cap_c, pol.ex_ratio_m, pol.ex_min_c, pol.good_min_c, pol.poor_below_c,
           {UNIT} AS unit,
           {sub_cols}
    FROM {CADRES_TABLE} cq
    JOIN pol ON pol.county_id = cq.county_id
    {_inputs_joins()}
    LEFT JOIN meta m ON m.scheme_id = cq.scheme_id
    LEFT JOIN manual ms ON ms.cadre_id = cq.cadre_id AND ms.scheme_id = cq.scheme_id
),
capped AS MATERIALIZED (
    SELECT raw.*, {_least("bonus_u", "cap_c * unit")} AS bonus_cu FROM raw
),
scored AS (
    SELECT county_id, cadre_id, posting_id, township_id, village_id, cohort, posted_days,
           posted_months, ok_months, ex_ratio_m, ex_min_c, good_min_c, poor_below_c,
           {rounded},
           {_half_up(f"(CASE WHEN {total} > 0 THEN {total} ELSE 0 END)", "unit")} AS composite_c,
           posted_days >= min_days AS ranked
    FROM capped
),
ranked AS (
    SELECT scored.*,
           rank() OVER w AS rk,
           count(*) OVER w AS n
    FROM scored
    WINDOW w AS (PARTITION BY county_id, cohort, ranked ORDER BY composite_c DESC
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT county_id, cadre_id, posting_id, township_id, village_id, cohort, posted_days,
       posted_months, ok_months,
       {", ".join(f"{col}_c" for col in COLUMNS.values())}, composite_c, ranked,
       CASE WHEN ranked THEN rk END AS rank,
       {_grade_sql(composite="composite_c", rank="rk", n="n", ranked="ranked")} AS grade
FROM ranked"""


def rank_quarter_sql(*, policies: dict, year: int, quarter: int) -> int:
    """Rebuild the quarter of the counties in ``policies`` (county id → Policy, each with a scheme
    for ``year`` already). Call inside a transaction. Returns the number of rows written."""
    t = _tables()
    county_ids = list(policies)
    if not county_ids:
        return 0
    params = _period_params(year, quarter)
    pol = _policy_cte(policies, params)
    columns = (
        "county_id, cadre_id, posting_id, township_id, village_id, cohort, posted_days, ranked, rank, grade"
    )
    figures = ", ".join(f"{col}_c / 100.0" for col in [*COLUMNS.values(), "composite"])
    with connection.cursor() as cursor:
        if _pg():
            # The sorts and hashes of a province fit in memory (SET LOCAL: until the transaction ends).
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"DROP TABLE IF EXISTS {_temp(CADRES_TABLE)}")
        cursor.execute(f"CREATE TEMP TABLE {CADRES_TABLE} AS WITH {_cadres_sql(county_ids, params)}", params)
        if _pg():
            cursor.execute(f"ANALYZE {CADRES_TABLE}")
        delete_params: dict = {"year": year, "quarter": quarter}
        cursor.execute(
            f"""DELETE FROM {t["result"]}
            WHERE year = %(year)s AND quarter = %(quarter)s
              AND (county_id IN ({_in("c", county_ids, delete_params)})
                   OR cadre_id IN (SELECT cadre_id FROM {CADRES_TABLE}))""",
            delete_params,
        )
        params.update({"now": timezone.now()})
        cursor.execute(
            f"""INSERT INTO {t["result"]} ({columns}, {", ".join([*COLUMNS.values(), "composite"])},
                                          year, quarter, computed_at)
            SELECT {columns}, {figures}, %(year)s, %(quarter)s, %(now)s
            FROM (WITH {pol}, {_rows_sql()}) r""",
            params,
        )
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE {_temp(CADRES_TABLE)}")
    return written


def rank_year_sql(*, county_id: int, policy, year: int) -> int:
    """Rebuild a county's year: the mean of each cadre's ranked quarters (rounded half up), ranked
    per cohort and graded like a quarter. The cohort, posting and place are those of the cadre's
    latest ranked quarter. Call inside a transaction. Returns the number of rows written."""
    t = _tables()
    params = {**_enum_params(), "county_id": county_id, "year": year, "now": timezone.now()}
    pol = _policy_cte({county_id: policy}, params)
    quarters = f"""SELECT cadre_id FROM {t["result"]}
        WHERE county_id = %(county_id)s AND year = %(year)s AND ranked"""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DELETE FROM {t["annual"]}
            WHERE year = %(year)s AND (county_id = %(county_id)s OR cadre_id IN ({quarters}))""",
            params,
        )
        cursor.execute(
            f"""INSERT INTO {t["annual"]} (county_id, cadre_id, posting_id, township_id, village_id, year, cohort,
                          quarters, composite, ranked, rank, grade, computed_at)
WITH {pol},
q AS (
    SELECT r.county_id, r.cadre_id, r.posting_id, r.township_id, r.village_id, r.cohort,
           row_number() OVER (PARTITION BY r.cadre_id ORDER BY r.quarter DESC) AS rn,
           count(*) OVER (PARTITION BY r.cadre_id) AS nq,
           CAST(sum({_cents("r.composite")}) OVER (PARTITION BY r.cadre_id) AS BIGINT) AS total_c
    FROM {t["result"]} r
    WHERE r.county_id = %(county_id)s AND r.year = %(year)s AND r.ranked
),
yr AS (
    SELECT q.*, (2 * total_c + nq) / (2 * nq) AS composite_c FROM q WHERE rn = 1
),
ranked AS (
    SELECT yr.*, pol.ex_ratio_m, pol.ex_min_c, pol.good_min_c, pol.poor_below_c,
           rank() OVER w AS rk, count(*) OVER w AS n
    FROM yr JOIN pol ON pol.county_id = yr.county_id
    WINDOW w AS (PARTITION BY yr.cohort ORDER BY composite_c DESC
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT county_id, cadre_id, posting_id, township_id, village_id, %(year)s, cohort,
       nq, composite_c / 100.0, %(ranked)s, rk,
       {_grade_sql(composite="composite_c", rank="rk", n="n", ranked="%(ranked)s")}, %(now)s
FROM ranked""",
            {**params, "ranked": True},
        )
        return cursor.rowcount


def cadres_in_quarter(*, county_id: int, year: int, quarter: int, cadre_ids=None) -> list[dict]:
    """Stage 1 for one county (optionally some cadres): one dict per cadre in its quarter."""
    params = _period_params(year, quarter)
    cadre_filter = ""
    if cadre_ids is not None:
        cadre_ids = list(cadre_ids)
        if not cadre_ids:
            return []
        cadre_filter = f"AND p.cadre_id IN ({_in('k', cadre_ids, params)})"
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {_cadres_sql([county_id], params, cadre_filter=cadre_filter)}", params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass
class Breakdown:
    """One cadre's quarter: points per indicator id, category subtotals and the composite."""

    points: dict[int, Decimal]
    subtotals: dict[str, Decimal]
    composite: Decimal
    rate: Decimal | None = None
    compliant_months: int = 0
    posted_months: int = 0


def cadre_breakdown(*, county_id: int, policy, year: int, quarter: int, cadre_id: int) -> Breakdown | None:
    """One cadre's quarter indicator by indicator, from the same SQL as the ranking (``None`` if the
    cadre is not in the county's quarter or the county has no scheme for the year). Reads only."""
    t = _tables()
    params = _period_params(year, quarter)
    params["cadre"] = cadre_id
    head = (
        f"WITH {_policy_cte({county_id: policy}, params)}, "
        f"{CADRES_TABLE} AS (WITH {_cadres_sql([county_id], params, cadre_filter='AND p.cadre_id = %(cadre)s')})"
    )
    by_source = " ".join(
        f"WHEN %(src_{source.name.lower()})s THEN "
        + _points_sql(source, "1" if source == Source.INSPECTION else _cents("ind.max_points"))
        for source in COMPUTED
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{head}, {_rows_sql()}", params)
        names = [c[0] for c in cursor.description]
        row = cursor.fetchone()
        if row is None:
            return None
        row = dict(zip(names, row, strict=True))
        cursor.execute(
            f"""{head}, {_inputs_sql()}
            SELECT ind.id,
                   CASE ind.source {by_source}
                        ELSE {_points_sql(Source.MANUAL, f"coalesce({_cents('s.points')}, 0)")} END,
                   {UNIT}
            FROM {CADRES_TABLE} cq
            {_inputs_joins()}
            JOIN {t["indicator"]} ind ON ind.scheme_id = cq.scheme_id
            LEFT JOIN {t["score"]} s ON s.indicator_id = ind.id AND s.cadre_id = cq.cadre_id
                                    AND s.year = %(year)s AND s.quarter = %(quarter)s""",
            params,
        )
        points = {ind_id: Decimal(units) / (100 * unit) for ind_id, units, unit in cursor.fetchall()}
    rate = DemocraticRate.objects.filter(cadre_id=cadre_id, year=year, quarter=quarter).values_list(
        "rate", flat=True
    )
    return Breakdown(
        points=points,
        subtotals={category: Decimal(row[f"{col}_c"]).scaleb(-2) for category, col in COLUMNS.items()},
        composite=Decimal(row["composite_c"]).scaleb(-2),
        rate=rate.first(),
        compliant_months=row["ok_months"],
        posted_months=row["posted_months"],
    )
