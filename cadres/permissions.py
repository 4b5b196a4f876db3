"""Who may change the registry's postings (DOMAIN.md §1): pages of this app and the dashboard ask here."""

from core.scoping import area_for


def can_manage_postings(user) -> bool:
    """Organization staff and admins register postings; township staff only read."""
    area = area_for(user)
    return not area.is_empty and not area.is_township
