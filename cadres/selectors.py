"""Reads for the cadre, dispatching-unit and posting pages.

Each list is one scoped queryset with everything a row shows joined or annotated, plus at
most one extra query for the page (the current postings of the cadres shown), so the number
of queries does not grow with the page size.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from cadres.models import Cadre, DispatchingUnit, Posting
from core.scoping import Area
from villages.models import Village


def search_q(q: str, *, name: str = "name", initials: str = "name_initials", prefix: str | None = None) -> Q:
    """One search box: name contains ``q``, pinyin initials start with it, or ``prefix`` field starts with it.

    ``张伟`` is found by ``张``, by ``zw`` and (for cadres) by the first digits of the 身份证号;
    ``单雄信`` by ``dxx`` and by ``sxx``.
    """
    q = (q or "").strip()
    if not q:
        return Q()
    condition = Q(**{f"{name}__icontains": q})
    if q.isascii() and q.isalpha():
        # The initials may hold a second form after a space (单雄信: "dxx sxx"); either may match.
        condition |= Q(**{f"{initials}__startswith": q.lower()}) | Q(
            **{f"{initials}__contains": f" {q.lower()}"}
        )
    if prefix:
        condition |= Q(**{f"{prefix}__startswith": q.upper()})
    return condition


def current_postings(area: Area, today: dt.date):
    """The area's postings in post today (covering today, ACTIVE)."""
    return Posting.objects.for_area(area).active_on(today)


def cadre_list(
    area: Area,
    today: dt.date,
    *,
    q: str = "",
    township_id: int | None = None,
    role: str = "",
    in_post: str = "",
    unit_id: int | None = None,
):
    """The area's cadres, filtered.

    ``township_id`` and ``role`` ask for a current posting there / in that role; ``in_post`` is
    ``"1"`` (in post today) or ``"0"`` (not); ``unit_id`` matches the home unit or the current
    posting's dispatching unit.
    """
    cadres = Cadre.objects.for_area(area).select_related("home_unit").filter(search_q(q, prefix="id_number"))
    now = current_postings(area, today).filter(cadre_id=OuterRef("pk"))
    if township_id:
        cadres = cadres.filter(Exists(now.filter(village__township_id=township_id)))
    if role:
        cadres = cadres.filter(Exists(now.filter(role=role)))
    if unit_id:
        cadres = cadres.filter(Q(home_unit_id=unit_id) | Exists(now.filter(unit_id=unit_id)))
    if in_post == "1":
        cadres = cadres.filter(Exists(now))
    elif in_post == "0":
        cadres = cadres.filter(~Exists(now))
    return cadres.order_by("name_initials", "name", "id")


def attach_current_postings(cadres, area: Area, today: dt.date) -> list:
    """Set ``cadre.current_posting`` (or None) on each cadre of a page: one query for the page."""
    cadres = list(cadres)
    postings = (
        current_postings(area, today)
        .filter(cadre_id__in=[c.pk for c in cadres])
        .select_related("village__township", "unit")
    )
    by_cadre = {p.cadre_id: p for p in postings}
    for cadre in cadres:
        cadre.current_posting = by_cadre.get(cadre.pk)
    return cadres


def unit_list(area: Area, today: dt.date, *, q: str = "", level: str = ""):
    """The area's dispatching units with the number of their cadres in post in the area today."""
    # One join: every condition below applies to the same posting row.
    in_post = (
        Q(postings__status=Posting.Status.ACTIVE, postings__start_date__lte=today)
        & (
            Q(postings__actual_end_date__gte=today)
            | Q(postings__actual_end_date__isnull=True, postings__planned_end_date__gte=today)
        )
        & area.q(county="postings__village__township__county_id", township="postings__village__township_id")
    )
    units = DispatchingUnit.objects.for_area(area).select_related("county").filter(search_q(q, prefix="code"))
    if level:
        units = units.filter(level=level)
    return units.annotate(in_post=Count("postings", filter=in_post, distinct=True)).order_by(
        "county__code", "code"
    )


def unit_postings_in_post(area: Area, unit: DispatchingUnit, today: dt.date):
    """The unit's cadres in post today inside the area (their postings)."""
    return (
        current_postings(area, today)
        .filter(unit=unit)
        .select_related("cadre", "village__township")
        .order_by("village__township__code", "village__code", "role")
    )


# --- the village pages: who is posted to a village ------------------------------------------


def village_list(
    area: Area, today: dt.date, *, q: str = "", township_id: int | None = None, tag_id: int | None = None
):
    """The area's villages, filtered, with today's first secretary and the number of cadres in post."""
    first_secretary = Posting.objects.active_on(today).filter(
        village_id=OuterRef("pk"), role=Posting.Role.FIRST_SECRETARY
    )
    in_post = (
        Posting.objects.active_on(today).filter(village_id=OuterRef("pk")).order_by().values("village_id")
    )
    villages = Village.objects.for_area(area).filter(search_q(q, prefix="code"))
    if township_id:
        villages = villages.filter(township_id=township_id)
    if tag_id:
        villages = villages.filter(tags__id=tag_id)
    return (
        villages.select_related("township")
        .prefetch_related("tags")
        .annotate(
            first_secretary_name=Subquery(first_secretary.values("cadre__name")[:1]),
            first_secretary_id=Subquery(first_secretary.values("cadre_id")[:1]),
            in_post_count=Coalesce(Subquery(in_post.annotate(n=Count("id")).values("n")[:1]), 0),
        )
        .order_by("township__code", "code")
    )


def village_postings(village: Village):
    """The village's whole posting history, newest first (history is never deleted)."""
    return (
        Posting.objects.filter(village=village)
        .select_related("cadre", "unit")
        .order_by("-start_date", "role", "-id")
    )


def first_secretary_on(village: Village, today: dt.date) -> Posting | None:
    return (
        Posting.objects.active_on(today)
        .filter(village=village, role=Posting.Role.FIRST_SECRETARY)
        .select_related("cadre", "unit")
        .first()
    )
