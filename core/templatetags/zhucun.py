from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.inclusion_tag("partials/nav_link.html", takes_context=True)
def nav_link(context, url_name, label):
    """A navigation link that marks itself current; omitted when the page does not exist."""
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return {"url": None}
    request = context.get("request")
    current = bool(request) and (request.path == url or (url != "/" and request.path.startswith(url)))
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
