"""Reads for the decision pages; every function takes the user's ``Area``."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Count, Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from core.scoping import Area
from decisions.models import Decision, DecisionEvent, Replacement
from inspections.models import Finding, Inspection

PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-?Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


def period_bounds(value: str) -> tuple[dt.date, dt.date] | None:
    """``2026`` / ``2026Q1`` (or ``2026-Q1``) / ``2026-03`` → the first and last day of that period."""
    match = PERIOD_RE.match((value or "").strip())
    if not match:
        return None
    year = int(match["year"])
    if match["quarter"]:
        q = int(match["quarter"])
        first = dt.date(year, 3 * q - 2, 1)
        last_month = dt.date(year, 3 * q, 1)
    elif match["month"]:
        first = last_month = dt.date(year, int(match["month"]), 1)
    else:
        first, last_month = dt.date(year, 1, 1), dt.date(year, 12, 1)
    last = (last_month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def decisions_for(area: Area):
    return Decision.objects.for_area(area).select_related(
        "county", "township", "cadre", "unit", "posting__unit", "posting__village", "revokes"
    )


# Sortable columns of the decision list (?sort=KEY, or -KEY for descending). The default reads
# like a review session: rule by rule, then township, village and the person's name.
SORTS = {
    "rule": ("rule",),
    "kind": ("kind",),
    "status": ("status",),
    "township": ("township__code",),
    "village": ("posting__village__code",),
    "subject": ("cadre__name_initials", "cadre__name", "unit__name"),
    "proposed": ("proposed_on",),
    "issued": ("decision_date", "number_seq"),
}
DEFAULT_ORDER = ("rule", "township__code", "posting__village__code", "cadre__name_initials", "unit__name")


def sort_order(sort: str) -> tuple[str, ...]:
    """The ORDER BY of a ``sort`` value; unknown values give the default order. Ends with id."""
    key = (sort or "").lstrip("-")
    if key not in SORTS:
        return (*DEFAULT_ORDER, "id")
    prefix = "-" if sort.startswith("-") else ""
    return (*(prefix + f for f in SORTS[key]), *DEFAULT_ORDER, f"{prefix}id")


def decision_list(area: Area, *, kind="", status="", township_id=None, rule="", period="", sort=""):
    """The filtered list and, separately, the same list before the status filter (for the counts)."""
    qs = decisions_for(area).select_related("posting__village")
    if kind:
        qs = qs.filter(kind=kind)
    if township_id:
        qs = qs.filter(township_id=township_id)
    if rule:
        qs = qs.filter(rule=rule)
    bounds = period_bounds(period)
    if bounds:
        qs = qs.filter(period_start__lte=bounds[1], period_end__gte=bounds[0])
    before_status = qs
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(*sort_order(sort)), before_status


def status_counts(queryset) -> list[dict]:
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Decision.Status.choices
    ]


def decision_detail(area: Area, pk: int):
    return decisions_for(area).prefetch_related(
        Prefetch("events", queryset=DecisionEvent.objects.select_related("actor__staff_profile__township")),
        Prefetch("revoked_by", queryset=Decision.objects.order_by("id")),
    )


def _link(name: str, *args, query: str = "") -> str | None:
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def evidence_items(decision: Decision) -> list[dict]:
    """The evidence of a decision as rows with a label, details and a link to where it comes from."""
    ev = decision.evidence or {}
    items = []
    for m in ev.get("months", []):
        items.append(
            {
                "label": _("%(month)s 月度考勤") % {"month": m["month"]},
                "detail": _("在岗 %(on)s/%(ron)s 天，住村 %(night)s/%(rnight)s 天，%(ok)s")
                % {
                    "on": m["on_site_days"],
                    "ron": m["required_on_site"],
                    "night": m["overnight_days"],
                    "rnight": m["required_overnight"],
                    "ok": _("达标") if m.get("compliant") else _("不达标"),
                },
                "url": _link("attendance:monthly_report", query=f"?month={m['month']}"),
            }
        )
    for q in ev.get("quarters", []):
        items.append(
            {
                "label": _("%(year)s年第%(q)s季度考核") % {"year": q["year"], "q": q["quarter"]},
                "detail": _("综合得分 %(score)s，排名 %(rank)s，等次 %(grade)s")
                % {
                    "score": q["composite"],
                    "rank": q["rank"] or "—",
                    "grade": _grade_label(q["grade"]),
                },
                "url": _link("appraisal:ranking", query=f"?quarter={q['year']}Q{q['quarter']}"),
            }
        )
    for y in ev.get("years", []):
        items.append(
            {
                "label": _("%(year)s年度考核") % {"year": y["year"]},
                "detail": _("综合得分 %(score)s，排名 %(rank)s，等次 %(grade)s")
                % {
                    "score": y["composite"],
                    "rank": y["rank"] or "—",
                    "grade": _grade_label(y["grade"]),
                },
                "url": _link("appraisal:annual", query=f"?year={y['year']}"),
            }
        )
    for f in ev.get("findings", []):
        items.append(
            {
                "label": _("%(date)s 督查发现的问题") % {"date": f["date"]},
                "detail": f"{dict(Finding.Severity.choices).get(f['severity'], '')}：{f['description']}",
                "url": _link("decisions:inspection_detail", f["inspection_id"]),
            }
        )
    if ev.get("decision"):
        d = ev["decision"]
        items.append(
            {
                "label": _("召回决定"),
                "detail": d.get("number", ""),
                "url": _link("decisions:detail", d["id"]),
            }
        )
    if ev.get("revokes"):
        d = ev["revokes"]
        items.append(
            {
                "label": _("被更正的决定"),
                "detail": d.get("number", ""),
                "url": _link("decisions:detail", d["id"]),
            }
        )
    return items


def _grade_label(value) -> str:
    labels = {"EXCELLENT": _("优秀"), "GOOD": _("良好"), "AVERAGE": _("一般"), "POOR": _("较差")}
    return labels.get(value, _("不参与排名") if value is None else str(value))


def issued_in_year(area: Area, year: int, kinds):
    return (
        decisions_for(area)
        .filter(status=Decision.Status.ISSUED, kind__in=kinds, decision_date__year=year)
        .order_by("decision_date", "number_seq")
    )


def replacements_for(area: Area):
    return Replacement.objects.for_area(area).select_related(
        "township", "village", "unit", "decision", "recalled_posting__cadre", "fulfilled_by__cadre"
    )


def overdue_replacements(area: Area, today: dt.date):
    """Open replacements past their due date, oldest first."""
    return (
        replacements_for(area)
        .filter(status=Replacement.Status.OPEN, due_date__lt=today)
        .order_by("due_date", "id")
    )


def proposals_from_findings(area: Area, findings):
    """The R3 decisions proposed from ``findings`` (their evidence period is ``finding:<id>``)."""
    return (
        Decision.objects.for_area(area)
        .filter(rule=Decision.Rule.R3, period_key__in=[f"finding:{f.pk}" for f in findings])
        .select_related("cadre")
    )


_MONTH_RANGE = re.compile(r"^(\d{4})-(\d{2})(?:~(\d{4})-(\d{2}))?$")
_QUARTER_KEY = re.compile(r"^(\d{4})Q([1-4])$")
_YEARS_KEY = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


def period_label(decision: Decision) -> str:
    """依据期间 in words, never an internal key: 2026年11月, 2026年1月—2月, 2026年第1季度,
    2026年度, 督查 2026-11-13 暗访, 召回决定 X县驻村〔2026〕3号."""
    key = decision.period_key or ""
    ev = decision.evidence or {}
    if match := _MONTH_RANGE.match(key):
        y1, m1, y2, m2 = match.groups()
        first = _("%(y)s年%(m)s月") % {"y": y1, "m": int(m1)}
        if not y2 or (y1, m1) == (y2, m2):
            return first
        last = _("%(m)s月") % {"m": int(m2)} if y1 == y2 else _("%(y)s年%(m)s月") % {"y": y2, "m": int(m2)}
        return f"{first}—{last}"
    if match := _QUARTER_KEY.match(key):
        return _("%(year)s年第%(q)s季度") % {"year": match[1], "q": match[2]}
    if match := _YEARS_KEY.match(key):
        if match[2]:
            return _("%(first)s—%(last)s年度") % {"first": match[1], "last": match[2]}
        return _("%(year)s年度") % {"year": match[1]}
    if key.startswith("finding:") and ev.get("findings"):
        f = ev["findings"][0]
        return _("督查 %(date)s %(kind)s") % {
            "date": f.get("date", ""),
            "kind": dict(Inspection.Kind.choices).get(f.get("kind"), ""),
        }
    if key.startswith("decision:") and ev.get("decision"):
        return _("召回决定 %(number)s") % {"number": ev["decision"].get("number", "")}
    if key.startswith("revokes:") and ev.get("revokes"):
        return _("更正 %(number)s") % {"number": ev["revokes"].get("number", "")}
    if decision.period_start and decision.period_end:
        if decision.period_start == decision.period_end:
            return f"{decision.period_start:%Y-%m-%d}"
        return f"{decision.period_start:%Y-%m-%d} — {decision.period_end:%Y-%m-%d}"
    return "—"
