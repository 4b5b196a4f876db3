"""Posting rules (DOMAIN.md §3), in one place for every write path.

A posting covers its start date through its actual end date or, while it has none, its planned
end date. A cadre has at most one posting on any day; a village at most one first secretary on
any day. Two entry points ask the same rules:

- :func:`posting_conflicts` — one posting (the page's form and the admin through
  ``Posting.clean``, and the page after a database refusal);
- :func:`validate_postings` — a batch of drafts (the registry import): checked against each
  other and against the database, reading the database once for the whole batch.

The database enforces the same invariants (an exclusion constraint on PostgreSQL, triggers on
SQLite, see the 0002 migration), so a path that forgets to ask still cannot break them; asking
first is what turns the violation into a readable Chinese message.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cadres.models import Posting
from cadres.signals import posting_created
from core import bulk
from core.scoping import EVERYTHING, Area

#: The rule a conflict breaks: one posting of a cadre a day; one first secretary of a village a day.
CADRE = "cadre"
FIRST_SECRETARY = "first_secretary"


@dataclass(eq=False)
class PostingDraft:
    """A posting about to be written: new, or the stored posting ``posting_id`` with new values.

    ``cadre`` and ``village`` say who and where within the batch: the database ids, or any key
    (a 身份证号, a 村代码) for a cadre or village the batch itself creates. ``cadre_id`` and
    ``village_id`` are the database ids when they exist (only those are looked up).
    """

    cadre: Hashable
    village: Hashable
    role: str
    start: dt.date
    #: The last day the posting covers (its actual end, or while it has none, its planned end).
    end: dt.date
    cadre_id: int | None = None
    village_id: int | None = None
    #: The stored posting this draft rewrites: it is not checked against itself.
    posting_id: int | None = None
    #: The draft's row in its file, named by the messages of a conflict between two drafts.
    row: int | None = None


@dataclass(frozen=True)
class PostingConflict:
    draft: PostingDraft
    #: ``CADRE`` or ``FIRST_SECRETARY``.
    rule: str
    message: str


def posting_conflicts(
    *,
    cadre_id: int | None,
    village_id: int | None,
    role: str | None,
    start: dt.date | None,
    end: dt.date | None,
    exclude_id: int | None = None,
) -> list[str]:
    """Reasons, in Chinese, why a posting over [start, end] would break an invariant."""
    if not start or not end:
        return []
    if end < start:
        return [_("结束日期不能早于开始日期")]
    draft = PostingDraft(
        cadre=cadre_id,
        village=village_id,
        role=role or "",
        start=start,
        end=end,
        cadre_id=cadre_id,
        village_id=village_id,
        posting_id=exclude_id,
    )
    return [conflict.message for conflict in validate_postings([draft])]


def validate_postings(drafts: Sequence[PostingDraft], *, area: Area = EVERYTHING) -> list[PostingConflict]:
    """Every conflict of ``drafts`` with each other and with the stored postings.

    A draft is reported at most once per rule, against the first posting it overlaps. A stored
    posting outside ``area`` (the user's) is named by its dates only — never its village, role
    or county. The stored postings are read in two queries, whatever the size of the batch.
    """
    drafts = [d for d in drafts if d.start and d.end]
    if not drafts:
        return []
    rewritten = {d.posting_id for d in drafts if d.posting_id}
    cadre_key = {d.cadre_id: d.cadre for d in drafts if d.cadre_id}
    village_key = {
        d.village_id: d.village for d in drafts if d.village_id and d.role == Posting.Role.FIRST_SECRETARY
    }
    by_cadre = bulk.fetch(
        lambda keys: Posting.objects.filter(cadre_id__in=keys).values(
            "id",
            "cadre_id",
            "village__name",
            "village__township__county_id",
            "role",
            "start_date",
            "planned_end_date",
            "actual_end_date",
        ),
        cadre_key,
    )
    by_village = bulk.fetch(
        lambda keys: Posting.objects.filter(village_id__in=keys, role=Posting.Role.FIRST_SECRETARY).values(
            "id",
            "village_id",
            "village__name",
            "cadre__name",
            "start_date",
            "planned_end_date",
            "actual_end_date",
        ),
        village_key,
    )
    conflicts: list[PostingConflict] = []

    cadre_groups: dict[Hashable, list] = defaultdict(list)
    for draft in drafts:
        cadre_groups[draft.cadre].append((draft.start, draft.end, draft))
    for p in by_cadre:
        if p["id"] not in rewritten:
            cadre_groups[cadre_key[p["cadre_id"]]].append(
                (p["start_date"], p["actual_end_date"] or p["planned_end_date"], p)
            )
    for draft, other, start, end in _overlaps(cadre_groups):
        conflicts.append(PostingConflict(draft, CADRE, _cadre_message(other, start, end, area)))

    village_groups: dict[Hashable, list] = defaultdict(list)
    for draft in drafts:
        if draft.role == Posting.Role.FIRST_SECRETARY:
            village_groups[draft.village].append((draft.start, draft.end, draft))
    for p in by_village:
        if p["id"] not in rewritten:
            village_groups[village_key[p["village_id"]]].append(
                (p["start_date"], p["actual_end_date"] or p["planned_end_date"], p)
            )
    for draft, other, start, end in _overlaps(village_groups):
        conflicts.append(PostingConflict(draft, FIRST_SECRETARY, _first_secretary_message(other, start, end)))
    return conflicts


def _overlaps(groups):
    """(draft, other, other's start, other's end) for each draft that overlaps another period of
    its group: sorted by start, every period starting on or before the furthest end so far
    overlaps it. Each draft once; stored postings are never reported, only named."""
    for periods in groups.values():
        if len(periods) < 2:
            continue
        periods.sort(key=lambda p: (p[0], p[1]))
        reported: set[int] = set()
        far_start, far_end, far_item = periods[0]
        for start, end, item in periods[1:]:
            if start <= far_end:
                if isinstance(item, PostingDraft):
                    if id(item) not in reported:
                        reported.add(id(item))
                        yield item, far_item, far_start, far_end
                elif isinstance(far_item, PostingDraft) and id(far_item) not in reported:
                    reported.add(id(far_item))
                    yield far_item, item, start, end
            if end > far_end:
                far_start, far_end, far_item = start, end, item


def _in_area(area: Area, county_id: int) -> bool:
    return area.everything or county_id in area.county_ids


def _cadre_message(other, start: dt.date, end: dt.date, area: Area) -> str:
    if isinstance(other, PostingDraft):
        if other.row is not None:
            return _("该干部的选派与第 %(row)d 行的选派时间重叠，同一干部同一天只能有一个选派") % {
                "row": other.row
            }
        return _("该干部的选派与同批的另一个选派时间重叠，同一干部同一天只能有一个选派")
    if not _in_area(area, other["village__township__county_id"]):
        # Another area's posting: its dates, never its village, role or county.
        return _("该干部在 %(start)s 至 %(end)s 已有其他地区的选派，同一干部同一天只能有一个选派") % {
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
    with translation.override(None):
        role = str(Posting.Role(other["role"]).label)
    return _(
        "该干部在 %(start)s 至 %(end)s 已选派到%(village)s（%(role)s），同一干部同一天只能有一个选派"
    ) % {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "village": other["village__name"],
        "role": role,
    }


def _first_secretary_message(other, start: dt.date, end: dt.date) -> str:
    if isinstance(other, PostingDraft):
        if other.row is not None:
            return _("与第 %(row)d 行的第一书记时间重叠，一个村同一天只能有一名第一书记") % {"row": other.row}
        return _("与同批的另一名第一书记时间重叠，一个村同一天只能有一名第一书记")
    return _("%(village)s在 %(start)s 至 %(end)s 已有第一书记%(cadre)s，一个村同一天只能有一名第一书记") % {
        "village": other["village__name"],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "cadre": other["cadre__name"],
    }


def announce_new_postings(*, county_ids) -> None:
    """Every path that creates postings (page, admin, registry import) calls this: once committed,
    ``posting_created`` is sent per county, so a recall's open replacement is fulfilled."""
    county_ids = sorted({int(i) for i in county_ids})

    def send():
        for county_id in county_ids:
            posting_created.send(sender=Posting, county_id=county_id)

    if county_ids:
        transaction.on_commit(send)
