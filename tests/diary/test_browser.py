"""A cadre on a phone (375×740): write an entry with two items and a photo, then close an item."""

import re

import pytest
from django.urls import reverse

from diary.models import Entry, Item
from tests.diary.conftest import cadre_user, jpeg_bytes

pytestmark = pytest.mark.browser


def test_cadre_writes_and_closes_on_a_phone(live_server, world, chromium, tmp_path):
    cadre_user(world.cadre_a1, "cadre_a1")
    photo = tmp_path / "field.jpg"
    photo.write_bytes(jpeg_bytes(size=(800, 600)))
    page = chromium.new_page(viewport={"width": 375, "height": 740})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "cadre_a1")
    page.fill("input[name=password]", "pw-Zhucun-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + reverse("me:home"))
    page.click("text=民情日记 >> nth=-1")
    page.click("text=写日记")
    page.fill("input[name=household]", "王大爷家")
    page.fill("textarea[name=content]", "反映灌溉用电价格高")
    page.fill("textarea[name=item_description]", "协调电价")
    page.fill("input[name=item_responsible]", "村主任")
    page.click("#add-item")
    second = page.locator(".item-row").nth(1)
    second.locator("textarea").fill("申请节水灌溉项目")
    second.locator("input[name=item_responsible]").fill("第一书记")
    page.set_input_files("input[name=photos]", str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/me/diary/\d+/$"))
    page.wait_for_load_state("networkidle")
    entry = Entry.objects.get()
    assert page.url.endswith(reverse("me_diary:entry", args=[entry.pk]))
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    assert sorted(Item.objects.values_list("description", flat=True)) == ["协调电价", "申请节水灌溉项目"]
    page.locator(".item-card", has_text="协调电价").get_by_text("办结销号").click()
    page.fill("textarea[name=closing_note]", "已与供电所协调")
    page.click("text=确认办结")
    page.wait_for_url(live_server.url + reverse("me_diary:items"))
    assert Item.objects.get(description="协调电价").status == Item.Status.CLOSED
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(tmp_path / "items.png"), full_page=True)
    assert errors == []
