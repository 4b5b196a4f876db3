"""A recall from the rules to the exported register, only through the commands, the rules and the workflow."""

import datetime as dt
import io

import openpyxl
from django.core.management import call_command

from cadres.models import Posting
from decisions import workflow
from decisions.exports import EXPORT_HEADER
from decisions.models import Decision, Replacement
from tests.decisions.conftest import FEB, JAN
from tests.decisions.factories import issued, report


def _export(tmp_path) -> list[tuple]:
    path = tmp_path / "decisions.xlsx"
    call_command("export_decisions", "--county", "150523", "--out", str(path), stdout=io.StringIO())
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


def test_a_proposed_recall_is_approved_issued_numbered_and_exported(world, tmp_path):
    report(world.p_a1, [(JAN, False), (FEB, False)])
    call_command("propose_decisions", "--county", "150523", stdout=io.StringIO())
    recall = Decision.objects.get(rule="R1")
    assert recall.evidence["months"][0]["month"] == "2026-01"
    rows = _export(tmp_path)
    assert list(rows[0]) == EXPORT_HEADER
    assert rows[1][0] is None and rows[1][9] is None and rows[1][3] == "待审核"

    workflow.approve(decision=recall, user=world.county_staff)
    recall = workflow.issue(decision=recall, user=world.county_staff, decision_date=dt.date(2026, 3, 10))
    assert recall.number == "开鲁县驻村〔2026〕1号"
    world.p_a1.refresh_from_db()
    assert (world.p_a1.status, world.p_a1.actual_end_date) == (Posting.Status.RECALLED, dt.date(2026, 3, 10))
    assert Replacement.objects.get(decision=recall).due_date == dt.date(2026, 3, 17)

    rows = {r[2]: r for r in _export(tmp_path)[1:]}
    assert rows["R1"][0] == "开鲁县驻村〔2026〕1号" and rows["R1"][9] == "2026-03-10"
    assert rows["R1"][4:7] == (world.cadre_a1.name, world.cadre_a1.id_number, "开鲁县农业局")
    assert rows["R5"][4:7] == ("开鲁县农业局", None, "开鲁县农业局")
    assert rows["R5"][0] is None


def test_a_correction_shows_its_rule_in_chinese_in_the_export(world, tmp_path):
    old = issued(world.p_a1)
    workflow.create_correction(decision=old, user=world.county_staff, reason="考勤数据有误")
    rows = _export(tmp_path)[1:]
    assert sorted(r[2] for r in rows) == ["R1", "R5", "人工更正"]
    correction = next(r for r in rows if r[2] == "人工更正")
    assert correction[1] == "撤销决定" and correction[7] == "考勤数据有误"
