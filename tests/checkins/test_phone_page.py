"""The cadre's check-in page: answers at once, stores what it decided, and only for the cadre."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from checkins.models import CheckIn
from tests.checkins.conftest import LAT, LON

PAGE = "/me/checkin/"
SUBMIT = "/me/checkin/submit/"
JSON = {"HTTP_ACCEPT": "application/json"}


def jpeg(size=(40, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buf, "JPEG")
    return SimpleUploadedFile("photo.jpg", buf.getvalue(), content_type="image/jpeg")


def test_the_page_has_the_button_and_a_static_script(world, fences, client, cadre_a1_user):
    client.force_login(cadre_a1_user)
    page = client.get(PAGE).content.decode()
    assert 'id="checkin-button"' in page and "js/checkin.js" in page and world.v_a1.name in page
    assert "<script>" not in page  # no inline script: a strict CSP is coming


def test_a_check_in_inside_the_fence_answers_valid(world, fences, client, cadre_a1_user):
    client.force_login(cadre_a1_user)
    response = client.post(
        SUBMIT, {"latitude": LAT, "longitude": LON, "accuracy": 12, "note": "走访"}, **JSON
    )
    data = response.json()
    assert response.status_code == 200 and data["ok"] and data["valid"]
    assert data["text"].startswith("有效（") and data["slot"] in data["text"]
    checkin = CheckIn.objects.get()
    assert (checkin.cadre, checkin.note, checkin.source) == (world.cadre_a1, "走访", "PHONE")
    assert "有效" in client.get("/me/").content.decode()


def test_a_check_in_outside_answers_with_the_distance(world, fences, client, cadre_a1_user):
    client.force_login(cadre_a1_user)
    data = client.post(SUBMIT, {"latitude": LAT + 0.01, "longitude": LON, "accuracy": 12}, **JSON).json()
    assert data["ok"] and not data["valid"] and data["text"] == "不在驻地范围（距最近驻地 1112 米）"


def test_missing_location_is_a_clear_error_and_stores_nothing(world, fences, client, cadre_a1_user):
    client.force_login(cadre_a1_user)
    response = client.post(SUBMIT, {"latitude": "", "longitude": "", "accuracy": ""}, **JSON)
    assert response.status_code == 400 and "位置" in response.json()["error"]
    response = client.post(SUBMIT, {"latitude": 91, "longitude": LON, "accuracy": 5}, **JSON)
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_a_photo_is_kept_and_served_only_to_its_owner(
    world, fences, client, cadre_a1_user, cadre_a2_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cadre_a1_user)
    data = client.post(
        SUBMIT, {"latitude": LAT, "longitude": LON, "accuracy": 5, "photo": jpeg()}, **JSON
    ).json()
    assert data["ok"]
    checkin = CheckIn.objects.get()
    assert checkin.photo
    url = reverse("me_checkins:photo", args=[checkin.pk])
    assert client.get(url).status_code == 200
    client.force_login(cadre_a2_user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/jpeg"),
        SimpleUploadedFile("x.jpg", b"GIF89a" + b"\x00" * 100, content_type="image/gif"),
    ],
)
def test_a_photo_that_is_no_image_is_refused(world, fences, client, cadre_a1_user, upload):
    client.force_login(cadre_a1_user)
    response = client.post(
        SUBMIT, {"latitude": LAT, "longitude": LON, "accuracy": 5, "photo": upload}, **JSON
    )
    assert response.status_code == 400 and "照片" in response.json()["error"]
    assert not CheckIn.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(world, fences, client, cadre_a1_user, monkeypatch):
    monkeypatch.setattr("checkins.forms.PHOTO_MAX_BYTES", 100)
    client.force_login(cadre_a1_user)
    response = client.post(
        SUBMIT, {"latitude": LAT, "longitude": LON, "accuracy": 5, "photo": jpeg()}, **JSON
    )
    assert response.status_code == 400 and "MB" in response.json()["error"]


def test_a_cadre_sees_only_their_own_check_ins(world, fences, client, cadre_a1_user, cadre_a2_user):
    client.force_login(cadre_a1_user)
    client.post(SUBMIT, {"latitude": LAT, "longitude": LON, "accuracy": 5, "note": "甲的签到"}, **JSON)
    client.force_login(cadre_a2_user)
    assert "甲的签到" not in client.get(PAGE).content.decode()
    assert "甲的签到" not in client.get("/me/").content.decode()
    assert list(CheckIn.objects.for_user(cadre_a2_user)) == []
    assert CheckIn.objects.for_user(cadre_a1_user).count() == 1


@pytest.mark.parametrize("url", ["/checkins/reconciliation/", "/checkins/import/", "/checkins/template/"])
def test_a_cadre_gets_404_on_the_staff_check_in_pages(world, client, cadre_a1_user, url):
    client.force_login(cadre_a1_user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("actor", ["county_staff", "township_a1", "admin"])
def test_staff_have_no_check_in_page(world, client_for, actor):
    client = client_for(getattr(world, actor))
    assert client.get(PAGE).status_code == 404
    assert client.post(SUBMIT, {"latitude": LAT, "longitude": LON, "accuracy": 5}).status_code == 404


def test_staff_see_check_ins_of_their_area_only(world, fences, cadre_a1_user):
    from checkins.services import record_checkin

    record_checkin(cadre=world.cadre_a1, latitude=LAT, longitude=LON, accuracy_m=5)
    assert CheckIn.objects.for_user(world.county_staff).count() == 1
    assert CheckIn.objects.for_user(world.township_a1).count() == 1
    assert CheckIn.objects.for_user(world.township_a2).count() == 0
    assert CheckIn.objects.for_user(world.outsider).count() == 0


def test_the_admin_lists_check_ins_read_only(world, fences, client_for):
    from checkins.services import record_checkin

    record_checkin(cadre=world.cadre_a1, latitude=LAT, longitude=LON, accuracy_m=5)
    client = client_for(world.admin)
    page = client.get(reverse("admin:checkins_checkin_changelist"))
    assert page.status_code == 200 and world.cadre_a1.name in page.content.decode()
    assert client.get(reverse("admin:checkins_checkin_add")).status_code == 403
