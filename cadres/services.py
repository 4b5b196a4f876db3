"""Posting rules shared by every write path (forms, admin, registry import).

The database enforces the same invariants (an exclusion constraint on PostgreSQL, triggers on
SQLite, see the 0002 migration), so a path that forgets to ask still cannot break them; asking
first is what turns the violation into a readable Chinese message.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce

from cadres.models import Posting
from cadres.signals import posting_created


def posting_conflicts(
    *, cadre_id: int | None, village_id: int | None, role: str | None, start: dt.date | None,
    end: dt.date | None, exclude_id: int | None = None,
) -> list[str]:
    """Reasons, in Chinese, why a posting over [start, end] would break an invariant."""
    if not start or not end:
        return []
    if end < start:
        return ["结束日期不能早于开始日期"]
    overlapping = (
        Posting.objects.annotate(_end=Coalesce("actual_end_date", "planned_end_date"))
        .filter(start_date__lte=end, _end__gte=start)
        .exclude(pk=exclude_id)
        .select_related("village", "cadre")
    )
    problems = []
    if cadre_id:
        for p in overlapping.filter(cadre_id=cadre_id)[:3]:
            problems.append(
                f"该干部在 {p.start_date:%Y-%m-%d} 至 {p.end_date:%Y-%m-%d} 已选派到{p.village.name}"
                f"（{p.get_role_display()}），同一干部同一天只能有一个选派"
            )
    if village_id and role == Posting.Role.FIRST_SECRETARY:
        for p in overlapping.filter(Q(village_id=village_id) & Q(role=Posting.Role.FIRST_SECRETARY))[:3]:
            problems.append(
                f"{p.village.name}在 {p.start_date:%Y-%m-%d} 至 {p.end_date:%Y-%m-%d} 已有第一书记{p.cadre.name}，"
                "一个村同一天只能有一名第一书记"
            )
    return problems


def announce_new_postings(*, county_ids) -> None:
    """Every path that creates postings (page, admin, registry import) calls this: once committed,
    ``posting_created`` is sent per county, so a recall's open replacement is fulfilled."""
    county_ids = sorted({int(i) for i in county_ids})

    def send():
        for county_id in county_ids:
            posting_created.send(sender=Posting, county_id=county_id)

    if county_ids:
        transaction.on_commit(send)
