"""Upload page → check → confirm; annotated errors; history; original file; template; board — and scoping."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.intake.write import import_attendance
from attendance.models import AttendanceRecord, AttendanceUpload
from tests.attendance.helpers import matrix_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 3, 20))


def post_upload(client, data, township=None, month="2026-03", name="考勤.xlsx"):
    payload = {"month": month, "file": SimpleUploadedFile(name, data)}
    if township is not None:
        payload["township"] = township.pk
    return client.post(reverse("attendance:upload"), payload, follow=True)


def test_township_staff_upload_check_and_confirm_their_month(world, client_for, month, as_of):
    client = client_for(world.township_a1)
    assert client.get(reverse("attendance:upload")).status_code == 200
    response = post_upload(client, matrix_xlsx([world.p_a1], month, as_of), township=world.a1)
    assert response.status_code == 200
    upload = AttendanceUpload.objects.get()
    assert upload.status == AttendanceUpload.Status.PENDING
    assert "检查通过" in response.content.decode()
    assert not AttendanceRecord.objects.exists()
    response = client.post(reverse("attendance:upload_confirm", args=[upload.pk]), follow=True)
    upload.refresh_from_db()
    assert upload.status == AttendanceUpload.Status.ACCEPTED
    assert AttendanceRecord.objects.count() == 20
    assert "已采用" in response.content.decode()


def test_a_rejected_upload_lists_every_error_and_offers_an_annotated_workbook(
    world, client_for, month, as_of
):
    def edit(rows):
        rows[0][4] = "Q"

    client = client_for(world.township_a1)
    response = post_upload(client, matrix_xlsx([world.p_a1], month, as_of, edit=edit), township=world.a1)
    html = response.content.decode()
    assert "考勤!E4" in html and "无法识别的考勤标记" in html
    upload = AttendanceUpload.objects.get()
    assert upload.status == AttendanceUpload.Status.REJECTED
    annotated = client.get(reverse("attendance:upload_annotated", args=[upload.pk]))
    assert annotated.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(annotated.content))
    cell = wb["考勤"]["E4"]
    assert "无法识别的考勤标记" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FF9999")
    assert wb.sheetnames[0] == "错误清单"


def test_a_hostile_file_is_rejected_on_the_page(world, client_for):
    response = post_upload(
        client_for(world.township_a1), b"%PDF-1.4 not a workbook", township=world.a1, name="a.xlsx"
    )
    assert "不是 Excel 工作簿" in response.content.decode()
    assert AttendanceUpload.objects.get().status == AttendanceUpload.Status.REJECTED


def test_township_staff_cannot_upload_for_another_township(world, client_for, month, as_of):
    response = post_upload(
        client_for(world.township_a2), matrix_xlsx([world.p_a1], month, as_of), township=world.a1
    )
    assert response.status_code == 200
    assert not AttendanceUpload.objects.exists()


def test_org_staff_choose_any_township_of_their_area(world, client_for, month, as_of):
    client = client_for(world.county_staff)
    post_upload(client, matrix_xlsx([world.p_a2], month, as_of), township=world.a2)
    assert AttendanceUpload.objects.get().township == world.a2
    response = post_upload(client, matrix_xlsx([world.p_b1], month, as_of), township=world.b1)
    assert AttendanceUpload.objects.count() == 1
    assert response.status_code == 200


def test_the_pending_page_polls_while_checking(world, client_for, month, as_of):
    upload = AttendanceUpload.objects.create(
        township=world.a1,
        month=month,
        as_of=as_of,
        status=AttendanceUpload.Status.CHECKING,
        original_name="a.xlsx",
        progress=40,
        uploaded_by=world.township_a1,
    )
    client = client_for(world.township_a1)
    html = client.get(
        reverse("attendance:upload_detail", args=[upload.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in html and "40%" in html


@pytest.fixture
def accepted(world, month, as_of):
    return import_attendance(
        township=world.a1,
        month=month,
        file=matrix_xlsx([world.p_a1], month, as_of),
        as_of=as_of,
        user=world.township_a1,
    ).upload


@pytest.mark.parametrize("name", ["upload_detail", "upload_file"])
def test_upload_pages_are_scoped(world, client_for, accepted, name):
    url = reverse(f"attendance:{name}", args=[accepted.pk])
    assert client_for(world.township_a1).get(url).status_code == 200
    assert client_for(world.county_staff).get(url).status_code == 200
    assert client_for(world.township_a2).get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404


def test_the_original_file_downloads_unchanged(world, client_for, accepted):
    response = client_for(world.township_a1).get(reverse("attendance:upload_file", args=[accepted.pk]))
    accepted.file.open("rb")
    assert b"".join(response.streaming_content) == accepted.file.read()


def test_history_lists_only_the_users_area(world, client_for, accepted):
    url = reverse("attendance:history")
    assert accepted.original_name in client_for(world.township_a1).get(url).content.decode()
    response = client_for(world.township_a2).get(url)
    assert response.status_code == 200 and list(response.context["page"].object_list) == []
    assert list(client_for(world.outsider).get(url).context["page"].object_list) == []
    filtered = client_for(world.county_staff).get(url, {"township": world.a1.pk, "month": "2026-03"})
    assert list(filtered.context["page"].object_list) == [accepted]


def test_history_shows_the_errors_of_rejected_files(world, client_for, month, as_of):
    def edit(rows):
        rows[0][4] = "Q"

    import_attendance(
        township=world.a1,
        month=month,
        file=matrix_xlsx([world.p_a1], month, as_of, edit=edit),
        as_of=as_of,
        keep_rejected=True,
    )
    html = client_for(world.township_a1).get(reverse("attendance:history")).content.decode()
    assert "考勤!E4" in html and "已退回" in html


def test_the_board_shows_who_reported_each_month(world, client_for, accepted):
    response = client_for(world.county_staff).get(reverse("attendance:board"))
    rows = {r["township"].code: r for r in response.context["rows"]}
    assert set(rows) == {"150523100", "150523101"}
    assert rows["150523100"]["cells"][0]["upload"] == accepted
    assert rows["150523101"]["cells"][0]["upload"] is None
    assert rows["150523101"]["cells"][1]["expected"]  # February: posted, not reported
    assert not rows["150523101"]["cells"][3]["expected"]  # December 2025: nobody posted yet
    assert rows["150523101"]["missing"] == 2
    outsider = client_for(world.outsider).get(reverse("attendance:board"))
    assert [r["township"].code for r in outsider.context["rows"]] == ["140981100"]


def test_the_template_round_trip_is_accepted(world, client_for, month, as_of):
    client = client_for(world.township_a1)
    response = client.get(reverse("attendance:template"), {"township": world.a1.pk, "month": "2026-03"})
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["考勤"]
    header = [c.value for c in ws[3]]
    assert header[:4] == ["序号", "姓名", "身份证号", "村名称"]
    assert header[4:35] == list(range(1, 32))
    assert ws.freeze_panes == "E4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.data_validations.dataValidation[0].formula1 == '"√,○,公,事,病,休,×"'
    assert ws["C4"].value == world.cadre_a1.id_number
    for day in range(1, 21):
        ws.cell(row=4, column=4 + day, value="√")
    buf = io.BytesIO()
    wb.save(buf)
    response = post_upload(client, buf.getvalue(), township=world.a1)
    upload = AttendanceUpload.objects.get()
    assert upload.status == AttendanceUpload.Status.PENDING, upload.errors
    client.post(reverse("attendance:upload_confirm", args=[upload.pk]))
    assert AttendanceRecord.objects.count() == 20


def test_the_template_greys_days_outside_a_posting(world, client_for):
    from tests import factories as f

    late = f.PostingFactory(
        village=world.v_a1,
        unit=world.unit_a,
        start_date=dt.date(2026, 3, 10),
        planned_end_date=dt.date(2026, 12, 31),
    )
    response = client_for(world.county_staff).get(
        reverse("attendance:template"), {"township": world.a1.pk, "month": "2026-03"}
    )
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["考勤"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[2].value == late.cadre.id_number)
    assert row[4 + 8].fill.fgColor.rgb.endswith("BFBFBF")  # 9 March
    assert not row[4 + 9].fill.fgColor.rgb.endswith("BFBFBF")  # 10 March


def test_the_template_of_another_township_is_refused(world, client_for):
    response = client_for(world.township_a2).get(
        reverse("attendance:template"), {"township": world.a1.pk, "month": "2026-03"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_pages_need_a_login(client):
    assert client.get(reverse("attendance:upload")).status_code == 302
