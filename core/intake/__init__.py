"""The one spreadsheet intake every import uses (attendance, registry, scores, check-ins …).

An import makes one call::

    from core import intake

    book = intake.read(file, limits=intake.Limits(rows=…, cols=…, cells=…))

and gets a :class:`Workbook` (its sheets' rows as Python values, from A1) or a
``core.xlsx.SpreadsheetRejected`` whose ``message`` says, in Chinese, which limit the file broke.
Three gates stand between the upload and the import's own checks:

1. ``core.xlsx.read_checked``: size, zip structure, macros, legacy .xls, declared zip sizes;
2. ``core.intake.inspect.inspect``: every zip entry inflated by our code, its real size and CRC
   measured, its XML streamed for DTDs, cell references and row/column counts (see there);
3. ``core.intake.sandbox.run_child``: the parser itself runs in a separate interpreter limited
   in memory and CPU, so an abort or a runaway ends that process, not the web server or worker.

Control characters (NUL and the like) are removed from text cells by the parser's process and
reported in ``Sheet.control``: an import must turn each into a cell error (``control_message``)
and so refuse the file. :func:`annotate` produces the red-marked copy of a user's workbook under
the same three gates.

What an import then does with the cells lives in :mod:`core.intake.cells`: the one error type
(``CellError``, "``考勤!F12``: 原因"), the collector that gathers every error before anything is
written (``CellErrors``), the header finder and the readers for dates, date-times, numbers and ID
numbers. Adding an import means: ``read`` the file, ``find_header``, loop over the rows checking
each column into a ``CellErrors``, and write in one transaction only when it is empty.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.intake.cells import CellError, CellErrors
from core.intake.inspect import Limits, inspect
from core.intake.sandbox import run_child
from core.xlsx import FORMULA_PREFIXES, SpreadsheetRejected, check_bytes, read_checked

__all__ = [
    "CellError",
    "CellErrors",
    "Limits",
    "Sheet",
    "SpreadsheetRejected",
    "Workbook",
    "annotate",
    "control_message",
    "parse",
    "read",
]

#: The cell error for a text cell that held control characters (NUL and the like).
control_message = gettext_lazy("含有不可见控制字符")


@dataclass
class Sheet:
    """One sheet as the parser saw it: ``rows`` from A1 (0-based indexes are Excel row − 1, column − 1)."""

    name: str
    rows: list[list]
    worksheet: bool = True
    visible: bool = True
    #: The sheet could not be read (``rows`` is empty).
    error: bool = False
    #: (row, col), 0-based, of text cells that held control characters, since removed.
    control: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Workbook:
    data: bytes
    name: str
    sheets: list[Sheet]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def worksheets(self) -> list[Sheet]:
        return [s for s in self.sheets if s.worksheet]

    def sheet(self, name: str) -> Sheet | None:
        """The worksheet called ``name`` (surrounding spaces ignored), or None."""
        for s in self.worksheets:
            if s.name.strip() == name:
                return s
        return None


def read_upload(
    file, *, default_name: str = "workbook.xlsx", max_bytes: int | None = None
) -> tuple[bytes, str]:
    """The checked bytes of ``file`` (a path, bytes or an uploaded file) and its base name."""
    if isinstance(file, (str, os.PathLike)):
        path = Path(file)
        with path.open("rb") as fh:
            return read_checked(fh, max_bytes=max_bytes), path.name
    if isinstance(file, (bytes, bytearray, memoryview)):
        return read_checked(bytes(file), max_bytes=max_bytes), default_name
    name = os.path.basename(getattr(file, "name", "") or default_name)
    if hasattr(file, "open") and getattr(file, "closed", False):
        file.open("rb")
    return read_checked(file, max_bytes=max_bytes), name


def parse(data: bytes, *, limits: Limits, name: str = "workbook.xlsx") -> Workbook:
    """Inspect ``data`` (already through ``read_checked``) and parse it in the limited child."""
    inspect(data, limits=limits)
    answer = run_child({"mode": "read", "data": data})
    return Workbook(data=data, name=name, sheets=[Sheet(**s) for s in answer["sheets"]])


def read(
    file, *, limits: Limits, default_name: str = "workbook.xlsx", max_bytes: int | None = None
) -> Workbook:
    """All three gates and the parse: the one call an import makes. Raises SpreadsheetRejected."""
    data, name = read_upload(file, default_name=default_name, max_bytes=max_bytes)
    return parse(data, limits=limits, name=name)


def annotate(data: bytes, errors: list[dict], *, limits: Limits) -> bytes:
    """A copy of the user's workbook, each bad cell red with its reasons, a 错误清单 sheet first.

    ``errors`` are ``{"cell": "考勤!F12", "message": …}``; errors without a cell are listed only.
    """
    check_bytes(data)
    inspect(data, limits=limits)
    answer = run_child(
        {
            "mode": "annotate",
            "data": data,
            "errors": [(str(e.get("cell", "")), str(e.get("message", ""))) for e in errors],
            "labels": {
                "listing": _("错误清单"),
                "cell": _("单元格"),
                "reason": _("原因"),
                "author": _("驻村考勤检查"),
            },
            "formula_prefixes": FORMULA_PREFIXES,
        }
    )
    return answer["data"]
