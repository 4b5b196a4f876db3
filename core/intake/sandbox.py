"""Run ``core/intake/child.py`` in a fresh, resource-limited interpreter and read its answer.

A subprocess rather than a forked worker: nothing of the web server or the Celery worker (open
database connections, threads, settings) is inherited, and the child sets its own limits
(address space, CPU seconds, no core file) before it touches the file. If the parser aborts
(python-calamine calls ``abort()`` when an allocation fails), loops or is killed, the parent gets
an exit status and turns it into a refusal naming the limit.
"""

from __future__ import annotations

import io
import logging
import pickle
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from core.xlsx import SpreadsheetRejected

logger = logging.getLogger(__name__)

CHILD = Path(__file__).with_name("child.py")


class _CellValuesOnly(pickle.Unpickler):
    """Reads the child's answer, refusing every class but the cell values a sheet can hold.

    The answer is plain containers, text, numbers and bytes, plus the dates and times the parser
    makes. A child subverted by a hostile file could write any pickle; refusing every other class
    keeps that from running code in the web server or the worker.
    """

    ALLOWED = frozenset(
        {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta")}
    )

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refused {module}.{name}")


def _load_answer(data: bytes) -> dict:
    answer = _CellValuesOnly(io.BytesIO(data)).load()
    if not isinstance(answer, dict):
        raise pickle.UnpicklingError("the answer is not a mapping")
    return answer


def run_child(request: dict) -> dict:
    """Send ``request`` to a limited child; its answer, or SpreadsheetRejected naming the limit hit."""
    memory_mb = settings.ZHUCUN_INTAKE_MEMORY_MB
    cpu_seconds = settings.ZHUCUN_INTAKE_CPU_SECONDS
    wall_seconds = cpu_seconds + 10
    payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        done = subprocess.run(
            [sys.executable, "-I", str(CHILD), str(memory_mb * 1024 * 1024), str(cpu_seconds)],
            input=payload,
            capture_output=True,
            timeout=wall_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has killed the child already.
        raise SpreadsheetRejected(
            _("解析工作簿超出时间上限（%(s)s 秒），已拒收，未写入任何数据") % {"s": cpu_seconds}
        )
    if done.returncode != 0:
        logger.warning(
            "spreadsheet parser child exited with %s: %s",
            done.returncode,
            done.stderr[-2000:].decode("utf-8", "replace"),
        )
        raise SpreadsheetRejected(_exit_message(done.returncode, memory_mb, cpu_seconds))
    try:
        answer = _load_answer(done.stdout)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):  # cut off, or refused
        raise SpreadsheetRejected(_("解析进程异常退出，无法读取该工作簿，已拒收，未写入任何数据"))
    error = answer.get("error")
    if error == "memory":
        raise SpreadsheetRejected(_memory_message(memory_mb))
    if error == "corrupt":
        raise SpreadsheetRejected(_("文件已损坏或不完整，无法作为 .xlsx 打开，请重新保存后上传"))
    return answer


def _memory_message(memory_mb: int) -> str:
    return _(
        "解析工作簿超出内存上限（%(mb)s MB），已拒收，未写入任何数据；请检查是否有远离数据区的单元格或格式"
    ) % {"mb": memory_mb}


def _exit_message(code: int, memory_mb: int, cpu_seconds: int) -> str:
    if code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
        # An allocation refused under the address-space limit aborts the parser (Rust).
        return _memory_message(memory_mb)
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return _("解析工作簿超出时间上限（%(s)s 秒），已拒收，未写入任何数据") % {"s": cpu_seconds}
    return _("解析进程异常退出（代码 %(code)s），无法读取该工作簿，已拒收，未写入任何数据") % {"code": code}
