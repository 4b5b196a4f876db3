"""Argument helpers shared by the appraisal commands."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.periods import parse_quarter
from villages.models import County


def county_from(code: str) -> County:
    county = County.objects.filter(code=(code or "").strip()).first()
    if county is None:
        raise CommandError(_("县代码 %(code)s 不存在") % {"code": code})
    return county


def quarter_from(text: str) -> tuple[int, int]:
    try:
        return parse_quarter(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def write_file(path: str, data: bytes) -> None:
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise CommandError(_("无法写入文件 %(path)s：%(err)s") % {"path": path, "err": exc}) from None
