"""Cadre accounts (DOMAIN §1, the 干部 role): created in bulk from the registry.

A cadre's username is their 身份证号 (what they know by heart and what is unique); the initial
password is random, shown once in the credentials workbook, and must be changed at the first
login (``StaffProfile.must_change_password``). The command ``create_cadre_accounts`` and the
admin action on 干部 both call :func:`create_accounts`.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from cadres.models import Cadre, Posting
from core.models import StaffProfile
from core.xlsx import safe_text

# No 0/O, 1/l/I: the password is read off paper and typed on a phone.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CREDENTIALS_HEADER = ["序号", "乡镇", "村", "姓名", "身份证号", "用户名", "初始密码"]


@dataclass(frozen=True)
class NewAccount:
    cadre: Cadre
    username: str
    password: str
    township: str
    village: str


def own_cadre(request) -> Cadre:
    """The cadre behind a cadre's account; 404 for everyone else (staff have no /me/ pages).

    Every cadre page (我的驻村, check-in, diary, leave) starts here.
    """
    from django.http import Http404

    from core.scoping import area_for

    area = area_for(request.user)
    if not area.is_cadre:
        raise Http404
    return Cadre.objects.get(pk=area.cadre_id)


def initial_password(length: int = 10) -> str:
    while True:
        pw = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        # Letters and digits both, so the password validators' rules read sensibly to a cadre.
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def cadres_in_post(*, county, on: dt.date):
    """Cadres with a posting in ``county`` covering ``on``, ordered as the workbook lists them."""
    postings = Posting.objects.covering(on).filter(village__township__county=county)
    return Cadre.objects.filter(id__in=postings.values("cadre_id"))


def create_accounts(*, cadres, on: dt.date) -> list[NewAccount]:
    """An account for each of ``cadres`` that has none yet; returns the new ones with passwords.

    Idempotent: a cadre who already has an account is skipped (their password is never reset
    here — an admin resets a forgotten password in the admin).
    """
    User = get_user_model()
    todo = list(cadres.filter(account__isnull=True).order_by("id_number"))
    where = {}
    for p in (
        Posting.objects.covering(on)
        .filter(cadre__in=[c.pk for c in todo])
        .select_related("village__township")
    ):
        where[p.cadre_id] = (p.village.township.name, p.village.name)
    created = []
    with transaction.atomic():
        taken = set(
            User.objects.filter(username__in=[c.id_number for c in todo]).values_list("username", flat=True)
        )
        for cadre in todo:
            if cadre.id_number in taken:
                continue
            password = initial_password()
            user = User.objects.create(
                username=cadre.id_number,
                first_name=cadre.name,
                password=make_password(password, hasher="pbkdf2_initial"),
            )
            StaffProfile.objects.create(
                user=user, role=StaffProfile.Role.CADRE, cadre=cadre, must_change_password=True
            )
            township, village = where.get(cadre.pk, ("", ""))
            created.append(NewAccount(cadre, cadre.id_number, password, township, village))
    created.sort(key=lambda a: (a.township, a.village, a.cadre.id_number))
    return created


def credentials_workbook(accounts: list[NewAccount]) -> bytes:
    """The one-time credentials sheet handed to each township (print, cut, hand over)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    ws = wb.add_worksheet("账号")
    head = wb.add_format({"bold": True, "bg_color": "#f0f1f3", "border": 1})
    cell = wb.add_format({"border": 1})
    for col, title in enumerate(CREDENTIALS_HEADER):
        ws.write_string(0, col, title, head)
    for i, a in enumerate(accounts, start=1):
        values = [str(i), a.township, a.village, a.cadre.name, a.cadre.id_number, a.username, a.password]
        for col, value in enumerate(values):
            ws.write_string(i, col, str(safe_text(value)), cell)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 3, 14)
    ws.set_column(4, 5, 22)
    ws.set_column(6, 6, 14)
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()
