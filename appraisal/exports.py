"""The 季度考核排名表 (DOMAIN.md §6): one sheet per cohort, numbers as numbers, text made safe."""

from __future__ import annotations

import io

from django.db.models import F

from appraisal.models import CATEGORY_ORDER, Cohort, QuarterResult
from core.xlsx import append_row

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RANKING_HEADER = [
    "排名",
    "乡镇",
    "村",
    "姓名",
    "身份证号",
    "职务",
    "派出单位",
    *CATEGORY_ORDER,
    "总分",
    "等次",
]
NOT_RANKED = "不参与排名"


def ranking_rows(queryset):
    """Results with what a ranking row shows, ranked first by rank, then the not ranked."""
    return queryset.select_related("cadre", "township", "village", "posting__unit").order_by(
        "cohort", F("rank").asc(nulls_last=True), "-composite", "cadre__id_number"
    )


def write_ranking(*, results) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    by_cohort: dict[str, list[QuarterResult]] = {c.value: [] for c in Cohort}
    for r in ranking_rows(results):
        by_cohort[r.cohort].append(r)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for cohort in Cohort:
        ws = wb.create_sheet(str(cohort.label))
        append_row(ws, RANKING_HEADER)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in by_cohort[cohort.value]:
            append_row(
                ws,
                [
                    r.rank,
                    r.township.name,
                    r.village.name,
                    r.cadre.name,
                    r.cadre.id_number,
                    str(r.posting.get_role_display()),
                    r.posting.unit.name,
                    *r.category_values,
                    r.composite,
                    str(r.get_grade_display()) if r.ranked else NOT_RANKED,
                ],
            )
        for col, width in zip("ABCDEFG", (6, 12, 12, 10, 21, 12, 20), strict=True):
            ws.column_dimensions[col].width = width
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ranking_filename(county_name: str, year: int, quarter: int) -> str:
    return f"{county_name}{year}年第{quarter}季度考核排名表.xlsx"
