"""A normal month's work from the dashboard, in headless Chromium (issue #17).

The township's day: dashboard → template → fill it in → upload → confirm → the dashboard says
accepted. The org's review: filter the proposals → select them → approve several at once →
issue one → print it.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import AttendanceUpload
from decisions.models import Decision
from tests import factories as f
from tests.conftest import browser_login
from tests.decisions.factories import proposal

pytestmark = pytest.mark.browser


def fill_template(data: bytes) -> bytes:
    """What the clerk does in Excel: √ in every white day cell of every cadre's row."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    header = next(r for r in sheet.iter_rows() if any(c.value == "身份证号" for c in r))
    days = {c.column: int(c.value) for c in header if isinstance(c.value, (int, float))}
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        if not row[2].value:
            continue
        for cell in row:
            if cell.column in days and cell.fill.fgColor.rgb not in ("FFBFBFBF", "00BFBFBF"):
                cell.value = "√"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_township_finishes_last_months_sheet_from_its_dashboard(
    live_server, world, chromium, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    browser_login(page, live_server, world.township_a1.username)
    row = page.locator("#todo-sheets tr.sheet-missing", has_text=f"{last_month.year}年{last_month.month}月")
    assert row.is_visible() and "未上传" in row.inner_text()
    with page.expect_download() as download:
        row.get_by_text("下载模板").click()
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill_template(download.value.path().read_bytes()))

    row.get_by_text("上传考勤表").click()
    page.wait_for_url(f"{live_server.url}{reverse('attendance:upload')}?month={last_month:%Y-%m}")
    assert page.locator("#layout-help").is_visible()
    page.set_input_files("input[name=file]", str(filled))
    page.click("#upload-form button[type=submit]")
    page.get_by_text("确认采用").wait_for()
    page.get_by_text("确认采用").click()
    page.get_by_text("已采用").first.wait_for()

    page.goto(live_server.url + reverse("dashboard"))
    sheet = page.locator("#todo-sheets tr", has_text=f"{last_month.year}年{last_month.month}月")
    assert "已采用" in sheet.inner_text()
    upload = AttendanceUpload.objects.get(township=world.a1, month=last_month)
    assert upload.status == AttendanceUpload.Status.ACCEPTED and upload.uploaded_by == world.township_a1


def test_the_org_reviews_several_proposals_at_once_then_issues_and_prints(live_server, world, chromium):
    second = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        role="TEAM_MEMBER",
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2027, 12, 31),
    )
    mine = [proposal(world.p_a1), proposal(second)]
    other = proposal(world.p_a2)
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    browser_login(page, live_server, world.county_staff.username)
    page.locator("#todo-proposed a").click()
    page.select_option("select[name=township]", str(world.a1.pk))
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    page.check("#decision-table input.select-all")
    assert page.locator("input[name=ids]:checked").count() == 2
    page.fill("#bulk-actions textarea[name=note]", "经部务会研究同意")
    page.click("#bulk-actions button[value=approve]")
    page.locator("#bulk-done").wait_for()
    assert "已同意 2 项" in page.locator("#bulk-done h2").inner_text()
    assert {d.status for d in Decision.objects.filter(pk__in=[d.pk for d in mine])} == {"APPROVED"}
    assert Decision.objects.get(pk=other.pk).status == "PROPOSED"

    page.locator("#bulk-done a", has_text=world.cadre_a1.name).click()
    page.click("#workflow button.primary")  # 签发, dated today
    page.locator("#decision-number").wait_for()
    number = page.locator("#decision-number").inner_text()
    assert "〔" in number
    with page.expect_popup() as popup:
        page.get_by_text("打印决定书").click()
    printed = popup.value
    printed.wait_for_load_state()
    assert number in printed.content() and world.cadre_a1.name in printed.content()
