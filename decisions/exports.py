"""The decision export (DOMAIN.md §7): one sheet, the header exactly as specified, then one row each.

规则 is R1–R5 (人工更正 for a correction); 对象 is the cadre's name (the unit's name for R5);
身份证号 is blank for units; 文号 and 签发日期 stay blank until the decision is issued. Dates are
written as ``YYYY-MM-DD`` text; every text cell goes through :func:`core.xlsx.safe_text`.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from core.xlsx import append_row

# The header of DOMAIN.md §7, in this order (not translated: importers and tests key on it).
EXPORT_HEADER = [
    "文号",
    "决定类型",
    "规则",
    "状态",
    "对象",
    "身份证号",
    "派出单位",
    "依据",
    "提出日期",
    "签发日期",
]
SHEET_NAME = "决定"


def decision_row(d) -> list:
    issued = d.status == d.Status.ISSUED
    frozen = d.snapshot if issued else None
    if frozen:
        # An issued decision is exported as it was issued (names and unit frozen then).
        return [
            frozen["number"],
            str(d.get_kind_display()),
            d.rule if d.rule != d.Rule.MANUAL else str(d.get_rule_display()),
            str(d.get_status_display()),
            frozen["subject_name"],
            frozen["id_number"] or None,
            frozen["unit"] or None,
            frozen["basis"],
            f"{d.proposed_on:%Y-%m-%d}",
            frozen["decision_date"] or None,
        ]
    unit = d.unit if d.unit_id else (d.posting.unit if d.posting_id else None)
    return [
        d.number if issued else None,
        str(d.get_kind_display()),
        d.rule if d.rule != d.Rule.MANUAL else str(d.get_rule_display()),
        str(d.get_status_display()),
        d.subject_name,
        d.cadre.id_number if d.cadre_id else None,
        unit.name if unit else None,
        d.basis,
        f"{d.proposed_on:%Y-%m-%d}",
        f"{d.decision_date:%Y-%m-%d}" if issued and d.decision_date else None,
    ]


def write_decisions(decisions) -> bytes:
    """The .xlsx bytes for an iterable of decisions (with cadre, unit and posting__unit loaded)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    append_row(ws, EXPORT_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for d in decisions:
        append_row(ws, decision_row(d))
    for letter, width in zip("ABCDEFGHIJ", (22, 12, 6, 8, 16, 20, 22, 60, 12, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
