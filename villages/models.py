from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.pinyin import initials
from core.scoping import ScopedManager

county_code_validator = RegexValidator(r"^\d{6}$", _("县代码应为 6 位数字"))
township_code_validator = RegexValidator(r"^\d{9}$", _("乡镇代码应为 9 位数字"))
village_code_validator = RegexValidator(r"^\d{12}$", _("村代码应为 12 位数字"))
# DOMAIN §10: a fence's radius is allowed between these (metres).
FENCE_RADIUS_MIN = 50
FENCE_RADIUS_MAX = 3000


class County(models.Model):
    code = models.CharField(_("县代码"), max_length=6, unique=True, validators=[county_code_validator])
    name = models.CharField(_("县名称"), max_length=64)
    city_name = models.CharField(_("所属市"), max_length=64, blank=True)

    objects = ScopedManager()

    # Change history (DOMAIN.md §12): who, when, which path, before and after.
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("县")
        verbose_name_plural = _("县")

    def __str__(self):
        return self.name

    @classmethod
    def area_q(cls, area):
        if area.is_township:
            return models.Q(townships__id=area.township_id)
        return area.q(county="id")


class Township(models.Model):
    code = models.CharField(_("乡镇代码"), max_length=9, unique=True, validators=[township_code_validator])
    name = models.CharField(_("乡镇名称"), max_length=64)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships", verbose_name=_("县"))

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("乡镇")
        verbose_name_plural = _("乡镇")

    def __str__(self):
        return self.name

    @classmethod
    def area_q(cls, area):
        return area.q(county="county_id", township="id")


class VillageTag(models.Model):
    """建档立卡贫困村, 软弱涣散村, and the six problem types of seed 003; any number a village."""

    DEFAULT_TAGS = (
        "建档立卡贫困村",
        "深度贫困村",
        "软弱涣散村",
        "长期软弱涣散",
        "集体经济薄弱",
        "信访问题多",
        "行政村合并",
        "村干部年龄老化",
        "青壮劳动力外流",
    )

    name = models.CharField(_("标签"), max_length=32, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("村标签")
        verbose_name_plural = _("村标签")

    def __str__(self):
        return self.name


class Village(models.Model):
    code = models.CharField(_("村代码"), max_length=12, unique=True, validators=[village_code_validator])
    name = models.CharField(_("村名称"), max_length=64)
    name_initials = models.CharField(_("拼音首字母"), max_length=64, blank=True, editable=False, db_index=True)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="villages", verbose_name=_("乡镇"))
    tags = models.ManyToManyField(VillageTag, blank=True, related_name="villages", verbose_name=_("标签"))

    objects = ScopedManager()

    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = ["code"]
        verbose_name = _("村")
        verbose_name_plural = _("村")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_initials = initials(self.name)
        super().save(*args, **kwargs)

    @classmethod
    def area_q(cls, area):
        return area.q(county="township__county_id", township="township_id")


class Policy(models.Model):
    """Every number DOMAIN.md calls a policy default, per county, editable by admins."""

    county = models.OneToOneField(County, on_delete=models.CASCADE, related_name="policy", verbose_name=_("县"))
    # Attendance (§4, §5)
    min_on_site_days_month = models.PositiveSmallIntegerField(
        _("每月最少在岗天数"), default=22, validators=[MaxValueValidator(31)]
    )
    min_overnight_days_month = models.PositiveSmallIntegerField(
        _("每月最少住村天数"), default=15, validators=[MaxValueValidator(31)]
    )
    min_on_site_days_year = models.PositiveSmallIntegerField(
        _("每年最少在岗天数"), default=200, validators=[MaxValueValidator(366)]
    )
    trip_counts_on_site = models.BooleanField(_("公出计为在岗"), default=True)
    daily_allowance = models.DecimalField(
        _("每日生活补助（元）"), max_digits=8, decimal_places=2, default=Decimal("60.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    leave_township_max_days = models.PositiveSmallIntegerField(_("乡镇可批准的最长请假天数"), default=3)
    # Appraisal (§6)
    min_ranked_days = models.PositiveSmallIntegerField(_("参与季度排名的最少驻村天数"), default=30)
    excellent_ratio = models.DecimalField(
        _("优秀比例"), max_digits=4, decimal_places=3, default=Decimal("0.250"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    excellent_min_score = models.DecimalField(_("优秀最低分"), max_digits=5, decimal_places=2, default=Decimal("90"))
    good_min_score = models.DecimalField(_("良好最低分"), max_digits=5, decimal_places=2, default=Decimal("80"))
    poor_below_score = models.DecimalField(_("较差分数线（低于）"), max_digits=5, decimal_places=2, default=Decimal("60"))
    bonus_cap = models.DecimalField(_("加分上限"), max_digits=5, decimal_places=2, default=Decimal("10"))
    # Decisions (§7)
    rule_attendance_enabled = models.BooleanField(_("启用 R1 考勤召回"), default=True)
    recall_after_noncompliant_months = models.PositiveSmallIntegerField(
        _("连续不达标月数（召回）"), default=2, validators=[MinValueValidator(1)]
    )
    rule_poor_grade_enabled = models.BooleanField(_("启用 R2 较差等次"), default=True)
    rule_inspection_enabled = models.BooleanField(_("启用 R3 督查严重问题"), default=True)
    rule_reward_enabled = models.BooleanField(_("启用 R4 奖励"), default=True)
    promotion_top_n = models.PositiveSmallIntegerField(_("优先提拔名次（前 N 名）"), default=20)
    rule_unit_accountability_enabled = models.BooleanField(_("启用 R5 上问一级"), default=True)
    replacement_due_days = models.PositiveSmallIntegerField(_("撤换重派期限（天）"), default=7)
    # §4: a township's sheet for a month is due by this day of the next month (then 催报).
    report_due_day = models.PositiveSmallIntegerField(
        _("考勤表上报截止日（次月几日）"), default=5, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    # §10 check-ins.
    fence_radius_m = models.PositiveIntegerField(
        _("驻地范围默认半径（米）"), default=300, validators=[MinValueValidator(50), MaxValueValidator(3000)]
    )
    checkin_max_accuracy_m = models.PositiveIntegerField(_("签到定位精度上限（米）"), default=200)
    # §11 work diary.
    diary_item_due_days = models.PositiveSmallIntegerField(_("民情诉求默认办理期限（天）"), default=30)

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")

    def __str__(self):
        return f"{self.county} · {self._meta.verbose_name}"

    @classmethod
    def area_q(cls, area):
        return area.q(county="county_id")

    @classmethod
    def for_county(cls, county) -> "Policy":
        """The county's policy, created with the defaults the first time it is asked for."""
        county_id = county if isinstance(county, int) else county.pk
        policy, _created = cls.objects.get_or_create(county_id=county_id)
        return policy


class VillageFence(models.Model):
    """A 驻地范围 (DOMAIN §10): a point (WGS-84, as a browser reports it) and a radius in metres.

    A village has one or more; a check-in within any of them counts as at the village. A blank
    radius means the county policy's ``fence_radius_m``.
    """

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="fences", verbose_name=_("村")
    )
    name = models.CharField(_("名称"), max_length=64, help_text=_("如 村委会、驻村工作队宿舍"))
    latitude = models.FloatField(
        _("纬度"),
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("WGS-84，如 43.601234"),
    )
    longitude = models.FloatField(
        _("经度"),
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("WGS-84，如 121.301234"),
    )
    radius_m = models.PositiveIntegerField(
        _("半径（米）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FENCE_RADIUS_MIN), MaxValueValidator(FENCE_RADIUS_MAX)],
        help_text=_("50–3000 米；留空则用本县政策的默认半径"),
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["village_id", "name"]
        verbose_name = _("驻地范围")
        verbose_name_plural = _("驻地范围")
        constraints = [models.UniqueConstraint(fields=["village", "name"], name="fence_unique_village_name")]

    def __str__(self):
        return f"{self.village} · {self.name}"

    def radius_for(self, policy: Policy) -> int:
        """The radius that applies: the fence's own, else the county policy's default."""
        return self.radius_m if self.radius_m is not None else policy.fence_radius_m

    @classmethod
    def area_q(cls, area):
        return area.q(county="village__township__county_id", township="village__township_id")
