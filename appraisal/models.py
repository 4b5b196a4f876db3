"""Quarterly appraisal (DOMAIN.md §6): schemes, scores, democratic evaluation rates and results.

Scores are kept per (cadre, year, quarter, indicator) so two people entering different cells
never overwrite each other. Results (QuarterResult, AnnualResult) are rebuilt by the ranking
service per county and period; the decisions app reads them by the names in INTERFACES.md.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedManager


class Category(models.TextChoices):
    COMMON = "共性指标", _("共性指标")
    DISCIPLINE = "工作纪律", _("工作纪律")
    DEMOCRATIC = "民主测评", _("民主测评")
    BONUS = "加分", _("加分")
    DEDUCTION = "减分", _("减分")


# Scheme order of the categories, also the column order of the ranking export.
CATEGORY_ORDER = [c.value for c in Category]


class Source(models.TextChoices):
    MANUAL = "人工", _("人工")
    ATTENDANCE = "考勤", _("考勤")
    DEMOCRATIC = "民主测评", _("民主测评")
    INSPECTION = "督查", _("督查")
    # 工作纪实 from the work diary (§11): max × min(1, entries in the quarter ÷ the scheme's target).
    DIARY = "民情日记", _("民情日记")


class Cohort(models.TextChoices):
    LEADER = "LEADER", _("负责人")
    MEMBER = "MEMBER", _("队员")
    VILLAGE_POST = "VILLAGE_POST", _("到村任职")


class Grade(models.TextChoices):
    EXCELLENT = "EXCELLENT", _("优秀")
    GOOD = "GOOD", _("良好")
    AVERAGE = "AVERAGE", _("一般")
    POOR = "POOR", _("较差")


def _county_area_q(area):
    """County-level rows: org staff by county; township staff read their own county's."""
    if area.is_township:
        return Q(county__townships__id=area.township_id)
    return area.q(county="county_id")


class Scheme(models.Model):
    """A county's indicator scheme for one year. ``version`` counts edits."""

    county = models.ForeignKey(
        "villages.County", on_delete=models.CASCADE, related_name="schemes", verbose_name=_("县")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    diary_target = models.PositiveSmallIntegerField(
        _("民情日记目标篇数（每季度）"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("来源为“民情日记”的指标得分 = 分值 × min(1, 季度日记篇数 ÷ 目标篇数)"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ScopedManager()

    # Change history (DOMAIN.md §12): who, when, which path, before and after.
    history = HistoricalRecords()

    class Meta:
        ordering = ["county__code", "-year"]
        verbose_name = _("考核细则")
        verbose_name_plural = _("考核细则")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="appraisal_scheme_per_county_year")
        ]

    def __str__(self):
        return f"{self.county} {self.year}年考核细则"

    @classmethod
    def area_q(cls, area):
        return _county_area_q(area)

    @property
    def locked(self) -> bool:
        """In use: scores or results of its county and year exist, so indicators cannot change."""
        return (
            Score.objects.filter(indicator__scheme=self).exists()
            or DemocraticRate.objects.filter(county_id=self.county_id, year=self.year).exists()
            or QuarterResult.objects.filter(county_id=self.county_id, year=self.year).exists()
        )


class Indicator(models.Model):
    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("考核细则")
    )
    category = models.CharField(_("类别"), max_length=8, choices=Category.choices)
    name = models.CharField(_("指标"), max_length=64)
    max_points = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.MANUAL)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="appraisal_indicator_name_per_scheme")
        ]

    def __str__(self):
        return f"{self.get_category_display()} · {self.name}"

    @classmethod
    def area_q(cls, area):
        if area.is_township:
            return Q(scheme__county__townships__id=area.township_id)
        return area.q(county="scheme__county_id")


def _cadre_area_q(area):
    """Per-cadre rows of a county: township staff see their township's posted cadres."""
    if area.is_township:
        from cadres.models import Posting

        posted = Posting.objects.filter(village__township_id=area.township_id).values("cadre_id")
        return Q(cadre_id__in=posted)
    return area.q(county="county_id")


class Score(models.Model):
    """One manual indicator's points for a cadre in a quarter (blank = no row = 0)."""

    county = models.ForeignKey(
        "villages.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("县")
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", on_delete=models.CASCADE, related_name="appraisal_scores", verbose_name=_("干部")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="scores", verbose_name=_("指标")
    )
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
    )
    updated_at = models.DateTimeField(_("录入时间"), auto_now=True)

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "quarter", "cadre_id", "indicator__order"]
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year", "quarter", "indicator"], name="appraisal_score_per_cell"
            )
        ]
        indexes = [models.Index(fields=["county", "year", "quarter"])]

    def __str__(self):
        return f"{self.cadre_id} {self.year}Q{self.quarter} {self.indicator_id}: {self.points}"

    @classmethod
    def area_q(cls, area):
        return _cadre_area_q(area)


class DemocraticRate(models.Model):
    """民主测评满意率 (0–100) of a cadre in a quarter."""

    county = models.ForeignKey(
        "villages.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("县")
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", on_delete=models.CASCADE, related_name="democratic_rates", verbose_name=_("干部")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    rate = models.DecimalField(_("民主测评满意率"), max_digits=5, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
    )
    updated_at = models.DateTimeField(_("录入时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["year", "quarter", "cadre_id"]
        verbose_name = _("民主测评满意率")
        verbose_name_plural = _("民主测评满意率")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year", "quarter"], name="appraisal_rate_per_quarter")
        ]

    def __str__(self):
        return f"{self.cadre_id} {self.year}Q{self.quarter}: {self.rate}%"

    @classmethod
    def area_q(cls, area):
        return _cadre_area_q(area)


class QuarterResult(models.Model):
    """A cadre's quarter: category subtotals, composite, cohort, rank and grade."""

    # No single-column indexes on county and cadre: the (county, year, quarter, cohort) index and
    # the unique (cadre, year, quarter) constraint lead with them, and each extra index slows the
    # province-wide rewrite of a quarter's rows.
    county = models.ForeignKey(
        "villages.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("县"), db_index=False
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        on_delete=models.CASCADE,
        related_name="quarter_results",
        verbose_name=_("干部"),
        db_index=False,
    )
    posting = models.ForeignKey(
        "cadres.Posting", on_delete=models.CASCADE, related_name="+", verbose_name=_("选派")
    )
    township = models.ForeignKey(
        "villages.Township", on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇")
    )
    village = models.ForeignKey(
        "villages.Village", on_delete=models.CASCADE, related_name="+", verbose_name=_("村")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    cohort = models.CharField(_("排名组"), max_length=16, choices=Cohort.choices)
    posted_days = models.PositiveSmallIntegerField(_("驻村天数"))
    common = models.DecimalField(_("共性指标"), max_digits=6, decimal_places=2, default=Decimal("0"))
    discipline = models.DecimalField(_("工作纪律"), max_digits=6, decimal_places=2, default=Decimal("0"))
    democratic = models.DecimalField(_("民主测评"), max_digits=6, decimal_places=2, default=Decimal("0"))
    bonus = models.DecimalField(_("加分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    deduction = models.DecimalField(_("减分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    composite = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    ranked = models.BooleanField(_("参与排名"), default=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices, null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["year", "quarter", "cohort", "rank", "id"]
        verbose_name = _("季度考核结果")
        verbose_name_plural = _("季度考核结果")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year", "quarter"], name="appraisal_quarter_result_per_cadre"
            )
        ]
        indexes = [models.Index(fields=["county", "year", "quarter", "cohort"])]

    def __str__(self):
        return f"{self.cadre_id} {self.year}Q{self.quarter} {self.composite}"

    @classmethod
    def area_q(cls, area):
        return area.q(county="county_id", township="township_id")

    @property
    def category_values(self) -> list[Decimal]:
        return [self.common, self.discipline, self.democratic, self.bonus, self.deduction]


class AnnualResult(models.Model):
    """A cadre's year: the mean of their ranked quarters, ranked and graded like a quarter."""

    county = models.ForeignKey(
        "villages.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("县")
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", on_delete=models.CASCADE, related_name="annual_results", verbose_name=_("干部")
    )
    posting = models.ForeignKey(
        "cadres.Posting", on_delete=models.CASCADE, related_name="+", verbose_name=_("选派")
    )
    township = models.ForeignKey(
        "villages.Township", on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇")
    )
    village = models.ForeignKey(
        "villages.Village", on_delete=models.CASCADE, related_name="+", verbose_name=_("村")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    cohort = models.CharField(_("排名组"), max_length=16, choices=Cohort.choices)
    quarters = models.PositiveSmallIntegerField(_("参与排名的季度数"), default=0)
    composite = models.DecimalField(_("年度得分"), max_digits=6, decimal_places=2)
    ranked = models.BooleanField(_("参与排名"), default=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices, null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["year", "cohort", "rank", "id"]
        verbose_name = _("年度考核结果")
        verbose_name_plural = _("年度考核结果")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="appraisal_annual_result_per_cadre")
        ]
        indexes = [models.Index(fields=["county", "year", "cohort"])]

    def __str__(self):
        return f"{self.cadre_id} {self.year} {self.composite}"

    @classmethod
    def area_q(cls, area):
        return area.q(county="county_id", township="township_id")
