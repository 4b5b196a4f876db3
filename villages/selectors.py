"""Reads for the village pages: one scoped queryset per list, no per-row queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from cadres.models import Posting
from cadres.selectors import search_q
from core.scoping import Area
from villages.models import Village


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
