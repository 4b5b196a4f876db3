"""DOMAIN.md §5 hand-checked the way an outside test would: the commands by name, the export read back."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from attendance.models import MonthlyTotal
from tests import factories as f
from tests.attendance.helpers import run_cli
from tests.attendance.totals.factories import mark_days
from villages.models import Policy

pytestmark = pytest.mark.django_db

HEADER = [
    "序号", "乡镇", "村", "姓名", "身份证号", "职务", "派出单位", "驻村天数", "在岗天数", "住村天数",
    "公出天数", "请假天数", "缺勤天数", "未报天数", "应在岗天数", "应住村天数", "是否达标", "生活补助(元)",
]  # fmt: skip
MARCH = dt.date(2026, 3, 1)
# 31 days: 20 √, 3 ○, 2 公, 事 病 休, 1 ×, 2 unreported.
MARKS = "√" * 20 + "○○○" + "公公" + "事病休" + "×" + ".."


@pytest.fixture
def scene(world):
    mark_days(world.p_a1, MARCH, MARKS)
    ends = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2026, 3, 10),
    )
    mark_days(ends, MARCH, "√" * 10)
    world.ends = ends
    return world


def rows_of(county, month=MARCH):
    return {t.posting_id: t for t in MonthlyTotal.objects.filter(county=county, month=month)}


def test_the_figures_of_a_full_month_and_of_a_posting_ending_mid_month(scene, settings):
    call_command("compute_monthly_totals", "--month", "2026-03", "--county", "150523", stdout=io.StringIO())
    rows = rows_of(scene.county_a)
    t = rows[scene.p_a1.pk]
    assert (t.posted_days, t.on_site_days, t.overnight_days, t.trip_days) == (31, 25, 20, 2)
    assert (t.leave_days, t.absent_days, t.unreported_days) == (3, 1, 2)
    assert (t.required_on_site, t.required_overnight, t.compliant) == (22, 15, True)
    assert t.allowance == Decimal("1500.00")
    e = rows[scene.ends.pk]
    # 22 × 10 / 31 = 7.10 → 7; 15 × 10 / 31 = 4.84 → 5.
    assert (e.posted_days, e.on_site_days, e.required_on_site, e.required_overnight) == (10, 10, 7, 5)
    assert e.compliant and e.allowance == Decimal("600.00")
    assert scene.p_b1.pk not in rows


def test_trips_do_not_count_on_site_when_the_policy_says_so(scene):
    Policy.objects.update_or_create(county=scene.county_a, defaults={"trip_counts_on_site": False})
    call_command("compute_monthly_totals", "--month", "2026-03", "--county", "150523", stdout=io.StringIO())
    t = rows_of(scene.county_a)[scene.p_a1.pk]
    assert (t.on_site_days, t.trip_days, t.compliant, t.allowance) == (23, 2, True, Decimal("1380.00"))


def test_the_current_month_is_cut_at_today(scene, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 3, 15))
    call_command("compute_monthly_totals", "--month", "2026-03", "--county", "150523", stdout=io.StringIO())
    t = rows_of(scene.county_a)[scene.p_a1.pk]
    # 22 × 15 / 31 = 10.65 → 11; 15 × 15 / 31 = 7.26 → 7.
    assert (t.posted_days, t.on_site_days, t.unreported_days) == (15, 15, 0)
    assert (t.required_on_site, t.required_overnight) == (11, 7)


def test_the_half_day_rounds_up(world):
    feb = dt.date(2026, 2, 1)
    p = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        start_date=dt.date(2026, 2, 22),
        planned_end_date=dt.date(2026, 6, 30),
    )
    call_command("compute_monthly_totals", "--month", "2026-02", "--county", "150523", stdout=io.StringIO())
    t = rows_of(world.county_a, feb)[p.pk]
    # 22 × 7 / 28 = 5.5 → 6; 15 × 7 / 28 = 3.75 → 4.
    assert (t.posted_days, t.required_on_site, t.required_overnight, t.unreported_days) == (7, 6, 4, 7)
    assert not t.compliant


def test_recomputing_gives_the_same_rows(scene):
    for _ in range(2):
        call_command("compute_monthly_totals", "--month", "2026-03", stdout=io.StringIO())
    assert MonthlyTotal.objects.filter(month=MARCH).count() == 4


def test_compute_monthly_totals_exit_codes(scene, capsys, monkeypatch):
    assert (
        run_cli(capsys, monkeypatch, "compute_monthly_totals", "--month", "2026-03", "--county", "150523")[0]
        == 0
    )
    code, _out, err = run_cli(
        capsys, monkeypatch, "compute_monthly_totals", "--month", "2026-03", "--county", "999999"
    )
    assert code != 0 and "999999" in err
    assert run_cli(capsys, monkeypatch, "compute_monthly_totals", "--month", "2026-3x")[0] != 0
    assert run_cli(capsys, monkeypatch, "compute_monthly_totals", "--month", "2026-03")[0] == 0
    with pytest.raises(CommandError):
        call_command("compute_monthly_totals", "--month", "2026-03", "--county", "999999")


def header_row(ws):
    for row in ws.iter_rows(values_only=True):
        if row and row[0] == "序号":
            return row
    raise AssertionError("no header")


def test_the_exported_report_has_the_exact_header_and_real_numbers(scene, tmp_path, capsys, monkeypatch):
    out = tmp_path / "report.xlsx"
    code, _o, _e = run_cli(
        capsys,
        monkeypatch,
        "export_monthly_report",
        "--county",
        "150523",
        "--month",
        "2026-03",
        "--out",
        str(out),
    )
    assert code == 0
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r[0] == "序号")
    assert list(rows[at]) == HEADER
    data = [dict(zip(HEADER, r, strict=True)) for r in rows[at + 1 :]]
    assert len(data) == 3  # both postings of A1 and the one of A2, not county B's
    mine = next(d for d in data if d["身份证号"] == scene.cadre_a1.id_number)
    assert mine["驻村天数"] == 31 and mine["在岗天数"] == 25 and mine["未报天数"] == 2
    assert mine["是否达标"] == "是" and mine["生活补助(元)"] == 1500
    assert all(isinstance(d[k], int) for d in data for k in HEADER[7:16])
    assert all(isinstance(d["生活补助(元)"], (int, float)) for d in data)
    assert [d["序号"] for d in data] == [1, 2, 3]
    code, _o, err = run_cli(
        capsys,
        monkeypatch,
        "export_monthly_report",
        "--county",
        "999999",
        "--month",
        "2026-03",
        "--out",
        str(out),
    )
    assert code != 0 and "999999" in err


def test_the_export_command_reflects_records_changed_since_the_last_computation(scene, tmp_path):
    call_command("compute_monthly_totals", "--month", "2026-03", "--county", "150523", stdout=io.StringIO())
    from attendance.models import AttendanceRecord

    AttendanceRecord.objects.filter(posting=scene.p_a1, status="ABSENT").update(status="ON_SITE")
    out = tmp_path / "report.xlsx"
    call_command(
        "export_monthly_report",
        "--county",
        "150523",
        "--month",
        "2026-03",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r[0] == "序号")
    mine = next(dict(zip(HEADER, r, strict=True)) for r in rows[at + 1 :] if r[4] == scene.cadre_a1.id_number)
    assert (mine["在岗天数"], mine["缺勤天数"], mine["生活补助(元)"]) == (26, 0, 1560)
