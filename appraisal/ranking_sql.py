"""The quarterly ranking as set-based SQL on PostgreSQL (DOMAIN.md §6, the same arithmetic as
``appraisal.scoring``).

Per call (one county, or every county at once), whatever the number of cadres:
1. ``CREATE TEMP TABLE … AS SELECT`` (then ``ANALYZE``) of who is in the quarter — the posting of
   their last posted day, in one of the counties — with posted days (the union of their postings'
   days: one posting's length, or overlapping postings merged as islands with window functions),
   and posted and compliant months (``bool_or`` / ``bool_and`` over postings and monthly totals);
2. ``DELETE`` of the period's rows of those counties and cadres;
3. ``CREATE TEMP TABLE … AS SELECT`` of the rows: category subtotals from the score rows (``GROUP BY``)
   and the computed indicators (脱产驻村, 民主测评, 督查, 民情日记), the bonus cap, the floor at 0, rounding, the
   ranked flag, ``RANK() OVER (PARTITION BY county, cohort …)`` and the grade with the quota rule;
4. ``INSERT … SELECT`` of them into the results.

Everything is computed in ``numeric``: PostgreSQL's ``round(numeric, 2)`` rounds half away from
zero, which is exactly ``Decimal.quantize(…, ROUND_HALF_UP)``. SQLite keeps the Python path of
``appraisal.ranking``; ``tests/appraisal/test_ranking_sql.py`` checks both give the same rows.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from appraisal.models import Category, DemocraticRate, Indicator, QuarterResult, Scheme, Score, Source
from appraisal.scoring import COHORT_OF_ROLE
from core.periods import quarter_bounds, quarter_months
from inspections.models import Finding, Inspection

# Category → QuarterResult column, in scheme order.
COLUMNS = {
    Category.COMMON: "common",
    Category.DISCIPLINE: "discipline",
    Category.DEMOCRATIC: "democratic",
    Category.BONUS: "bonus",
    Category.DEDUCTION: "deduction",
}
CADRES_TABLE = "appraisal_quarter_cadres"
ROWS_TABLE = "appraisal_quarter_rows"


def _manual_sql() -> str:
    """The entered points of the manual indicators, summed per cadre, scheme and category."""
    t = _tables()
    kind = " ".join(f"WHEN '{category}' THEN {i}" for i, category in enumerate(COLUMNS))
    sums = ",\n".join(
        f"sum(s.points) FILTER (WHERE ind.k = {i}) AS {col}" for i, col in enumerate(COLUMNS.values())
    )
    return f"""
SELECT s.cadre_id, ind.scheme_id, {sums}
FROM {t["score"]} s
JOIN (SELECT id, scheme_id, CASE category {kind} END AS k FROM {t["indicator"]}
      WHERE source = '{Source.MANUAL}' AND scheme_id = ANY(%(scheme_ids)s::bigint[])) ind
  ON ind.id = s.indicator_id
WHERE s.year = %(year)s AND s.quarter = %(quarter)s
GROUP BY s.cadre_id, ind.scheme_id"""


def _tables() -> dict[str, str]:
    from attendance.models import MonthlyTotal
    from cadres.models import Posting
    from villages.models import Township, Village

    return {
        "posting": Posting._meta.db_table,
        "village": Village._meta.db_table,
        "township": Township._meta.db_table,
        "total": MonthlyTotal._meta.db_table,
        "score": Score._meta.db_table,
        "indicator": Indicator._meta.db_table,
        "scheme": Scheme._meta.db_table,
        "result": QuarterResult._meta.db_table,
    }


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
    from diary.models import Entry

    return f"""
        SELECT e.cadre_id, count(*) AS n
        FROM {Entry._meta.db_table} e
        WHERE e.cadre_id IN (SELECT cadre_id FROM {CADRES_TABLE})
          AND e.date >= %(first)s AND e.date <= %(last)s
        GROUP BY e.cadre_id"""


def _cadres_sql() -> str:
    """Stage 1: who is in the quarter, where, how many days and months (posted, compliant)."""
    t = _tables()
    cohort_case = " ".join(f"WHEN '{role}' THEN '{cohort}'" for role, cohort in COHORT_OF_ROLE.items())
    overlap = "p.start_date <= %(last)s AND coalesce(p.actual_end_date, p.planned_end_date) >= %(first)s"
    month_flags = ",\n".join(
        f"bool_or(lo <= %(m{i}_last)s AND hi >= %(m{i})s) OVER w AS p{i}" for i in range(3)
    )
    month_ok = ",\n".join(f"bool_and(compliant) FILTER (WHERE month = %(m{i})s) AS ok{i}" for i in range(3))
    posted_months = " + ".join(f"b.p{i}::int" for i in range(3))
    ok_months = " + ".join(f"(b.p{i} AND coalesce(mt.ok{i}, false))::int" for i in range(3))
    return f"""
WITH sp AS (
    SELECT p.id, p.cadre_id, p.role, p.start_date, p.village_id, v.township_id, tw.county_id,
           greatest(p.start_date, %(first)s::date) AS lo,
           least(coalesce(p.actual_end_date, p.planned_end_date), %(last)s::date) AS hi
    FROM {t["posting"]} p
    JOIN {t["village"]} v ON v.id = p.village_id
    JOIN {t["township"]} tw ON tw.id = v.township_id
    WHERE {overlap}
      AND p.cadre_id IN (
        SELECT p.cadre_id FROM {t["posting"]} p
        JOIN {t["village"]} v ON v.id = p.village_id
        JOIN {t["township"]} tw ON tw.id = v.township_id
        WHERE tw.county_id = ANY(%(county_ids)s::bigint[]) AND {overlap})
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
    SELECT * FROM per_posting WHERE rn = 1 AND county_id = ANY(%(county_ids)s::bigint[])
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
               OVER (PARTITION BY cadre_id ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS island
    FROM ordered
),
multi_days AS (
    SELECT cadre_id, sum(span) AS posted_days
    FROM (SELECT cadre_id, max(hi) - min(lo) + 1 AS span FROM islands GROUP BY cadre_id, island) x
    GROUP BY cadre_id
),
mt AS (
    SELECT cadre_id, {month_ok}
    FROM {t["total"]}
    WHERE month IN (%(m0)s, %(m1)s, %(m2)s) AND cadre_id IN (SELECT cadre_id FROM best)
    GROUP BY cadre_id
)
SELECT b.cadre_id, b.id AS posting_id, b.township_id, b.village_id, b.county_id,
       CASE b.role {cohort_case} END AS cohort,
       CASE WHEN b.postings = 1 THEN b.hi - b.lo + 1 ELSE md.posted_days END AS posted_days,
       sc.id AS scheme_id,
       {posted_months} AS posted_months,
       {ok_months} AS ok_months
FROM best b
JOIN {t["scheme"]} sc ON sc.county_id = b.county_id AND sc.year = %(year)s
LEFT JOIN multi_days md ON md.cadre_id = b.cadre_id
LEFT JOIN mt ON mt.cadre_id = b.cadre_id"""


def _rows_sql() -> str:
    """Stage 2: the scored, ranked and graded rows of the cadres in the stage-1 table ``cq``."""
    t = _tables()
    meta_cols = []
    sub_cols = []
    for category, col in COLUMNS.items():
        meta_cols.append(
            f"""coalesce(sum(ind.max_points) FILTER (WHERE ind.category = '{category}'
                    AND ind.source = '{Source.ATTENDANCE}'), 0) AS att_{col},
                coalesce(sum(ind.max_points) FILTER (WHERE ind.category = '{category}'
                    AND ind.source = '{Source.DEMOCRATIC}'), 0) AS dem_{col},
                count(*) FILTER (WHERE ind.category = '{category}'
                    AND ind.source = '{Source.INSPECTION}') AS insp_{col},
                coalesce(sum(ind.max_points) FILTER (WHERE ind.category = '{category}'
                    AND ind.source = '{Source.DIARY}'), 0) AS dia_{col}"""
        )
        extra = (
            " + CASE WHEN coalesce(m.insp_all, 0) = 0 THEN coalesce(fd.ded, 0) ELSE 0 END"
            if col == "deduction"
            else ""
        )
        sub_cols.append(
            f"""(coalesce(ms.{col}, 0)
                 + CASE WHEN cq.posted_months > 0
                        THEN coalesce(m.att_{col}, 0) * cq.ok_months / cq.posted_months ELSE 0 END
                 + CASE WHEN dr.rate IS NULL THEN 0 ELSE coalesce(m.dem_{col}, 0) * dr.rate / 100 END
                 + coalesce(m.insp_{col}, 0) * coalesce(fd.ded, 0)
                 + coalesce(m.dia_{col}, 0) * least(coalesce(de.n, 0), sch.diary_target) / sch.diary_target
                 {extra}) AS {col}"""
        )
    return f"""
WITH pol AS (
    SELECT * FROM unnest(%(county_ids)s::bigint[], %(min_days)s::int[], %(bonus_cap)s::numeric[],
                         %(ex_ratio)s::numeric[], %(ex_min)s::numeric[], %(good_min)s::numeric[],
                         %(poor_below)s::numeric[])
        AS pol(county_id, min_days, bonus_cap, ex_ratio, ex_min, good_min, poor_below)
),
meta AS (
    SELECT ind.scheme_id,
           {",".join(meta_cols)},
           count(*) FILTER (WHERE ind.source = '{Source.INSPECTION}') AS insp_all
    FROM {t["indicator"]} ind
    WHERE ind.scheme_id IN (SELECT scheme_id FROM {CADRES_TABLE} cq)
    GROUP BY ind.scheme_id
),
manual AS ({_manual_sql()}),
findings AS ({_findings_sql()}),
diary AS ({_diary_sql()}),
raw AS (
    SELECT cq.*, pol.min_days, pol.bonus_cap, pol.ex_ratio, pol.ex_min, pol.good_min, pol.poor_below,
           {",".join(sub_cols)}
    FROM {CADRES_TABLE} cq
    JOIN pol ON pol.county_id = cq.county_id
    LEFT JOIN meta m ON m.scheme_id = cq.scheme_id
    LEFT JOIN manual ms ON ms.cadre_id = cq.cadre_id AND ms.scheme_id = cq.scheme_id
    LEFT JOIN {DemocraticRate._meta.db_table} dr
        ON dr.cadre_id = cq.cadre_id AND dr.year = %(year)s AND dr.quarter = %(quarter)s
    LEFT JOIN findings fd ON fd.cadre_id = cq.cadre_id
    JOIN {t["scheme"]} sch ON sch.id = cq.scheme_id
    LEFT JOIN diary de ON de.cadre_id = cq.cadre_id
),
scored AS (
    SELECT county_id, cadre_id, posting_id, township_id, village_id, cohort, posted_days,
           ex_ratio, ex_min, good_min, poor_below,
           round(common, 2) AS common, round(discipline, 2) AS discipline,
           round(democratic, 2) AS democratic, round(least(bonus, bonus_cap), 2) AS bonus,
           round(deduction, 2) AS deduction,
           round(greatest(common + discipline + democratic + least(bonus, bonus_cap) - deduction, 0), 2)
               AS composite,
           posted_days >= min_days AS ranked
    FROM raw
),
ranked AS (
    SELECT scored.*,
           rank() OVER w AS rk,
           count(*) OVER w AS n
    FROM scored
    WINDOW w AS (PARTITION BY county_id, cohort, ranked ORDER BY composite DESC
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT county_id, cadre_id, posting_id, township_id, village_id, cohort, posted_days,
       common, discipline, democratic, bonus, deduction, composite, ranked,
       CASE WHEN ranked THEN rk END AS rank,
       CASE WHEN NOT ranked THEN NULL
            WHEN composite < poor_below THEN 'POOR'
            WHEN rk <= floor(n * ex_ratio) AND composite >= ex_min THEN 'EXCELLENT'
            WHEN composite >= good_min THEN 'GOOD'
            ELSE 'AVERAGE' END AS grade
FROM ranked"""


def rank_quarter_sql(*, policies: dict, year: int, quarter: int) -> int:
    """Rebuild the quarter of the counties in ``policies`` (county id → Policy, each with a scheme
    for ``year`` already). Call inside a transaction. Returns the number of rows written."""
    t = _tables()
    county_ids = list(policies)
    first, last = quarter_bounds(year, quarter)
    months = quarter_months(year, quarter)
    month_last = [(m + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1) for m in months]
    params = {
        "county_ids": county_ids,
        "min_days": [policies[c].min_ranked_days for c in county_ids],
        "bonus_cap": [policies[c].bonus_cap for c in county_ids],
        "ex_ratio": [policies[c].excellent_ratio for c in county_ids],
        "ex_min": [policies[c].excellent_min_score for c in county_ids],
        "good_min": [policies[c].good_min_score for c in county_ids],
        "poor_below": [policies[c].poor_below_score for c in county_ids],
        **{f"m{i}": m for i, m in enumerate(months)},
        **{f"m{i}_last": m for i, m in enumerate(month_last)},
        "first": first,
        "last": last,
        "year": year,
        "quarter": quarter,
        "scheme_ids": list(
            Scheme.objects.filter(county_id__in=county_ids, year=year).values_list("id", flat=True)
        ),
    }
    columns = (
        "county_id, cadre_id, posting_id, township_id, village_id, cohort, posted_days, "
        "common, discipline, democratic, bonus, deduction, composite, ranked, rank, grade"
    )
    with connection.cursor() as cursor:
        # The sorts and hashes of a province fit in memory (SET LOCAL: until the transaction ends).
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{CADRES_TABLE}")
        cursor.execute(f"CREATE TEMP TABLE {CADRES_TABLE} AS {_cadres_sql()}", params)
        cursor.execute(f"ANALYZE {CADRES_TABLE}")
        cursor.execute(
            f"""DELETE FROM {t["result"]}
            WHERE year = %s AND quarter = %s
              AND (county_id = ANY(%s::bigint[]) OR cadre_id IN (SELECT cadre_id FROM {CADRES_TABLE}))""",
            [year, quarter, county_ids],
        )
        # Computed into a temp table, then copied: measured no slower than one INSERT … SELECT,
        # and each step can be timed apart.
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{ROWS_TABLE}")
        cursor.execute(f"CREATE TEMP TABLE {ROWS_TABLE} AS {_rows_sql()}", params)
        cursor.execute(
            f"""INSERT INTO {t["result"]} ({columns}, year, quarter, computed_at)
            SELECT {columns}, %s, %s, %s FROM {ROWS_TABLE}""",
            [year, quarter, timezone.now()],
        )
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE pg_temp.{CADRES_TABLE}, pg_temp.{ROWS_TABLE}")
    return written
