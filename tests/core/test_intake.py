"""The one spreadsheet intake: every attack of issue #12 through every import, on the page and
from the command line — refused fast with a Chinese message, nothing written, this process alive."""

import datetime as dt
import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from appraisal.models import Score
from attendance.intake.check import check_file
from attendance.models import AttendanceRecord, AttendanceUpload
from cadres.models import Cadre
from core import intake
from tests.appraisal.factories import small_scheme
from tests.core import hostile
from villages.models import County, Township

pytestmark = pytest.mark.django_db

# What each attack must be told: the limit it broke.
EXPECTED = {
    "far cell, single quotes": "尺寸异常",
    "far cell, double quotes": "尺寸异常",
    "cells without r": "尺寸异常",
    "sheet part without .xml": "尺寸异常",
    "zip header lying about its size": "声明大小",
    "1,048,576 rows without r": "尺寸异常",
    "DOCTYPE after the first 64 KB": "不安全的 XML",
}
FAST = 15  # seconds, on a busy two-core machine; the unguarded parser took 17 s to 46 s or died


@pytest.fixture(scope="module")
def attacks():
    return {name: build() for name, build in hostile.ATTACKS.items()}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def frozen_today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 3, 20))


def _nothing_written(before):
    assert (County.objects.count(), Township.objects.count(), Cadre.objects.count()) == before
    assert not AttendanceRecord.objects.exists()
    assert not Score.objects.exists()


def _counts():
    return County.objects.count(), Township.objects.count(), Cadre.objects.count()


@pytest.mark.parametrize("attack", list(hostile.ATTACKS))
def test_attendance_upload_page_refuses_each_attack(world, client_for, attacks, attack, frozen_today):
    before, pid, start = _counts(), os.getpid(), time.monotonic()
    response = client_for(world.township_a1).post(
        reverse("attendance:upload"),
        {
            "month": "2026-03",
            "township": world.a1.pk,
            "file": SimpleUploadedFile("考勤.xlsx", attacks[attack]),
        },
        follow=True,
    )
    assert time.monotonic() - start < FAST
    assert response.status_code == 200 and os.getpid() == pid
    assert EXPECTED[attack] in response.content.decode()
    upload = AttendanceUpload.objects.get()
    assert upload.status == AttendanceUpload.Status.REJECTED
    assert EXPECTED[attack] in upload.errors[0]["message"]
    _nothing_written(before)
    # The annotated copy is refused under the same limits, with the message, not a crash.
    annotated = client_for(world.township_a1).get(
        reverse("attendance:upload_annotated", args=[upload.pk]), follow=True
    )
    assert annotated.status_code == 200 and EXPECTED[attack] in annotated.content.decode()


@pytest.mark.parametrize("attack", list(hostile.ATTACKS))
def test_attendance_command_refuses_each_attack(world, attacks, attack, tmp_path):
    path = tmp_path / "考勤.xlsx"
    path.write_bytes(attacks[attack])
    before, start, err = _counts(), time.monotonic(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_attendance",
            str(path),
            "--township",
            "150523100",
            "--month",
            "2026-03",
            "--as-of",
            "2026-03-20",
            stderr=err,
            stdout=io.StringIO(),
        )
    assert time.monotonic() - start < FAST
    assert EXPECTED[attack] in err.getvalue()
    assert not AttendanceUpload.objects.exists()
    _nothing_written(before)


@pytest.mark.parametrize("attack", list(hostile.ATTACKS))
def test_registry_import_page_refuses_each_attack(world, client_for, attacks, attack):
    before, start = _counts(), time.monotonic()
    response = client_for(world.county_staff).post(
        "/villages/import/", {"file": SimpleUploadedFile("名册.xlsx", attacks[attack])}
    )
    assert time.monotonic() - start < FAST
    assert response.status_code == 200
    assert EXPECTED[attack] in response.content.decode()
    assert not response.context["result"].ok
    _nothing_written(before)


@pytest.mark.parametrize("attack", list(hostile.ATTACKS))
def test_registry_command_refuses_each_attack(world, attacks, attack, tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(attacks[attack])
    before, start, err = _counts(), time.monotonic(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_registry", str(path), stderr=err, stdout=io.StringIO())
    assert time.monotonic() - start < FAST
    assert EXPECTED[attack] in err.getvalue()
    _nothing_written(before)


@pytest.mark.parametrize("attack", list(hostile.ATTACKS))
def test_score_import_page_refuses_each_attack(world, client_for, attacks, attack):
    small_scheme(world.county_a)
    before, start = _counts(), time.monotonic()
    response = client_for(world.county_staff).post(
        "/appraisal/scores/import/?county=150523&quarter=2026Q1",
        {"file": SimpleUploadedFile("scores.xlsx", attacks[attack])},
    )
    assert time.monotonic() - start < FAST
    assert response.status_code == 200
    assert EXPECTED[attack] in response.content.decode()
    _nothing_written(before)


@pytest.mark.parametrize("attack", list(hostile.ATTACKS))
def test_score_command_refuses_each_attack(world, attacks, attack, tmp_path, capsys):
    small_scheme(world.county_a)
    path = tmp_path / "scores.xlsx"
    path.write_bytes(attacks[attack])
    before, start, err = _counts(), time.monotonic(), io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_scores", str(path), "--county", "150523", "--quarter", "2026Q1", stderr=err)
    assert time.monotonic() - start < FAST
    assert EXPECTED[attack] in err.getvalue()
    _nothing_written(before)


def test_a_parser_that_aborts_in_its_child_is_a_refusal_naming_the_memory_limit(attacks):
    """Past the inspection (limits set absurdly high), calamine asks for 550 GB and aborts: only
    the child dies; the import gets a Chinese refusal naming the limit."""
    pid = os.getpid()
    huge = intake.Limits(rows=2_000_000, cols=20_000, cells=10**13)
    with pytest.raises(intake.SpreadsheetRejected) as exc:
        intake.parse(attacks["far cell, single quotes"], limits=huge)
    assert "内存上限" in exc.value.message and "MB" in exc.value.message
    assert os.getpid() == pid


def test_an_answer_from_a_subverted_child_that_would_run_code_is_refused(monkeypatch, tmp_path):
    """The parent reads the child's answer as cell values only: a pickle naming any other class
    (here ``os.system``) is a refusal, and nothing runs."""
    import pickle
    import subprocess

    from core.intake import sandbox

    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    def fake_run(*args, **kwargs):
        return subprocess.CompletedProcess(args, 0, stdout=pickle.dumps({"sheets": [Evil()]}), stderr=b"")

    monkeypatch.setattr(sandbox.subprocess, "run", fake_run)
    with pytest.raises(intake.SpreadsheetRejected) as exc:
        sandbox.run_child({"mode": "read", "data": b""})
    assert "解析进程异常退出" in exc.value.message
    assert not marker.exists()


def test_dates_and_times_still_cross_from_the_child():
    import datetime as dt
    import pickle

    from core.intake import sandbox

    values = [dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, 7, 30), dt.time(7, 30), dt.timedelta(hours=1)]
    assert sandbox._load_answer(pickle.dumps({"rows": values}))["rows"] == values


def test_the_annotated_workbook_is_made_in_the_limited_child_too(attacks, settings):
    settings.ZHUCUN_INTAKE_MEMORY_MB = 256  # a million rows in openpyxl never fit
    huge = intake.Limits(rows=2_000_000, cols=20_000, cells=10**13)
    start = time.monotonic()
    with pytest.raises(intake.SpreadsheetRejected) as exc:
        intake.annotate(
            attacks["1,048,576 rows without r"], [{"cell": "Sheet1!A1", "message": "x"}], limits=huge
        )
    assert "上限" in exc.value.message
    assert time.monotonic() - start < 90


def test_a_legitimate_sheet_without_r_attributes_is_read(settings):
    data = hostile.workbook(hostile.sheet(b"<row><c><v>1</v></c><c><v>2</v></c></row>" * 3))
    book = intake.parse(data, limits=intake.Limits(rows=10, cols=26, cells=100))
    assert book.sheets[0].rows == [[1.0, 2.0]] * 3


def test_an_r_hidden_inside_another_attribute_does_not_fool_the_inspection():
    data = hostile.workbook(hostile.sheet(b'<row r="1"><c s=" r=\'A1\'" r="XFD1"><v>1</v></c></row>'))
    with pytest.raises(intake.SpreadsheetRejected, match="尺寸异常"):
        intake.parse(data, limits=intake.Limits(rows=10, cols=26, cells=100))


def test_a_prefixed_sheet_namespace_does_not_fool_the_inspection():
    data = hostile.workbook(hostile.sheet(b'<x:row r="1"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'))
    with pytest.raises(intake.SpreadsheetRejected, match="尺寸异常"):
        intake.parse(data, limits=intake.Limits(rows=10, cols=26, cells=100))


def test_an_absurd_dimension_or_merge_range_is_refused_before_parsing():
    for xml in (
        b'<dimension ref="A1:XFD1048576"/>',
        b'<mergeCells><mergeCell ref="A1:A900000"/></mergeCells>',
    ):
        data = hostile.workbook(hostile.sheet(xml))
        with pytest.raises(intake.SpreadsheetRejected, match="尺寸异常"):
            intake.parse(data, limits=intake.Limits(rows=1000, cols=26, cells=10_000))


def test_a_nul_in_an_attendance_cell_is_a_cell_error(world):
    from tests.attendance.helpers import matrix_header, matrix_rows

    month, as_of = dt.date(2026, 3, 1), dt.date(2026, 3, 20)
    row = matrix_rows([world.p_a1], month, as_of)[0]
    data = hostile.with_control_character(matrix_header(month), row, sheet_name="考勤", bad_col=2)
    result = check_file(township=world.a1, month=month, file=data, as_of=as_of)
    assert "考勤!C2: 含有不可见控制字符" in [str(e) for e in result.errors]
    assert all("\x00" not in str(e) for e in result.errors)


def test_a_nul_in_an_attendance_upload_ends_rejected_with_its_cell(world, client_for, frozen_today):
    from tests.attendance.helpers import matrix_header, matrix_rows

    month, as_of = dt.date(2026, 3, 1), dt.date(2026, 3, 20)
    row = matrix_rows([world.p_a1], month, as_of)[0]
    data = hostile.with_control_character(matrix_header(month), row, sheet_name="考勤", bad_col=1)
    response = client_for(world.township_a1).post(
        reverse("attendance:upload"),
        {"month": "2026-03", "township": world.a1.pk, "file": SimpleUploadedFile("考勤.xlsx", data)},
        follow=True,
    )
    assert response.status_code == 200
    upload = AttendanceUpload.objects.get()
    assert upload.status == AttendanceUpload.Status.REJECTED
    assert {"cell": "考勤!B2", "message": "含有不可见控制字符"} in upload.errors
    assert not AttendanceRecord.objects.exists()


def test_a_nul_in_a_registry_cell_is_a_cell_error(world):
    from registry.importing import import_registry
    from registry.parse import HEADERS

    data = hostile.with_control_character(
        list(HEADERS["乡镇"]), ["150523", "开鲁县", "150523102", "新镇"], sheet_name="乡镇"
    )
    result = import_registry(file=data)
    assert "乡镇!B2: 含有不可见控制字符" in [str(e) for e in result.errors]
    assert not result.ok


def test_a_nul_in_a_score_cell_is_a_cell_error(world):
    from appraisal.scores import import_scores

    small_scheme(world.county_a)
    data = hostile.with_control_character(
        ["身份证号", "姓名"], [world.cadre_a1.id_number, world.cadre_a1.name]
    )
    result = import_scores(county=world.county_a, year=2026, quarter=1, file=data)
    assert not result.ok and result.errors == ["Sheet1!B2: 含有不可见控制字符"]
    assert not Score.objects.exists()
