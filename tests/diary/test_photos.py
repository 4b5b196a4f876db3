"""Photo checks: real image content, a size and a pixel limit, metadata stripped, JPEG stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from diary import services
from diary.models import Entry, EntryPhoto
from diary.services import DiaryError, check_photo, write_entry
from tests.diary.conftest import jpeg_bytes, png_bytes


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_text_file_named_jpg_is_refused_as_not_an_image(db):
    with pytest.raises(DiaryError) as exc:
        check_photo(upload(b"this is not an image at all", name="账本.jpg"))
    assert exc.value.message_dict["photos"] == ["“账本.jpg”不是图片（只接受 JPEG、PNG 等照片文件）"]


def test_a_truncated_jpeg_is_refused(db):
    with pytest.raises(DiaryError, match="不是图片"):
        check_photo(upload(jpeg_bytes()[:200]))


def test_an_oversized_file_is_refused_before_decoding(db):
    big = jpeg_bytes() + b"\0" * (services.MAX_PHOTO_BYTES + 1)
    with pytest.raises(DiaryError, match="超过 5 MB"):
        check_photo(upload(big, name="大图.jpg"))


def test_a_huge_canvas_is_refused_by_its_pixels(db):
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")  # 48 megapixels in a few KB
    with pytest.raises(DiaryError, match="像素过多"):
        check_photo(upload(out.getvalue(), name="bomb.png", content_type="image/png"))


def test_a_photo_is_re_encoded_as_jpeg_without_metadata(db):
    original = jpeg_bytes(exif=True)
    assert Image.open(io.BytesIO(original)).getexif()
    checked = check_photo(upload(original))
    stored = Image.open(io.BytesIO(checked.data))
    assert stored.format == "JPEG" and not stored.getexif() and "exif" not in stored.info
    assert (checked.width, checked.height) == (64, 48)


def test_a_transparent_png_becomes_a_jpeg(db):
    checked = check_photo(upload(png_bytes(), name="a.png", content_type="image/png"))
    assert Image.open(io.BytesIO(checked.data)).format == "JPEG"


def test_a_bad_photo_leaves_no_entry_and_no_file(world, media_root):
    today = timezone.localdate()
    with pytest.raises(DiaryError):
        write_entry(
            cadre=world.cadre_a1,
            day=today,
            household="甲",
            content="乙",
            today=today,
            photos=[upload(jpeg_bytes(), name="ok.jpg"), upload(b"MZ\x90\x00", name="virus.jpg")],
        )
    assert not Entry.objects.exists() and not EntryPhoto.objects.exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_the_form_shows_the_photo_error_and_keeps_nothing(world, cadres, client):
    client.force_login(cadres["a1"])
    response = client.post(
        reverse("me_diary:new"),
        {
            "date": timezone.localdate().isoformat(),
            "household": "甲",
            "content": "乙",
            "photos": [upload(b"%PDF-1.4 not a photo", name="证明.pdf", content_type="application/pdf")],
        },
    )
    assert response.status_code == 200
    assert "“证明.pdf”不是图片" in response.content.decode()
    assert not Entry.objects.exists()


def test_photos_are_stored_under_the_media_root(world, media_root):
    today = timezone.localdate()
    entry = write_entry(
        cadre=world.cadre_a1,
        day=today,
        household="甲",
        content="乙",
        today=today,
        photos=[upload(jpeg_bytes()), upload(png_bytes(), name="b.png")],
    )
    paths = [p.image.path for p in entry.photos.all()]
    assert len(paths) == 2
    assert all(str(p).startswith(str(media_root)) and p.endswith(".jpg") for p in paths)
