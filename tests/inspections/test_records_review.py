"""调阅: an inspection reads the visited cadres' diaries and turns an overdue item into a finding."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from diary.services import ItemDraft, close_item, write_entry
from inspections.models import Finding, Inspection
from tests.inspections.factories import InspectionFactory

DAY = dt.date(2026, 10, 20)


@pytest.fixture
def review(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    e = write_entry(
        cadre=world.cadre_a1,
        day=dt.date(2026, 9, 1),
        household="王大爷家",
        content="路灯坏了",
        items=[
            ItemDraft("修路灯", "李强", dt.date(2026, 9, 10)),
            ItemDraft("低保复核", "民政专干", dt.date(2026, 9, 30)),
        ],
        today=dt.date(2026, 9, 1),
    )
    close_item(
        item=e.items.get(description="低保复核"), note="已复核", closed_on=dt.date(2026, 9, 20), today=DAY
    )
    write_entry(
        cadre=world.cadre_a2,
        day=dt.date(2026, 9, 2),
        household="张大娘家",
        content="水渠堵了",
        today=dt.date(2026, 9, 2),
    )
    inspection = InspectionFactory(county=world.county_a, date=DAY, kind=Inspection.Kind.RECORDS)
    inspection.cadres.add(world.cadre_a1)
    inspection.villages.add(world.v_a2)
    return inspection


def test_records_review_shows_the_visited_cadres_diaries_and_items(world, review, client_for):
    url = reverse("decisions:inspection_records", args=[review.pk])
    response = client_for(world.county_staff).get(url, {"from": "2026-09-01", "to": "2026-09-30"})
    assert response.status_code == 200
    summary = {r.name: r for r in response.context["summary"]}
    a1 = summary[world.cadre_a1.name]
    assert (a1.entries, a1.raised, a1.closed, a1.open, a1.overdue) == (1, 2, 1, 1, 1)
    # The cadre of a visited village is read too.
    assert summary[world.cadre_a2.name].entries == 1
    body = response.content.decode()
    assert "修路灯" in body and "水渠堵了" in body
    assert (
        reverse("decisions:inspection_records", args=[review.pk])
        in client_for(world.county_staff)
        .get(reverse("decisions:inspection_detail", args=[review.pk]))
        .content.decode()
    )


def test_an_overdue_item_becomes_a_finding_with_a_deduction(world, review, client_for):
    client = client_for(world.county_staff)
    response = client.get(reverse("decisions:inspection_records", args=[review.pk]), {"from": "2026-09-01"})
    (item,) = [i for i in response.context["items"] if i.description == "修路灯"]
    create = reverse("decisions:finding_create", args=[review.pk])
    assert f"{create}?{item.finding_query}".replace("&", "&amp;") in response.content.decode()
    form = client.get(f"{create}?{item.finding_query}").context["form"]
    assert form.initial["cadre"] == str(world.cadre_a1.pk)
    assert "修路灯" in form.initial["description"]
    client.post(
        create,
        {
            "cadre": world.cadre_a1.pk,
            "village": world.v_a1.pk,
            "severity": "MINOR",
            "handling": "RECTIFY",
            "description": form.initial["description"],
            "deduction": "1.50",
        },
    )
    finding = Finding.objects.get()
    assert finding.cadre == world.cadre_a1 and finding.deduction == Decimal("1.50")


def test_records_review_is_scoped_and_only_for_records_inspections(world, review, client_for):
    url = reverse("decisions:inspection_records", args=[review.pk])
    assert client_for(world.outsider).get(url).status_code == 404
    # Township A2 reads only its own village's diary.
    body = client_for(world.township_a2).get(url, {"from": "2026-09-01"}).content.decode()
    assert "水渠堵了" in body and "修路灯" not in body
    other = InspectionFactory(county=world.county_a, date=DAY, kind=Inspection.Kind.SURPRISE)
    assert (
        client_for(world.county_staff)
        .get(reverse("decisions:inspection_records", args=[other.pk]))
        .status_code
        == 404
    )


def test_a_bad_period_is_a_message(world, review, client_for):
    response = client_for(world.county_staff).get(
        reverse("decisions:inspection_records", args=[review.pk]), {"from": "昨天"}
    )
    assert response.status_code == 200 and "“昨天”不是日期" in response.content.decode()
