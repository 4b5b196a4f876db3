"""The diary's admin reads but never adds, changes or deletes; photos link to the scoped view."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from diary.services import ItemDraft, write_entry
from tests.diary.conftest import jpeg_bytes


def test_admin_lists_diary_rows_read_only(world, client):
    today = timezone.localdate()
    entry = write_entry(
        cadre=world.cadre_a1,
        day=today,
        household="甲",
        content="乙",
        today=today,
        items=[ItemDraft("修路灯", "李强")],
        photos=[SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")],
    )
    client.force_login(world.admin)
    for name in ("entry", "item", "entryphoto"):
        assert client.get(reverse(f"admin:diary_{name}_changelist")).status_code == 200
    page = client.get(reverse("admin:diary_entry_change", args=[entry.pk])).content.decode()
    assert "修路灯" in page and 'name="_save"' not in page
    assert client.post(reverse("admin:diary_entry_delete", args=[entry.pk])).status_code == 403
    photo = entry.photos.get()
    page = client.get(reverse("admin:diary_entryphoto_change", args=[photo.pk])).content.decode()
    assert reverse("diary:photo", args=[photo.pk]) in page and "/media/" not in page
