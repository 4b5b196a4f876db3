import io

import pytest
from django.core.management import CommandError, call_command

from attendance.models import AttendanceRecord, AttendanceUpload
from tests.attendance.helpers import matrix_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(tmp_path, world, month, as_of):
    def write(edit=None):
        path = tmp_path / "考勤.xlsx"
        path.write_bytes(matrix_xlsx([world.p_a1], month, as_of, edit=edit))
        return str(path)

    return write


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_attendance", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_valid_file_with_a_one_line_summary(world, sheet):
    out, err = run(sheet(), "--township", "150523100", "--month", "2026-03", "--as-of", "2026-03-20")
    assert len(out.strip().splitlines()) == 1
    assert "已导入" in out and "20" in out
    assert err == ""
    assert AttendanceRecord.objects.count() == 20
    assert AttendanceUpload.objects.get().status == AttendanceUpload.Status.ACCEPTED


def test_the_command_exits_non_zero_with_one_line_per_error_and_writes_nothing(world, sheet):
    def edit(rows):
        rows[0][4] = "Q"
        rows[0][5] = "出差"

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_attendance",
            sheet(edit),
            "--township",
            "150523100",
            "--month",
            "2026-03",
            "--as-of",
            "2026-03-20",
            stderr=err,
            stdout=io.StringIO(),
        )
    lines = err.getvalue().strip().splitlines()
    assert lines == [
        "考勤!E4: 无法识别的考勤标记“Q”，可用的标记：√ ○ 公 事 病 休 ×",
        "考勤!F4: 无法识别的考勤标记“出差”，可用的标记：√ ○ 公 事 病 休 ×",
    ]
    assert not AttendanceRecord.objects.exists()
    assert not AttendanceUpload.objects.exists()


def test_the_command_dry_run_writes_nothing(world, sheet):
    out, _err = run(
        sheet(), "--township", "150523100", "--month", "2026-03", "--as-of", "2026-03-20", "--dry-run"
    )
    assert "未写入" in out
    assert not AttendanceRecord.objects.exists() and not AttendanceUpload.objects.exists()


def test_the_command_as_of_defaults_to_today(world, sheet, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 3, 20))
    run(sheet(), "--township", "150523100", "--month", "2026-03")
    assert AttendanceRecord.objects.count() == 20


@pytest.mark.parametrize(
    "args",
    [
        ["--township", "999999999", "--month", "2026-03"],
        ["--township", "150523100", "--month", "2026-13"],
        ["--township", "150523100", "--month", "2026-03", "--as-of", "20.3.2026"],
    ],
)
def test_the_command_refuses_bad_arguments(world, sheet, args):
    with pytest.raises(CommandError):
        run(sheet(), *args)


def test_the_command_refuses_a_missing_file(world):
    with pytest.raises(CommandError):
        run("/nonexistent/x.xlsx", "--township", "150523100", "--month", "2026-03")
