"""Registry workbooks for tests, written with openpyxl the way users' files arrive.

``RegistryData`` holds the rows of the five sheets (lists in header order); ``good_data()``
is a small valid county; ``.xlsx()`` renders it, optionally without a sheet or a header.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from dataclasses import dataclass, field

import openpyxl

from core import idcard
from registry.parse import HEADERS, SHEETS

COUNTY = "150525"
COUNTY_NAME = "奈曼旗"


def id_number(seq: int, *, birth=dt.date(1985, 3, 14), male=True, region=COUNTY) -> str:
    return idcard.make(region, birth, seq, male)


def bad_check_digit(number: str) -> str:
    """The same number with a wrong last character."""
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


@dataclass
class RegistryData:
    townships: list[list] = field(default_factory=list)
    villages: list[list] = field(default_factory=list)
    units: list[list] = field(default_factory=list)
    cadres: list[list] = field(default_factory=list)
    postings: list[list] = field(default_factory=list)

    def rows(self) -> dict[str, list[list]]:
        return dict(
            zip(SHEETS, (self.townships, self.villages, self.units, self.cadres, self.postings), strict=True)
        )

    def copy(self) -> RegistryData:
        return copy.deepcopy(self)

    def xlsx(self, *, omit_sheets=(), headers: dict[str, list[str]] | None = None, extra_sheets=()) -> bytes:
        """The workbook as bytes; ``headers`` replaces a sheet's header row."""
        headers = headers or {}
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for name in extra_sheets:
            workbook.create_sheet(name).append(["随便写点什么"])
        for sheet, rows in self.rows().items():
            if sheet in omit_sheets:
                continue
            ws = workbook.create_sheet(sheet)
            ws.append(list(headers.get(sheet, HEADERS[sheet])))
            for row in rows:
                ws.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def good_data() -> RegistryData:
    """One county, two townships, three villages, two units, three cadres, three postings.

    Row numbers (Excel): the first data row of every sheet is row 2.
    """
    return RegistryData(
        townships=[
            [COUNTY, COUNTY_NAME, "150525100", "大沁他拉镇"],
            [COUNTY, COUNTY_NAME, "150525101", "八仙筒镇"],
        ],
        villages=[
            ["150525100201", "白音他拉村", "150525100", "建档立卡贫困村、软弱涣散村"],
            ["150525100202", "章古台村", "150525100", ""],
            ["150525101201", "青龙山村", "150525101", "集体经济薄弱,青壮劳动力外流"],
        ],
        units=[
            ["U150525001", "奈曼旗农牧局", "县", COUNTY],
            ["U150525002", "通辽市财政局", "市", COUNTY],
        ],
        cadres=[
            [id_number(11), "张伟", "13900000001", "本科", "公务员", "副科级", "党务、农业", "U150525001"],
            [
                id_number(12, male=False, birth=dt.date(1990, 7, 1)),
                "李娜",
                "13900000002",
                "硕士研究生",
                "事业单位人员",
                "一般干部",
                "财务",
                "U150525002",
            ],
            [id_number(13, birth=dt.date(1979, 12, 31)), "王强", "", "", "", "", "", ""],
        ],
        postings=[
            [
                id_number(11),
                "150525100201",
                "U150525001",
                "第一书记",
                dt.date(2026, 1, 1),
                dt.date(2027, 12, 31),
            ],
            [
                id_number(12, male=False, birth=dt.date(1990, 7, 1)),
                "150525100201",
                "U150525002",
                "工作队员",
                "2026-01-01",
                "2027-12-31",
            ],
            [
                id_number(13, birth=dt.date(1979, 12, 31)),
                "150525101201",
                "U150525001",
                "第一书记",
                dt.date(2026, 3, 1),
                dt.date(2028, 2, 29),
            ],
        ],
    )
