"""The rules of DOMAIN.md §11 that write the diary, shared by the pages, the admin and the demo.

- An entry is dated the day it is written (Asia/Shanghai); one of the previous
  ``LATE_DAYS`` days is allowed and marked 补记; nothing older and nothing in the future.
- The entry belongs to the posting that covers its day (its village is the ledger's village).
- An item's due date defaults to the entry date + the county policy's ``diary_item_due_days``.
- An item goes 待办 → 已办结 once, with a note and a date; it never reopens.
- Photos are checked for real image content, size and pixels, and re-encoded to JPEG without
  metadata before anything is written.
Every write is all or nothing: a bad photo or item leaves no entry behind.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Cadre, Posting
from diary.models import Entry, EntryPhoto, Item
from villages.models import Policy

LATE_DAYS = 3
MAX_ITEMS_PER_ENTRY = 20
MAX_PHOTOS_PER_ENTRY = 9
# A phone photo is 2–6 MB; anything bigger is refused before it is decoded.
MAX_PHOTO_BYTES = getattr(settings, "ZHUCUN_DIARY_MAX_PHOTO_BYTES", 5 * 1024 * 1024)
# Pixels are checked too: a small file can declare a huge canvas (decompression bomb).
MAX_PHOTO_PIXELS = 40_000_000
# Stored photos are scaled down to this longest side: enough to read a document on a screen.
STORED_LONGEST_SIDE = 2560


class DiaryError(ValidationError):
    """A diary rule refused the write; the message is Chinese and names the field."""


@dataclass
class ItemDraft:
    description: str
    responsible: str
    due_date: dt.date | None = None


@dataclass
class CheckedPhoto:
    data: bytes
    width: int
    height: int


# ------------------------------------------------------------------------------------------ dating


def allowed_dates(today: dt.date) -> list[dt.date]:
    """The days an entry written today may carry: today, then the 补记 days, newest first."""
    return [today - dt.timedelta(days=n) for n in range(LATE_DAYS + 1)]


def check_entry_date(day: dt.date, *, today: dt.date) -> bool:
    """Whether ``day`` is a 补记 (True) or today (False); DiaryError for any other day."""
    if day > today:
        raise DiaryError({"date": _("不能填写今天以后的日记（%(day)s）") % {"day": day.isoformat()}})
    earliest = today - dt.timedelta(days=LATE_DAYS)
    if day < earliest:
        raise DiaryError(
            {
                "date": _("只能补记前 %(n)d 天内的日记（最早 %(earliest)s），%(day)s 已超过补记期限")
                % {"n": LATE_DAYS, "earliest": earliest.isoformat(), "day": day.isoformat()}
            }
        )
    return day < today


def posting_on(cadre: Cadre, day: dt.date) -> Posting:
    """The cadre's posting covering ``day`` (an active one first); DiaryError when there is none."""
    postings = sorted(
        Posting.objects.covering(day).filter(cadre=cadre).select_related("village__township"),
        key=lambda p: (p.status != Posting.Status.ACTIVE, -p.start_date.toordinal()),
    )
    if not postings:
        raise DiaryError({"date": _("%(day)s 没有驻村任务，不能记民情日记") % {"day": day.isoformat()}})
    return postings[0]


# ------------------------------------------------------------------------------------------ photos


def check_photo(upload) -> CheckedPhoto:
    """Read an uploaded photo, prove it is an image, and re-encode it as a plain JPEG.

    The re-encoding drops EXIF (location, device) and anything hidden after the image data;
    the orientation tag is applied first so the picture stands the right way up.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = getattr(upload, "name", "") or _("照片")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise DiaryError({"photos": _too_big(name)})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise DiaryError({"photos": _too_big(name)})
    if not data:
        raise DiaryError({"photos": _("照片“%(name)s”是空文件") % {"name": name}})
    not_image = _("“%(name)s”不是图片（只接受 JPEG、PNG 等照片文件）") % {"name": name}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_PHOTO_PIXELS:
                    raise DiaryError({"photos": _too_many_pixels(name)})
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                if image.mode not in ("RGB", "L"):
                    image = (
                        image.convert("RGBA").convert("RGB") if "A" in image.mode else image.convert("RGB")
                    )
                image.thumbnail((STORED_LONGEST_SIDE, STORED_LONGEST_SIDE))
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=85, optimize=True)
                width, height = image.size
    except DiaryError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise DiaryError({"photos": _too_many_pixels(name)})
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError, EOFError):
        raise DiaryError({"photos": not_image})
    return CheckedPhoto(data=out.getvalue(), width=width, height=height)


def _too_big(name) -> str:
    return _("照片“%(name)s”超过 %(mb)d MB，请压缩后再上传") % {
        "name": name,
        "mb": MAX_PHOTO_BYTES // (1024 * 1024),
    }


def _too_many_pixels(name) -> str:
    return _("照片“%(name)s”像素过多（上限 %(mp)d 百万像素）") % {
        "name": name,
        "mp": MAX_PHOTO_PIXELS // 1_000_000,
    }


def _store_photos(entry: Entry, photos: list[CheckedPhoto], user) -> None:
    for photo in photos:
        record = EntryPhoto(
            entry=entry, width=photo.width, height=photo.height, size=len(photo.data), uploaded_by=user
        )
        record.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(photo.data), save=False)
        record.save()


# ------------------------------------------------------------------------------------------ entries


def _check_items(drafts: list[ItemDraft], *, entry_date: dt.date) -> None:
    if len(drafts) > MAX_ITEMS_PER_ENTRY:
        raise DiaryError({"items": _("一篇日记最多登记 %(n)d 件诉求") % {"n": MAX_ITEMS_PER_ENTRY}})
    for n, d in enumerate(drafts, start=1):
        if not d.description.strip():
            raise DiaryError({"items": _("第 %(n)d 件诉求：请填写诉求内容") % {"n": n}})
        if not d.responsible.strip():
            raise DiaryError({"items": _("第 %(n)d 件诉求：请填写责任人") % {"n": n}})
        if d.due_date is not None and d.due_date < entry_date:
            raise DiaryError(
                {
                    "items": _("第 %(n)d 件诉求：办理期限不能早于日记日期 %(day)s")
                    % {"n": n, "day": entry_date.isoformat()}
                }
            )


def _raise_items(entry: Entry, drafts: list[ItemDraft]) -> list[Item]:
    if not drafts:
        return []
    due_days = Policy.for_county(entry.village.township.county_id).diary_item_due_days
    default_due = entry.date + dt.timedelta(days=due_days)
    made = []
    for d in drafts:
        item = Item(
            entry=entry,
            cadre_id=entry.cadre_id,
            village_id=entry.village_id,
            raised_on=entry.date,
            description=d.description.strip(),
            responsible=d.responsible.strip(),
            due_date=d.due_date or default_due,
        )
        item.save()
        made.append(item)
    return made


def write_entry(
    *,
    cadre: Cadre,
    day: dt.date,
    household: str,
    content: str,
    items: list[ItemDraft] = (),
    photos=(),
    user=None,
    today: dt.date | None = None,
) -> Entry:
    """Write a cadre's entry with its items and photos; refuse the whole of it on any error."""
    today = today or timezone.localdate()
    is_late = check_entry_date(day, today=today)
    posting = posting_on(cadre, day)
    if not household.strip():
        raise DiaryError({"household": _("请填写走访的农户或村民")})
    if not content.strip():
        raise DiaryError({"content": _("请填写听到的民情")})
    items = list(items)
    _check_items(items, entry_date=day)
    photos = list(photos)
    if len(photos) > MAX_PHOTOS_PER_ENTRY:
        raise DiaryError({"photos": _("一篇日记最多 %(n)d 张照片") % {"n": MAX_PHOTOS_PER_ENTRY}})
    checked = [check_photo(p) for p in photos]
    with transaction.atomic():
        entry = Entry(
            cadre=cadre,
            posting=posting,
            village=posting.village,
            date=day,
            is_late=is_late,
            household=household.strip(),
            content=content.strip(),
            created_by=user,
        )
        entry._history_user = user
        entry.save()
        _raise_items(entry, items)
        _store_photos(entry, checked, user)
    return entry


def edit_entry(
    *, entry: Entry, household: str, content: str, items: list[ItemDraft] = (), photos=(), user=None
) -> Entry:
    """Change an entry's text (the history keeps the earlier text), add items and photos.

    The date, the cadre and the village never change: they are what the ledger counts.
    """
    if not household.strip():
        raise DiaryError({"household": _("请填写走访的农户或村民")})
    if not content.strip():
        raise DiaryError({"content": _("请填写听到的民情")})
    items = list(items)
    _check_items(items, entry_date=entry.date)
    photos = list(photos)
    if entry.photos.count() + len(photos) > MAX_PHOTOS_PER_ENTRY:
        raise DiaryError({"photos": _("一篇日记最多 %(n)d 张照片") % {"n": MAX_PHOTOS_PER_ENTRY}})
    checked = [check_photo(p) for p in photos]
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("village__township").get(pk=entry.pk)
        if (entry.household, entry.content) != (household.strip(), content.strip()):
            entry.household = household.strip()
            entry.content = content.strip()
            entry._history_user = user
            entry.save()
        _raise_items(entry, items)
        _store_photos(entry, checked, user)
    return entry


# ------------------------------------------------------------------------------------------ items


def close_item(*, item: Item, note: str, closed_on: dt.date | None = None, user=None, today=None) -> Item:
    """销号: close an open item with a note and the day it was done. A closed item stays closed."""
    today = today or timezone.localdate()
    closed_on = closed_on or today
    if not note.strip():
        raise DiaryError({"closing_note": _("请填写办结情况")})
    with transaction.atomic():
        locked = Item.objects.select_for_update().get(pk=item.pk)
        if locked.status == Item.Status.CLOSED:
            raise DiaryError(
                _("该诉求已于 %(day)s 办结，不能重新打开或再次销号；如有新情况，请在日记中另提一件诉求")
                % {"day": locked.closed_on.isoformat()}
            )
        if closed_on > today:
            raise DiaryError({"closed_on": _("办结日期不能晚于今天")})
        if closed_on < locked.raised_on:
            raise DiaryError(
                {"closed_on": _("办结日期不能早于提出日期 %(day)s") % {"day": locked.raised_on.isoformat()}}
            )
        locked.status = Item.Status.CLOSED
        locked.closed_on = closed_on
        locked.closing_note = note.strip()
        locked.closed_by = user
        locked._history_user = user
        locked.save()
    return locked
