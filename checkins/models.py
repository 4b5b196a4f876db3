"""Check-ins (签到, DOMAIN §10): the evidence a township's attendance sheet is compared with."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from core.scoping import ScopedManager


class Slot(models.TextChoices):
    """By local time: 上午 06:00–11:59, 下午 12:00–17:59, 晚间 18:00–05:59 (of the day it began)."""

    MORNING = "AM", _("上午")
    AFTERNOON = "PM", _("下午")
    EVENING = "EVE", _("晚间")


class CheckIn(models.Model):
    """One check-in, valid or not; invalid ones keep their reason and are never evidence.

    A province-month is about 4.5 million rows: ``(cadre, at)`` is unique (a re-import adds
    nothing) and leads the index the month's reconciliation reads by ``(cadre, day)``.
    """

    class Source(models.TextChoices):
        PHONE = "PHONE", _("手机")
        IMPORT = "IMPORT", _("导入")

    cadre = models.ForeignKey(
        "cadres.Cadre",
        on_delete=models.PROTECT,
        related_name="checkins",
        verbose_name=_("干部"),
        db_index=False,
    )
    posting = models.ForeignKey(
        "cadres.Posting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkins",
        verbose_name=_("选派"),
        db_index=False,
        help_text=_("签到所在日期的驻村任务；没有则为空（无驻村任务）"),
    )
    at = models.DateTimeField(_("签到时间"))
    day = models.DateField(_("日期"), help_text=_("时段所属的日期：0:00–5:59 的签到算前一天晚间"))
    slot = models.CharField(_("时段"), max_length=3, choices=Slot.choices)
    latitude = models.FloatField(_("纬度"))
    longitude = models.FloatField(_("经度"))
    accuracy_m = models.FloatField(_("精度（米）"))
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    photo = models.ImageField(_("照片"), upload_to="checkins/%Y/%m/", blank=True, max_length=255)
    valid = models.BooleanField(_("有效"))
    reason = models.CharField(_("无效原因"), max_length=64, blank=True)
    distance_m = models.PositiveIntegerField(_("距最近驻地（米）"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [models.UniqueConstraint(fields=["cadre", "at"], name="checkin_unique_cadre_time")]
        indexes = [
            # The reconciliation: a township-month's cadres × the month's days, valid ones only.
            models.Index(
                fields=["cadre", "day", "slot"], name="checkin_cadre_day_valid", condition=Q(valid=True)
            ),
            models.Index(fields=["posting", "day"], name="checkin_posting_day"),
        ]

    def __str__(self):
        return f"{self.cadre_id} {self.at:%Y-%m-%d %H:%M} {self.get_slot_display()}"

    @classmethod
    def area_q(cls, area):
        """A cadre sees their own; staff see the check-ins of the cadres their area sees."""
        if area.everything:
            return Q()
        if area.is_cadre:
            return Q(cadre_id=area.cadre_id)
        return Q(cadre_id__in=Cadre.objects.for_area(area).values("id"))
