"""DOMAIN.md §4 read line by line, exercised the way an outside test would: workbooks written with
openpyxl and with XlsxWriter under their default sheet names, the command run as a subprocess."""

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from attendance.intake.check import check_file
from attendance.intake.write import import_attendance
from attendance.models import AttendanceRecord, AttendanceUpload, Mark
from tests import factories as f
from tests.attendance.helpers import run_cli

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
MATRIX_HEAD = ["序号", "姓名", "身份证号", "村名称"]
LONG_HEAD = ["身份证号", "姓名", "日期", "状态", "备注"]
MARCH = dt.date(2026, 3, 1)
FEB = dt.date(2026, 2, 1)


def by_openpyxl(rows, sheet=None):
    """Rows written with openpyxl; ``sheet=None`` keeps openpyxl's default name (``Sheet``)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    if sheet:
        ws.title = sheet
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def by_xlsxwriter(rows, sheet=None):
    """Rows written with XlsxWriter; ``sheet=None`` keeps its default name (``Sheet1``)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(sheet)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write_number(r, c, value)
    wb.close()
    return buf.getvalue()


WRITERS = {"openpyxl": (by_openpyxl, "Sheet"), "xlsxwriter": (by_xlsxwriter, "Sheet1")}


def n_days(month):
    return ((month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - month).days


def matrix(month, people, *, titles=2, summary=True, fill=None):
    """Title rows, the header with day columns sized to the month, then one row per (posting, marks).

    ``fill(posting, day)`` gives a cell value; default √ on every posted day.
    """
    days = n_days(month)
    rows = [[f"{month:%Y年%m月}驻村干部考勤表"]] + [[None]] * (titles - 1) if titles else []
    head = MATRIX_HEAD + list(range(1, days + 1)) + (["在岗天数", "住村天数"] if summary else [])
    rows.append(head)
    for n, p in enumerate(people, start=1):
        row = [n, p.cadre.name, p.cadre.id_number, p.village.name]
        marked = 0
        for d in range(1, days + 1):
            day = month.replace(day=d)
            value = fill(p, day) if fill else ("√" if p.start_date <= day <= p.end_date else None)
            marked += value is not None
            row.append(value)
        if summary:
            row += [marked, marked]
        rows.append(row)
    return rows


def long_rows(month, people, *, as_text=False, upto=None):
    rows = [LONG_HEAD]
    for p in people:
        for d in range(1, n_days(month) + 1):
            day = month.replace(day=d)
            if p.start_date <= day <= p.end_date and (upto is None or day <= upto):
                rows.append([p.cadre.id_number, p.cadre.name, day.isoformat() if as_text else day, "√", None])
    return rows


def errors_of(result):
    return [str(e) for e in result.errors]


# ------------------------------------------------------------------ layouts


@pytest.mark.parametrize("writer", WRITERS)
def test_a_matrix_with_title_rows_and_summary_columns_is_accepted_from_either_writer(world, writer):
    write, _sheet = WRITERS[writer]
    data = write(matrix(FEB, [world.p_a1]))
    result = import_attendance(township=world.a1, month=FEB, file=data, as_of=dt.date(2026, 3, 5))
    assert result.ok, errors_of(result)
    assert result.check.layout == AttendanceUpload.Layout.MATRIX
    assert AttendanceRecord.objects.filter(cadre=world.cadre_a1).count() == 28


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("as_text", [False, True])
def test_a_long_sheet_is_accepted_with_dates_as_excel_dates_or_iso_text(world, writer, as_text):
    write, _sheet = WRITERS[writer]
    data = write([["考勤明细"], *long_rows(MARCH, [world.p_a1], as_text=as_text)])
    result = import_attendance(township=world.a1, month=MARCH, file=data, as_of=dt.date(2026, 4, 2))
    assert result.ok, errors_of(result)
    assert result.check.layout == AttendanceUpload.Layout.LONG
    assert AttendanceRecord.objects.filter(cadre=world.cadre_a1).count() == 31


ALIASES = [
    ("√", Mark.ON_SITE_OVERNIGHT),
    ("✓", Mark.ON_SITE_OVERNIGHT),
    ("v", Mark.ON_SITE_OVERNIGHT),
    ("V", Mark.ON_SITE_OVERNIGHT),
    ("在岗住村", Mark.ON_SITE_OVERNIGHT),
    ("○", Mark.ON_SITE),
    ("0", Mark.ON_SITE),
    (0, Mark.ON_SITE),
    ("o", Mark.ON_SITE),
    ("O", Mark.ON_SITE),
    ("〇", Mark.ON_SITE),
    ("在岗", Mark.ON_SITE),
    ("公", Mark.OFFICIAL_TRIP),
    ("公出", Mark.OFFICIAL_TRIP),
    ("事", Mark.LEAVE_PERSONAL),
    ("事假", Mark.LEAVE_PERSONAL),
    ("病", Mark.LEAVE_SICK),
    ("病假", Mark.LEAVE_SICK),
    ("休", Mark.LEAVE_REST),
    ("公休", Mark.LEAVE_REST),
    ("×", Mark.ABSENT),
    ("x", Mark.ABSENT),
    ("X", Mark.ABSENT),
    ("✗", Mark.ABSENT),
    ("缺勤", Mark.ABSENT),
]


@pytest.mark.parametrize("writer", WRITERS)
def test_every_alias_of_every_mark_is_read_in_a_matrix_including_a_numeric_zero(world, writer):
    write, _sheet = WRITERS[writer]
    marks = {MARCH.replace(day=i + 1): v for i, (v, _m) in enumerate(ALIASES)}
    data = write(matrix(MARCH, [world.p_a1], fill=lambda p, day: marks.get(day, "√")))
    result = import_attendance(township=world.a1, month=MARCH, file=data, as_of=dt.date(2026, 4, 1))
    assert result.ok, errors_of(result)
    got = dict(AttendanceRecord.objects.filter(cadre=world.cadre_a1).values_list("date", "status"))
    for i, (_v, mark) in enumerate(ALIASES):
        assert got[MARCH.replace(day=i + 1)] == mark, ALIASES[i]


@pytest.mark.parametrize("writer", WRITERS)
def test_every_alias_is_read_in_a_long_sheet_including_a_numeric_zero(world, writer):
    write, _sheet = WRITERS[writer]
    rows = long_rows(MARCH, [world.p_a1])
    for i, (v, _m) in enumerate(ALIASES):
        rows[i + 1][3] = v
    result = import_attendance(township=world.a1, month=MARCH, file=write(rows), as_of=dt.date(2026, 4, 1))
    assert result.ok, errors_of(result)
    got = dict(AttendanceRecord.objects.filter(cadre=world.cadre_a1).values_list("date", "status"))
    for i, (_v, mark) in enumerate(ALIASES):
        assert got[MARCH.replace(day=i + 1)] == mark, ALIASES[i]


# ------------------------------------------------------------------ validation, cells named with the real sheet


@pytest.fixture
def town(world):
    """Township A1 with a second posting that ends on 10 March (a mid-month end)."""
    short = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2026, 3, 10),
    )
    return world.p_a1, short


@pytest.mark.parametrize("writer", WRITERS)
def test_every_matrix_rule_names_the_cell_on_the_actual_sheet(world, town, writer):
    write, sheet = WRITERS[writer]
    full, short = town
    stranger = f.CadreFactory()  # in the registry, posted nowhere
    rows = matrix(
        MARCH,
        [full, short],
        fill=lambda p, day: "√" if p.start_date <= day <= p.end_date and day.day <= 20 else None,
    )
    # rows: 1-2 titles, 3 header, 4 full, 5 short. Columns: E = day 1, so day n is column 4 + n.
    col = lambda day: openpyxl.utils.get_column_letter(4 + day)  # noqa: E731
    rows[3][4 + 3 - 1] = "Q"  # unknown mark, day 3 → G4
    rows[3][4 + 7 - 1] = None  # posted day before as-of left blank → K4
    rows[3][4 + 25 - 1] = "√"  # after the upload date → AC4
    rows[4][4 + 12 - 1] = "√"  # outside the short posting → P5
    rows[4][1] = "错名字"  # name disagrees → B5
    rows.append([3, "无名", "110101199003074578", "北堡村"] + ["√"] * 20)  # unknown ID → C6
    rows.append([4, stranger.name, stranger.id_number, "北堡村"] + ["√"] * 20)  # not posted here → C7
    rows.append(
        [5, full.cadre.name, full.cadre.id_number, "北堡村"] + [None] * 5 + ["√"]
    )  # duplicate day 6 → J8
    data = write(rows)
    result = check_file(township=world.a1, month=MARCH, file=data, as_of=dt.date(2026, 3, 20))
    cells = {e.cell for e in result.errors}
    expected = {f"{sheet}!{c}" for c in ("G4", "K4", "AC4", "P5", "B5", "C6", "C7", "J8")}
    assert expected <= cells, errors_of(result)
    assert col(3) == "G"
    assert (
        import_attendance(township=world.a1, month=MARCH, file=data, as_of=dt.date(2026, 3, 20)).ok is False
    )
    assert not AttendanceRecord.objects.exists() and not AttendanceUpload.objects.exists()


def test_a_posted_cadre_missing_from_the_sheet_is_an_error(world, town):
    full, short = town
    data = by_xlsxwriter(matrix(MARCH, [full]))
    result = check_file(township=world.a1, month=MARCH, file=data, as_of=dt.date(2026, 3, 20))
    assert any(short.cadre.name in e.message and e.cell.startswith("Sheet1!") for e in result.errors), (
        errors_of(result)
    )


def test_a_cadre_whose_posting_ends_before_the_as_of_needs_only_the_days_he_was_posted(world, town):
    data = by_xlsxwriter(
        matrix(
            MARCH,
            list(town),
            fill=lambda p, d: "√" if p.start_date <= d <= p.end_date and d.day <= 20 else None,
        )
    )
    result = import_attendance(township=world.a1, month=MARCH, file=data, as_of=dt.date(2026, 3, 20))
    assert result.ok, errors_of(result)
    assert AttendanceRecord.objects.count() == 20 + 10


@pytest.mark.parametrize("writer", WRITERS)
def test_every_long_rule_names_the_cell_on_the_actual_sheet(world, town, writer):
    write, sheet = WRITERS[writer]
    full, short = town
    as_of = dt.date(2026, 3, 20)
    rows = long_rows(MARCH, [full, short], upto=as_of)  # header row 1; full: rows 2..21 (days 1..20)
    rows[1][3] = "Q"  # unknown mark → D2
    rows[2][1] = "错名字"  # name disagrees → B3
    rows.append(
        [full.cadre.id_number, full.cadre.name, dt.date(2026, 4, 1), "√", None]
    )  # outside month → C32
    rows.append([full.cadre.id_number, full.cadre.name, dt.date(2026, 3, 5), "√", None])  # duplicate → D33
    rows.append(
        [short.cadre.id_number, short.cadre.name, dt.date(2026, 3, 12), "√", None]
    )  # outside posting → D34
    rows.append([full.cadre.id_number, full.cadre.name, dt.date(2026, 3, 25), "√", None])  # after as-of → D35
    rows.append(["110101199003074578", "无名", dt.date(2026, 3, 5), "√", None])  # unknown ID → A36
    data = write(rows)
    result = check_file(township=world.a1, month=MARCH, file=data, as_of=as_of)
    cells = {e.cell for e in result.errors}
    expected = {f"{sheet}!{c}" for c in ("D2", "B3", "C32", "D33", "D34", "D35", "A36")}
    assert expected <= cells, errors_of(result)


def test_a_long_sheet_missing_a_posted_day_is_an_error(world):
    rows = long_rows(MARCH, [world.p_a1], upto=dt.date(2026, 3, 20))
    del rows[7]  # 7 March
    result = check_file(township=world.a1, month=MARCH, file=by_openpyxl(rows), as_of=dt.date(2026, 3, 20))
    assert not result.ok
    assert any("3月7日" in e.message and e.cell.startswith("Sheet!") for e in result.errors), errors_of(
        result
    )


# ------------------------------------------------------------------ re-upload and the command


def test_a_valid_reupload_replaces_the_records_and_supersedes_the_earlier_file(world):
    first = by_xlsxwriter(matrix(MARCH, [world.p_a1]))
    second = by_xlsxwriter(matrix(MARCH, [world.p_a1], fill=lambda p, d: "○"))
    as_of = dt.date(2026, 4, 1)
    assert import_attendance(township=world.a1, month=MARCH, file=first, as_of=as_of).ok
    assert import_attendance(township=world.a1, month=MARCH, file=first, as_of=as_of).ok
    assert AttendanceRecord.objects.count() == 31
    assert import_attendance(township=world.a1, month=MARCH, file=second, as_of=as_of).ok
    assert set(AttendanceRecord.objects.values_list("status", flat=True)) == {Mark.ON_SITE}
    statuses = list(AttendanceUpload.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["SUPERSEDED", "SUPERSEDED", "ACCEPTED"]


def _run(*args):
    env = {**os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_command_via_call_command_prints_only_cell_lines_on_stderr(world, tmp_path):
    rows = matrix(MARCH, [world.p_a1])
    rows[3][6] = "Q"
    rows[3][7] = "出差"
    path = tmp_path / "a.xlsx"
    path.write_bytes(by_xlsxwriter(rows))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_attendance",
            str(path),
            "--township",
            "150523100",
            "--month",
            "2026-03",
            "--as-of",
            "2026-04-01",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert err.getvalue().splitlines() == [
        "Sheet1!G4: 无法识别的考勤标记“Q”，可用的标记：√ ○ 公 事 病 休 ×",
        "Sheet1!H4: 无法识别的考勤标记“出差”，可用的标记：√ ○ 公 事 病 休 ×",
    ]


def test_from_a_shell_the_command_exits_1_with_only_cell_lines_on_stderr_and_0_with_one_summary_line(
    world, tmp_path, capsys, monkeypatch
):
    rows = matrix(MARCH, [world.p_a1])
    rows[3][6] = "Q"
    rows[4 - 1][8] = "出差"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(by_openpyxl(rows))
    good = tmp_path / "good.xlsx"
    good.write_bytes(by_openpyxl(matrix(MARCH, [world.p_a1])))
    args = ["--township", "150523100", "--month", "2026-03", "--as-of", "2026-04-01"]

    code, out, err = run_cli(capsys, monkeypatch, "import_attendance", str(bad), *args)
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "Sheet!G4: 无法识别的考勤标记“Q”，可用的标记：√ ○ 公 事 病 休 ×",
        "Sheet!I4: 无法识别的考勤标记“出差”，可用的标记：√ ○ 公 事 病 休 ×",
    ]
    assert not AttendanceUpload.objects.exists()

    code, out, err = run_cli(capsys, monkeypatch, "import_attendance", str(good), *args, "--dry-run")
    assert code in (0, None) and err == "" and len(out.splitlines()) == 1
    assert not AttendanceRecord.objects.exists() and not AttendanceUpload.objects.exists()

    code, out, err = run_cli(capsys, monkeypatch, "import_attendance", str(good), *args)
    assert code in (0, None) and err == ""
    assert len(out.splitlines()) == 1 and "已导入" in out
    assert AttendanceRecord.objects.count() == 31


# ------------------------------------------------------------------ scoping of the upload's objects


def test_another_townships_staff_get_404_for_every_url_of_an_upload(world, client_for):
    from django.urls import reverse

    rows = matrix(MARCH, [world.p_a1])
    rows[3][6] = "Q"
    rejected = import_attendance(
        township=world.a1,
        month=MARCH,
        file=by_xlsxwriter(rows),
        as_of=dt.date(2026, 4, 1),
        keep_rejected=True,
    ).upload
    annotated = reverse("attendance:upload_annotated", args=[rejected.pk])
    assert client_for(world.township_a1).get(annotated).status_code == 200
    for user in (world.township_a2, world.outsider):
        client = client_for(user)
        for name in ("upload_detail", "upload_file", "upload_annotated"):
            assert client.get(reverse(f"attendance:{name}", args=[rejected.pk])).status_code == 404, name
        assert client.post(reverse("attendance:upload_confirm", args=[rejected.pk])).status_code == 404


def test_the_monthly_export_of_a_township_user_holds_only_their_township(world, client_for):
    from django.urls import reverse

    from attendance.totals.compute import compute_monthly_totals

    compute_monthly_totals(county=world.county_a, month=MARCH, today=dt.date(2026, 6, 30))
    compute_monthly_totals(county=world.county_b, month=MARCH, today=dt.date(2026, 6, 30))
    for user, ids in (
        (world.township_a1, {world.cadre_a1.id_number}),
        (world.township_a2, {world.cadre_a2.id_number}),
        (world.county_staff, {world.cadre_a1.id_number, world.cadre_a2.id_number}),
    ):
        response = client_for(user).get(reverse("attendance:monthly_export"), {"month": "2026-03"})
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        at = next(i for i, r in enumerate(rows) if r[0] == "序号")
        assert {r[4] for r in rows[at + 1 :]} == ids
