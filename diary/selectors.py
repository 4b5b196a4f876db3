"""Reads of the diary for pages, exports and other apps: always through the user's area.

The ledger's counting rules (DOMAIN.md §11) are here once, used by the page and the export:
for a period [first, last] and the day the state is read (``as_of`` = the period's end, or
today while the period is running):
- 新增 raised: items whose entry is dated in the period;
- 办结 closed: items closed in the period;
- 待办 open: raised by ``as_of`` and not closed by it;
- 逾期 overdue: open on ``as_of`` and past the due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from core.periods import month_end
from core.scoping import Area
from diary.models import Entry, Item, open_q, overdue_q


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    def as_of(self, today: dt.date) -> dt.date:
        """The day the open/overdue state is read: the period's end, or today while it runs."""
        return min(self.last, today)

    @classmethod
    def month(cls, month: dt.date) -> Period:
        return cls(month.replace(day=1), month_end(month))


def ledger_counts(items, period: Period, *, today: dt.date, group_by=("village_id",)):
    """Per group: items raised and closed in the period, open and overdue as of its end."""
    as_of = period.as_of(today)
    return (
        items.values(*group_by)
        .annotate(
            raised=Count("id", filter=Q(raised_on__gte=period.first, raised_on__lte=period.last)),
            closed=Count("id", filter=Q(closed_on__gte=period.first, closed_on__lte=period.last)),
            open=Count("id", filter=open_q(as_of)),
            overdue=Count("id", filter=overdue_q(as_of)),
        )
        .order_by(*group_by)
    )


@dataclass
class LedgerRow:
    township: str
    village: str
    village_id: int | None = None
    raised: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0


@dataclass
class Ledger:
    townships: list[dict] = field(default_factory=list)
    total: LedgerRow | None = None


def ledger(items, period: Period, *, today: dt.date) -> Ledger:
    """The 对账销号 ledger: one row per village with a subtotal per township, and the total."""
    rows = ledger_counts(
        items,
        period,
        today=today,
        group_by=(
            "village__township__code",
            "village__township__name",
            "village__code",
            "village__name",
            "village_id",
        ),
    )
    townships: dict[str, dict] = {}
    total = LedgerRow(township="", village="")
    for r in rows:
        t = townships.setdefault(
            r["village__township__code"],
            {
                "name": r["village__township__name"],
                "villages": [],
                "subtotal": LedgerRow(r["village__township__name"], "", None),
            },
        )
        row = LedgerRow(
            township=r["village__township__name"],
            village=r["village__name"],
            village_id=r["village_id"],
            raised=r["raised"],
            closed=r["closed"],
            open=r["open"],
            overdue=r["overdue"],
        )
        t["villages"].append(row)
        for target in (t["subtotal"], total):
            target.raised += row.raised
            target.closed += row.closed
            target.open += row.open
            target.overdue += row.overdue
    return Ledger(townships=list(townships.values()), total=total)


STATUS_FILTERS = (("open", _("待办")), ("overdue", _("逾期")), ("closed", _("本期办结")))


def item_list(items, period: Period, *, today: dt.date, status: str = ""):
    """The ledger's items: open/overdue as of the period's end, closed in the period; all three by default."""
    as_of = period.as_of(today)
    closed = Q(closed_on__gte=period.first, closed_on__lte=period.last)
    if status == "open":
        condition = open_q(as_of)
    elif status == "overdue":
        condition = overdue_q(as_of)
    elif status == "closed":
        condition = closed
    else:
        condition = open_q(as_of) | closed
    return (
        items.filter(condition)
        .select_related("cadre", "village__township", "entry")
        .order_by("village__township__code", "village__code", "due_date", "id")
    )


def overdue_items(area: Area, today: dt.date):
    """Open items past their due date in the area, the longest overdue first (dashboard card)."""
    return (
        Item.objects.for_area(area)
        .filter(overdue_q(today))
        .select_related("cadre", "village__township")
        .order_by("due_date", "id")
    )


def cadre_entries(entries, *, cadre_id: int, first: dt.date | None = None, last: dt.date | None = None):
    """A cadre's entries (newest first) with their items and photos, optionally within a period."""
    qs = entries.filter(cadre_id=cadre_id)
    if first:
        qs = qs.filter(date__gte=first)
    if last:
        qs = qs.filter(date__lte=last)
    return (
        qs.select_related("village__township", "cadre")
        .prefetch_related("items", "photos")
        .order_by("-date", "-id")
    )


def entry_history(entry: Entry) -> list[dict]:
    """The entry's earlier versions, newest first, each with who changed it and when."""
    versions = list(entry.history.select_related("history_user").order_by("-history_date", "-history_id"))
    out = []
    for newer, older in zip(versions, versions[1:], strict=False):
        changes = newer.diff_against(older).changes
        if changes:
            out.append({"version": newer, "previous": older, "fields": [c.field for c in changes]})
    return out


def my_items(cadre_id: int, today: dt.date) -> dict:
    """A cadre's open items (overdue first) and their recently closed ones."""
    mine = Item.objects.filter(cadre_id=cadre_id).select_related("village", "entry")
    open_items = list(mine.filter(status=Item.Status.OPEN).order_by("due_date", "id"))
    return {
        "overdue": [i for i in open_items if i.due_date < today],
        "open": [i for i in open_items if i.due_date >= today],
        "closed": list(mine.filter(status=Item.Status.CLOSED).order_by("-closed_on", "-id")[:20]),
    }


@dataclass
class ReviewCadre:
    cadre_id: int
    name: str
    entries: int = 0
    late_entries: int = 0
    raised: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0


def records_review(
    area: Area, *, cadre_ids, village_ids, first: dt.date, last: dt.date, today: dt.date
) -> dict:
    """What a 调阅 (records review) reads: the diaries and items of the cadres it visits.

    The cadres are those the inspection names and those who kept a diary in the villages it
    visits, within the user's area. Per cadre: entries and 补记 in the period, items raised
    and closed in it, and items open and overdue at its end (or today while it runs).
    """
    who = Q(cadre_id__in=list(cadre_ids)) | Q(village_id__in=list(village_ids))
    entries = (
        Entry.objects.for_area(area)
        .filter(who, date__gte=first, date__lte=last)
        .select_related("cadre", "village__township")
        .prefetch_related("items", "photos")
        .order_by("cadre__name_initials", "cadre_id", "date", "id")
    )
    period = Period(first, last)
    as_of = period.as_of(today)
    items = (
        Item.objects.for_area(area)
        .filter(who)
        .filter(Q(raised_on__gte=first, raised_on__lte=last) | open_q(as_of))
        .filter(raised_on__lte=last)
        .select_related("cadre", "village", "entry")
        .order_by("cadre__name_initials", "cadre_id", "raised_on", "id")
    )
    summary: dict[int, ReviewCadre] = {}
    for e in entries:
        row = summary.setdefault(e.cadre_id, ReviewCadre(e.cadre_id, e.cadre.name))
        row.entries += 1
        row.late_entries += e.is_late
    counts = ledger_counts(
        Item.objects.for_area(area).filter(who), period, today=today, group_by=("cadre_id", "cadre__name")
    )
    for r in counts:
        row = summary.setdefault(r["cadre_id"], ReviewCadre(r["cadre_id"], r["cadre__name"]))
        row.raised, row.closed, row.open, row.overdue = r["raised"], r["closed"], r["open"], r["overdue"]
    for cadre_id, name in (
        Cadre.objects.for_area(area).filter(pk__in=list(cadre_ids)).values_list("id", "name")
    ):
        summary.setdefault(cadre_id, ReviewCadre(cadre_id, name))
    return {
        "entries": entries,
        "items": items,
        "summary": sorted(summary.values(), key=lambda r: r.name),
        "as_of": as_of,
    }


def entries_per_cadre(*, cadre_ids, first: dt.date, last: dt.date) -> dict[int, int]:
    """How many entries each cadre wrote dated in the period (the appraisal's 工作纪实 feed)."""
    rows = (
        Entry.objects.filter(cadre_id__in=list(cadre_ids), date__gte=first, date__lte=last)
        .values("cadre_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("cadre_id", "n")
    )
    return dict(rows)
