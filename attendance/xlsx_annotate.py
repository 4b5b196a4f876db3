"""A copy of the user's own workbook with every bad cell filled red and a comment giving the reason."""

from __future__ import annotations

import io
import re
from collections import defaultdict

from django.utils.translation import gettext as _

from core.xlsx import SpreadsheetRejected, check_bytes

_REF = re.compile(r"^(?P<sheet>.+)!(?P<cell>[A-Z]{1,3}\d{1,7})$")


def annotate(data: bytes, errors: list[dict]) -> bytes:
    """``errors`` as stored on the upload (``cell``, ``message``). Errors without a cell go to a 错误清单 sheet."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    check_bytes(data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data))
    except Exception:
        raise SpreadsheetRejected(_("原文件无法打开，无法生成标注版"))
    red = PatternFill(start_color="FFFF9999", end_color="FFFF9999", fill_type="solid")
    by_cell = defaultdict(list)
    for e in errors:
        m = _REF.match(e.get("cell", ""))
        if m and m.group("sheet") in wb.sheetnames:
            by_cell[(m.group("sheet"), m.group("cell"))].append(e["message"])
    for (sheet, cell), messages in by_cell.items():
        c = wb[sheet][cell]
        c.fill = red
        c.comment = Comment("\n".join(messages), _("驻村考勤检查"), width=300, height=120)
    listing = wb.create_sheet(_("错误清单"), 0)
    listing.append([_("单元格"), _("原因")])
    for e in errors:
        listing.append([e.get("cell", ""), e.get("message", "")])
    listing.column_dimensions["A"].width = 14
    listing.column_dimensions["B"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    wb.close()
    return buf.getvalue()
