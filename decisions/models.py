"""Recall / reward decisions (DOMAIN.md §7); inspections and findings (§8) live in ``inspections``.

A ``Decision`` is proposed by a rule (R1–R5) or written by staff as a correction, reviewed
(APPROVED / REJECTED) and finally ISSUED with a document number. Issued decisions are immutable:
``save``/``delete`` and queryset ``update``/``delete`` refuse them, the admin is read-only, and on
PostgreSQL a trigger (migration 0002) refuses UPDATE/DELETE of an issued row in the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cadres.models import Posting
from core.scoping import ScopedManager, ScopedQuerySet


class ImmutableDecision(Exception):
    """Raised when something tries to change or delete an issued decision."""


class IllegalTransition(Exception):
    """Raised for a workflow step the decision's status does not allow; ``message`` is Chinese."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


class DecisionQuerySet(ScopedQuerySet):
    """Bulk writes refuse to touch issued decisions (their history must never change)."""

    def update(self, **kwargs):
        if self.filter(status=Decision.Status.ISSUED).exists():
            raise ImmutableDecision(_("已签发的决定不能修改"))
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=Decision.Status.ISSUED).exists():
            raise ImmutableDecision(_("已签发的决定不能删除"))
        return super().delete()

    def issued(self):
        return self.filter(status=Decision.Status.ISSUED)


class Decision(models.Model):
    class Kind(models.TextChoices):
        RECALL = "RECALL", _("召回")
        INTERVIEW = "INTERVIEW", _("约谈")
        ADJUSTMENT = "ADJUSTMENT", _("组织调整")
        COMMENDATION = "COMMENDATION", _("通报表扬")
        ANNUAL_EXCELLENT = "ANNUAL_EXCELLENT", _("年度考核优秀")
        PROMOTION = "PROMOTION", _("优先提拔")
        REVOCATION = "REVOCATION", _("撤销决定")

    class Rule(models.TextChoices):
        R1 = "R1", _("R1 考勤连续不达标")
        R2 = "R2", _("R2 考核等次较差")
        R3 = "R3", _("R3 督查发现严重问题")
        R4 = "R4", _("R4 考核优秀奖励")
        R5 = "R5", _("R5 上问一级")
        MANUAL = "MANUAL", _("人工更正")

    class Status(models.TextChoices):
        PROPOSED = "PROPOSED", _("待审核")
        APPROVED = "APPROVED", _("已同意")
        REJECTED = "REJECTED", _("已驳回")
        ISSUED = "ISSUED", _("已签发")
        # The rule no longer holds on the current evidence (DOMAIN.md §7 "Evidence stays true").
        WITHDRAWN = "WITHDRAWN", _("已撤回")

    class Interviewer(models.TextChoices):
        NONE = "", _("—")
        ORG_MINISTER = "ORG_MINISTER", _("县委组织部部长")
        PARTY_SECRETARY = "PARTY_SECRETARY", _("县委书记")

    # Kinds that end the posting and open a replacement when issued.
    RECALL_KINDS = (Kind.RECALL, Kind.ADJUSTMENT)
    REWARD_KINDS = (Kind.PROMOTION, Kind.ANNUAL_EXCELLENT, Kind.COMMENDATION)

    county = models.ForeignKey(
        "villages.County", on_delete=models.PROTECT, related_name="decisions", verbose_name=_("县")
    )
    township = models.ForeignKey(
        "villages.Township",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("乡镇"),
    )
    kind = models.CharField(_("决定类型"), max_length=20, choices=Kind.choices)
    rule = models.CharField(_("规则"), max_length=8, choices=Rule.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    interviewer = models.CharField(
        _("约谈人"), max_length=20, choices=Interviewer.choices, blank=True, default=""
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("干部"),
    )
    unit = models.ForeignKey(
        "cadres.DispatchingUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("派出单位"),
    )
    posting = models.ForeignKey(
        "cadres.Posting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("选派"),
    )
    # What makes a proposal unique: "cadre:12" / "unit:3", and the evidence period ("2026Q1", "2026",
    # "2025-2026", "2026-01~2026-02", "finding:7", "decision:9").
    subject_key = models.CharField(_("对象键"), max_length=32, editable=False)
    period_key = models.CharField(_("依据期间"), max_length=40)
    period_start = models.DateField(_("期间开始"), null=True, blank=True)
    period_end = models.DateField(_("期间结束"), null=True, blank=True)
    basis = models.TextField(_("依据"))
    evidence = models.JSONField(_("证据"), default=dict, blank=True)
    revokes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revoked_by",
        verbose_name=_("撤销的决定"),
    )
    proposed_on = models.DateField(_("提出日期"))
    rejection_reason = models.TextField(_("驳回理由"), blank=True)
    withdrawal_reason = models.TextField(_("撤回原因"), blank=True)
    number = models.CharField(_("文号"), max_length=64, blank=True, default="")
    number_year = models.PositiveSmallIntegerField(_("文号年度"), null=True, blank=True, editable=False)
    number_seq = models.PositiveIntegerField(_("文号序号"), null=True, blank=True, editable=False)
    decision_date = models.DateField(_("签发日期"), null=True, blank=True)
    # Frozen when issued (names, unit, village, role, grounds, date, the notice's wording): the
    # printed notice and the export of an issued decision read this, never the live registry.
    snapshot = models.JSONField(_("签发时快照"), default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提出人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = models.Manager.from_queryset(DecisionQuerySet)()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_on", "-id"]
        verbose_name = _("决定")
        verbose_name_plural = _("决定")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key", "period_key"],
                # A withdrawn proposal stays on record; the rule may propose again if the
                # evidence comes back.
                condition=~Q(rule="MANUAL") & ~Q(status="WITHDRAWN"),
                name="decision_one_live_proposal_per_rule_subject_period",
            ),
            models.UniqueConstraint(
                fields=["county", "number_year", "number_seq"],
                condition=Q(number_seq__isnull=False),
                name="decision_number_unique_per_county_year",
            ),
            models.CheckConstraint(
                condition=Q(cadre__isnull=False) | Q(unit__isnull=False), name="decision_has_subject"
            ),
            models.CheckConstraint(
                condition=~Q(status="ISSUED")
                | (Q(number_seq__isnull=False) & Q(decision_date__isnull=False)),
                name="decision_issued_has_number_and_date",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status"]),
            models.Index(fields=["county", "kind", "decision_date"]),
        ]

    def __str__(self):
        return self.number or f"{self.get_kind_display()} · {self.subject_name}"

    def save(self, *args, **kwargs):
        # The stored row decides, so the one step into ISSUED (stored APPROVED) is still allowed.
        if self._stored_status() == self.Status.ISSUED:
            raise ImmutableDecision(_("已签发的决定不能修改"))
        if not self.subject_key:
            self.subject_key = f"cadre:{self.cadre_id}" if self.cadre_id else f"unit:{self.unit_id}"
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() == self.Status.ISSUED:
            raise ImmutableDecision(_("已签发的决定不能删除"))
        return super().delete(*args, **kwargs)

    @classmethod
    def area_q(cls, area):
        return area.q(county="county_id", township="township_id")

    @property
    def subject_name(self) -> str:
        """对象: the cadre's name, or the unit's name for unit accountability (R5)."""
        if self.cadre_id:
            return self.cadre.name
        return self.unit.name if self.unit_id else ""

    @property
    def is_recall(self) -> bool:
        return self.kind in self.RECALL_KINDS

    def _stored_status(self):
        if not self.pk:
            return None
        return Decision.objects.filter(pk=self.pk).values_list("status", flat=True).first()


class DecisionEvent(models.Model):
    """One step of a decision's workflow: who, when, from which status to which, and why."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="events", verbose_name=_("决定")
    )
    from_status = models.CharField(_("原状态"), max_length=12, choices=Decision.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=Decision.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.TextField(_("说明"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("决定流转记录")
        verbose_name_plural = _("决定流转记录")

    def __str__(self):
        return f"{self.decision_id}: {self.from_status or '—'} → {self.to_status}"

    @classmethod
    def area_q(cls, area):
        return area.q(county="decision__county_id", township="decision__township_id")


class DecisionCounter(models.Model):
    """The last document number issued per county per year; locked with SELECT … FOR UPDATE."""

    county = models.ForeignKey(
        "villages.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("县")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("最后文号序号"), default=0)

    class Meta:
        verbose_name = _("文号计数")
        verbose_name_plural = _("文号计数")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="decision_counter_per_county_year")
        ]

    def __str__(self):
        return f"{self.county_id} {self.year}: {self.last}"


class Replacement(models.Model):
    """撤换重派: after an issued recall the unit must send someone to the same village and role."""

    class Status(models.TextChoices):
        OPEN = "OPEN", _("待重派")
        FULFILLED = "FULFILLED", _("已重派")
        CANCELLED = "CANCELLED", _("已取消")

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="replacement", verbose_name=_("召回决定")
    )
    county = models.ForeignKey(
        "villages.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("县")
    )
    township = models.ForeignKey(
        "villages.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    village = models.ForeignKey(
        "villages.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("村")
    )
    unit = models.ForeignKey(
        "cadres.DispatchingUnit",
        on_delete=models.PROTECT,
        related_name="replacements",
        verbose_name=_("派出单位"),
    )
    role = models.CharField(_("职务"), max_length=24, choices=Posting.Role.choices)
    recalled_posting = models.ForeignKey(
        "cadres.Posting", on_delete=models.PROTECT, related_name="+", verbose_name=_("被召回的选派")
    )
    opened_on = models.DateField(_("召回日期"))
    due_date = models.DateField(_("重派期限"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    fulfilled_by = models.ForeignKey(
        "cadres.Posting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("新选派"),
    )
    fulfilled_on = models.DateField(_("重派日期"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("撤换重派")
        verbose_name_plural = _("撤换重派")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"{self.village} · {self.get_role_display()} · {self.due_date:%Y-%m-%d}"

    @classmethod
    def area_q(cls, area):
        return area.q(county="county_id", township="township_id")

    def is_overdue(self, today) -> bool:
        return self.status == self.Status.OPEN and self.due_date < today

    @property
    def fulfilled_late(self) -> bool:
        return bool(self.fulfilled_on and self.fulfilled_on > self.due_date)
