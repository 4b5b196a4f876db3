"""Score entry and the score workbook (DOMAIN.md §6).

A cell is one (cadre, quarter, indicator): saving it is an ``update_or_create`` of that cell
alone, so two people entering different cells of the same grid never overwrite each other.
The import checks the whole file first and writes only when every cell is valid.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal.models import DemocraticRate, Indicator, Score, Source
from appraisal.schemes import fmt_points, get_or_create_scheme, manual_indicators
from appraisal.scoring import quarter_cadres
from cadres.models import Cadre
from core import idcard, intake
from core.history import IMPORT, change_path, record_batch
from core.intake.cells import CellErrors
from core.xlsx import SpreadsheetRejected, append_row, cell_ref, cell_text, unguard

ID_HEADER = "身份证号"
NAME_HEADER = "姓名"
RATE_HEADER = "民主测评满意率"
TEMPLATE_SHEET = "Sheet1"
#: A county's cadres and indicators with room to spare; a sheet past these is refused unparsed.
INTAKE_LIMITS = intake.Limits(rows=100_000, cols=200, cells=5_000_000)
_SUFFIX_RE = re.compile(r"\s*[（(]\s*(?:[\d.]+\s*分|[%％])\s*[）)]\s*$")


def parse_points(value, *, maximum: Decimal | None) -> tuple[Decimal | None, str | None]:
    """A cell's points: (None, None) when blank, (points, None) when valid, (None, message) otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, _("不是有效的分值")
    try:
        points = Decimal(str(value).strip()) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation:
        return None, _("不是有效的分值：%(v)s") % {"v": value}
    if not points.is_finite():
        return None, _("不是有效的分值：%(v)s") % {"v": value}
    if isinstance(value, float) and abs(points - points.quantize(Decimal("0.01"))) < Decimal("1e-9"):
        # Binary noise of a spreadsheet formula (=0.1+0.2 is stored as 0.30000000000000004).
        points = points.quantize(Decimal("0.01"))
    if points < 0:
        return None, _("分值不能为负数")
    if maximum is not None and points > maximum:
        return None, _("超过该指标满分 %(max)s 分") % {"max": fmt_points(maximum)}
    if points != points.quantize(Decimal("0.01")):
        return None, _("分值最多保留两位小数")
    return points.quantize(Decimal("0.01")), None


def parse_rate(value) -> tuple[Decimal | None, str | None]:
    if isinstance(value, str):
        value = value.strip().rstrip("%").rstrip("％").strip()
    rate, error = parse_points(value, maximum=None)
    if error:
        return None, error.replace(_("分值"), _("满意率"))
    if rate is not None and rate > 100:
        return None, _("民主测评满意率应在 0–100 之间")
    return rate, None


def _check_cell(*, county, year: int, quarter: int, cadre: Cadre, indicator: Indicator | None = None) -> None:
    if indicator is not None:
        if indicator.scheme.county_id != county.pk or indicator.scheme.year != year:
            raise ValidationError(_("该指标不属于本县本年度的考核细则"))
        if indicator.source != Source.MANUAL:
            raise ValidationError(_("“%(name)s”由系统计算，不能手工录入") % {"name": indicator.name})
    if cadre.pk not in quarter_cadres(county_id=county.pk, year=year, quarter=quarter, cadre_ids=[cadre.pk]):
        raise ValidationError(_("该干部本季度不在本县参加考核"))


def save_score(
    *, county, year: int, quarter: int, cadre: Cadre, indicator: Indicator, value, user=None
) -> Decimal | None:
    """Save one cell (blank clears it). Raises ValidationError with a Chinese message."""
    _check_cell(county=county, year=year, quarter=quarter, cadre=cadre, indicator=indicator)
    points, error = parse_points(value, maximum=indicator.max_points)
    if error:
        raise ValidationError(error)
    key = {"cadre": cadre, "year": year, "quarter": quarter, "indicator": indicator}
    if points is None:
        Score.objects.filter(**key).delete()
    else:
        Score.objects.update_or_create(
            **key, defaults={"points": points, "county": county, "updated_by": user}
        )
    return points


def save_rate(*, county, year: int, quarter: int, cadre: Cadre, value, user=None) -> Decimal | None:
    """Save one cadre's 民主测评满意率 (blank clears it)."""
    _check_cell(county=county, year=year, quarter=quarter, cadre=cadre)
    rate, error = parse_rate(value)
    if error:
        raise ValidationError(error)
    key = {"cadre": cadre, "year": year, "quarter": quarter}
    if rate is None:
        DemocraticRate.objects.filter(**key).delete()
    else:
        DemocraticRate.objects.update_or_create(
            **key, defaults={"rate": rate, "county": county, "updated_by": user}
        )
    return rate


@dataclass
class ScoreImportResult:
    ok: bool = True
    errors: list[str] = field(default_factory=list)
    rows: int = 0
    scores: int = 0
    rates: int = 0


def _header_name(text: str) -> str:
    return _SUFFIX_RE.sub("", unguard(text)).strip()


def import_scores(
    *, county, year: int, quarter: int, file, user=None, dry_run: bool = False
) -> ScoreImportResult:
    """Import a score workbook: all of it or nothing; every error as ``Sheet1!D7: 原因``.

    A refused file (or a dry run) writes nothing at all — not even the year's scheme, which the
    check may have had to open: everything runs in one transaction rolled back unless applied.
    """
    with transaction.atomic():
        result = _import_scores(
            county=county, year=year, quarter=quarter, file=file, user=user, dry_run=dry_run
        )
        if not result.ok or dry_run:
            transaction.set_rollback(True)
    return result


def _import_scores(
    *, county, year: int, quarter: int, file, user=None, dry_run: bool = False
) -> ScoreImportResult:
    """The import proper (see ``import_scores``).

    Layout: ``身份证号, 姓名, <manual indicator names…>, 民主测评满意率`` (indicator headers may carry
    ``（5分）``). The file is the truth for the cells it holds: a blank manual indicator scores 0
    (DOMAIN.md §6) and a blank rate clears the rate, so a stored value left blank is removed.
    Indicators without a column and cadres without a row keep what is stored (the template is
    pre-filled with it, so downloading, editing and importing loses nothing others entered).
    """
    result = ScoreImportResult()
    try:
        book = intake.read(file, limits=INTAKE_LIMITS, default_name="scores.xlsx")
    except SpreadsheetRejected as exc:
        return ScoreImportResult(ok=False, errors=[exc.message])
    if not book.worksheets:
        return ScoreImportResult(
            ok=False, errors=[_("文件已损坏或不完整，无法作为 .xlsx 打开，请重新保存后上传")]
        )
    first = book.worksheets[0]
    if first.error:
        return ScoreImportResult(ok=False, errors=[_("%(s)s: 工作表无法读取") % {"s": first.name}])
    rows, sheet = first.rows, first.name
    if first.control:
        message = str(intake.control_message)
        return ScoreImportResult(
            ok=False, errors=[f"{cell_ref(sheet, r + 1, c)}: {message}" for r, c in first.control]
        )
    if not rows:
        return ScoreImportResult(ok=False, errors=[_("%(s)s: 工作表为空") % {"s": sheet}])
    scheme = get_or_create_scheme(county=county, year=year)
    indicators = {i.name: i for i in manual_indicators(scheme)}
    # Computed indicators (脱产驻村, 民主测评, 督查): a column for one is tolerated while it is blank.
    computed = {i.name for i in scheme.indicators.all() if i.source != Source.MANUAL}
    header = [cell_text(v) for v in rows[0]]
    columns: dict[int, object] = {}
    id_col = name_col = None
    seen: set[str] = set()
    errors = CellErrors()
    for col, text in enumerate(header):
        name = _header_name(text)
        if not name:
            continue
        if name in seen:
            errors.add(cell_ref(sheet, 1, col), _("列“%(n)s”重复") % {"n": name})
            continue
        seen.add(name)
        if name == ID_HEADER:
            id_col = col
        elif name == NAME_HEADER:
            name_col = col
        elif name == RATE_HEADER:
            columns[col] = RATE_HEADER
        elif name in indicators:
            columns[col] = indicators[name]
        elif name in computed:
            columns[col] = name
        else:
            errors.add(
                cell_ref(sheet, 1, col),
                _("未知的列“%(n)s”（不是本年度考核细则的人工录入指标）") % {"n": name},
            )
    if id_col is None:
        errors.add(cell_ref(sheet, 1, 0), _("缺少“身份证号”列"))
    if errors:
        result.ok, result.errors = False, [str(e) for e in errors]
        return result
    eligible = quarter_cadres(county_id=county.pk, year=year, quarter=quarter)
    cadres = {c.id_number: c for c in Cadre.objects.filter(pk__in=list(eligible))}
    scores: list[tuple[Cadre, Indicator, Decimal]] = []
    rates: list[tuple[Cadre, Decimal]] = []
    cleared: dict[int, list[int]] = {}  # indicator id → cadre ids whose cell is blank
    cleared_rates: list[int] = []
    seen_ids: dict[str, int] = {}
    for r, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * (len(header) - len(row))
        if all(cell_text(v) == "" for v in cells):
            continue
        result.rows += 1
        number = idcard.normalize(cell_text(cells[id_col]))
        ref = cell_ref(sheet, r, id_col)
        if not number:
            errors.add(ref, _("身份证号不能为空"))
            continue
        if number in seen_ids:
            errors.add(ref, _("身份证号与第 %(r)s 行重复") % {"r": seen_ids[number]})
            continue
        seen_ids[number] = r
        cadre = cadres.get(number)
        if cadre is None:
            errors.add(ref, _("该干部本季度不在本县参加考核：%(n)s") % {"n": number})
            continue
        if name_col is not None:
            given = cell_text(cells[name_col])
            if given and given != cadre.name:
                errors.add(
                    cell_ref(sheet, r, name_col),
                    _("姓名与身份证号不符（名册为“%(name)s”）") % {"name": cadre.name},
                )
        for col, target in columns.items():
            value = cells[col]
            if target == RATE_HEADER:
                rate, error = parse_rate(value)
                if error:
                    errors.add(cell_ref(sheet, r, col), error)
                elif rate is not None:
                    rates.append((cadre, rate))
                else:
                    cleared_rates.append(cadre.pk)
            elif isinstance(target, str):
                if cell_text(value) != "":
                    errors.add(
                        cell_ref(sheet, r, col), _("“%(name)s”由系统计算，不能手工录入") % {"name": target}
                    )
            else:
                points, error = parse_points(value, maximum=target.max_points)
                if error:
                    errors.add(cell_ref(sheet, r, col), error)
                elif points is not None:
                    scores.append((cadre, target, points))
                else:
                    cleared.setdefault(target.pk, []).append(cadre.pk)
    if errors:
        result.ok, result.errors = False, [str(e) for e in errors]
        return result
    result.scores, result.rates = len(scores), len(rates)
    if dry_run:
        return result
    _record_import_batch(
        county=county,
        year=year,
        quarter=quarter,
        file=file,
        user=user,
        scores=scores,
        cleared=cleared,
        rates=rates,
        cleared_rates=cleared_rates,
    )
    # Blank cells are cleared, then one upsert per table keyed like the cells; what the file does
    # not mention (other columns, other cadres) stays as it is.
    with transaction.atomic():
        for indicator_id, cadre_ids in cleared.items():
            Score.objects.filter(
                indicator_id=indicator_id, year=year, quarter=quarter, cadre_id__in=cadre_ids
            ).delete()
        if cleared_rates:
            DemocraticRate.objects.filter(year=year, quarter=quarter, cadre_id__in=cleared_rates).delete()
        Score.objects.bulk_create(
            [
                Score(
                    county=county,
                    cadre=cadre,
                    year=year,
                    quarter=quarter,
                    indicator=indicator,
                    points=points,
                    updated_by=user,
                )
                for cadre, indicator, points in scores
            ],
            update_conflicts=True,
            unique_fields=["cadre", "year", "quarter", "indicator"],
            update_fields=["points", "county", "updated_by", "updated_at"],
            batch_size=2000,
        )
        DemocraticRate.objects.bulk_create(
            [
                DemocraticRate(
                    county=county, cadre=cadre, year=year, quarter=quarter, rate=rate, updated_by=user
                )
                for cadre, rate in rates
            ],
            update_conflicts=True,
            unique_fields=["cadre", "year", "quarter"],
            update_fields=["rate", "county", "updated_by", "updated_at"],
            batch_size=2000,
        )
    return result


def _record_import_batch(*, county, year, quarter, file, user, scores, cleared, rates, cleared_rates) -> None:
    """The bulk upsert bypasses model history: record the batch with every overwritten or cleared
    score's earlier value (DOMAIN.md §12)."""
    cadre_ids = {c.pk for c, _i, _p in scores} | {c for ids in cleared.values() for c in ids}
    stored = {
        (c, i): p
        for c, i, p in Score.objects.filter(year=year, quarter=quarter, cadre_id__in=cadre_ids).values_list(
            "cadre_id", "indicator_id", "points"
        )
    }
    names = dict(Cadre.objects.filter(pk__in=cadre_ids).values_list("pk", "name"))
    indicator_names = dict(
        Indicator.objects.filter(pk__in={i.pk for _c, i, _p in scores} | set(cleared)).values_list(
            "pk", "name"
        )
    )
    changes = []

    def change(cadre_id, indicator_id, old, new):
        changes.append(
            {
                "model": "appraisal.score",
                "object": f"{names.get(cadre_id, cadre_id)} {year}Q{quarter} {indicator_names.get(indicator_id, indicator_id)}",
                "before": {"points": None if old is None else str(old)},
                "after": {"points": None if new is None else str(new)},
            }
        )

    for cadre, indicator, points in scores:
        old = stored.get((cadre.pk, indicator.pk))
        if old is not None and old != points:
            change(cadre.pk, indicator.pk, old, points)
    for indicator_id, ids in cleared.items():
        for cadre_id in ids:
            if (cadre_id, indicator_id) in stored:
                change(cadre_id, indicator_id, stored[(cadre_id, indicator_id)], None)
    with change_path(IMPORT):
        record_batch(
            kind="scores",
            user=user,
            file_name=Path(str(file)).name if isinstance(file, str) else getattr(file, "name", "") or "",
            counts={
                "scores": len(scores),
                "rates": len(rates),
                "cleared": sum(map(len, cleared.values())) + len(cleared_rates),
            },
            changes=changes,
        )


def template_header(scheme) -> list[str]:
    return [ID_HEADER, NAME_HEADER, *[i.name for i in manual_indicators(scheme)], RATE_HEADER]


def score_template(*, county, year: int, quarter: int) -> bytes:
    """The score workbook pre-filled with the quarter's cadres and what is already entered."""
    import openpyxl
    from openpyxl.styles import Font

    scheme = get_or_create_scheme(county=county, year=year)
    indicators = manual_indicators(scheme)
    eligible = quarter_cadres(county_id=county.pk, year=year, quarter=quarter)
    cadres = Cadre.objects.filter(pk__in=list(eligible)).order_by("id_number")
    entered = {
        (c, i): p
        for c, i, p in Score.objects.filter(indicator__scheme=scheme, year=year, quarter=quarter).values_list(
            "cadre_id", "indicator_id", "points"
        )
    }
    rates = dict(DemocraticRate.objects.filter(year=year, quarter=quarter).values_list("cadre_id", "rate"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    append_row(ws, template_header(scheme))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for cadre in cadres:
        append_row(
            ws,
            [cadre.id_number, cadre.name]
            + [entered.get((cadre.pk, i.pk)) for i in indicators]
            + [rates.get(cadre.pk)],
        )
    ws.column_dimensions["A"].width = 21
    ws.freeze_panes = "C2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_filename(county, year: int, quarter: int) -> str:
    return f"{county.name}{year}年第{quarter}季度考核评分表.xlsx"
