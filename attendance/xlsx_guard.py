"""Checks on a workbook's parts that come after ``core.xlsx.read_checked`` and before any parser.

python-calamine loads a sheet's whole used range as a dense grid, so a sheet with one cell in A1
and one in XFD1048576 would take many gigabytes: the sheet XML is scanned (streamed, bounded)
for its largest row and column first. XML with a DOCTYPE (entity tricks) is refused outright;
real workbooks never carry one.
"""

from __future__ import annotations

import io
import re
import zipfile

from django.utils.translation import gettext as _

from core.xlsx import SpreadsheetRejected

MAX_ROWS = 250_000
MAX_COLS = 200
MAX_CELLS = 5_000_000

_ROW_RE = re.compile(rb'<row r="(\d{1,8})"')
_ROW_ANY_RE = re.compile(rb'<row\b(?! r=")[^>]*?\br="(\d{1,8})"')
# Columns A–Z can never be absurd: only cells with two or more letters are looked at.
_CELL_RE = re.compile(rb'<c r="([A-Z]{2,4})\d')
_CELL_ANY_RE = re.compile(rb'<c\b(?! r=")[^>]*?\br="([A-Z]{2,4})\d')
_CHUNK = 1 << 20


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_parts(data: bytes, *, max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS) -> None:
    """Raise SpreadsheetRejected for unsafe XML or absurd sheet dimensions."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            name = info.filename
            if not (name.endswith(".xml") or name.endswith(".rels")):
                continue
            with zf.open(info) as fh:
                head = fh.read(65536)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise SpreadsheetRejected(_("工作簿含有不安全的 XML 内容（DOCTYPE/实体声明），已拒收"))
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _check_sheet(zf, info, max_rows=max_rows, max_cols=max_cols)


def _check_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, max_rows: int, max_cols: int) -> None:
    max_row = 0
    max_col = 0
    tail = b""
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            buf = tail + chunk
            # findall + max(map(...)): the loop over a chunk's ~6,000 rows runs in C.
            for rx in (_ROW_RE, _ROW_ANY_RE):
                found = rx.findall(buf)
                if found:
                    max_row = max(max_row, max(map(int, found)))
            for rx in (_CELL_RE, _CELL_ANY_RE):
                found = rx.findall(buf)
                if found:
                    max_col = max(max_col, max(map(_col_number, set(found))))
            if max_row > max_rows or max_col > max_cols or max_row * max(max_col, 1) > MAX_CELLS:
                raise SpreadsheetRejected(
                    _("工作表尺寸异常（%(rows)s 行 × %(cols)s 列），不像正常的考勤表，已拒收")
                    % {"rows": max_row, "cols": max_col}
                )
            # Keep the end of the chunk: a tag may straddle the boundary.
            tail = buf[-256:]
