"""The 民情台账 of a month against a hand-computed example (DOMAIN.md §11), its export and command.

Cadre A1 (北堡村, 开鲁镇), today 2026-11-20:
- E1 2026-09-30: I1 due 10-10, never closed;
- E2 2026-10-05: I2 due by default (+30 days, 11-04), never closed; I3 due 10-20, closed 10-15;
- E3 2026-10-08, written 10-10 (补记): I4 due 10-25, closed 11-03 (a later month);
- E4 2026-10-31: no items;  E5 2026-11-02: I5 due by default 12-02.
October: 3 entries, 1 补记, 3 raised (I2 I3 I4), 1 closed (I3), overdue on 10-31: I1 and I4 → 2.
November (running; overdue as of today 11-20): 1 entry, 0 补记, 1 raised (I5), 1 closed (I4),
overdue: I1 (due 10-10) and I2 (due 11-04) → 2.
Cadre A2 (香邑村) is posted all month with no diary: a row of zeros. Cadre B1 is in another county.
A cadre whose posting in county A ended on 09-30 has no October row.
"""

import datetime as dt
from unittest import mock

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from diary.exports import LEDGER_HEADER, LEDGER_SHEET, ledger_lines
from diary.models import Item
from diary.selectors import Period, ledger
from diary.services import ItemDraft, close_item, write_entry
from tests import factories as f

TODAY = dt.date(2026, 11, 20)
OCT = dt.date(2026, 10, 1)
NOV = dt.date(2026, 11, 1)


def d(month, day):
    return dt.date(2026, month, day)


@pytest.fixture
def diary(world):
    cadre = world.cadre_a1

    def entry(day, items=(), written=None):
        return write_entry(
            cadre=cadre, day=day, household="农户", content="民情", items=items, today=written or day
        )

    e1 = entry(d(9, 30), [ItemDraft("I1", "甲", d(10, 10))])
    e2 = entry(d(10, 5), [ItemDraft("I2", "乙"), ItemDraft("I3", "丙", d(10, 20))])
    e3 = entry(d(10, 8), [ItemDraft("I4", "丁", d(10, 25))], written=d(10, 10))
    entry(d(10, 31))
    entry(d(11, 2), [ItemDraft("I5", "戊")])
    items = {i.description: i for i in Item.objects.all()}
    close_item(item=items["I3"], note="办好了", closed_on=d(10, 15), today=d(10, 15))
    close_item(item=items["I4"], note="办好了", closed_on=d(11, 3), today=d(11, 3))
    # A cadre whose posting in county A ended before October.
    f.PostingFactory(
        village=world.v_a2,
        unit=world.unit_a,
        start_date=d(1, 1),
        planned_end_date=d(9, 30),
    )
    assert e3.is_late and not e1.is_late and not e2.is_late
    return items


def as_tuple(line):
    return (
        line.township,
        line.village,
        line.name,
        line.entries,
        line.late_entries,
        line.raised,
        line.closed,
        line.overdue,
    )


def test_october_counts_match_the_hand_computed_example(world, diary):
    lines = ledger_lines(county_id=world.county_a.pk, month=OCT, today=TODAY)
    assert [as_tuple(x) for x in lines] == [
        ("开鲁镇", "北堡村", world.cadre_a1.name, 3, 1, 3, 1, 2),
        ("东风镇", "香邑村", world.cadre_a2.name, 0, 0, 0, 0, 0),
    ]


def test_the_running_month_counts_overdue_as_of_today(world, diary):
    lines = ledger_lines(county_id=world.county_a.pk, month=NOV, today=TODAY)
    assert as_tuple(lines[0]) == ("开鲁镇", "北堡村", world.cadre_a1.name, 1, 0, 1, 1, 2)
    # Two days earlier I2 (due 11-04) was overdue too, I1 as well: still 2; on 11-04 only I1.
    assert ledger_lines(county_id=world.county_a.pk, month=NOV, today=d(11, 4))[0].overdue == 1


def test_the_ledger_page_counts_by_village_with_the_same_rules(world, diary):
    result = ledger(Item.objects.all(), Period.month(OCT), today=TODAY)
    (township,) = result.townships
    (row,) = township["villages"]
    assert (row.village, row.raised, row.closed, row.open, row.overdue) == ("北堡村", 3, 1, 3, 2)
    # open on 10-31: I1, I2, I4 (closed later); I3 was closed in October.


def test_the_export_has_the_sheet_and_header_of_the_spec(world, diary, tmp_path):
    out = tmp_path / "ledger.xlsx"
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        call_command("export_diary_ledger", county="150523", month="2026-10", out=str(out))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [LEDGER_SHEET] == ["民情台账"]
    rows = list(wb[LEDGER_SHEET].iter_rows(values_only=True))
    assert (
        list(rows[0])
        == LEDGER_HEADER
        == ["序号", "乡镇", "村", "姓名", "日记篇数", "补记篇数", "新增诉求", "办结诉求", "逾期未办结"]
    )
    assert rows[1] == (1, "开鲁镇", "北堡村", world.cadre_a1.name, 3, 1, 3, 1, 2)
    assert rows[2] == (2, "东风镇", "香邑村", world.cadre_a2.name, 0, 0, 0, 0, 0)
    assert len(rows) == 3


def test_the_export_command_for_the_current_month_reads_overdue_as_of_today(world, diary, tmp_path):
    out = tmp_path / "nov.xlsx"
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        call_command("export_diary_ledger", county="150523", month="2026-11", out=str(out))
    row = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))[1]
    assert row[4:] == (1, 0, 1, 1, 2)


def test_text_cells_are_formula_safe(world, tmp_path):
    world.cadre_a2.name = "=HYPERLINK(1)"
    world.cadre_a2.save()
    out = tmp_path / "x.xlsx"
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        call_command("export_diary_ledger", county="150523", month="2026-10", out=str(out))
    names = [r[3] for r in openpyxl.load_workbook(out).active.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1)" in names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"county": "999999", "month": "2026-10"}, "县代码 999999 不存在"),
        ({"county": "150523", "month": "2026/10"}, "月份格式应为 YYYY-MM"),
        ({"county": "150523", "month": "2027-01"}, "还没有到"),
    ],
)
def test_bad_arguments_stop_with_a_clear_message(world, tmp_path, args, message):
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        with pytest.raises(CommandError, match=message):
            call_command("export_diary_ledger", out=str(tmp_path / "x.xlsx"), **args)


def test_bad_arguments_exit_with_status_1(world, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    # The subprocess runs on the project settings, not the test database: only an argument error
    # found before any query is checked this way.
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "export_diary_ledger",
            "--county",
            "150523",
            "--month",
            "bad",
            "--out",
            str(tmp_path / "x.xlsx"),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "月份格式应为 YYYY-MM" in proc.stderr


def test_a_township_export_has_its_own_rows_only(world, diary):
    lines = ledger_lines(county_id=world.county_a.pk, month=OCT, today=TODAY, township_id=world.a2.pk)
    assert [x.village for x in lines] == ["香邑村"]


def test_the_ledger_page_shows_an_item_closed_later_as_overdue_at_the_months_end(world, diary, client_for):
    import re

    from django.urls import reverse

    body = client_for(world.county_staff).get(reverse("diary:ledger"), {"month": "2026-10"}).content.decode()
    rows = {
        m.group(2): m.group(1)
        for m in re.finditer(r'<tr class="([^"]*)">(?:(?!</tr>).)*?<td class="desc">(I\d)</td>', body, re.S)
    }
    assert rows == {"I1": "overdue", "I2": "", "I3": "", "I4": "overdue"}


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_cadres(
    world, diary, django_assert_max_num_queries
):
    for n in range(15):
        posting = f.PostingFactory(
            village=world.v_a1, unit=world.unit_a, start_date=d(1, 1), planned_end_date=d(12, 31)
        )
        write_entry(
            cadre=posting.cadre,
            day=d(10, 5),
            household="农户",
            content="民情",
            items=[ItemDraft(f"X{n}", "甲")],
            today=d(10, 5),
        )
    with django_assert_max_num_queries(3):
        lines = ledger_lines(county_id=world.county_a.pk, month=OCT, today=TODAY)
    assert len(lines) == 17 and sum(x.raised for x in lines) == 18
