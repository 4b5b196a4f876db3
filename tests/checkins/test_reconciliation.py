"""Reconciliation of a township-month (DOMAIN §10): findings for every mark, the page, the export."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from attendance.models import AttendanceRecord, AttendanceUpload, MonthlyTotal
from checkins.reconciliation import EXPORT_HEADER, reconcile, suggestions
from checkins.services import record_checkin
from tests.checkins.conftest import LAT, LON, at

NOV = dt.date(2026, 11, 1)


def day(n):
    return dt.date(2026, 11, n)


def mark(world, n, status, posting=None, upload=None):
    posting = posting or world.p_a1
    AttendanceRecord.objects.create(
        posting=posting,
        cadre=posting.cadre,
        township=posting.village.township,
        month=NOV,
        date=day(n),
        status=status,
        upload=upload,
    )


def checkin(cadre, n, hh, mm=0, inside=True):
    return record_checkin(
        cadre=cadre,
        latitude=LAT if inside else LAT + 1,
        longitude=LON,
        accuracy_m=10,
        at=at(2026, 11, n, hh, mm),
    )


@pytest.fixture
def sheet(world, fences):
    """An accepted A1 November sheet for cadre_a1, a day per case, and the check-ins of each day."""
    upload = AttendanceUpload.objects.create(
        township=world.a1,
        month=NOV,
        as_of=dt.date(2026, 12, 2),
        original_name="a1.xlsx",
        status=AttendanceUpload.Status.ACCEPTED,
    )
    a1 = world.cadre_a1
    cases = {
        # day: (status, [(hour, minute, inside)])
        1: ("ON_SITE_OVERNIGHT", [(7, 30, True), (14, 0, True), (20, 0, True)]),  # fine
        2: ("ON_SITE_OVERNIGHT", [(7, 30, True), (20, 0, True)]),  # no 下午
        3: ("ON_SITE_OVERNIGHT", [(7, 30, True), (14, 0, True)]),  # no 晚间
        4: ("ON_SITE_OVERNIGHT", [(7, 30, False), (14, 0, False), (20, 0, False)]),  # all outside
        5: ("ON_SITE", [(8, 0, True), (15, 0, True)]),  # fine
        6: ("ON_SITE", [(8, 0, True)]),  # no 下午
        7: ("OFFICIAL_TRIP", []),  # expects nothing
        8: ("LEAVE_PERSONAL", [(9, 0, True), (16, 0, True)]),
        9: ("LEAVE_SICK", [(9, 0, True), (16, 0, True)]),
        10: ("LEAVE_REST", [(9, 0, True), (16, 0, True)]),
        11: ("ABSENT", [(9, 0, True), (16, 0, True)]),
        12: ("ABSENT", [(9, 0, True)]),  # only a morning: no on-site evidence, no finding
    }
    for n, (status, times) in cases.items():
        mark(world, n, status, upload=upload)
        for hh, mm, inside in times:
            checkin(a1, n, hh, mm, inside)
    # 晚间 after midnight counts for the day before: 13th marked √ with 01:30 on the 14th.
    mark(world, 13, "ON_SITE_OVERNIGHT", upload=upload)
    for hh in (7, 13):
        checkin(a1, 13, hh)
    checkin(a1, 14, 1, 30)
    return upload


def test_findings_for_each_mark_in_the_spec_order(world, sheet):
    rows = {r.date.day: r for r in reconcile(township=world.a1, month=NOV)}
    assert {n: r.problem for n, r in rows.items()} == {
        2: "缺少在岗签到",
        3: "缺少住村签到",
        4: "缺少在岗签到；缺少住村签到",
        6: "缺少在岗签到",
        8: "标记缺勤但签到在岗",
        9: "标记缺勤但签到在岗",
        10: "标记缺勤但签到在岗",
        11: "标记缺勤但签到在岗",
    }
    assert (rows[2].morning, rows[2].afternoon, rows[2].evening, rows[2].symbol) == (
        "07:30",
        "",
        "20:00",
        "√",
    )
    assert rows[4].morning == ""  # invalid check-ins are never evidence


def test_the_earliest_valid_check_in_of_a_slot_is_shown(world, sheet):
    checkin(world.cadre_a1, 2, 6, 5)
    checkin(world.cadre_a1, 2, 9, 0)
    assert reconcile(township=world.a1, month=NOV)[0].morning == "06:05"


def test_reconciliation_changes_neither_sheet_nor_totals(world, sheet):
    before = list(AttendanceRecord.objects.values_list("date", "status").order_by("date"))
    reconcile(township=world.a1, month=NOV)
    assert list(AttendanceRecord.objects.values_list("date", "status").order_by("date")) == before
    assert not MonthlyTotal.objects.exists()


def test_a_month_without_an_accepted_sheet_cannot_be_exported(world, fences, tmp_path):
    with pytest.raises(CommandError, match="还没有已采用的考勤表"):
        call_command(
            "export_reconciliation", township=world.a1.code, month="2026-11", out=str(tmp_path / "x.xlsx")
        )
    assert not (tmp_path / "x.xlsx").exists()


def test_the_export_has_the_exact_header_and_order(world, sheet, tmp_path):
    out = tmp_path / "recon.xlsx"
    call_command("export_reconciliation", township=world.a1.code, month="2026-11", out=str(out))
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert (
        list(rows[0])
        == EXPORT_HEADER
        == [
            "序号",
            "乡镇",
            "村",
            "姓名",
            "身份证号",
            "日期",
            "考勤标记",
            "上午签到",
            "下午签到",
            "晚间签到",
            "问题",
        ]
    )
    first = rows[1]
    assert first == (
        1,
        "开鲁镇",
        "北堡村",
        world.cadre_a1.name,
        world.cadre_a1.id_number,
        "2026-11-02",
        "√",
        "07:30",
        None,
        "20:00",
        "缺少在岗签到",
    )
    assert [r[5] for r in rows[1:]] == sorted(r[5] for r in rows[1:])
    assert len(rows) == 9


def test_rows_are_ordered_by_village_code_then_id_number(world, sheet):
    from tests import factories as f

    late_village = f.VillageFactory(township=world.a1, code="150523100299", name="南堡村")
    early_village = f.VillageFactory(township=world.a1, code="150523100100", name="东堡村")
    for village in (late_village, early_village):
        p = f.PostingFactory(
            village=village,
            unit=world.unit_a,
            role="FIRST_SECRETARY",
            start_date=dt.date(2026, 1, 1),
            planned_end_date=dt.date(2027, 12, 31),
        )
        mark(world, 20, "ON_SITE", posting=p, upload=sheet)
    codes = [r.village_code for r in reconcile(township=world.a1, month=NOV)]
    assert codes == sorted(codes) and codes[0] == "150523100100" and codes[-1] == "150523100299"


def test_the_page_counts_and_filters_findings(world, sheet, client_for):
    client = client_for(world.township_a1)
    url = reverse("checkins:reconciliation")
    response = client.get(url, {"township": world.a1.pk, "month": "2026-11"})
    assert response.status_code == 200
    counts = {code: n for code, _label, n in response.context["counts"]}
    assert counts == {"MISSING_ON_SITE": 3, "MISSING_OVERNIGHT": 2, "ABSENT_BUT_ON_SITE": 4}
    page = response.content.decode()
    assert reverse("attendance:cadre_month", args=[world.cadre_a1.pk]) + "?month=2026-11" in page
    filtered = client.get(url, {"township": world.a1.pk, "month": "2026-11", "finding": "MISSING_OVERNIGHT"})
    assert [r.date.day for r in filtered.context["page"]] == [3, 4]
    by_village = client.get(url, {"township": world.a1.pk, "month": "2026-11", "village": world.v_a1.pk})
    assert len(by_village.context["page"].object_list) == 8


def test_org_staff_of_the_county_see_it_and_download_the_workbook(world, sheet, client_for):
    client = client_for(world.county_staff)
    params = {"township": world.a1.pk, "month": "2026-11"}
    assert client.get(reverse("checkins:reconciliation"), params).status_code == 200
    response = client.get(reverse("checkins:reconciliation_export"), params)
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 9


@pytest.mark.parametrize("actor", ["township_a2", "outsider"])
def test_another_townships_staff_get_404(world, sheet, client_for, actor):
    client = client_for(getattr(world, actor))
    params = {"township": world.a1.pk, "month": "2026-11"}
    assert client.get(reverse("checkins:reconciliation"), params).status_code == 404
    assert client.get(reverse("checkins:reconciliation_export"), params).status_code == 404
    assert client.get(reverse("checkins:prefilled_template"), params).status_code == 404


def test_suggestions_mark_both_evidences_and_only_on_site(world, sheet):
    s = suggestions(township=world.a1, month=NOV)
    assert s[(world.cadre_a1.pk, day(1))] == "√"
    assert s[(world.cadre_a1.pk, day(5))] == "○"
    assert s[(world.cadre_a1.pk, day(13))] == "√"
    assert (world.cadre_a1.pk, day(2)) not in s and (world.cadre_a1.pk, day(4)) not in s


def test_the_prefilled_template_is_marked_as_a_suggestion(world, sheet, client_for):
    response = client_for(world.township_a1).get(
        reverse("checkins:prefilled_template"), {"township": world.a1.pk, "month": "2026-11"}
    )
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "按签到预填的建议" in ws["A1"].value
    header = [c.value for c in ws[3]]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[2] == world.cadre_a1.id_number)
    assert row[header.index(1)] == "√" and row[header.index(5)] == "○" and row[header.index(2)] is None
