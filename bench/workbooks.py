"""The workbooks the import scenarios upload, written with xlsxwriter (a shared-string table, the
way Excel and WPS write files)."""

from __future__ import annotations

import calendar
import datetime as dt
import random
from pathlib import Path

import xlsxwriter
from django.utils import timezone

from bench.config import Scale, month_last

_MARKS = ("√",) * 14 + ("○",) * 3 + ("公",) * 2 + ("休",)


def _posted(township_id: int, month: dt.date) -> list[tuple[str, str, str]]:
    """(身份证号, 姓名, 村名称) of the township's cadres posted for the whole month, in village order."""
    from cadres.models import Posting

    last = month_last(month)
    rows = (
        Posting.objects.active_on(month)
        .filter(village__township_id=township_id, start_date__lte=month, _end__gte=last)
        .order_by("village__code", "cadre_id")
        .values_list("cadre__id_number", "cadre__name", "village__name")
    )
    return list(rows)


def long_workbook(path: Path, *, township_id: int, month: dt.date) -> int:
    """考勤明细: one row per cadre-day. Returns the number of data rows."""
    rng = random.Random(7)
    days = [month + dt.timedelta(days=i) for i in range(calendar.monthrange(month.year, month.month)[1])]
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("考勤明细")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["身份证号", "姓名", "日期", "状态", "备注"])
    r = 1
    for id_number, name, _village in _posted(township_id, month):
        for day in days:
            ws.write_string(r, 0, id_number)
            ws.write_string(r, 1, name)
            ws.write_datetime(r, 2, dt.datetime(day.year, day.month, day.day), date_format)
            ws.write_string(r, 3, rng.choice(_MARKS))
            r += 1
    wb.close()
    return r - 1


def matrix_workbook(path: Path, *, township_id: int, township_name: str, month: dt.date) -> int:
    """月度考勤表: a title row, then 序号, 姓名, 身份证号, 村名称, 1…31. Returns cadre-days."""
    rng = random.Random(8)
    n_days = calendar.monthrange(month.year, month.month)[1]
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("考勤")
    ws.write_string(0, 0, f"{township_name} {month.year}年{month.month}月 驻村干部考勤表")
    ws.write_row(2, 0, ["序号", "姓名", "身份证号", "村名称", *range(1, n_days + 1)])
    posted = _posted(township_id, month)
    for i, (id_number, name, village) in enumerate(posted, start=1):
        ws.write_row(2 + i, 0, [i, name, id_number, village, *(rng.choice(_MARKS) for _ in range(n_days))])
    wb.close()
    return len(posted) * n_days


def registry_workbook(path: Path, *, scale: Scale) -> int:
    """A registry workbook of new counties (codes 16CCNN). Returns the number of cadres."""
    from demo import county as demo

    specs = [
        {
            "code": f"16{i % 12 + 1:02d}{21 + i // 12:02d}",
            "name": f"登记{i + 1}县",
            "city": "登记市",
            "n_villages": max(8, round(scale.registry_cadres_per_county / 3.5)),
            "n_units": demo.PROVINCE_UNITS_PER_COUNTY,
            "n_active": scale.registry_cadres_per_county,
        }
        for i in range(scale.registry_counties)
    ]
    sheets = demo.registry_rows(rng=random.Random(16), today=timezone.localdate(), counties=specs)
    wb = xlsxwriter.Workbook(str(path))
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_format)
                elif value != "":
                    ws.write_string(r, c, str(value))
    wb.close()
    return len(sheets["干部"]) - 1
