import pytest
from django.core.management import CommandError, base, call_command, execute_from_command_line

from cadres.models import Cadre
from tests.registry.workbooks import bad_check_digit, good_data
from villages.models import County

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_registry", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, data: bytes):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(data)
    return str(path)


def test_the_command_imports_a_good_file_and_prints_one_summary_line(tmp_path):
    out, err = run(write(tmp_path, good_data().xlsx()))

    assert err == ""
    assert out.strip().count("\n") == 0
    assert out.startswith("名册导入成功：")
    assert "干部 新增 3、更新 0、未变 0" in out
    assert Cadre.objects.count() == 3


def test_the_command_run_twice_reports_everything_unchanged(tmp_path):
    path = write(tmp_path, good_data().xlsx())
    run(path)

    out, _err = run(path)

    assert "干部 新增 0、更新 0、未变 3" in out
    assert "选派 新增 0、更新 0、未变 3" in out


def test_the_command_dry_run_writes_nothing(tmp_path):
    out, _err = run(write(tmp_path, good_data().xlsx()), "--dry-run")

    assert out.startswith("名册检查通过（试导入，未写入）")
    assert not County.objects.exists()


def test_the_command_prints_every_error_on_stderr_and_exits_non_zero(tmp_path):
    data = good_data()
    data.cadres[0][0] = bad_check_digit(data.cadres[0][0])
    data.postings[2][1] = "150525101299"
    path = write(tmp_path, data.xlsx())

    with pytest.raises(CommandError, match="名册有 3 处错误，未写入任何数据"):
        run(path)
    assert not County.objects.exists()


def test_the_command_line_exits_1_with_one_error_a_line_on_stderr(tmp_path, capsys, monkeypatch):
    # run_from_argv closes every connection at the end; the test's transaction must survive it.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    data = good_data()
    data.cadres[0][0] = bad_check_digit(data.cadres[0][0])
    data.postings[2][1] = "150525101299"
    path = write(tmp_path, data.xlsx())

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "import_registry", path])

    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert lines[0].startswith("干部!A2: 身份证号校验位错误")
    assert lines[1].startswith("选派!A2: 身份证号 ") and lines[1].endswith(
        "不在“干部”表中，系统中也没有这名干部"
    )
    assert lines[2] == "选派!B4: 村代码 150525101299 不存在：“村”表和系统中都没有这个村"
    assert lines[3] == "CommandError: 名册有 3 处错误，未写入任何数据"
    assert captured.out == ""
    assert not County.objects.exists()


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        run(str(tmp_path / "nope.xlsx"))


def test_the_command_refuses_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_text("序号,姓名\n1,张三\n", encoding="utf-8")

    with pytest.raises(CommandError):
        run(str(path))
