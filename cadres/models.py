import datetime as dt

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import idcard
from core.pinyin import initials
from core.scoping import ScopedManager, ScopedQuerySet

mobile_validator = RegexValidator(r"^1\d{10}$", _("手机号应为 11 位数字"))


class DispatchingUnit(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "PROVINCE", _("省")
        CITY = "CITY", _("市")
        COUNTY = "COUNTY", _("县")
        TOWNSHIP = "TOWNSHIP", _("乡镇")

    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=128)
    name_initials = models.CharField(_("拼音首字母"), max_length=64, blank=True, editable=False, db_index=True)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    county = models.ForeignKey(
        "villages.County", on_delete=models.PROTECT, related_name="units", verbose_name=_("所属县")
    )

    objects = ScopedManager()

    # Change history (DOMAIN.md §12): who, when, which path, before and after.
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("派出单位")
        verbose_name_plural = _("派出单位")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_initials = initials(self.name)
        super().save(*args, **kwargs)

    @classmethod
    def area_q(cls, area):
        if area.is_township:
            posted = Posting.objects.filter(village__township_id=area.township_id).values("unit_id")
            return Q(id__in=posted)
        return area.q(county="county_id")


class Cadre(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Education(models.TextChoices):
        JUNIOR_COLLEGE = "JUNIOR_COLLEGE", _("大专")
        BACHELOR = "BACHELOR", _("本科")
        MASTER = "MASTER", _("硕士研究生")
        DOCTOR = "DOCTOR", _("博士研究生")
        OTHER = "OTHER", _("其他")

    class Identity(models.TextChoices):
        CIVIL_SERVANT = "CIVIL_SERVANT", _("公务员")
        PUBLIC_INSTITUTION = "PUBLIC_INSTITUTION", _("事业单位人员")
        STATE_ENTERPRISE = "STATE_ENTERPRISE", _("国企人员")
        OTHER = "OTHER", _("其他")

    class Rank(models.TextChoices):
        STAFF = "STAFF", _("一般干部")
        DEPUTY_SECTION = "DEPUTY_SECTION", _("副科级")
        SECTION = "SECTION", _("正科级")
        DEPUTY_DIVISION_UP = "DEPUTY_DIVISION_UP", _("副处级及以上")

    EXPERTISE_CHOICES = ("纪检", "司法", "党务", "农业", "林业", "财务", "教育", "医疗", "水利", "规划", "电商")

    id_number = models.CharField(
        _("身份证号"), max_length=18, unique=True, validators=[idcard.validate_id_number]
    )
    name = models.CharField(_("姓名"), max_length=32)
    name_initials = models.CharField(_("拼音首字母"), max_length=64, blank=True, editable=False, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    mobile = models.CharField(_("手机"), max_length=11, blank=True, validators=[mobile_validator])
    education = models.CharField(_("学历"), max_length=24, choices=Education.choices, blank=True)
    identity = models.CharField(_("身份"), max_length=24, choices=Identity.choices, blank=True)
    rank = models.CharField(_("职级"), max_length=24, choices=Rank.choices, blank=True)
    expertise = models.CharField(_("专长"), max_length=128, blank=True, help_text=_("以顿号分隔，如 党务、农业"))
    home_unit = models.ForeignKey(
        DispatchingUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="cadres",
        verbose_name=_("所在单位"),
    )

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("干部")
        verbose_name_plural = _("干部")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.id_number = idcard.normalize(self.id_number)
        self.name_initials = initials(self.name)
        if idcard.is_valid(self.id_number):
            # Birth date and gender always come from the number, so they can never disagree.
            self.birth_date = idcard.birth_date(self.id_number)
            self.gender = idcard.gender(self.id_number)
        super().save(*args, **kwargs)

    def clean(self):
        # Before the uniqueness check: "…002x" typed in a form is the same person as "…002X".
        self.id_number = idcard.normalize(self.id_number)

    @property
    def expertise_list(self) -> list[str]:
        return [t for t in self.expertise.replace(",", "、").replace("，", "、").split("、") if t.strip()]

    def age_on(self, day: dt.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @classmethod
    def area_q(cls, area):
        if area.everything:
            return Q()
        if area.is_cadre:
            return Q(pk=area.cadre_id)
        if area.is_township:
            posted = Posting.objects.filter(village__township_id=area.township_id).values("cadre_id")
            return Q(id__in=posted)
        if not area.county_ids:
            return Q(pk__in=[])
        ids = sorted(area.county_ids)
        posted = Posting.objects.filter(village__township__county_id__in=ids).values("cadre_id")
        return Q(id__in=posted) | Q(home_unit__county_id__in=ids)


class PostingQuerySet(ScopedQuerySet):
    def covering(self, day: dt.date):
        """Postings whose period includes ``day`` (start through actual, else planned, end)."""
        return self.annotate(_end=Coalesce("actual_end_date", "planned_end_date")).filter(
            start_date__lte=day, _end__gte=day
        )

    def overlapping(self, first: dt.date, last: dt.date):
        return self.annotate(_end=Coalesce("actual_end_date", "planned_end_date")).filter(
            start_date__lte=last, _end__gte=first
        )

    def active_on(self, day: dt.date):
        return self.covering(day).filter(status=Posting.Status.ACTIVE)


class Posting(models.Model):
    class Role(models.TextChoices):
        FIRST_SECRETARY = "FIRST_SECRETARY", _("第一书记")
        TEAM_LEADER = "TEAM_LEADER", _("工作队长")
        TEAM_MEMBER = "TEAM_MEMBER", _("工作队员")
        VILLAGE_SECRETARY = "VILLAGE_SECRETARY", _("到村任职书记")
        VILLAGE_COMMITTEE = "VILLAGE_COMMITTEE", _("到村任职委员")

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", _("在岗")
        COMPLETED = "COMPLETED", _("期满")
        RECALLED = "RECALLED", _("召回")
        TRANSFERRED = "TRANSFERRED", _("调整")

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="postings", verbose_name=_("干部"))
    village = models.ForeignKey(
        "villages.Village", on_delete=models.PROTECT, related_name="postings", verbose_name=_("村")
    )
    unit = models.ForeignKey(
        DispatchingUnit, on_delete=models.PROTECT, related_name="postings", verbose_name=_("派出单位")
    )
    role = models.CharField(_("职务"), max_length=24, choices=Role.choices)
    start_date = models.DateField(_("开始日期"))
    planned_end_date = models.DateField(_("计划结束日期"))
    actual_end_date = models.DateField(_("实际结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = models.Manager.from_queryset(PostingQuerySet)()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("选派")
        verbose_name_plural = _("选派")
        indexes = [
            models.Index(fields=["cadre", "start_date"]),
            models.Index(fields=["village", "role", "start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_date__gte=F("start_date")), name="posting_planned_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=F("start_date")),
                name="posting_actual_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.cadre} · {self.village} · {self.get_role_display()}"

    @property
    def end_date(self) -> dt.date:
        """The last day the posting covers: the actual end, or while there is none, the planned end."""
        return self.actual_end_date or self.planned_end_date

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date

    @classmethod
    def area_q(cls, area):
        return area.q(county="village__township__county_id", township="village__township_id", cadre="cadre_id")
