"""People as the office knows them: 组织部 王明, 义和塔拉镇 李娜 — never a login name on a page.

``person(user)`` is the one place that turns a user into words; pages use the ``person``
template filter, exports and notices call it directly. Querysets that show many people should
``select_related("<user field>__staff_profile__township")``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def display_name(user) -> str:
    """The person's name: the profile's display name, else the account's full name, else the login."""
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    if profile is not None and profile.display_name:
        return profile.display_name
    return user.get_full_name() or user.username


def office(user) -> str:
    """Where the person works: the profile's office, else 组织部 / the township's name by role."""
    profile = getattr(user, "staff_profile", None) if user is not None else None
    if profile is None:
        return _("系统管理员") if user is not None and user.is_superuser else ""
    if profile.office:
        return profile.office
    role = profile.role
    if role == "TOWNSHIP" and profile.township_id:
        return profile.township.name
    if role == "ORG":
        return _("组织部")
    if role == "ADMIN":
        return _("系统管理员")
    return ""


def person(user, default: str = "—") -> str:
    """``组织部 王明``: office and name; ``default`` when there is nobody (an import, the system)."""
    if user is None:
        return default
    return " ".join(part for part in (office(user), display_name(user)) if part)
