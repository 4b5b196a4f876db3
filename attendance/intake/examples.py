"""The example shown and offered for download on the upload page: both layouts of DOMAIN.md §4
with two fictitious cadres, so a clerk sees exactly what a good file looks like.

The headers are the spreadsheet's fixed Chinese texts (what the import reads), not translated.
"""

from __future__ import annotations

import datetime as dt

from attendance.models import MARK_SYMBOLS, Mark
from core.idcard import make

EXAMPLE_FILENAME = "考勤表示例.xlsx"
_PEOPLE = (
    ("张伟", make("150599", dt.date(1985, 3, 12), 31, True), "红星村"),
    ("李娜", make("150599", dt.date(1990, 7, 5), 42, False), "红星村"),
)
# A week of marks each: overnight, on site, a trip, personal leave, a rest day, absence.
_WEEK = (
    (
        Mark.ON_SITE_OVERNIGHT,
        Mark.ON_SITE_OVERNIGHT,
        Mark.ON_SITE,
        Mark.OFFICIAL_TRIP,
        Mark.ON_SITE_OVERNIGHT,
    ),
    (Mark.ON_SITE_OVERNIGHT, Mark.LEAVE_PERSONAL, Mark.LEAVE_PERSONAL, Mark.ON_SITE, Mark.LEAVE_REST),
)
SHOWN_DAYS = 5


def example_sheets() -> list[dict]:
    """Two sheets: the 月度考勤表 (matrix, first days only) and the 考勤明细 (one row a day)."""
    matrix_rows = []
    long_rows = []
    for n, ((name, id_number, village), marks) in enumerate(zip(_PEOPLE, _WEEK, strict=True), start=1):
        symbols = [MARK_SYMBOLS[m] for m in marks]
        matrix_rows.append([n, name, id_number, village, *symbols, "…"])
        for day, mark in enumerate(marks, start=1):
            note = "县农业局培训" if mark == Mark.OFFICIAL_TRIP else ""
            long_rows.append([id_number, name, f"2026-11-{day:02d}", MARK_SYMBOLS[mark], note])
    return [
        {
            "name": "月度考勤表",
            "header": [
                "序号",
                "姓名",
                "身份证号",
                "村名称",
                *[str(d) for d in range(1, SHOWN_DAYS + 1)],
                "…31",
            ],
            "rows": matrix_rows,
        },
        {"name": "考勤明细", "header": ["身份证号", "姓名", "日期", "状态", "备注"], "rows": long_rows},
    ]
