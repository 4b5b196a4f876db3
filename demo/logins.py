"""The demo logins: one password, every login ``seed_demo`` prints, and the staff accounts.

The staff logins (``admin``, ``org``, ``township``) are made with the registry
(``demo.county``); the cadre logins (``cadre``, ``cadre2``) with the check-ins
(``demo.checkins``), once the county has postings to pick them from.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from core.models import StaffProfile

DEMO_PASSWORD = "zhucun2026"

#: (username, password, label) of every demo login, printed by ``seed_demo`` in this order.
STAFF_LOGINS = [
    ("admin", DEMO_PASSWORD, "管理员（全部数据，可用后台）"),
    ("org", DEMO_PASSWORD, "组织部（示范县，可用按县限定的后台）"),
    ("township", DEMO_PASSWORD, "乡镇（示范县第一个乡镇）"),
]
CADRE_LOGINS = [
    ("cadre", DEMO_PASSWORD, "干部（示范县第一个乡镇的第一书记：签到、请假、为队员签字）"),
    ("cadre2", DEMO_PASSWORD, "干部（同村工作队员：签到、请假须第一书记先签字）"),
]
DEMO_LOGINS = STAFF_LOGINS + CADRE_LOGINS


def staff_logins(*, county_id: int, township_id: int) -> None:
    """The ``admin``, ``org`` (the county's 组织部) and ``township`` (its first township) logins."""
    User = get_user_model()
    admin, _created = User.objects.get_or_create(username="admin")
    admin.is_staff = admin.is_superuser = True
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    StaffProfile.objects.update_or_create(
        user=admin, defaults={"role": StaffProfile.Role.ADMIN, "township": None}
    )

    # Organization staff may use the admin: it is scoped to their county (core.admin.ScopedAdminMixin).
    org, _created = User.objects.get_or_create(username="org", defaults={"first_name": "组织部"})
    org.is_staff, org.is_superuser = True, False
    org.set_password(DEMO_PASSWORD)
    org.save()
    org.user_permissions.set(
        Permission.objects.filter(
            # Inspection and Finding have their own app label, "inspections" (issue 16).
            content_type__app_label__in=(
                "villages",
                "cadres",
                "attendance",
                "inspections",
                "appraisal",
                "decisions",
            ),
            codename__regex=r"^(view|add|change)_",
        )
    )
    profile, _created = StaffProfile.objects.update_or_create(
        user=org, defaults={"role": StaffProfile.Role.ORG, "township": None, "display_name": "王明"}
    )
    profile.counties.set([county_id])

    township, _created = User.objects.get_or_create(username="township", defaults={"first_name": "乡镇"})
    township.is_staff = township.is_superuser = False
    township.set_password(DEMO_PASSWORD)
    township.save()
    StaffProfile.objects.update_or_create(
        user=township,
        defaults={"role": StaffProfile.Role.TOWNSHIP, "township_id": township_id, "display_name": "李娜"},
    )
