"""Template tags other pages use to show decision information (the dashboard's overdue card, the
R3 proposals on an inspection's page)."""

from django import template
from django.utils import timezone

from core.scoping import area_for
from decisions.selectors import overdue_replacements, proposals_from_findings
from decisions.selectors import period_label as _period_label

register = template.Library()

DASHBOARD_LIMIT = 20


@register.inclusion_tag("decisions/partials/overdue_replacements.html", takes_context=True)
def overdue_replacements_card(context, limit=DASHBOARD_LIMIT):
    """``{% load decisions_tags %}{% overdue_replacements_card %}``: the user's overdue replacements."""
    request = context.get("request")
    user = getattr(request, "user", None)
    today = timezone.localdate()
    qs = overdue_replacements(area_for(user), today)
    return {
        "overdue_replacements": list(qs[:limit]),
        "overdue_replacements_count": qs.count(),
        "today": today,
        "request": request,
    }


@register.filter
def period_label(decision):
    """``{{ decision|period_label }}``: the evidence period in words (never ``finding:1``)."""
    return _period_label(decision)


@register.inclusion_tag("decisions/partials/finding_proposals.html", takes_context=True)
def finding_proposals(context, findings):
    """``{% finding_proposals findings %}``: the decisions proposed (R3) from these findings that
    the user may read. The inspection page lives below decisions, so decisions shows them."""
    request = context.get("request")
    return {"proposals": proposals_from_findings(area_for(request.user), findings), "request": request}
