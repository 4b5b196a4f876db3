"""A copy of the user's own workbook with every bad cell filled red and a comment giving the reason.

Made by ``core.intake.annotate`` under the same inspection and process limits as the check, so a
hostile file that was refused cannot be opened here without limits either.
"""

from __future__ import annotations

from attendance.intake.parse import INTAKE_LIMITS
from core import intake


def annotate(data: bytes, errors: list[dict]) -> bytes:
    """``errors`` as stored on the upload (``cell``, ``message``). Errors without a cell go to a 错误清单 sheet."""
    return intake.annotate(data, errors, limits=INTAKE_LIMITS)
