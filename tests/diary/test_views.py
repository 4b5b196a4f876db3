"""Diary pages: a cadre writes and closes on their own pages; staff read their area; 404 elsewhere."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from diary.models import Entry, Item
from diary.services import ItemDraft, write_entry
from tests.diary.conftest import jpeg_bytes


@pytest.fixture
def entries(world, cadres):
    today = timezone.localdate()
    a1 = write_entry(
        cadre=world.cadre_a1,
        day=today,
        household="王大爷家",
        content="北堡村的路灯坏了",
        items=[ItemDraft("修路灯", "李强", today - dt.timedelta(days=0))],
        today=today,
    )
    a2 = write_entry(
        cadre=world.cadre_a2,
        day=today,
        household="张大娘家",
        content="香邑村的水渠堵了",
        items=[ItemDraft("清水渠", "张会计")],
        today=today,
    )
    b1 = write_entry(cadre=world.cadre_b1, day=today, household="李家", content="西台神村的事", today=today)
    return {"a1": a1, "a2": a2, "b1": b1}


def test_cadre_writes_an_entry_with_items_from_the_form(world, cadres, client):
    client.force_login(cadres["a1"])
    today = timezone.localdate()
    response = client.post(
        reverse("me_diary:new"),
        {
            "date": today.isoformat(),
            "household": "刘大爷家",
            "content": "想发展庭院经济",
            "item_description": ["联系农技站", "", "申请小额贷款"],
            "item_responsible": ["驻村第一书记", "", "村会计"],
            "item_due": ["", "", (today + dt.timedelta(days=10)).isoformat()],
        },
    )
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("me_diary:entry", args=[entry.pk])
    assert entry.cadre == world.cadre_a1 and not entry.is_late and entry.created_by == cadres["a1"]
    assert sorted(entry.items.values_list("description", flat=True)) == ["申请小额贷款", "联系农技站"]


def test_cadre_form_marks_a_late_entry_and_refuses_an_older_one_clearly(world, cadres, client):
    client.force_login(cadres["a1"])
    today = timezone.localdate()
    client.post(
        reverse("me_diary:new"),
        {"date": (today - dt.timedelta(days=3)).isoformat(), "household": "甲", "content": "乙"},
    )
    assert Entry.objects.get().is_late
    response = client.post(
        reverse("me_diary:new"),
        {"date": (today - dt.timedelta(days=4)).isoformat(), "household": "甲", "content": "乙"},
    )
    assert response.status_code == 200
    assert "只能补记前 3 天内的日记" in response.content.decode()
    assert Entry.objects.count() == 1


def test_half_filled_item_row_is_named_in_the_error(world, cadres, client):
    client.force_login(cadres["a1"])
    response = client.post(
        reverse("me_diary:new"),
        {
            "date": timezone.localdate().isoformat(),
            "household": "甲",
            "content": "乙",
            "item_description": ["修桥"],
            "item_responsible": [""],
            "item_due": ["明天"],
        },
    )
    body = response.content.decode()
    assert "第 1 件诉求：办理期限“明天”不是日期" in body
    assert not Entry.objects.exists()


def test_cadre_closes_own_item_and_cannot_reopen_it(world, cadres, entries, client):
    client.force_login(cadres["a1"])
    item = entries["a1"].items.get()
    url = reverse("me_diary:close", args=[item.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"closing_note": "已换灯", "closed_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Item.Status.CLOSED and item.closed_by == cadres["a1"]
    response = client.post(url, {"closing_note": "再办一次", "closed_on": timezone.localdate().isoformat()})
    assert "不能重新打开或再次销号" in response.content.decode()
    item.refresh_from_db()
    assert item.closing_note == "已换灯"


def test_cadre_edits_own_entry_and_the_page_shows_the_history(world, cadres, entries, client):
    client.force_login(cadres["a1"])
    entry = entries["a1"]
    response = client.post(
        reverse("me_diary:edit", args=[entry.pk]), {"household": "王大爷家", "content": "路灯已报修"}
    )
    assert response.status_code == 302
    page = client.get(reverse("me_diary:entry", args=[entry.pk])).content.decode()
    assert "路灯已报修" in page and "修改记录" in page and "北堡村的路灯坏了" in page


def test_cadre_sees_only_own_diary(world, cadres, entries, client):
    client.force_login(cadres["a1"])
    home = client.get(reverse("me_diary:home")).content.decode()
    assert "北堡村的路灯坏了"[:10] in home and "香邑村" not in home
    assert client.get(reverse("me_diary:entry", args=[entries["a1"].pk])).status_code == 200
    assert client.get(reverse("me_diary:entry", args=[entries["a2"].pk])).status_code == 404
    assert client.get(reverse("me_diary:edit", args=[entries["a2"].pk])).status_code == 404
    other_item = entries["a2"].items.get()
    assert (
        client.post(reverse("me_diary:close", args=[other_item.pk]), {"closing_note": "x"}).status_code == 404
    )
    # Staff pages do not exist for a cadre.
    assert client.get(reverse("diary:ledger")).status_code == 404
    assert client.get(reverse("diary:entry", args=[entries["a1"].pk])).status_code == 404


def test_staff_have_no_cadre_diary_pages(world, client_for):
    client = client_for(world.county_staff)
    assert client.get(reverse("me_diary:home")).status_code == 404
    assert client.get(reverse("me_diary:new")).status_code == 404


def test_me_page_links_to_the_diary(world, cadres, client):
    client.force_login(cadres["a1"])
    assert reverse("me_diary:home") in client.get(reverse("me:home")).content.decode()


def test_township_ledger_lists_only_its_villages(world, entries, client_for):
    body = client_for(world.township_a1).get(reverse("diary:ledger")).content.decode()
    assert "修路灯" in body and "北堡村" in body
    assert "清水渠" not in body and "香邑村" not in body


def test_county_ledger_lists_its_townships_and_filters_by_village_and_status(world, entries, client_for):
    client = client_for(world.county_staff)
    body = client.get(reverse("diary:ledger")).content.decode()
    assert "修路灯" in body and "清水渠" in body and "西台神村" not in body
    body = client.get(reverse("diary:ledger"), {"village": world.v_a2.pk}).content.decode()
    assert "清水渠" in body and "修路灯" not in body
    body = client.get(reverse("diary:ledger"), {"status": "closed"}).content.decode()
    assert "修路灯" not in body and "没有符合条件的诉求" in body


def test_a_bad_month_on_the_ledger_is_a_message_not_an_error(world, client_for):
    response = client_for(world.county_staff).get(reverse("diary:ledger"), {"month": "2026-13"})
    assert response.status_code == 200 and "月份格式应为 YYYY-MM" in response.content.decode()


@pytest.mark.parametrize(
    ("actor", "own", "other"),
    [
        ("township_a1", "a1", "a2"),
        ("township_a2", "a2", "a1"),
        ("county_staff", "a1", "b1"),
        ("outsider", "b1", "a1"),
    ],
)
def test_staff_read_diaries_of_their_area_and_404_elsewhere(world, entries, client_for, actor, own, other):
    client = client_for(getattr(world, actor))
    mine, theirs = entries[own], entries[other]
    assert client.get(reverse("diary:entry", args=[mine.pk])).status_code == 200
    assert client.get(reverse("diary:entry", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("diary:cadre", args=[mine.cadre_id])).status_code == 200
    assert client.get(reverse("diary:cadre", args=[theirs.cadre_id])).status_code == 404
    assert client.get(reverse("diary:cadre_export", args=[theirs.cadre_id])).status_code == 404


def test_staff_export_a_cadres_diary(world, entries, client_for):
    import io

    import openpyxl

    response = client_for(world.township_a1).get(reverse("diary:cadre_export", args=[world.cadre_a1.pk]))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["民情日记", "民情诉求"]
    assert wb["民情日记"].cell(2, 6).value == "北堡村的路灯坏了"
    assert wb["民情诉求"].cell(2, 3).value == "修路灯"


def test_ledger_export_from_the_page(world, entries, client_for):
    import io

    import openpyxl

    response = client_for(world.county_staff).get(reverse("diary:ledger_export"))
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["民情台账"]
    names = [r[3] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert names == [world.cadre_a1.name, world.cadre_a2.name]
    # Township staff get their township's rows only; another county's code is 404.
    ws = openpyxl.load_workbook(
        io.BytesIO(client_for(world.township_a2).get(reverse("diary:ledger_export")).content)
    ).active
    assert [r[3] for r in ws.iter_rows(min_row=2, values_only=True)] == [world.cadre_a2.name]
    assert (
        client_for(world.county_staff).get(reverse("diary:ledger_export"), {"county": "140981"}).status_code
        == 404
    )


def test_overdue_card_shows_the_areas_overdue_items(world, client_for):
    today = timezone.localdate()
    write_entry(
        cadre=world.cadre_a1,
        day=today - dt.timedelta(days=2),
        household="甲",
        content="乙",
        items=[ItemDraft("修路灯", "李强", today - dt.timedelta(days=1))],
        today=today,
    )
    body = client_for(world.township_a1).get(reverse("diary:overdue_card")).content.decode()
    assert "修路灯" in body
    assert "修路灯" not in client_for(world.township_a2).get(reverse("diary:overdue_card")).content.decode()
    assert "diary-overdue-slot" in client_for(world.township_a1).get(reverse("dashboard")).content.decode()


def test_photos_are_served_to_the_cadre_and_their_area_only(world, cadres, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    today = timezone.localdate()
    entry = write_entry(
        cadre=world.cadre_a1,
        day=today,
        household="甲",
        content="乙",
        today=today,
        photos=[SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")],
    )
    photo = entry.photos.get()
    client.force_login(cadres["a1"])
    response = client.get(reverse("me_diary:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    client.force_login(cadres["a2"])
    assert client.get(reverse("me_diary:photo", args=[photo.pk])).status_code == 404
    client.force_login(world.township_a1)
    assert client.get(reverse("diary:photo", args=[photo.pk])).status_code == 200
    for actor in (world.township_a2, world.outsider):
        client.force_login(actor)
        assert client.get(reverse("diary:photo", args=[photo.pk])).status_code == 404
    # Never public media: the file's path under MEDIA_URL is not a route.
    client.force_login(world.admin)
    assert client.get("/media/" + photo.image.name).status_code == 404
