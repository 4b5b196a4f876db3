"""Workbooks written the way users' software writes them (XlsxWriter: shared strings), plus openpyxl."""

from __future__ import annotations

import calendar
import datetime as dt
import io

import xlsxwriter

from attendance.marks import MARK_SYMBOLS
from attendance.models import Mark

MATRIX_HEAD = ["序号", "姓名", "身份证号", "村名称"]
LONG_HEAD = ["身份证号", "姓名", "日期", "状态", "备注"]
TICK = MARK_SYMBOLS[Mark.ON_SITE_OVERNIGHT]


def days_of(month: dt.date, upto: dt.date | None = None):
    last = calendar.monthrange(month.year, month.month)[1]
    for d in range(1, last + 1):
        day = month.replace(day=d)
        if upto is None or day <= upto:
            yield day


def matrix_rows(postings, month: dt.date, as_of: dt.date, mark=TICK):
    """One row per posting, every posted day up to ``as_of`` marked, later days blank."""
    rows = []
    for n, p in enumerate(postings, start=1):
        cells = [n, p.cadre.name, p.cadre.id_number, p.village.name]
        for day in days_of(month):
            cells.append(mark if p.start_date <= day <= p.end_date and day <= as_of else "")
        rows.append(cells)
    return rows


def matrix_header(month: dt.date, summary: bool = True):
    head = MATRIX_HEAD + [d.day for d in days_of(month)]
    if summary:
        head.append("在岗天数")
    return head


def xlsx(rows, *, sheet="考勤", title_rows=(), header=None, dates_as_text=False) -> bytes:
    """An .xlsx from rows with XlsxWriter; ``title_rows`` above the header; dates as real dates."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(sheet)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    for title in title_rows:
        ws.write(r, 0, title)
        r += 1
    for row in ([header] if header else []) + list(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date) and not dates_as_text:
                ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, dt.date):
                ws.write_string(r, c, value.isoformat())
            elif value is None or value == "":
                continue
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write(r, c, value)
        r += 1
    wb.close()
    return buf.getvalue()


def matrix_xlsx(postings, month, as_of, *, mark=TICK, edit=None, title=True, **kw) -> bytes:
    rows = matrix_rows(postings, month, as_of, mark=mark)
    if edit:
        edit(rows)
    titles = ("某乡镇驻村干部考勤表", "") if title else ()
    return xlsx(rows, header=matrix_header(month), title_rows=titles, **kw)


def long_rows(postings, month, as_of, mark=TICK):
    rows = []
    for p in postings:
        for day in days_of(month, as_of):
            if p.start_date <= day <= p.end_date:
                rows.append([p.cadre.id_number, p.cadre.name, day, mark, ""])
    return rows


def long_xlsx(postings, month, as_of, *, mark=TICK, edit=None, **kw) -> bytes:
    rows = long_rows(postings, month, as_of, mark=mark)
    if edit:
        edit(rows)
    return xlsx(rows, header=LONG_HEAD, sheet=kw.pop("sheet", "考勤明细"), **kw)


def openpyxl_xlsx(rows, *, header, sheet="考勤", title_rows=()) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for t in title_rows:
        ws.append([t])
    ws.append(header)
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run_cli(capsys, monkeypatch, *args) -> tuple[int, str, str]:
    """A management command as a shell runs it (``run_from_argv``): exit code, stdout, stderr.

    ``run_from_argv`` closes every connection when it ends; the test's connection is kept open.
    """
    from django.core.management import ManagementUtility
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)
    code = 0
    try:
        ManagementUtility(["manage.py", *args]).execute()
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code or 0, captured.out, captured.err
