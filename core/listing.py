"""Small helpers the list pages share: paging and reading filter values from the query string."""

from django.core.paginator import Paginator

PAGE_SIZE = 50


def paginate(request, queryset, *, per_page: int = PAGE_SIZE):
    """The requested page of ``queryset`` (a bad or too large page number gives the last page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def int_param(request, name: str) -> int | None:
    """A positive integer filter value, or None when absent or malformed."""
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def choice_param(request, name: str, choices) -> str:
    """A filter value that must be one of ``choices`` (value, label) pairs; "" otherwise."""
    value = request.GET.get(name, "").strip()
    return value if value in {c[0] for c in choices} else ""
