"""The spreadsheet parser's own process: run by ``core.intake.sandbox``, never imported by Django.

It limits itself (address space, CPU seconds, no core file) before it reads a byte, so a parser
that aborts on a 150 GB allocation or loops takes down only this process. It reads one pickled
request on stdin and writes one pickled answer on stdout. Only the standard library,
python-calamine and openpyxl are imported: the interpreter runs isolated (``-I``) from the
project, with no settings and no database connection to inherit.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
import re
import resource
import sys

# C0 controls except tab, line feed and carriage return, and DEL: no one types them into a cell
# and PostgreSQL refuses NUL in text.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def _clean_rows(rows: list) -> tuple[list, list]:
    """Rows with control characters removed from text cells, and the (row, col) of each such cell.

    Equal text cells, and equal date cells, come back as one shared object: an ID number, a name,
    a mark or a date repeats on many rows of a sheet, and pickle then writes each distinct value
    once and the parent reads back references (a 200,000-row sheet crosses several times faster).
    Numbers are left alone: 1 == 1.0 == True, and sharing them would change a cell's type.
    """
    bad = []
    search = CONTROL.search
    share_text = {}.setdefault
    share_date = {}.setdefault
    date, datetime = dt.date, dt.datetime
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cls = value.__class__
            if cls is str:
                if search(value):
                    value = CONTROL.sub("", value)
                    bad.append((r, c))
                row[c] = share_text(value, value)
            elif cls is date or cls is datetime:
                row[c] = share_date((cls, value), value)
    return rows, bad


def read(request: dict) -> dict:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(request["data"]))
        metas = list(workbook.sheets_metadata)
    except CalamineError:
        return {"error": "corrupt"}
    sheets = []
    for meta in metas:
        name = CONTROL.sub("", meta.name)
        sheet = {
            "name": name,
            "worksheet": "WorkSheet" in str(meta.typ),
            "visible": "Visible" in str(meta.visible) and "Hidden" not in str(meta.visible),
            "rows": [],
            "control": [],
            "error": False,
        }
        if sheet["worksheet"]:
            try:
                rows = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            except CalamineError:
                sheet["error"] = True
            else:
                sheet["rows"], sheet["control"] = _clean_rows(rows)
        sheets.append(sheet)
    return {"sheets": sheets}


_REF = re.compile(r"^(?P<sheet>.+)!(?P<cell>[A-Z]{1,3}\d{1,7})$")


def annotate(request: dict) -> dict:
    """The user's workbook with every bad cell filled red and commented, and a listing sheet first."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    labels = request["labels"]
    prefixes = tuple(request["formula_prefixes"])

    def text(value: str) -> str:
        value = CONTROL.sub("", value)
        return "'" + value if value.startswith(prefixes) else value

    wb = openpyxl.load_workbook(io.BytesIO(request["data"]))
    red = PatternFill(start_color="FFFF9999", end_color="FFFF9999", fill_type="solid")
    by_cell: dict = {}
    for cell, message in request["errors"]:
        m = _REF.match(cell)
        if m and m.group("sheet") in wb.sheetnames:
            by_cell.setdefault((m.group("sheet"), m.group("cell")), []).append(message)
    for (sheet, cell), messages in by_cell.items():
        c = wb[sheet][cell]
        c.fill = red
        c.comment = Comment(text("\n".join(messages)), labels["author"], width=300, height=120)
    listing = wb.create_sheet(labels["listing"], 0)
    listing.append([text(labels["cell"]), text(labels["reason"])])
    for cell, message in request["errors"]:
        listing.append([text(cell), text(message)])
    listing.column_dimensions["A"].width = 14
    listing.column_dimensions["B"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    return {"data": buf.getvalue()}


def main() -> int:
    memory_bytes, cpu_seconds = int(sys.argv[1]), int(sys.argv[2])
    _limit(memory_bytes, cpu_seconds)
    request = pickle.load(sys.stdin.buffer)
    try:
        answer = {"read": read, "annotate": annotate}[request["mode"]](request)
    except MemoryError:
        answer = {"error": "memory"}
    except Exception:  # noqa: BLE001 -- the process boundary: whatever a parser raises on a hostile file is "unreadable"
        answer = {"error": "corrupt"}
    pickle.dump(answer, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
