"""Spreadsheet safety and helpers shared by every import and export.

Imports call :func:`open_checked` first: it refuses, quickly and in bounded memory, anything that
is not a plain .xlsx of a sane size (text, PDF, renamed .xls, truncated zips, macro workbooks,
zip bombs) before any parser inflates it. openpyxl uses defusedxml when it is installed, which
pyproject.toml guarantees, so XML entity tricks are refused by the parser.

Exports write text cells through :func:`safe_text` so no spreadsheet evaluates them as formulas.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / encrypted workbooks
MAX_SHEET_ROWS = 1_100_000
MAX_SHEET_COLS = 400


class SpreadsheetRejected(Exception):
    """The file cannot be read as a workbook; ``message`` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class CheckedFile:
    data: bytes
    size: int


def read_checked(fileobj, *, max_bytes: int | None = None, max_uncompressed: int | None = None) -> bytes:
    """Read an uploaded file and check it is a sane .xlsx; return its bytes or raise SpreadsheetRejected."""
    max_bytes = max_bytes or settings.ZHUCUN_MAX_UPLOAD_BYTES
    max_uncompressed = max_uncompressed or settings.ZHUCUN_MAX_UNCOMPRESSED_BYTES
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    data = fileobj.read(max_bytes + 1) if hasattr(fileobj, "read") else bytes(fileobj)
    if len(data) > max_bytes:
        raise SpreadsheetRejected(f"文件超过大小上限（{max_bytes // (1024 * 1024)} MB），请拆分后上传")
    check_bytes(data, max_uncompressed=max_uncompressed)
    return data


def check_bytes(data: bytes, *, max_uncompressed: int | None = None) -> None:
    max_uncompressed = max_uncompressed or settings.ZHUCUN_MAX_UNCOMPRESSED_BYTES
    if not data:
        raise SpreadsheetRejected("文件为空")
    if data.startswith(OLE_MAGIC):
        raise SpreadsheetRejected("这是旧版 .xls 或加密的工作簿，请在 Excel/WPS 中另存为 .xlsx 后上传")
    if not data.startswith(ZIP_MAGIC):
        raise SpreadsheetRejected("文件不是 Excel 工作簿（.xlsx），请上传 .xlsx 格式的文件")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = 0
            for info in infos:
                if info.file_size > max_uncompressed:
                    raise SpreadsheetRejected("工作簿解压后过大，不像正常的考勤或名册文件，已拒收")
                total += info.file_size
                if total > max_uncompressed:
                    raise SpreadsheetRejected("工作簿解压后过大，不像正常的考勤或名册文件，已拒收")
                # A compression ratio no real sheet reaches is refused before inflating anything.
                if (
                    info.compress_size
                    and info.file_size / info.compress_size > 1000
                    and info.file_size > 10_000_000
                ):
                    raise SpreadsheetRejected("工作簿压缩比异常（疑似压缩炸弹），已拒收")
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
                raise SpreadsheetRejected("文件不是 Excel 工作簿（.xlsx），请上传 .xlsx 格式的文件")
            if "xl/vbaProject.bin" in names or any(n.endswith(".bin") and "vba" in n.lower() for n in names):
                raise SpreadsheetRejected("不接受含宏的工作簿（.xlsm），请另存为普通 .xlsx 后上传")
            content_types = zf.read("[Content_Types].xml")
            if b"macroEnabled" in content_types:
                raise SpreadsheetRejected("不接受含宏的工作簿（.xlsm），请另存为普通 .xlsx 后上传")
            bad = zf.testzip()
            if bad is not None:
                raise SpreadsheetRejected("文件已损坏（压缩包校验失败），请重新保存后上传")
    except SpreadsheetRejected:
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, KeyError, NotImplementedError):
        raise SpreadsheetRejected("文件已损坏或不完整，无法作为 .xlsx 打开，请重新保存后上传")


def open_workbook(data: bytes):
    """openpyxl in read-only mode with cached values (never formula text). Caller closes it."""
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken parts
        if exc.__class__.__name__ in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
            raise SpreadsheetRejected("工作簿含有不安全的 XML 内容，已拒收")
        raise SpreadsheetRejected("文件已损坏或不完整，无法作为 .xlsx 打开，请重新保存后上传")


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(sheet: str, row: int, col: int) -> str:
    """``考勤!F12`` from a sheet name, 1-based row and 0-based column."""
    return f"{sheet}!{column_letter(col)}{row}"


_REF = re.compile(r"^(?P<sheet>.*)!(?P<col>[A-Z]+)(?P<row>\d+)$")


def cell_position(ref: str) -> tuple[str, int, int] | None:
    """``考勤!F12`` → ``("考勤", 12, 5)`` (sheet, 1-based row, 0-based column); None for no cell."""
    match = _REF.match(ref or "")
    if not match:
        return None
    col = 0
    for letter in match["col"]:
        col = col * 26 + ord(letter) - 64
    return match["sheet"], int(match["row"]), col - 1


def sort_by_cell(items, *, cell=lambda item: item.cell) -> list:
    """Problems in reading order: whole-file ones first, then by sheet (in the order the sheets
    first appear), row, column — ``B9`` before ``B10``, ``Z5`` before ``AA5``."""
    items = list(items)
    sheets: dict[str, int] = {}
    for item in items:
        pos = cell_position(cell(item))
        if pos:
            sheets.setdefault(pos[0], len(sheets))

    def key(item):
        pos = cell_position(cell(item))
        return (0, 0, 0, 0) if pos is None else (1, sheets[pos[0]], pos[1], pos[2])

    return sorted(items, key=key)


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Text that no spreadsheet evaluates: a leading =, +, -, @ gets an apostrophe-like guard.

    Numbers, dates and None pass through unchanged so the workbook keeps real numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def append_row(ws, values) -> None:
    """Append a row to an openpyxl sheet with every text cell formula-safe (headers too).

    openpyxl stores any string starting with ``=`` as a formula: an indicator or village named
    ``=HYPERLINK(…)`` would become a live formula. Every export writing with openpyxl goes
    through here; XlsxWriter exports use ``write_string`` with :func:`safe_text`.
    """
    ws.append([safe_text(v) for v in values])


def unguard(text: str) -> str:
    """A header read back from one of our workbooks without the guard :func:`safe_text` added."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def cell_text(value) -> str:
    """A cell value as stripped text; floats that are whole numbers lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def example_workbook(sheets) -> bytes:
    """A small example workbook for the help of an upload page: ``sheets`` is a list of
    ``{"name", "header", "rows"}``; every cell is written as text (formula-safe)."""
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#F0F1F3", "border": 1})
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet["name"])
        ws.write_row(0, 0, [safe_text(h) for h in sheet["header"]], bold)
        for r, row in enumerate(sheet["rows"], start=1):
            for c, value in enumerate(row):
                ws.write_string(r, c, safe_text(str(value)))
        ws.set_column(0, len(sheet["header"]) - 1, 12)
    workbook.close()
    return output.getvalue()
