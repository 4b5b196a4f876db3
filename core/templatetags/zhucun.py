import functools

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


# Every nav entry's URL, so a link is "current" only when it is the longest prefix of the path
# (/cadres/units/ highlights 派出单位, not 干部 as well).
NAV_URL_NAMES = (
    "dashboard",
    "villages:list",
    "cadres:list",
    "cadres:unit_list",
    "attendance:upload",
    "attendance:board",
    "attendance:leave_list",
    "attendance:monthly_report",
    "appraisal:ranking",
    "decisions:list",
    "decisions:inspection_list",
    "diary:ledger",
    "villages:registry_import",
    "checkins:import",
    "checkins:reconciliation",
    "me:home",
    "me_checkins:page",
    "me:leave",
)


@functools.cache
def _nav_urls() -> tuple[str, ...]:
    """The nav entries' URLs, resolved once per process (the URLconf does not change at run time)."""
    urls = []
    for name in NAV_URL_NAMES:
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            pass
    return tuple(urls)


@register.inclusion_tag("partials/nav_link.html", takes_context=True)
def nav_link(context, url_name, label):
    """A navigation link that marks itself current; omitted when the page does not exist."""
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return {"url": None}
    request = context.get("request")
    current = False
    if request is not None:
        path = request.path
        matches = [u for u in _nav_urls() if path == u or (u != "/" and path.startswith(u))]
        current = bool(matches) and max(matches, key=len) == url
    return {"url": url, "label": label, "current": current}


@register.simple_tag(takes_context=True)
def querystring_with(context, **kwargs):
    """The current query string with some keys replaced (pagination, sorting)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def percent(value, digits=1):
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError):
        return "—"


@register.filter(name="person")
def person_filter(user, default="—"):
    """A user as people know them: ``组织部 王明`` (core.people.person)."""
    from core.people import person

    return person(user, default)


@register.filter
def month_cn(value):
    """A month as words: 2026年11月."""
    from django.utils.translation import gettext

    if not value:
        return ""
    return gettext("%(year)s年%(month)s月") % {"year": value.year, "month": value.month}


@register.inclusion_tag("partials/sort_th.html", takes_context=True)
def sort_th(context, key, label, css=""):
    """A column header that sorts the list by ``key`` (?sort=key, again for -key, descending)."""
    current = context["request"].GET.get("sort", "")
    if current == key:
        target, direction = f"-{key}", "asc"
    elif current == f"-{key}":
        target, direction = key, "desc"
    else:
        target, direction = key, ""
    return {
        "url": querystring_with(context, sort=target, page=None),
        "label": label,
        "direction": direction,
        "css": css,
    }


@register.filter
def mask_id(value):
    """身份证号 masked for lists (150599********907X); detail pages and exports show it whole."""
    from core.idcard import mask

    return mask(value)


@register.filter
def money(value):
    """An amount in yuan with thousands separators and two places: 1,196,400.00."""
    from decimal import Decimal, InvalidOperation

    if value in (None, ""):
        return "—"
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return value
