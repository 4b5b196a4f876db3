from core.scoping import area_for


def area(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    profile = getattr(user, "staff_profile", None) if not user.is_superuser else None
    return {"user_area": area_for(user), "user_profile": profile}
