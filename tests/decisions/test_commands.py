"""propose_decisions and export_decisions commands."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from decisions.exports import EXPORT_HEADER
from decisions.models import Decision
from tests.decisions.conftest import FEB, JAN
from tests.decisions.factories import issued, report


def test_propose_decisions_runs_the_rules_for_that_county_only(world):
    report(world.p_a1, [(JAN, False), (FEB, False)])
    report(world.p_b1, [(JAN, False), (FEB, False)])
    out = io.StringIO()
    call_command("propose_decisions", "--county", "150523", stdout=out)
    assert "新提出 1 项决定" in out.getvalue()
    assert list(Decision.objects.values_list("county__code", flat=True)) == ["150523"]
    out = io.StringIO()
    call_command("propose_decisions", "--county", "150523", stdout=out)
    assert "新提出 0 项决定" in out.getvalue()


def test_propose_decisions_refuses_an_unknown_county(world):
    with pytest.raises(CommandError, match="县代码 999999 不存在"):
        call_command("propose_decisions", "--county", "999999")


def test_export_decisions_writes_the_specified_header(world, tmp_path):
    recall = issued(world.p_a1)
    issued(world.p_b1, period_key="2026-02~2026-03")
    path = tmp_path / "decisions.xlsx"
    call_command("export_decisions", "--county", "150523", "--out", str(path), stdout=io.StringIO())
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADER
    assert {r[0] for r in rows[1:]} == {recall.number, None}
    assert all(r[4] != world.cadre_b1.name for r in rows[1:])


def test_export_decisions_refuses_an_unknown_county_and_writes_nothing(world, tmp_path):
    path = tmp_path / "x.xlsx"
    with pytest.raises(CommandError):
        call_command("export_decisions", "--county", "999999", "--out", str(path))
    assert not path.exists()
