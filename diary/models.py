"""The work diary (DOMAIN.md §11): a cadre's entries, their photos and the items (诉求) they raise.

Nothing here is ever deleted (every foreign key is PROTECT and no page or admin deletes); an edit
keeps the earlier text in the history (django-simple-history). Items are closed one by one
(对账销号) and never reopen. The rules that write these rows live in ``diary/services.py``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedManager, ScopedQuerySet


class Entry(models.Model):
    """One day's record of what a cadre heard from a household or villager."""

    cadre = models.ForeignKey(
        "cadres.Cadre", on_delete=models.PROTECT, related_name="diary_entries", verbose_name=_("干部")
    )
    # Where the cadre was posted on the entry's day: the ledger counts by this village even after
    # the cadre moves on.
    posting = models.ForeignKey(
        "cadres.Posting", on_delete=models.PROTECT, related_name="diary_entries", verbose_name=_("选派")
    )
    village = models.ForeignKey(
        "villages.Village", on_delete=models.PROTECT, related_name="diary_entries", verbose_name=_("村")
    )
    date = models.DateField(_("日期"), help_text=_("写日记的日子（北京时间）"))
    is_late = models.BooleanField(_("补记"), default=False, help_text=_("为前 3 天内某日补写的日记"))
    household = models.CharField(_("走访农户/村民"), max_length=64)
    content = models.TextField(_("民情内容"))
    created_at = models.DateTimeField(_("填写时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("填写人"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ScopedManager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("民情日记")
        verbose_name_plural = _("民情日记")
        indexes = [
            models.Index(fields=["cadre", "date"]),
            models.Index(fields=["village", "date"]),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.household}"

    @classmethod
    def area_q(cls, area):
        return area.q(
            county="village__township__county_id", township="village__township_id", cadre="cadre_id"
        )


def photo_path(instance, filename):
    # The name is ours, never the uploader's: the file is always the re-encoded JPEG.
    today = timezone.localdate()
    return f"diary/{today:%Y/%m}/{instance.entry_id}-{filename}"


class EntryPhoto(models.Model):
    """A photo of an entry: re-encoded to JPEG without metadata, served only by a scoped view."""

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="photos", verbose_name=_("民情日记")
    )
    image = models.FileField(_("照片"), upload_to=photo_path, max_length=200)
    width = models.PositiveIntegerField(_("宽"))
    height = models.PositiveIntegerField(_("高"))
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["entry_id", "id"]
        verbose_name = _("日记照片")
        verbose_name_plural = _("日记照片")

    def __str__(self):
        return f"{self.entry} · {self.pk}"

    @classmethod
    def area_q(cls, area):
        return area.q(
            county="entry__village__township__county_id",
            township="entry__village__township_id",
            cadre="entry__cadre_id",
        )


def open_q(day: dt.date, prefix: str = "") -> Q:
    """Items raised by ``day`` and not closed by it (an item closed later was still open then)."""
    return Q(**{f"{prefix}raised_on__lte": day}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    )


def overdue_q(day: dt.date, prefix: str = "") -> Q:
    """Open on ``day`` and past the due date (§11: an item is overdue when open after its due date)."""
    return open_q(day, prefix) & Q(**{f"{prefix}due_date__lt": day})


class ItemQuerySet(ScopedQuerySet):
    def open_on(self, day: dt.date):
        return self.filter(open_q(day))

    def overdue_on(self, day: dt.date):
        return self.filter(overdue_q(day))


class Item(models.Model):
    """A need or suggestion (诉求) raised in an entry: 待办 until closed with a note; never reopened."""

    class Status(models.TextChoices):
        OPEN = "OPEN", _("待办")
        CLOSED = "CLOSED", _("已办结")

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="items", verbose_name=_("民情日记")
    )
    # Copied from the entry so the ledger counts by cadre and village without joining through it.
    cadre = models.ForeignKey(
        "cadres.Cadre", on_delete=models.PROTECT, related_name="diary_items", verbose_name=_("干部")
    )
    village = models.ForeignKey(
        "villages.Village", on_delete=models.PROTECT, related_name="diary_items", verbose_name=_("村")
    )
    raised_on = models.DateField(_("提出日期"))
    description = models.TextField(_("诉求内容"))
    responsible = models.CharField(_("责任人"), max_length=64)
    due_date = models.DateField(_("办理期限"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    closing_note = models.TextField(_("办结情况"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("销号人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()
    objects = models.Manager.from_queryset(ItemQuerySet)()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("民情诉求")
        verbose_name_plural = _("民情诉求")
        indexes = [
            models.Index(fields=["cadre", "raised_on"]),
            models.Index(fields=["village", "status", "due_date"]),
            models.Index(fields=["closed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="OPEN") & Q(closed_on__isnull=True))
                | (Q(status="CLOSED") & Q(closed_on__isnull=False) & ~Q(closing_note="")),
                name="diary_item_closed_has_date_and_note",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("raised_on")), name="diary_item_due_after_raised"
            ),
        ]

    def __str__(self):
        return self.description[:30]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today: dt.date) -> bool:
        """Open after its due date."""
        return self.is_open and self.due_date < today

    @classmethod
    def area_q(cls, area):
        return area.q(
            county="village__township__county_id", township="village__township_id", cadre="cadre_id"
        )
