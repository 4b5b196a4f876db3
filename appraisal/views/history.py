"""A cadre's quarters: the page, and the partial the cadre detail page includes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from appraisal import selectors
from appraisal.views.common import can_edit
from cadres.models import Cadre


def _history(request, cadre_id: int):
    cadre = get_object_or_404(Cadre.objects.for_user(request.user), pk=cadre_id)
    results = selectors.cadre_quarter_results(user=request.user, cadre=cadre)
    return cadre, results, _sparkline(results)


def _sparkline(results, width: int = 320, height: int = 80) -> dict:
    """SVG points of composites over quarters (0–100 scale), so the partial needs no script."""
    if not results:
        return {}
    step = width / max(len(results) - 1, 1)
    points = []
    for i, r in enumerate(results):
        x = round(i * step if len(results) > 1 else width / 2, 1)
        y = round(height - float(min(r.composite, 100)) / 100 * height, 1)
        points.append((x, y, r))
    return {
        "width": width,
        "height": height,
        "points": points,
        "guides": [
            (label, round(height - value / 100 * height, 1)) for label, value in (("90", 90), ("60", 60))
        ],
        "polyline": " ".join(f"{x},{y}" for x, y, _r in points),
    }


@login_required
def cadre_history(request, cadre_id: int):
    cadre, results, spark = _history(request, cadre_id)
    return render(
        request,
        "appraisal/cadre_history.html",
        {"cadre": cadre, "results": results, "spark": spark, "can_edit": can_edit(request.user)},
    )


@login_required
def cadre_history_panel(request, cadre_id: int):
    """The history as a partial for the cadre detail page (``hx-get`` it, or include the template)."""
    cadre, results, spark = _history(request, cadre_id)
    return render(
        request, "appraisal/partials/cadre_history.html", {"cadre": cadre, "results": results, "spark": spark}
    )
