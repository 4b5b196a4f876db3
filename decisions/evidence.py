"""Does a proposal's rule still hold on the current evidence? (DOMAIN.md §7 "Evidence stays true")

``stale_reason(decision)`` re-reads what the proposal was made from — the monthly totals of its
months (R1), the grades of its quarters (R2, quarterly R4), the final annual results of its years
(annual R4, 优先提拔) or its finding (R3) — and returns, in words, why the rule no longer holds, or
``None`` while it does. The rules withdraw with this reason; approving and issuing refuse with it.
A proposal whose evidence names nothing to re-read (R5, a correction) always holds.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext as _

from appraisal.models import AnnualResult, Grade, QuarterResult
from appraisal.ranking import annual_is_final
from attendance.models import AttendanceUpload, MonthlyTotal
from core.periods import month_label
from decisions.models import Decision
from inspections.models import Finding
from villages.models import Policy

Kind = Decision.Kind
Rule = Decision.Rule

# One rule run re-checks every open proposal of a county: inside ``batch()`` each kind of evidence
# is read once per county (and month, quarter or year) and shared, instead of once per proposal.
# Outside it (approve, issue, under the decision's lock) every read is fresh.
_BATCH: contextvars.ContextVar[dict | None] = contextvars.ContextVar("evidence_batch", default=None)


@contextlib.contextmanager
def batch():
    """Share the evidence reads of many ``stale_reason`` calls (a rule run's re-check)."""
    token = _BATCH.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)


def _shared(key, load, *args):
    """``load(*args)``, read once per ``batch()`` under ``key``; every call outside one."""
    cache = _BATCH.get()
    if cache is None:
        return load(*args)
    if key not in cache:
        cache[key] = load(*args)
    return cache[key]


POOR_STEPS = {
    (Kind.INTERVIEW, Decision.Interviewer.ORG_MINISTER): 1,
    (Kind.INTERVIEW, Decision.Interviewer.PARTY_SECRETARY): 2,
    (Kind.ADJUSTMENT, ""): 3,
}


def _quarter_label(year, quarter) -> str:
    return _("%(year)s年第%(q)s季度") % {"year": year, "q": quarter}


def _grade_label(grade) -> str:
    return Grade(grade).label if grade else _("不参与排名")


def _attendance(d: Decision) -> str | None:
    months = sorted({m["month"] for m in (d.evidence or {}).get("months", []) if m.get("month")})
    for text in months:
        month = dt.date.fromisoformat(f"{text}-01")
        label = month_label(month)
        accepted = _shared(("accepted", d.county_id, month), _accepted, d.county_id, month)
        rows = _cadre_totals(d, month, accepted)
        if not rows:
            return _("%(month)s没有已采用的考勤上报，不再计入") % {"month": label}
        if all(r.compliant for r in rows):
            reuploaded = any(at and d.created_at and at > d.created_at for _t, at in accepted)
            figures = "；".join(
                _("在岗 %(on)s/%(ron)s，住村 %(night)s/%(rnight)s")
                % {
                    "on": r.on_site_days,
                    "ron": r.required_on_site,
                    "night": r.overnight_days,
                    "rnight": r.required_overnight,
                }
                for r in rows
            )
            text = (
                _("%(month)s考勤已重新上报，%(figures)s，已达标")
                if reuploaded
                else _("%(month)s考勤已重新计算，%(figures)s，已达标")
            )
            return text % {"month": label, "figures": figures}
    return None


def _accepted(county_id: int, month: dt.date) -> list[tuple[int, dt.datetime]]:
    return list(
        AttendanceUpload.objects.filter(
            township__county_id=county_id, month=month, status=AttendanceUpload.Status.ACCEPTED
        ).values_list("township_id", "decided_at")
    )


def _totals(county_id: int, month: dt.date, accepted) -> dict[int, list[MonthlyTotal]]:
    """The county-month's totals from accepted sheets, per cadre, in posting order."""
    by_cadre = defaultdict(list)
    for row in MonthlyTotal.objects.filter(
        county_id=county_id, month=month, township_id__in=[t for t, _at in accepted]
    ).order_by("cadre_id", "posting_id"):
        by_cadre[row.cadre_id].append(row)
    return by_cadre


def _cadre_totals(d: Decision, month: dt.date, accepted) -> list[MonthlyTotal]:
    if _BATCH.get() is None:
        return list(
            MonthlyTotal.objects.filter(
                county_id=d.county_id,
                cadre_id=d.cadre_id,
                month=month,
                township_id__in=[t for t, _at in accepted],
            ).order_by("posting_id")
        )
    return _shared(("totals", d.county_id, month), _totals, d.county_id, month, accepted).get(d.cadre_id, [])


def _quarter_rows(county_id: int, year: int, quarter: int) -> dict[int, QuarterResult]:
    return {
        r.cadre_id: r for r in QuarterResult.objects.filter(county_id=county_id, year=year, quarter=quarter)
    }


def _quarter_row(d: Decision, year, quarter):
    if _BATCH.get() is None:
        return QuarterResult.objects.filter(
            county_id=d.county_id, cadre_id=d.cadre_id, year=year, quarter=quarter
        ).first()
    return _shared(
        ("quarter", d.county_id, year, quarter), lambda: _quarter_rows(d.county_id, year, quarter)
    ).get(d.cadre_id)


def _year_grades(county_id: int, year: int) -> dict[int, dict[tuple[int, int], str]]:
    grades = defaultdict(dict)
    for cadre_id, q, g in QuarterResult.objects.filter(county_id=county_id, year=year).values_list(
        "cadre_id", "quarter", "grade"
    ):
        grades[cadre_id][(year, q)] = g
    return grades


def _poor_streak(d: Decision, year: int, quarter: int) -> int:
    if _BATCH.get() is None:
        grades = {
            (y, q): g
            for y, q, g in QuarterResult.objects.filter(
                county_id=d.county_id, cadre_id=d.cadre_id, year__in=(year - 1, year)
            ).values_list("year", "quarter", "grade")
        }
    else:
        grades = {}
        for y in (year - 1, year):
            grades.update(
                _shared(("grades", d.county_id, y), _year_grades, d.county_id, y).get(d.cadre_id, {})
            )
    streak = 0
    y, q = year, quarter
    while streak < 3 and grades.get((y, q)) == Grade.POOR:
        streak += 1
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    return streak


def _poor_grade(d: Decision) -> str | None:
    quarters = (d.evidence or {}).get("quarters") or []
    if not quarters:
        return None
    year, quarter = quarters[-1]["year"], quarters[-1]["quarter"]
    row = _quarter_row(d, year, quarter)
    label = _quarter_label(year, quarter)
    if row is None:
        return _("%(quarter)s已没有该干部的考核结果") % {"quarter": label}
    if row.grade != Grade.POOR:
        return _("%(quarter)s已重新排名，等次为%(grade)s，不再是较差") % {
            "quarter": label,
            "grade": _grade_label(row.grade),
        }
    step = POOR_STEPS.get((d.kind, d.interviewer))
    now = _poor_streak(d, year, quarter)
    if step is not None and now != step:
        return _("%(quarter)s已重新排名，连续较差季度数由 %(old)s 变为 %(new)s") % {
            "quarter": label,
            "old": step,
            "new": now,
        }
    return None


def _commendation(d: Decision) -> str | None:
    quarters = (d.evidence or {}).get("quarters") or []
    if not quarters:
        return None
    year, quarter = quarters[-1]["year"], quarters[-1]["quarter"]
    row = _quarter_row(d, year, quarter)
    label = _quarter_label(year, quarter)
    if row is None:
        return _("%(quarter)s已没有该干部的考核结果") % {"quarter": label}
    if row.grade != Grade.EXCELLENT:
        return _("%(quarter)s已重新排名，等次为%(grade)s，不再是优秀") % {
            "quarter": label,
            "grade": _grade_label(row.grade),
        }
    return None


def _is_final(county_id: int, year: int) -> bool:
    return annual_is_final(county_id=county_id, year=year)


def _annual_rows(county_id: int, year: int) -> dict[int, AnnualResult]:
    return {r.cadre_id: r for r in AnnualResult.objects.filter(county_id=county_id, year=year)}


def _annual_year(d: Decision, year: int, *, top_n: int | None = None) -> str | None:
    if not _shared(("final", d.county_id, year), _is_final, d.county_id, year):
        return _("%(year)s年第四季度尚未排名，年度考核结果为暂定") % {"year": year}
    if _BATCH.get() is None:
        row = AnnualResult.objects.filter(county_id=d.county_id, cadre_id=d.cadre_id, year=year).first()
    else:
        row = _shared(("annual", d.county_id, year), _annual_rows, d.county_id, year).get(d.cadre_id)
    if row is None:
        return _("%(year)s年度已没有该干部的考核结果") % {"year": year}
    if row.grade != Grade.EXCELLENT:
        return _("%(year)s年度排名已变化，等次为%(grade)s（第 %(rank)s 名），不再是优秀") % {
            "year": year,
            "grade": _grade_label(row.grade),
            "rank": row.rank or "—",
        }
    if top_n is not None and (row.rank is None or row.rank > top_n):
        return _("%(year)s年度排名已变为第 %(rank)s 名，不在前 %(top)s 名") % {
            "year": year,
            "rank": row.rank or "—",
            "top": top_n,
        }
    return None


def _annual(d: Decision) -> str | None:
    years = sorted(y["year"] for y in (d.evidence or {}).get("years") or [])
    if not years:
        return None
    if d.kind == Kind.PROMOTION:
        top_n = _shared(("policy", d.county_id), Policy.for_county, d.county_id).promotion_top_n
        return _annual_year(d, years[0]) or _annual_year(d, years[-1], top_n=top_n)
    return _annual_year(d, years[-1])


def _inspection(d: Decision) -> str | None:
    if not d.period_key.startswith("finding:"):
        return None
    finding = Finding.objects.filter(pk=int(d.period_key.split(":", 1)[1])).first()
    if finding is None:
        return _("督查发现的问题已删除")
    if finding.severity != Finding.Severity.SERIOUS:
        return _("督查发现的问题已改为“%(severity)s”，不再是严重问题") % {
            "severity": finding.get_severity_display()
        }
    if finding.cadre_id != d.cadre_id:
        return _("督查发现的问题已不再指向该干部")
    return None


def stale_reason(decision: Decision) -> str | None:
    """Why the decision's rule no longer holds on the current evidence, or ``None`` while it does."""
    if decision.rule == Rule.R1:
        return _attendance(decision)
    if decision.rule == Rule.R2:
        return _poor_grade(decision)
    if decision.rule == Rule.R3:
        return _inspection(decision)
    if decision.rule == Rule.R4:
        if decision.kind == Kind.COMMENDATION:
            return _commendation(decision)
        return _annual(decision)
    return None
