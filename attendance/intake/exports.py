"""The upload history as a workbook (the 上报记录 page's download)."""

from __future__ import annotations

import io

from attendance.totals.exports import cell_formats, new_workbook
from core.xlsx import safe_text

UPLOAD_HISTORY_SHEET = "考勤上报记录"
UPLOAD_HISTORY_HEADER = [
    "序号",
    "乡镇",
    "月份",
    "状态",
    "文件名",
    "上传人",
    "上传时间",
    "处理时间",
    "错误数",
    "提示数",
]


def write_upload_history(uploads) -> bytes:
    """The upload history as .xlsx: one row per upload, people named as the office knows them.

    ``uploads`` should ``select_related("township", "uploaded_by__staff_profile__township")``.
    """
    from django.utils import timezone

    from core.people import person

    def when(value) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    output = io.BytesIO()
    workbook = new_workbook(output)
    fmt = cell_formats(workbook)
    sheet = workbook.add_worksheet(UPLOAD_HISTORY_SHEET)
    sheet.write_row(0, 0, UPLOAD_HISTORY_HEADER, fmt["header"])
    for i, u in enumerate(uploads, start=1):
        sheet.write_number(i, 0, i)
        values = [
            u.township.name,
            f"{u.month.year}年{u.month.month}月",
            str(u.get_status_display()),
            u.original_name,
            person(u.uploaded_by, ""),
            when(u.uploaded_at),
            when(u.decided_at),
        ]
        for col, value in enumerate(values, start=1):
            sheet.write_string(i, col, safe_text(value))
        sheet.write_number(i, 8, len(u.errors or []))
        sheet.write_number(i, 9, len(u.warnings or []))
    sheet.set_column(1, 1, 14)
    sheet.set_column(4, 4, 28)
    sheet.set_column(5, 7, 18)
    workbook.close()
    return output.getvalue()
