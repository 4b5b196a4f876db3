"""Reads for the monthly totals pages and exports. Everything comes from stored MonthlyTotal rows
(never recomputed here) and goes through ``for_user`` scoping."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum

from attendance.models import AttendanceRecord, MonthlyTotal
from core.periods import add_months

# ?sort= keys of the report → ordering fields; a leading "-" reverses.
SORTS = {
    "township": ("township__code", "village__code", "cadre__name_initials"),
    "village": ("village__code", "cadre__name_initials"),
    "name": ("cadre__name_initials", "cadre__name"),
    "role": ("posting__role", "village__code"),
    "unit": ("posting__unit__code", "village__code"),
    "posted": ("posted_days",),
    "on_site": ("on_site_days",),
    "overnight": ("overnight_days",),
    "trip": ("trip_days",),
    "leave": ("leave_days",),
    "absent": ("absent_days",),
    "unreported": ("unreported_days",),
    "required_on_site": ("required_on_site",),
    "required_overnight": ("required_overnight",),
    "compliant": ("compliant",),
    "allowance": ("allowance",),
}
DEFAULT_SORT = "township"

SUMMED = (
    "posted_days",
    "on_site_days",
    "overnight_days",
    "trip_days",
    "leave_days",
    "absent_days",
    "unreported_days",
    "required_on_site",
    "required_overnight",
    "allowance",
)


def month_totals(*, user, month: dt.date):
    """The user's stored rows of one month, with everything a row shows joined in."""
    return (
        MonthlyTotal.objects.for_user(user)
        .filter(month=month)
        .select_related("cadre", "township", "village", "posting", "posting__unit")
    )


def filter_totals(queryset, *, township=None, village=None, role: str = "", compliant: str = ""):
    if township is not None:
        queryset = queryset.filter(township=township)
    if village is not None:
        queryset = queryset.filter(village=village)
    if role:
        queryset = queryset.filter(posting__role=role)
    if compliant == "yes":
        queryset = queryset.filter(compliant=True)
    elif compliant == "no":
        queryset = queryset.filter(compliant=False)
    return queryset


def sort_totals(queryset, sort: str):
    """Order by a whitelisted ``?sort=`` key (unknown keys fall back to the default)."""
    key = sort.lstrip("-")
    fields = SORTS.get(key) or SORTS[DEFAULT_SORT]
    descending = sort.startswith("-") and key in SORTS
    ordering = [f"-{f}" if descending else f for f in fields] + ["id"]
    return queryset.order_by(*ordering)


def totals_line(queryset) -> dict:
    """Sums of every figure, the row count and the compliant count, in one query."""
    sums = queryset.order_by().aggregate(
        rows=Count("id"),
        compliant_rows=Count("id", filter=Q(compliant=True)),
        **{name: Sum(name) for name in SUMMED},
    )
    rows = sums["rows"] or 0
    sums["rate"] = (sums["compliant_rows"] / rows) if rows else None
    return sums


def township_overview(*, user, month: dt.date) -> list[dict]:
    """Per township of the user's area: rows, compliant rows, rate, on-site and unreported days."""
    rows = (
        MonthlyTotal.objects.for_user(user)
        .filter(month=month)
        .values("township_id", "township__code", "township__name")
        .annotate(
            rows=Count("id"),
            compliant_rows=Count("id", filter=Q(compliant=True)),
            on_site_days=Sum("on_site_days"),
            posted_days=Sum("posted_days"),
            unreported_days=Sum("unreported_days"),
            allowance=Sum("allowance"),
        )
        .order_by("township__code")
    )
    result = []
    for row in rows:
        row["rate"] = row["compliant_rows"] / row["rows"] if row["rows"] else None
        result.append(row)
    return result


def compliance_by_month(*, user, last_month: dt.date, months: int = 12) -> list[dict]:
    """The compliance rate of each of the ``months`` months ending with ``last_month`` (None if no rows)."""
    first = add_months(last_month, -(months - 1))
    counts = {
        row["month"]: row
        for row in MonthlyTotal.objects.for_user(user)
        .filter(month__gte=first, month__lte=last_month)
        .values("month")
        .annotate(rows=Count("id"), compliant_rows=Count("id", filter=Q(compliant=True)))
        .order_by("month")
    }
    series = []
    for i in range(months):
        month = add_months(first, i)
        row = counts.get(month)
        rate = row["compliant_rows"] / row["rows"] if row and row["rows"] else None
        series.append({"month": month, "rows": row["rows"] if row else 0, "rate": rate})
    return series


def on_site_distribution(*, user, month: dt.date) -> list[dict]:
    """How many rows of the month have 0, 1, … 31 on-site days (every value present, zeros too)."""
    counts = dict(
        MonthlyTotal.objects.for_user(user)
        .filter(month=month)
        .values_list("on_site_days")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [{"days": days, "rows": counts.get(days, 0)} for days in range(0, 32)]


def cadre_month_records(*, user, cadre, month: dt.date) -> dict[dt.date, AttendanceRecord]:
    return {
        r.date: r
        for r in AttendanceRecord.objects.for_user(user)
        .filter(cadre=cadre, month=month)
        .select_related("posting")
    }


def cadre_totals(*, user, cadre, months: int | None = None):
    queryset = (
        MonthlyTotal.objects.for_user(user)
        .filter(cadre=cadre)
        .select_related("village", "township", "posting", "posting__unit")
        .order_by("-month", "posting_id")
    )
    return queryset[:months] if months else queryset
