"""Indicator schemes (DOMAIN.md §6): the default, copying forward, guarded edits, the 考核细则 workbook."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from appraisal.models import CATEGORY_ORDER, Category, Indicator, Scheme, Source
from core.xlsx import append_row

C, D, M, B, X = Category.COMMON, Category.DISCIPLINE, Category.DEMOCRATIC, Category.BONUS, Category.DEDUCTION

# 共性指标 70 over 24 indicators, 工作纪律 20, 民主测评 10, 加分 (capped at the policy's bonus_cap),
# 减分 (manual, and the inspection deductions of §8). Names and points as counties commonly publish them.
DEFAULT_INDICATORS: list[tuple[str, str, str, str]] = [
    (C, "扶贫扶志", "3", Source.MANUAL),
    (C, "产业发展", "5", Source.MANUAL),
    (C, "基层组织建设", "5", Source.MANUAL),
    (C, "为民办事", "3", Source.MANUAL),
    (C, "党建引领", "3", Source.MANUAL),
    (C, "三会一课", "3", Source.MANUAL),
    (C, "村级集体经济", "3", Source.MANUAL),
    (C, "乡村振兴规划", "3", Source.MANUAL),
    (C, "人居环境整治", "3", Source.MANUAL),
    (C, "矛盾纠纷化解", "3", Source.MANUAL),
    (C, "平安乡村建设", "3", Source.MANUAL),
    (C, "民生保障", "3", Source.MANUAL),
    (C, "政策宣传", "2", Source.MANUAL),
    (C, "移风易俗", "2", Source.MANUAL),
    (C, "村务公开", "3", Source.MANUAL),
    (C, "后备力量培养", "2", Source.MANUAL),
    (C, "防返贫监测", "3", Source.MANUAL),
    (C, "项目争取", "3", Source.MANUAL),
    (C, "就业帮扶", "3", Source.MANUAL),
    (C, "教育帮扶", "2", Source.MANUAL),
    (C, "健康帮扶", "2", Source.MANUAL),
    (C, "生态保护", "2", Source.MANUAL),
    (C, "走访群众", "3", Source.MANUAL),
    (C, "信息报送", "3", Source.MANUAL),
    (D, "遵纪守法", "4", Source.MANUAL),
    (D, "脱产驻村", "6", Source.ATTENDANCE),
    (D, "请销假", "3", Source.MANUAL),
    (D, "五个不准", "4", Source.MANUAL),
    (D, "工作纪实", "3", Source.MANUAL),
    (M, "民主测评", "10", Source.DEMOCRATIC),
    (B, "创先争优加分", "10", Source.MANUAL),
    (X, "违规违纪减分", "100", Source.MANUAL),
    (X, "督查通报减分", "100", Source.INSPECTION),
]


def fmt_points(value: Decimal) -> str:
    """5.00 → "5", 2.50 → "2.5" for messages and headers."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@transaction.atomic
def create_default_scheme(*, county, year: int) -> Scheme:
    """The default scheme of DOMAIN.md §6 for a county and year (which must not have one)."""
    scheme = Scheme.objects.create(county=county, year=year)
    Indicator.objects.bulk_create(
        Indicator(scheme=scheme, category=cat, name=name, max_points=Decimal(points), source=source, order=i)
        for i, (cat, name, points, source) in enumerate(DEFAULT_INDICATORS, start=1)
    )
    return scheme


@transaction.atomic
def copy_scheme(*, scheme: Scheme, year: int) -> Scheme:
    """Copy a scheme's indicators to another year of the same county (refused if that year has one)."""
    if Scheme.objects.filter(county_id=scheme.county_id, year=year).exists():
        raise ValidationError(_("%(year)s 年的考核细则已存在") % {"year": year})
    new = Scheme.objects.create(county_id=scheme.county_id, year=year, diary_target=scheme.diary_target)
    Indicator.objects.bulk_create(
        Indicator(
            scheme=new,
            category=i.category,
            name=i.name,
            max_points=i.max_points,
            source=i.source,
            order=i.order,
        )
        for i in scheme.indicators.all()
    )
    return new


def find_scheme(*, county, year: int) -> Scheme | None:
    """The county's scheme for ``year`` if it has been opened; read-only (for GET pages)."""
    return Scheme.objects.filter(county=county, year=year).first()


def get_or_create_scheme(*, county, year: int) -> Scheme:
    """The county's scheme for ``year``; created from last year's, else the default, when missing."""
    scheme = Scheme.objects.filter(county=county, year=year).first()
    if scheme is not None:
        return scheme
    previous = Scheme.objects.filter(county=county, year__lt=year).order_by("-year").first()
    try:
        with transaction.atomic():
            if previous is not None:
                return copy_scheme(scheme=previous, year=year)
            return create_default_scheme(county=county, year=year)
    except IntegrityError:
        # Created concurrently by another request (the unique county-year): use that one.
        scheme = Scheme.objects.filter(county=county, year=year).first()
        if scheme is None:
            raise
        return scheme


def ordered_indicators(scheme: Scheme) -> list[Indicator]:
    """Indicators in scheme order: by category (共性指标 … 减分), then their own order."""
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    return sorted(scheme.indicators.all(), key=lambda i: (rank.get(i.category, 99), i.order, i.id))


def manual_indicators(scheme: Scheme) -> list[Indicator]:
    return [i for i in ordered_indicators(scheme) if i.source == Source.MANUAL]


def validate_indicator_rows(rows: list[dict]) -> list[str]:
    """Checks a whole edited scheme: names unique and present, points positive, sources fit."""
    errors: list[str] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        name = (row.get("name") or "").strip()
        if not name:
            errors.append(_("第 %(n)s 行：指标名称不能为空") % {"n": n})
        elif name in seen:
            errors.append(_("第 %(n)s 行：指标“%(name)s”重复") % {"n": n, "name": name})
        seen.add(name)
        if row.get("category") not in CATEGORY_ORDER:
            errors.append(_("第 %(n)s 行：类别无效") % {"n": n})
        if row.get("source") not in Source.values:
            errors.append(_("第 %(n)s 行：来源无效") % {"n": n})
        points = row.get("max_points")
        if points is None or Decimal(points) <= 0:
            errors.append(_("第 %(n)s 行：分值必须大于 0") % {"n": n})
    return errors


@transaction.atomic
def replace_indicators(*, scheme: Scheme, rows: list[dict], diary_target: int | None = None) -> Scheme:
    """Save an edited scheme; refused once scores or results of its county-year exist.

    Once a scheme is in use an edit could drop or rescale indicators that scores were entered
    against, so the change is refused instead of silently losing them: copy it to a new year.
    """
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.locked:
        raise ValidationError(_("该年度已录入得分或已计算排名，考核细则不能再修改"))
    errors = validate_indicator_rows(rows)
    if diary_target is not None and not 1 <= diary_target <= 1000:
        errors.append(_("民情日记目标篇数应为 1 到 1000 之间的整数"))
    if errors:
        raise ValidationError(errors)
    if diary_target is not None:
        scheme.diary_target = diary_target
        scheme.save(update_fields=["diary_target"])
    scheme.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(
            scheme=scheme,
            category=row["category"],
            name=row["name"].strip(),
            max_points=Decimal(row["max_points"]),
            source=row["source"],
            order=row.get("order") or n,
        )
        for n, row in enumerate(rows, start=1)
    )
    Scheme.objects.filter(pk=scheme.pk).update(version=F("version") + 1)
    scheme.refresh_from_db()
    return scheme


SCHEME_HEADER = ["类别", "指标", "分值", "来源"]


def scheme_workbook(scheme: Scheme) -> bytes:
    """The 考核细则 workbook: one sheet, header 类别, 指标, 分值, 来源, points as numbers."""
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "考核细则"
    append_row(ws, SCHEME_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for ind in ordered_indicators(scheme):
        append_row(ws, [ind.category, ind.name, ind.max_points, ind.source])
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 20
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def scheme_filename(scheme: Scheme) -> str:
    return f"{scheme.county.name}{scheme.year}年考核细则.xlsx"
