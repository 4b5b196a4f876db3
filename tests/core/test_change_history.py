"""Who did what (DOMAIN.md §12): history of hand edits with their path, import batches with
before and after, and the 变更记录 panel for users of the area."""

import io
from decimal import Decimal

import openpyxl
from django.urls import reverse

from appraisal.models import Score
from appraisal.scores import import_scores
from cadres.models import Cadre
from core.history import ADMIN, IMPORT, PAGE
from core.models import ImportBatch
from registry.importing import import_registry
from tests.appraisal.factories import ind, small_scheme
from tests.registry.workbooks import good_data, id_number


def test_an_overwritten_and_then_cleared_score_keeps_its_earlier_values_with_who_and_the_path(
    world, client_for
):
    scheme = small_scheme(world.county_a)
    indicator = ind(scheme, "工作实绩")
    client = client_for(world.county_staff)
    cell = {"county": "150523", "quarter": "2026Q1", "cadre": world.cadre_a1.pk, "indicator": indicator.pk}

    client.post("/appraisal/scores/cell/", {**cell, "value": "60"})
    client.post("/appraisal/scores/cell/", {**cell, "value": "66"})
    client.post("/appraisal/scores/cell/", {**cell, "value": ""})

    assert not Score.objects.exists()
    history = list(Score.history.order_by("history_id"))
    assert [(h.history_type, h.points) for h in history] == [
        ("+", Decimal("60")),
        ("~", Decimal("66")),
        ("-", Decimal("66")),
    ]
    assert {h.history_user for h in history} == {world.county_staff}
    assert {h.history_change_reason for h in history} == {PAGE}


def test_a_score_import_that_overwrites_records_a_batch_with_before_and_after(world):
    scheme = small_scheme(world.county_a)
    c1 = world.cadre_a1

    def sheet(points):
        book = openpyxl.Workbook()
        book.active.append(["身份证号", "姓名", "工作实绩"])
        book.active.append([c1.id_number, c1.name, points])
        data = io.BytesIO()
        book.save(data)
        data.seek(0)
        return data

    assert import_scores(
        county=world.county_a, year=2026, quarter=1, file=sheet(60), user=world.county_staff
    ).ok
    assert import_scores(
        county=world.county_a, year=2026, quarter=1, file=sheet(55), user=world.county_staff
    ).ok

    batch = ImportBatch.objects.filter(kind="scores").order_by("id").last()
    assert (batch.user, batch.path, batch.counts["scores"]) == (world.county_staff, IMPORT, 1)
    assert batch.changes == [
        {
            "model": "appraisal.score",
            "object": f"{c1.name} 2026Q1 工作实绩",
            "before": {"points": "60.00"},
            "after": {"points": "55.00"},
        }
    ]
    assert Score.objects.get(cadre=c1, indicator=ind(scheme, "工作实绩")).points == Decimal("55")


def test_a_registry_import_rename_is_recorded_with_the_old_and_new_name(world):
    assert import_registry(file=good_data().xlsx(), user=world.admin).ok
    cadre = Cadre.objects.get(id_number=id_number(11))
    old_name = cadre.name
    data = good_data()
    data.cadres[0][1] = "张卫"

    result = import_registry(file=data.xlsx(), user=world.admin)

    assert result.ok
    batch = ImportBatch.objects.filter(kind="registry").order_by("id").last()
    assert (batch.user, batch.path) == (world.admin, IMPORT)
    assert batch.counts["干部"] == {"created": 0, "updated": 1, "unchanged": 2}
    [rename] = [c for c in batch.changes if c["model"] == "cadres.cadre"]
    assert rename["pk"] == cadre.pk
    assert rename["before"]["name"] == old_name and rename["after"]["name"] == "张卫"


def test_the_cadre_page_shows_an_admin_rename_to_users_of_the_area_only(world, client_for):
    cadre = world.cadre_a1
    old_name = cadre.name
    admin_client = client_for(world.admin)
    change = reverse("admin:cadres_cadre_change", args=[cadre.pk])
    form = admin_client.get(change).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if not isinstance(v, list)}
    data.update({"name": "李新名", "expertise": cadre.expertise})
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    last = Cadre.history.filter(id=cadre.pk).latest("history_id")
    assert (last.history_user, last.history_change_reason, last.name) == (world.admin, ADMIN, "李新名")
    page = client_for(world.county_staff).get(reverse("cadres:detail", args=[cadre.pk])).content.decode()
    assert 'id="change-history"' in page and f"{old_name} → 李新名" in page
    assert client_for(world.outsider).get(reverse("cadres:detail", args=[cadre.pk])).status_code == 404
    history_page = client_for(world.admin).get(reverse("admin:cadres_cadre_history", args=[cadre.pk]))
    assert history_page.status_code == 200 and "李新名" in history_page.content.decode()


def test_a_staff_members_counties_are_in_the_history_by_name(world):
    from core.history import history_entries

    profile = world.county_staff.staff_profile
    profile.counties.add(world.county_b)
    profile.counties.remove(world.county_a)

    entries = history_entries(profile.history.all())
    area_changes = [c for e in entries for c in e["changes"] if c[0] == "所辖县"]
    both = "、".join(sorted([str(world.county_a), str(world.county_b)]))
    assert area_changes[0] == ("所辖县", both, str(world.county_b))
    assert area_changes[1] == ("所辖县", str(world.county_a), both)
