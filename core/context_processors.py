from core.people import person
from core.scoping import area_for


def area_name(user, profile) -> str:
    """The user's area in words for the header: their township, or their county (counties)."""
    if profile is None:
        return ""
    if profile.role == "TOWNSHIP" and profile.township_id:
        return profile.township.name
    if profile.role == "ORG":
        return "、".join(profile.counties.order_by("code").values_list("name", flat=True))
    return ""


def area(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    profile = getattr(user, "staff_profile", None) if not user.is_superuser else None
    who = person(user)
    where = area_name(user, profile)
    return {
        "user_area": area_for(user),
        "user_profile": profile,
        # 组织部 王明 · 开鲁县 / 开鲁镇 李娜 (the township is named once).
        "user_label": f"{who} · {where}" if where and where not in who else who,
    }
