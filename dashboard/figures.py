"""Figures for the staff dashboard: set-based counts over the user's area, a handful of queries in all.

Every function takes the user's ``Area`` (``core.scoping.area_for``) and ``today``, so the page,
tests and any export compute the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, DispatchingUnit, Posting
from core.scoping import Area
from villages.models import Township, Village, VillageTag

# The dashboard lists at most this many rows of a kind (a province has thousands); counts are exact.
LIST_LIMIT = 100

# Villages that policy sends a first secretary to: the poor and weak villages (seed 000) and the
# six problem types that decide where cadres go (seed 003) — every tag of DOMAIN.md §3.
FIRST_SECRETARY_TAGS = VillageTag.DEFAULT_TAGS


@dataclass(frozen=True)
class Share:
    """One row of a structure table: label, count and share of the total in percent."""

    key: str
    label: str
    count: int
    percent: Decimal


@dataclass(frozen=True)
class StructureTable:
    key: str
    title: str
    total: int
    rows: list[Share]


def share_percent(count: int, total: int) -> Decimal:
    """``count`` of ``total`` in percent, one decimal, half up (6 of 31 → 19.4)."""
    if not total:
        return Decimal("0.0")
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 Feb falls back to 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_bands(today: dt.date) -> list[tuple[str, str, Q]]:
    """Age bands as seed 003 reports them, ``(key, label, Q on cadre__birth_date)``.

    35岁以下 (35 included), 36-40岁, 41-45岁, 46-50岁 and 51岁以上 — age in full years today.
    Someone is at least N years old when born on or before the same day N years ago.
    """
    born = {n: years_before(today, n) for n in (36, 41, 46, 51)}
    return [
        ("35", str(_("35岁以下")), Q(cadre__birth_date__gt=born[36])),
        ("36_40", str(_("36-40岁")), Q(cadre__birth_date__lte=born[36], cadre__birth_date__gt=born[41])),
        ("41_45", str(_("41-45岁")), Q(cadre__birth_date__lte=born[41], cadre__birth_date__gt=born[46])),
        ("46_50", str(_("46-50岁")), Q(cadre__birth_date__lte=born[46], cadre__birth_date__gt=born[51])),
        ("51", str(_("51岁以上")), Q(cadre__birth_date__lte=born[51])),
    ]


def postings_in_post(area: Area, today: dt.date):
    """The area's postings in post today: covering today and still ACTIVE (one per cadre)."""
    return Posting.objects.for_area(area).active_on(today)


def _choice_rows(field: str, choices) -> list[tuple[str, str, Q]]:
    rows = [(value, str(label), Q(**{field: value})) for value, label in choices]
    rows.append(("", str(_("未填")), Q(**{field: ""})))
    return rows


def structure_of_cadres_in_post(area: Area, today: dt.date) -> list[StructureTable]:
    """Age, gender, education, identity, rank and source-unit level of the cadres in post.

    One aggregate query with a filtered COUNT per cell; the unit level is that of the posting's
    dispatching unit (从选派单位看). Empty "未填" rows are dropped when nobody falls in them.
    """
    dimensions = [
        ("age", _("年龄结构"), age_bands(today)),
        ("gender", _("性别结构"), _choice_rows("cadre__gender", Cadre.Gender.choices)),
        ("education", _("学历结构"), _choice_rows("cadre__education", Cadre.Education.choices)),
        ("identity", _("干部身份"), _choice_rows("cadre__identity", Cadre.Identity.choices)),
        ("rank", _("职务级别"), _choice_rows("cadre__rank", Cadre.Rank.choices)),
        ("unit_level", _("选派单位级别"), _choice_rows("unit__level", DispatchingUnit.Level.choices)),
    ]
    aggregates = {"total": Count("id")}
    for dim_key, _title, rows in dimensions:
        for i, (_key, _label, q) in enumerate(rows):
            aggregates[f"{dim_key}__{i}"] = Count("id", filter=q)
    counts = postings_in_post(area, today).aggregate(**aggregates)
    total = counts["total"]
    tables = []
    for dim_key, title, rows in dimensions:
        shares = []
        for i, (key, label, _q) in enumerate(rows):
            n = counts[f"{dim_key}__{i}"]
            if key == "" and n == 0:
                continue
            shares.append(Share(key=key, label=label, count=n, percent=share_percent(n, total)))
        tables.append(StructureTable(key=dim_key, title=str(title), total=total, rows=shares))
    return tables


def average_age(area: Area, today: dt.date) -> Decimal | None:
    """Mean age in full years of the cadres in post, one decimal (seed 003: 平均年龄为39.9岁).

    Ages in full years need calendar arithmetic no SQL dialect shares, so this reads one
    column of the in-post rows in one query.
    """
    births = postings_in_post(area, today).values_list("cadre__birth_date", flat=True)
    ages = [today.year - b.year - ((today.month, today.day) < (b.month, b.day)) for b in births.iterator()]
    if not ages:
        return None
    return (Decimal(sum(ages)) / len(ages)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def cadres_in_post_by_role(area: Area, today: dt.date) -> list[Share]:
    """Cadres in post today per posting role, every role listed (zero included)."""
    counts = dict(postings_in_post(area, today).order_by().values_list("role").annotate(n=Count("id")))
    total = sum(counts.values())
    return [
        Share(
            key=value,
            label=str(label),
            count=counts.get(value, 0),
            percent=share_percent(counts.get(value, 0), total),
        )
        for value, label in Posting.Role.choices
    ]


def villages_by_tag(area: Area) -> list[Share]:
    """How many of the area's villages carry each tag (a village with two tags counts twice)."""
    villages = Village.objects.for_area(area)
    total = villages.count()
    counts = dict(
        villages.filter(tags__isnull=False)
        .order_by()
        .values_list("tags__id")
        .annotate(n=Count("id", distinct=True))
    )
    return [
        Share(
            key=str(tag.pk),
            label=tag.name,
            count=counts.get(tag.pk, 0),
            percent=share_percent(counts.get(tag.pk, 0), total),
        )
        for tag in VillageTag.objects.all()
    ]


def villages_without_first_secretary(area: Area, today: dt.date, *, tagged_only: bool = True):
    """The area's villages with no first secretary in post today.

    ``tagged_only``: only villages that need one (a tag in ``FIRST_SECRETARY_TAGS``).
    """
    has_first_secretary = Posting.objects.active_on(today).filter(
        village_id=OuterRef("pk"), role=Posting.Role.FIRST_SECRETARY
    )
    villages = Village.objects.for_area(area).filter(~Exists(has_first_secretary))
    if tagged_only:
        needs = VillageTag.objects.filter(name__in=FIRST_SECRETARY_TAGS, villages=OuterRef("pk"))
        villages = villages.filter(Exists(needs))
    return villages.select_related("township").prefetch_related("tags").order_by("township__code", "code")


def postings_ending_soon(area: Area, today: dt.date, *, days: int = 30):
    """Postings whose last day (actual end, else planned end) falls in the next ``days`` days."""
    return (
        Posting.objects.for_area(area)
        .annotate(end=Coalesce("actual_end_date", "planned_end_date"))
        .filter(end__gte=today, end__lte=today + dt.timedelta(days=days))
        .select_related("cadre", "village__township", "unit")
        .order_by("end", "village__code", "id")
    )


def area_totals(area: Area, today: dt.date) -> dict[str, int]:
    """Headline numbers: townships, villages, units and cadres in post."""
    return {
        "townships": Township.objects.for_area(area).count(),
        "villages": Village.objects.for_area(area).count(),
        "units": DispatchingUnit.objects.for_area(area).count(),
        "in_post": postings_in_post(area, today).count(),
    }


def dashboard_data(area: Area, today: dt.date) -> dict:
    missing = villages_without_first_secretary(area, today)
    ending = postings_ending_soon(area, today)
    return {
        "today": today,
        "totals": area_totals(area, today),
        "by_tag": villages_by_tag(area),
        "by_role": cadres_in_post_by_role(area, today),
        "missing_first_secretary": list(missing[:LIST_LIMIT]),
        "missing_first_secretary_count": missing.count(),
        "without_first_secretary_count": villages_without_first_secretary(
            area, today, tagged_only=False
        ).count(),
        "first_secretary_tags": FIRST_SECRETARY_TAGS,
        "ending_soon": list(ending[:LIST_LIMIT]),
        "ending_soon_count": ending.count(),
        "structure": structure_of_cadres_in_post(area, today),
        "average_age": average_age(area, today),
    }
