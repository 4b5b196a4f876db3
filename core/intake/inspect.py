"""Look inside a workbook's zip before any parser allocates anything.

Every entry is inflated here, in bounded chunks, by our own code: its real size is measured (a
zip entry's header may lie about it, and the parsers trust the header less than Python's
``zipfile`` does), its CRC checked, and its XML scanned as it streams past:

- a DOCTYPE or ENTITY declaration anywhere refuses the file (real workbooks never carry one);
- every part is scanned as if it were a sheet, whatever its name: the workbook's relationships
  may point a sheet at ``xl/worksheets/sheet1`` without ``.xml``, or at any other name;
- the largest row and column a parser would reach are worked out from ``r`` attributes however
  quoted (``r="…"``, ``r='…'``, spaces around ``=``, namespace prefixes), and for rows and cells
  without ``r`` from how many there are (a parser numbers them one after the other), as are the
  ``<dimension>`` and ``<mergeCell>`` ranges; a sheet past the limits is refused at the chunk
  where it crosses them, so a million rows are refused after the first few megabytes.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.xlsx import SpreadsheetRejected

_CHUNK = 1 << 20
_MAX_ENTRIES = 2000
_MAX_TAG = 1 << 20  # one start tag longer than this is not a spreadsheet's
_EXCEL_ROWS = 1_048_576
_EXCEL_COLS = 16_384

# Whole name="value" pairs before the r attribute, so an r= inside another attribute's quoted
# value is never taken for the cell's own.
_BEFORE = rb"(?:\s+(?!r\s*=)[^\s=>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s+"
_BEFORE_REF = rb"(?:\s+(?!ref\s*=)[^\s=>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s+"
_VALUE = rb"\s*=\s*[\"']([^\"']*)[\"']"
_NOT_TOKENS = bytes(b for b in range(256) if b not in (1, 2))
_ENDS = (b" ", b">", b"/", b"\t", b"\n", b"\r")
# An element of the sheet namespace written with a prefix (<x:row>, <x:c …>): rare, and read
# with the slower patterns below that allow any prefix.
_PREFIXED = re.compile(rb":(?:row|c|dimension|mergeCell|sst)[\s/>]")


class _Patterns:
    def __init__(self, prefix: bytes):
        p = prefix
        self.row_any = re.compile(p + rb"row[\s/>]")
        self.row_r = re.compile(p + rb"row" + _BEFORE + rb"r" + _VALUE)
        self.c_any = re.compile(p + rb"c[\s/>]")
        self.c_r = re.compile(p + rb"c" + _BEFORE + rb"r" + _VALUE)
        self.ranges = re.compile(p + rb"(?:dimension|mergeCell)" + _BEFORE_REF + rb"ref" + _VALUE)
        self.sst = re.compile(p + rb"sst\s[^>]*?(?<=\s)(?:count|uniqueCount)\s*=\s*[\"']\s*(\d+)")
        self.plain = not prefix.endswith(b"?")

    def rows(self, buf: bytes) -> int:
        if self.plain:  # bytes.count is many times faster than a regex
            return sum(buf.count(b"<row" + end) for end in _ENDS)
        return len(self.row_any.findall(buf))

    def cells_per_row(self, buf: bytes) -> list[int]:
        """Cells between one row start and the next; the first count continues the chunk's open row."""
        if not self.plain:
            return list(map(self.cells, self.row_any.split(buf)))
        # In C throughout: row starts become \x01, cell starts \x02, everything else is dropped.
        tokens = buf.translate(None, b"\x01\x02")
        for end in _ENDS:
            tokens = tokens.replace(b"<row" + end, b"\x01").replace(b"<c" + end, b"\x02")
        tokens = tokens.translate(None, _NOT_TOKENS)
        return list(map(len, tokens.split(b"\x01")))

    def cells(self, buf: bytes) -> int:
        if self.plain:
            return sum(buf.count(b"<c" + end) for end in _ENDS)
        return len(self.c_any.findall(buf))


_PLAIN = _Patterns(b"<")
_ANY_PREFIX = _Patterns(rb"<(?:[A-Za-z_][\w.-]*:)?")
# Over the r values of a chunk's cells joined by newlines: much shorter than the XML.
_FAST_ROW_R = re.compile(rb'<row r="([^"]*)"')
_FAST_C_R = re.compile(rb'<c r="([^"]*)"')
_UPPER = bytes(range(65, 91))
_LOWER = bytes(range(97, 123))
_BLANK = b" \t\r$"  # what a reference may carry around its letters and digits
_DIGITS = b"0123456789" + _BLANK
_LETTERS = _UPPER + _LOWER + _BLANK
_REF_BYTES = _UPPER + _LOWER + b"0123456789\n" + _BLANK
_CELL = re.compile(rb"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_COL_ONLY = re.compile(rb"^\$?([A-Za-z]{1,3})$")
_ROW_ONLY = re.compile(rb"^\$?(\d{1,7})$")
_LOCAL = struct.Struct("<4sHHHHHIIIHH")


@dataclass(frozen=True)
class Limits:
    """How big a sheet an import accepts: rows, columns and rows × columns (the dense grid a parser builds)."""

    rows: int
    cols: int
    cells: int


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _unsafe() -> SpreadsheetRejected:
    return SpreadsheetRejected(_("工作簿含有不安全的 XML 内容（DOCTYPE/实体声明），已拒收"))


def _corrupt(name: str) -> SpreadsheetRejected:
    return SpreadsheetRejected(
        _("文件已损坏（压缩包中的“%(part)s”无法正确解压），请重新保存后上传") % {"part": name[:80]}
    )


class _SheetScan:
    """Bounds of what a parser would build from one part, updated chunk by chunk."""

    def __init__(self, name: str, limits: Limits):
        self.name = name
        self.limits = limits
        self.max_row = 0  # largest explicit row number
        self.rows_without_r = 0
        self.max_col = 0
        self.explicit_col = 0  # largest column an r names
        self.open_row_cells = 0  # cells of a row cut by a chunk boundary, once a cell without r is seen

    def refuse(self, rows: int, cols: int) -> SpreadsheetRejected:
        lim = self.limits
        return SpreadsheetRejected(
            _(
                "工作表尺寸异常（%(rows)s 行 × %(cols)s 列；上限 %(max_rows)s 行、%(max_cols)s 列、"
                "共 %(max_cells)s 个单元格），已拒收"
            )
            % {
                "rows": rows,
                "cols": max(cols, 1),
                "max_rows": lim.rows,
                "max_cols": lim.cols,
                "max_cells": lim.cells,
            }
        )

    def check(self) -> None:
        rows = self.max_row + self.rows_without_r
        cols = max(self.max_col, self.explicit_col + self.open_row_cells)
        lim = self.limits
        if rows > lim.rows or cols > lim.cols or rows * max(cols, 1) > lim.cells:
            raise self.refuse(rows, cols)

    def _cell_ref(self, raw: bytes) -> tuple[int, int]:
        m = _CELL.match(raw.strip())
        if m is None:
            raise SpreadsheetRejected(
                _("工作表中有无法识别的单元格引用“%(ref)s”，已拒收") % {"ref": raw[:20].decode("latin-1")}
            )
        col, row = _col_number(m.group(1)), int(m.group(2))
        if col > _EXCEL_COLS or row > _EXCEL_ROWS:
            raise self.refuse(row, col)
        return row, col

    def _range(self, raw: bytes) -> None:
        for part in raw.strip().split(b":"):
            part = part.strip()
            if _COL_ONLY.match(part):  # "A:XFD": whole columns, every row
                self.max_row = max(self.max_row, _EXCEL_ROWS)
                self.max_col = max(self.max_col, _col_number(_COL_ONLY.match(part).group(1)))
            elif _ROW_ONLY.match(part):  # "1:1048576": whole rows, every column
                self.max_row = max(self.max_row, int(part.lstrip(b"$")))
                self.max_col = max(self.max_col, _EXCEL_COLS)
            else:
                row, col = self._cell_ref(part)
                self.max_row = max(self.max_row, row)
                self.max_col = max(self.max_col, col)

    def _cells(self, buf: bytes, pats: _Patterns) -> tuple[int, int, int]:
        """(cells, cells with r, largest column of those) in ``buf``; a malformed r refuses the file."""
        if pats.plain:
            # What Excel, WPS and the libraries write: r first, in double quotes. When every
            # "<c" of the chunk is such a cell, nothing else needs counting.
            with_r = _FAST_C_R.findall(buf)
            if len(with_r) == buf.count(b"<c"):
                cells = len(with_r)
            else:
                cells = pats.cells(buf)
                with_r = pats.c_r.findall(buf)
        else:
            cells = pats.cells(buf)
            with_r = pats.c_r.findall(buf)
        if not with_r:
            return cells, 0, 0
        # The r values joined by newlines, taken apart with C-speed byte operations.
        joined = b"\n".join(with_r)
        if joined.translate(None, _REF_BYTES):
            self._cell_ref(next(r for r in with_r if r.translate(None, _REF_BYTES)))
        letters = set(joined.translate(None, _DIGITS).upper().split(b"\n"))
        numbers = joined.translate(None, _LETTERS).split(b"\n")
        if b"" in letters or b"" in numbers:
            self._cell_ref(next(r for r in with_r if not _CELL.match(r.strip())))
        self.max_row = max(self.max_row, max(map(int, numbers)))
        # Only the distinct column letters are decoded: a handful, however many cells.
        max_col = max(map(_col_number, letters))
        if max_col > _EXCEL_COLS:
            raise self.refuse(self.max_row, max_col)
        return cells, len(with_r), max_col

    def feed(self, buf: bytes) -> None:
        """``buf`` holds whole tags only."""
        pats = _ANY_PREFIX if _PREFIXED.search(buf) else _PLAIN
        if b"dimension" in buf or b"mergeCell" in buf:
            for raw in pats.ranges.findall(buf):
                self._range(raw)
        if b"sst" in buf:
            for count in pats.sst.findall(buf):
                if int(count) > self.limits.cells:
                    raise SpreadsheetRejected(
                        _("共享字符串数量异常（%(n)s，上限 %(max)s），已拒收")
                        % {"n": int(count), "max": self.limits.cells}
                    )
        row_refs = _FAST_ROW_R.findall(buf) if pats.plain else []
        if len(row_refs) != buf.count(b"<row"):
            row_refs = pats.row_r.findall(buf)
        if row_refs:
            try:
                self.max_row = max(self.max_row, max(map(int, row_refs)))
            except ValueError:
                bad = next(r for r in row_refs if not r.strip().isdigit())
                raise SpreadsheetRejected(
                    _("工作表中有无法识别的行号“%(ref)s”，已拒收") % {"ref": bad[:20].decode("latin-1")}
                )
        if len(row_refs) != buf.count(b"<row"):
            self.rows_without_r += pats.rows(buf) - len(row_refs)
        self.check()
        cells, with_r, max_col = self._cells(buf, pats)
        self.explicit_col = max(self.explicit_col, max_col)
        if cells == with_r and not self.open_row_cells:
            # Every cell names its place: the columns are what the references say.
            self.max_col = max(self.max_col, max_col)
        else:
            # Cells without r are numbered one after another within their row: no row reaches
            # past the largest explicit column plus its number of cells (a row cut by the
            # chunk's end carries its count into the next chunk).
            counts = pats.cells_per_row(buf)
            counts[0] += self.open_row_cells
            self.open_row_cells = counts.pop()
            widest = max(counts, default=0)
            self.max_col = max(self.max_col, self.explicit_col + widest)
        self.check()

    def close(self) -> None:
        self.max_col = max(self.max_col, self.explicit_col + self.open_row_cells)
        self.check()


def _inflate(data: bytes, info: zipfile.ZipInfo, start: int, budget: int):
    """Yield the entry's real content in chunks, refusing once it passes ``budget`` or its declared size."""
    raw_end = start + info.compress_size
    if raw_end > len(data):
        raise _corrupt(info.filename)
    crc = 0
    size = 0
    limit = min(budget, info.file_size)
    if info.compress_type == zipfile.ZIP_STORED:
        pieces = (data[i : min(i + _CHUNK, raw_end)] for i in range(start, raw_end, _CHUNK))
        for piece in pieces:
            size += len(piece)
            if size > limit:
                raise _oversize(info, size, budget)
            crc = zlib.crc32(piece, crc)
            yield piece
    else:
        inflater = zlib.decompressobj(-15)
        pos = start
        pending = b""
        while True:
            if not pending:
                if pos >= raw_end:
                    break
                pending = data[pos : min(pos + _CHUNK // 4, raw_end)]
                pos += len(pending)
            try:
                piece = inflater.decompress(pending, _CHUNK)
            except zlib.error:
                raise _corrupt(info.filename)
            pending = inflater.unconsumed_tail
            if piece:
                size += len(piece)
                if size > limit:
                    raise _oversize(info, size, budget)
                crc = zlib.crc32(piece, crc)
                yield piece
            if inflater.eof:
                break
        if not inflater.eof:
            raise _corrupt(info.filename)
    if size != info.file_size or (crc & 0xFFFFFFFF) != info.CRC:
        raise SpreadsheetRejected(
            _("压缩包中“%(part)s”的声明大小或校验值与实际内容不符，已拒收") % {"part": info.filename[:80]}
        )


def _oversize(info: zipfile.ZipInfo, size: int, budget: int) -> SpreadsheetRejected:
    if size > info.file_size:
        return SpreadsheetRejected(
            _("压缩包中“%(part)s”的声明大小（%(declared)s 字节）与实际解压大小不符，已拒收")
            % {"part": info.filename[:80], "declared": info.file_size}
        )
    return SpreadsheetRejected(
        _("工作簿解压后过大（上限 %(mb)s MB），不像正常的考勤或名册文件，已拒收")
        % {"mb": budget // (1024 * 1024)}
    )


def _data_start(data: bytes, info: zipfile.ZipInfo) -> int:
    """Where the entry's compressed bytes begin, after checking its local header agrees with the directory."""
    offset = info.header_offset
    if offset + _LOCAL.size > len(data):
        raise _corrupt(info.filename)
    sig, _ver, flags, method, _t, _d, _crc, csize, usize, nlen, elen = _LOCAL.unpack_from(data, offset)
    if sig != b"PK\x03\x04" or method != info.compress_type:
        raise _corrupt(info.filename)
    if flags & 0x1:
        raise SpreadsheetRejected(_("这是加密的工作簿，请在 Excel/WPS 中取消密码并另存为 .xlsx 后上传"))
    name = data[offset + _LOCAL.size : offset + _LOCAL.size + nlen]
    if name.decode("utf-8" if flags & 0x800 else "cp437", "replace") != info.orig_filename:
        raise _corrupt(info.filename)
    if (
        not flags & 0x8
        and 0xFFFFFFFF not in (csize, usize)
        and (csize, usize)
        != (
            info.compress_size,
            info.file_size,
        )
    ):
        raise SpreadsheetRejected(
            _("压缩包中“%(part)s”的两处声明大小互不一致，已拒收") % {"part": info.filename[:80]}
        )
    return offset + _LOCAL.size + nlen + elen


def inspect(data: bytes, *, limits: Limits) -> None:
    """Refuse (SpreadsheetRejected) a workbook a parser should not be given; return quietly otherwise."""
    budget = settings.ZHUCUN_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(_Bytes(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError):
        raise SpreadsheetRejected(_("文件已损坏或不完整，无法作为 .xlsx 打开，请重新保存后上传"))
    if len(infos) > _MAX_ENTRIES:
        raise SpreadsheetRejected(_("工作簿包含的部件过多（上限 %(n)s 个），已拒收") % {"n": _MAX_ENTRIES})
    if len({i.filename for i in infos}) != len(infos):
        raise SpreadsheetRejected(_("压缩包中有重名的部件，已拒收"))
    left = budget
    for info in infos:
        if info.is_dir():
            continue
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SpreadsheetRejected(
                _("压缩包中“%(part)s”使用了不支持的压缩方式，请在 Excel/WPS 中另存为 .xlsx 后上传")
                % {"part": info.filename[:80]}
            )
        start = _data_start(data, info)
        scan = _SheetScan(info.filename, limits)
        carry = b""
        first = True
        for piece in _inflate(data, info, start, left):
            left -= len(piece)
            if first:
                first = False
                # XML in UTF-16 would hide its tags from the byte patterns above.
                if piece.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
                    raise SpreadsheetRejected(
                        _("工作簿部件“%(part)s”使用了不支持的编码，请另存为 .xlsx 后上传")
                        % {"part": info.filename[:80]}
                    )
            buf = carry + piece
            cut = buf.rfind(b"<")
            if cut < 0 or buf.find(b">", cut) >= 0:
                whole, carry = buf, b""
            else:
                whole, carry = buf[:cut], buf[cut:]
                if len(carry) > _MAX_TAG:
                    raise SpreadsheetRejected(_("工作簿中有异常的超长 XML 标记，已拒收"))
            if b"<!DOCTYPE" in whole or b"<!ENTITY" in whole:
                raise _unsafe()
            scan.feed(whole)
        if carry and (b"<!DOCTYPE" in carry or b"<!ENTITY" in carry):
            raise _unsafe()
        scan.close()


class _Bytes:
    """A read-only file over bytes for zipfile, without copying them into a BytesIO."""

    def __init__(self, data: bytes):
        self._view = memoryview(data)
        self._pos = 0

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._view)}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def read(self, n: int = -1) -> bytes:
        end = len(self._view) if n is None or n < 0 else min(self._pos + n, len(self._view))
        out = bytes(self._view[self._pos : end])
        self._pos = end
        return out
