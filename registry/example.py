"""The example of the registry import page's help: each sheet of DOMAIN.md §3 with one or two
rows of a fictitious county, readable as a good file. Sheets added to ``HEADERS`` later show
with their header and no rows. Headers are the workbook's fixed Chinese texts."""

from __future__ import annotations

import datetime as dt

from core.idcard import make
from registry.parse import HEADERS

EXAMPLE_FILENAME = "名册示例.xlsx"
_ID = make("150599", dt.date(1985, 3, 12), 31, True)
_ROWS: dict[str, list[list[str]]] = {
    "乡镇": [["150599", "示范县", "150599100", "红星镇"]],
    "村": [
        ["150599100201", "红星村", "150599100", "软弱涣散村、集体经济薄弱"],
        ["150599100202", "新华村", "150599100", ""],
    ],
    "派出单位": [["U150599001", "示范县农业农村局", "县", "150599"]],
    "干部": [[_ID, "张伟", "13800001234", "本科", "公务员", "副科级", "农业、党务", "U150599001"]],
    "选派": [[_ID, "150599100201", "U150599001", "第一书记", "2026-01-01", "2027-12-31"]],
}


def example_sheets() -> list[dict]:
    sheets = []
    for name, header in HEADERS.items():
        rows = [row for row in _ROWS.get(name, []) if len(row) == len(header)]
        sheets.append({"name": name, "header": list(header), "rows": rows})
    return sheets
