"""Reads for the inspection pages and for the apps above (appraisal's 减分); every page read takes
the user's ``Area``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Q, Sum

from core.scoping import Area
from inspections.models import Finding, Inspection


def inspection_list(area: Area, *, kind="", township_id=None, year=None):
    qs = (
        Inspection.objects.for_area(area)
        .select_related("county")
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_serious=Count("findings", filter=Q(findings__severity=Finding.Severity.SERIOUS), distinct=True),
        )
    )
    if kind:
        qs = qs.filter(kind=kind)
    if township_id:
        qs = qs.filter(villages__township_id=township_id).distinct()
    if year:
        qs = qs.filter(date__year=year)
    return qs.order_by("-date", "-id")


def deductions_by_cadre(*, cadre_ids: Iterable[int], first: dt.date, last: dt.date) -> dict[int, Decimal]:
    """The §8 deductions (扣分) of the findings about each cadre on inspections dated from ``first``
    to ``last``, summed per cadre; cadres without any are absent. The appraisal's 督查 indicator."""
    rows = (
        Finding.objects.filter(
            cadre_id__in=cadre_ids, inspection__date__gte=first, inspection__date__lte=last
        )
        .values("cadre_id")
        .annotate(total=Sum("deduction"))
        .values_list("cadre_id", "total")
    )
    return {cadre_id: Decimal(total or 0) for cadre_id, total in rows}
