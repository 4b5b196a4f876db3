"""Hostile workbooks built byte by byte: the attacks of issue #12 on the spreadsheet intake."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def workbook(
    sheet_xml: bytes, *, sheet_name: str = "Sheet1", part: str = "xl/worksheets/sheet1.xml"
) -> bytes:
    """A minimal .xlsx whose one sheet is ``sheet_xml`` stored at ``part`` (any name)."""
    target = part.removeprefix("xl/")
    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/' + part.encode() + b'" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            b"</Types>"
        ),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            b'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + NS + b" "
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="'
            + sheet_name.encode()
            + b'" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            b'Target="' + target.encode() + b'"/></Relationships>'
        ),
        part: sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    return out.getvalue()


def sheet(rows: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        + NS
        + b"><sheetData>"
        + rows
        + b"</sheetData></worksheet>"
    )


def far_cell_single_quotes() -> bytes:
    """``<c r='XFD1048576'>``: a parser's dense grid of 17 billion cells."""
    return workbook(
        sheet(
            b"<row r='1'><c r='A1' t='inlineStr'><is><t>x</t></is></c></row>"
            b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"
        )
    )


def far_cell_double_quotes() -> bytes:
    return workbook(
        sheet(b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    )


def cells_without_r(count: int = 17_000) -> bytes:
    """One row of cells without ``r``: a parser numbers them A, B, … past the last column."""
    return workbook(sheet(b'<row r="1">' + b"<c><v>1</v></c>" * count + b"</row>"))


def sheet_part_without_xml() -> bytes:
    """The far cell in a sheet part named ``xl/worksheets/sheet1`` (no .xml), found through the rels."""
    return workbook(
        sheet(
            b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        ),
        part="xl/worksheets/sheet1",
    )


def rows_without_r(count: int = 1_048_576) -> bytes:
    """A million rows without ``r`` (about 30 MB of XML, a few hundred KB zipped)."""
    return workbook(sheet(b"<row><c><v>1</v></c></row>" * count))


def lying_size() -> bytes:
    """The sheet entry's headers claim its first 200 bytes are all of it (with their CRC): the rest
    — the far cell — is inflated by a parser that trusts the deflate stream, not the header."""
    data = far_cell_double_quotes()
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name.decode())
        real = zf.read(info)
    fake_size, fake_crc = 200, zlib.crc32(real[:200])
    buf = bytearray(data)
    # Local header: crc at +14, sizes at +18/+22.
    struct.pack_into("<I", buf, info.header_offset + 14, fake_crc)
    struct.pack_into("<I", buf, info.header_offset + 22, fake_size)
    # Central directory entry: find it by the name after the fixed 46 bytes.
    pos = bytes(buf).find(b"PK\x01\x02")
    while pos >= 0:
        nlen = struct.unpack_from("<H", buf, pos + 28)[0]
        if bytes(buf[pos + 46 : pos + 46 + nlen]) == name:
            struct.pack_into("<I", buf, pos + 16, fake_crc)
            struct.pack_into("<I", buf, pos + 24, fake_size)
            break
        pos = bytes(buf).find(b"PK\x01\x02", pos + 4)
    assert pos >= 0
    return bytes(buf)


def doctype_late() -> bytes:
    """An entity declaration after 100 KB of rows: a check of the first 64 KB misses it."""
    filler = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 3000))
    return workbook(sheet(filler + b'<!DOCTYPE x [<!ENTITY a "b">]>'))


ATTACKS = {
    "far cell, single quotes": far_cell_single_quotes,
    "far cell, double quotes": far_cell_double_quotes,
    "cells without r": cells_without_r,
    "sheet part without .xml": sheet_part_without_xml,
    "zip header lying about its size": lying_size,
    "1,048,576 rows without r": rows_without_r,
    "DOCTYPE after the first 64 KB": doctype_late,
}


def with_control_character(
    headers: list, row: list, *, sheet_name: str = "Sheet1", bad_col: int = 1
) -> bytes:
    """A plain workbook of ``headers`` and one ``row`` whose cell ``bad_col`` holds a NUL and a BEL."""

    def cell(ref: str, value) -> bytes:
        if isinstance(value, (int, float)):
            return b'<c r="%s"><v>%s</v></c>' % (ref.encode(), str(value).encode())
        text = str(value).encode().replace(b"&", b"&amp;").replace(b"<", b"&lt;")
        return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), text)

    def letters(i: int) -> str:
        s = ""
        i += 1
        while i:
            i, rem = divmod(i - 1, 26)
            s = chr(65 + rem) + s
        return s

    row = list(row)
    row[bad_col] = str(row[bad_col]) + "\x00\x07"
    body = b""
    for r, values in enumerate([headers, row], start=1):
        body += (
            b'<row r="%d">' % r
            + b"".join(cell(f"{letters(c)}{r}", v) for c, v in enumerate(values))
            + b"</row>"
        )
    return workbook(sheet(body), sheet_name=sheet_name)
