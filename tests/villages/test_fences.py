"""Village fences (驻地范围, DOMAIN §10): edited by org staff on the village page and in the registry
workbook's optional 驻地 sheet; township staff only read them; another county's village is 404."""

import io

import openpyxl
import pytest
from django.urls import reverse

from registry.importing import import_registry
from tests.registry.workbooks import good_data
from villages.models import VillageFence


def fence_post(client, village, **values):
    data = {"name": "村委会", "latitude": "43.6", "longitude": "121.3", "radius_m": ""}
    data.update(values)
    return client.post(reverse("villages:fence_add", args=[village.pk]), data)


def test_org_staff_add_a_fence_with_the_default_radius(world, client_for):
    response = fence_post(client_for(world.county_staff), world.v_a1)
    assert response.status_code == 302
    fence = VillageFence.objects.get(village=world.v_a1)
    assert (fence.name, fence.latitude, fence.longitude, fence.radius_m) == ("村委会", 43.6, 121.3, None)
    page = (
        client_for(world.county_staff).get(reverse("villages:detail", args=[world.v_a1.pk])).content.decode()
    )
    assert "村委会" in page and "300" in page and "（默认）" in page


@pytest.mark.parametrize(
    "values, field",
    [
        ({"radius_m": "49"}, "radius_m"),
        ({"radius_m": "3001"}, "radius_m"),
        ({"latitude": "90.5"}, "latitude"),
        ({"longitude": "-181"}, "longitude"),
    ],
)
def test_a_fence_out_of_range_is_refused(world, client_for, values, field):
    response = fence_post(client_for(world.county_staff), world.v_a1, **values)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not VillageFence.objects.exists()


def test_two_fences_of_a_village_need_different_names(world, client_for):
    client = client_for(world.county_staff)
    fence_post(client, world.v_a1)
    response = fence_post(client, world.v_a1, latitude="43.7")
    assert response.status_code == 200 and "本村已有同名的驻地范围" in response.content.decode()
    assert fence_post(client, world.v_a1, name="工作队宿舍").status_code == 302
    assert VillageFence.objects.filter(village=world.v_a1).count() == 2


def test_township_staff_see_fences_but_cannot_edit(world, client_for):
    fence = VillageFence.objects.create(village=world.v_a1, name="村委会", latitude=43.6, longitude=121.3)
    client = client_for(world.township_a1)
    page = client.get(reverse("villages:detail", args=[world.v_a1.pk])).content.decode()
    assert "村委会" in page and "新增驻地范围" not in page
    assert fence_post(client, world.v_a1).status_code == 404
    assert client.post(reverse("villages:fence_delete", args=[world.v_a1.pk, fence.pk])).status_code == 404
    assert VillageFence.objects.count() == 1


def test_another_countys_staff_get_404(world, client_for):
    fence = VillageFence.objects.create(village=world.v_a1, name="村委会", latitude=43.6, longitude=121.3)
    client = client_for(world.outsider)
    assert fence_post(client, world.v_a1).status_code == 404
    assert client.get(reverse("villages:fence_edit", args=[world.v_a1.pk, fence.pk])).status_code == 404
    assert client.post(reverse("villages:fence_delete", args=[world.v_a1.pk, fence.pk])).status_code == 404


def test_org_staff_edit_and_delete_a_fence(world, client_for):
    fence = VillageFence.objects.create(village=world.v_a1, name="村委会", latitude=43.6, longitude=121.3)
    client = client_for(world.county_staff)
    url = reverse("villages:fence_edit", args=[world.v_a1.pk, fence.pk])
    response = client.post(
        url, {"name": "村委会", "latitude": "43.61", "longitude": "121.3", "radius_m": "500"}
    )
    assert response.status_code == 302
    fence.refresh_from_db()
    assert (fence.latitude, fence.radius_m) == (43.61, 500)
    client.post(reverse("villages:fence_delete", args=[world.v_a1.pk, fence.pk]))
    assert not VillageFence.objects.exists()


def with_fences(data, rows, header=("村代码", "名称", "纬度", "经度", "半径(米)")) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data.xlsx()))
    ws = wb.create_sheet("驻地")
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.django_db
def test_the_registry_sheet_upserts_fences_by_village_and_name():
    rows = [["150525100201", "村委会", 42.85, 120.65, ""], ["150525100201", "宿舍", "42.851", "120.652", 500]]
    result = import_registry(file=with_fences(good_data(), rows))
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts["驻地"] == {"created": 2, "updated": 0, "unchanged": 0}
    again = import_registry(file=with_fences(good_data(), rows))
    assert again.counts["驻地"] == {"created": 0, "updated": 0, "unchanged": 2}
    rows[0][4] = 800
    changed = import_registry(file=with_fences(good_data(), rows))
    assert changed.counts["驻地"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert sorted(VillageFence.objects.values_list("name", "radius_m")) == [("宿舍", 500), ("村委会", 800)]


@pytest.mark.django_db
def test_the_registry_sheet_reports_errors_by_cell_and_writes_nothing():
    rows = [
        ["150525100201", "村委会", 95, 120.65, ""],
        ["150525100201", "村委会", 42.85, "东经", 40],
        ["999999999999", "村委会", 42.85, 120.65, ""],
    ]
    result = import_registry(file=with_fences(good_data(), rows))
    assert not result.ok
    cells = {e.cell for e in result.errors}
    assert {"驻地!C2", "驻地!D3", "驻地!E3", "驻地!B3", "驻地!A4"} <= cells, [str(e) for e in result.errors]
    assert not VillageFence.objects.exists()


@pytest.mark.django_db
def test_the_fence_sheet_is_optional_and_accepts_full_width_brackets():
    assert import_registry(file=good_data().xlsx()).ok
    header = ("村代码", "名称", "纬度", "经度", "半径（米）")
    result = import_registry(
        file=with_fences(good_data(), [["150525100202", "村委会", 42.8, 120.6, 300]], header)
    )
    assert result.ok and VillageFence.objects.get().radius_m == 300


def test_org_staff_import_fences_of_their_own_county_only(world):
    from tests.registry.workbooks import RegistryData

    own = import_registry(
        file=with_fences(RegistryData(), [[world.v_a1.code, "村委会", 43.6, 121.3, ""]]),
        user=world.county_staff,
    )
    assert own.ok, [str(e) for e in own.errors]
    other = import_registry(
        file=with_fences(RegistryData(), [[world.v_b1.code, "村委会", 35.6, 111.3, ""]]),
        user=world.county_staff,
    )
    assert [e.cell for e in other.errors] == ["驻地!A2"]
    assert list(VillageFence.objects.values_list("village__code", flat=True)) == [world.v_a1.code]
