import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.models import Posting
from registry.parse import HEADERS, SHEETS
from tests.registry.workbooks import good_data, id_number
from villages.models import Township, Village

pytestmark = pytest.mark.django_db
URL = "/villages/import/"


def upload(data: bytes, name="名册.xlsx"):
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def county_a_file():
    data = good_data()
    data.townships = [["150523", "开鲁县", "150523102", "新镇"]]
    data.villages = [["150523102201", "新村", "150523102", "软弱涣散村"]]
    data.units = [["U150523009", "开鲁县教育局", "县", "150523"]]
    data.cadres = data.cadres[:1]
    data.cadres[0][7] = "U150523009"
    data.postings = [[id_number(11), "150523102201", "U150523009", "第一书记", "2026-01-01", "2027-12-31"]]
    return data


def test_the_import_page_has_its_url_names():
    assert reverse("villages:registry_import") == URL
    assert reverse("villages:registry_template") == "/villages/import/template/"


def test_org_staff_see_the_upload_form(world, client_for):
    response = client_for(world.county_staff).get(URL)

    assert response.status_code == 200
    assert "名册导入" in response.content.decode()
    assert reverse("villages:registry_template") in response.content.decode()


def test_org_staff_import_a_good_file_and_see_the_counts(world, client_for):
    response = client_for(world.county_staff).post(URL, {"file": upload(county_a_file().xlsx())})

    assert response.status_code == 200
    page = response.content.decode()
    assert "导入成功" in page
    assert response.context["result"].ok
    assert response.context["result"].counts["选派"]["created"] == 1
    assert Posting.objects.filter(village__code="150523102201", role="FIRST_SECRETARY").exists()


def test_a_dry_run_from_the_page_writes_nothing(world, client_for):
    response = client_for(world.county_staff).post(
        URL, {"file": upload(county_a_file().xlsx()), "dry_run": "on"}
    )

    assert "试导入，未写入任何数据" in response.content.decode()
    assert not Township.objects.filter(code="150523102").exists()


def test_a_rejected_file_shows_every_error_with_its_cell(world, client_for):
    data = county_a_file()
    data.postings[0][1] = "150523102299"

    response = client_for(world.county_staff).post(URL, {"file": upload(data.xlsx())})

    page = response.content.decode()
    assert "未导入" in page
    assert "选派!B2" in page
    assert "村代码 150523102299 不存在" in page
    assert not Township.objects.filter(code="150523102").exists()


def test_a_file_that_is_not_a_workbook_is_refused_on_the_page(world, client_for):
    response = client_for(world.county_staff).post(URL, {"file": upload(b"just text", name="a.xlsx")})

    assert "文件不是 Excel 工作簿" in response.content.decode()


def test_an_org_user_of_county_b_cannot_import_rows_into_county_a(world, client_for):
    response = client_for(world.outsider).post(URL, {"file": upload(county_a_file().xlsx())})

    page = response.content.decode()
    assert "不在您的管辖范围" in page
    assert not response.context["result"].ok
    assert not Village.objects.filter(code="150523102201").exists()


def test_township_staff_are_refused(world, client_for):
    client = client_for(world.township_a1)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload(county_a_file().xlsx())}).status_code == 403
    assert client.get(reverse("villages:registry_template")).status_code == 403
    assert not Township.objects.filter(code="150523102").exists()


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_template_is_an_empty_workbook_with_headers_and_notes(world, client_for):
    response = client_for(world.county_staff).get(reverse("villages:registry_template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [*SHEETS, "驻地", "说明"]
    for sheet in SHEETS:
        rows = list(workbook[sheet].iter_rows(values_only=True))
        assert rows == [HEADERS[sheet]], sheet
    assert list(workbook["驻地"].iter_rows(values_only=True)) == [
        ("村代码", "名称", "纬度", "经度", "半径(米)")
    ]
    notes = "\n".join(str(v) for row in workbook["说明"].iter_rows(values_only=True) for v in row if v)
    assert "YYYY-MM-DD" in notes
    assert "第一书记" in notes


def test_the_empty_template_imports_cleanly(world, client_for):
    template = client_for(world.admin).get(reverse("villages:registry_template")).content

    response = client_for(world.admin).post(URL, {"file": upload(template)})

    assert response.context["result"].ok
