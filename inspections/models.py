"""Inspections (督查) and their findings (DOMAIN.md §8).

A finding's deduction (扣分) counts in the cadre's quarter appraisal (appraisal reads it through
``inspections.selectors``), and a 严重 finding naming a cadre is the evidence of rule R3 (the
decisions app). Both models moved here from ``decisions``: they keep their tables (``db_table``,
and the history tables through ``table_name``), so no row moved.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cadres.models import Posting
from core.scoping import ScopedManager


class Inspection(models.Model):
    class Kind(models.TextChoices):
        SURPRISE = "SURPRISE", _("突击")
        UNANNOUNCED = "UNANNOUNCED", _("暗访")
        RECORDS = "RECORDS", _("调阅")
        JOINT = "JOINT", _("联合")
        EMBEDDED = "EMBEDDED", _("蹲点")

    county = models.ForeignKey(
        "villages.County", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("县")
    )
    date = models.DateField(_("督查日期"))
    kind = models.CharField(_("督查方式"), max_length=16, choices=Kind.choices)
    inspectors = models.CharField(_("督查人员"), max_length=255)
    villages = models.ManyToManyField(
        "villages.Village", blank=True, related_name="inspections", verbose_name=_("走访的村")
    )
    cadres = models.ManyToManyField(
        "cadres.Cadre", blank=True, related_name="inspections", verbose_name=_("检查的干部")
    )
    notes = models.TextField(_("督查情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    # Change history (DOMAIN.md §12): who, when, which path, before and after.
    history = HistoricalRecords(table_name="decisions_historicalinspection")

    class Meta:
        db_table = "decisions_inspection"  # the table from before the move to this app
        ordering = ["-date", "-id"]
        verbose_name = _("督查")
        verbose_name_plural = _("督查")
        indexes = [models.Index(fields=["county", "date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}督查"

    @classmethod
    def area_q(cls, area):
        if area.is_township:
            visited = Inspection.villages.through.objects.filter(village__township_id=area.township_id)
            return Q(id__in=visited.values("inspection_id"))
        return area.q(county="county_id")


class Finding(models.Model):
    class Severity(models.TextChoices):
        MINOR = "MINOR", _("一般")
        MODERATE = "MODERATE", _("较重")
        SERIOUS = "SERIOUS", _("严重")

    class Handling(models.TextChoices):
        EDUCATION = "EDUCATION", _("批评教育")
        RECTIFY = "RECTIFY", _("限期整改")
        REMINDER = "REMINDER", _("提醒谈话")
        CIRCULATE = "CIRCULATE", _("通报")
        RECALL = "RECALL", _("召回")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="findings", verbose_name=_("督查")
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("干部"),
    )
    village = models.ForeignKey(
        "villages.Village",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("村"),
    )
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices)
    handling = models.CharField(_("处理方式"), max_length=16, choices=Handling.choices)
    description = models.TextField(_("问题描述"))
    deduction = models.DecimalField(
        _("扣分"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("计入该季度考核的减分"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager()

    history = HistoricalRecords(table_name="decisions_historicalfinding")

    class Meta:
        db_table = "decisions_finding"  # the table from before the move to this app
        ordering = ["inspection_id", "id"]
        verbose_name = _("督查发现的问题")
        verbose_name_plural = _("督查发现的问题")
        constraints = [
            models.CheckConstraint(condition=Q(deduction__gte=0), name="finding_deduction_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_severity_display()}：{self.description[:30]}"

    @classmethod
    def area_q(cls, area):
        if area.is_township:
            # Only the township's own findings, even on an inspection that also visited other
            # townships: a finding at a village of theirs, or about a cadre posted with them.
            posted = Posting.objects.filter(village__township_id=area.township_id).values("cadre_id")
            return Q(village__township_id=area.township_id) | Q(village__isnull=True, cadre_id__in=posted)
        return area.q(county="inspection__county_id")
