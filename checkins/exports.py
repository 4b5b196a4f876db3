"""The reconciliation workbook (DOMAIN §10): the header, order and words exactly as the spec gives."""

from __future__ import annotations

import io

import xlsxwriter

from checkins.reconciliation import EXPORT_HEADER, Row
from core.xlsx import safe_text


def reconciliation_filename(township, month) -> str:
    return f"{township.name}{month:%Y年%m月}签到核对.xlsx"


def reconciliation_workbook(*, township, rows: list[Row]) -> bytes:
    """One row per cadre-day with a finding, ordered as ``reconcile`` returns them."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("签到核对")
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = wb.add_format({"num_format": "@"})
    for c, h in enumerate(EXPORT_HEADER):
        ws.write_string(0, c, h, head)
    for i, row in enumerate(rows, start=1):
        ws.write_number(i, 0, i)
        ws.write_string(i, 1, safe_text(township.name))
        ws.write_string(i, 2, safe_text(row.village_name))
        ws.write_string(i, 3, safe_text(row.cadre_name))
        ws.write_string(i, 4, row.id_number, text)
        ws.write_string(i, 5, row.date.isoformat())
        ws.write_string(i, 6, row.symbol)
        for c, value in enumerate((row.morning, row.afternoon, row.evening), start=7):
            if value:
                ws.write_string(i, c, value)
        ws.write_string(i, 10, row.problem)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 3, 12)
    ws.set_column(4, 4, 21)
    ws.set_column(5, 5, 11)
    ws.set_column(6, 9, 9)
    ws.set_column(10, 10, 34)
    wb.close()
    return buf.getvalue()
