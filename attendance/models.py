from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scoping import ScopedManager


class Mark(models.TextChoices):
    """A cadre's status on one posted day (DOMAIN.md §4). The label is the sheet mark's meaning."""

    ON_SITE_OVERNIGHT = "ON_SITE_OVERNIGHT", _("在岗住村")
    ON_SITE = "ON_SITE", _("在岗")
    OFFICIAL_TRIP = "OFFICIAL_TRIP", _("公出")
    LEAVE_PERSONAL = "LEAVE_PERSONAL", _("事假")
    LEAVE_SICK = "LEAVE_SICK", _("病假")
    LEAVE_REST = "LEAVE_REST", _("公休")
    ABSENT = "ABSENT", _("缺勤")


# The sheet symbol of each status, in the order the legend shows them.
MARK_SYMBOLS = {
    Mark.ON_SITE_OVERNIGHT: "√",
    Mark.ON_SITE: "○",
    Mark.OFFICIAL_TRIP: "公",
    Mark.LEAVE_PERSONAL: "事",
    Mark.LEAVE_SICK: "病",
    Mark.LEAVE_REST: "休",
    Mark.ABSENT: "×",
}
LEAVE_MARKS = (Mark.LEAVE_PERSONAL, Mark.LEAVE_SICK, Mark.LEAVE_REST)


def _month_scope(area):
    return area.q(county="township__county_id", township="township_id")


class AttendanceUpload(models.Model):
    """One file a township sent for one month: kept whatever became of it."""

    class Layout(models.TextChoices):
        MATRIX = "MATRIX", _("月度考勤表")
        LONG = "LONG", _("考勤明细")

    class Status(models.TextChoices):
        CHECKING = "CHECKING", _("检查中")
        PENDING = "PENDING", _("待确认")
        ACCEPTED = "ACCEPTED", _("已采用")
        REJECTED = "REJECTED", _("已退回")
        # A newer upload of the township-month was accepted, or arrived while this one waited.
        SUPERSEDED = "SUPERSEDED", _("已被新上传替代")
        # The check itself did not finish (worker lost, time limit): the file is kept, re-check it.
        FAILED = "FAILED", _("检查失败")

    township = models.ForeignKey(
        "villages.Township",
        on_delete=models.PROTECT,
        related_name="attendance_uploads",
        verbose_name=_("乡镇"),
    )
    month = models.DateField(_("月份"), help_text=_("该月 1 日"))
    layout = models.CharField(_("格式"), max_length=8, choices=Layout.choices, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    as_of = models.DateField(_("上报日期"))
    file = models.FileField(_("原始文件"), upload_to="attendance/%Y/%m/", max_length=255)
    original_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件校验值（SHA-256）"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    checked_at = models.DateTimeField(_("检查完成时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    summary = models.JSONField(_("汇总"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("检查进度（%）"), default=0)
    checking_since = models.DateTimeField(
        _("开始检查时间"),
        null=True,
        blank=True,
        help_text=_("最近一次进入“检查中”的时间；超时未完成即判为检查失败"),
    )

    objects = ScopedManager()

    # Change history (DOMAIN.md §12): who, when, which path, before and after.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("考勤上传")
        verbose_name_plural = _("考勤上传")
        indexes = [models.Index(fields=["township", "month", "status"])]

    def __str__(self):
        return f"{self.township} {self.month:%Y-%m} · {self.get_status_display()}"

    @classmethod
    def area_q(cls, area):
        return _month_scope(area)


class AttendanceRecord(models.Model):
    """A cadre's status on one day. township and month are copied from the posting and the date so
    that a township-month can be replaced, and a county-month aggregated, by index.

    A province-month is 1.5 million rows, loaded by COPY: only the posting keeps a database foreign
    key (cadre and township come from it, the upload is written with it), and the single-column
    foreign-key indexes are left out where a composite index below already leads with the column.
    """

    posting = models.ForeignKey(
        "cadres.Posting",
        on_delete=models.PROTECT,
        related_name="attendance",
        verbose_name=_("选派"),
        db_index=False,
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("干部"),
        db_index=False,
        db_constraint=False,
    )
    township = models.ForeignKey(
        "villages.Township",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("乡镇"),
    )
    month = models.DateField(_("月份"))
    date = models.DateField(_("日期"))
    status = models.CharField(_("状态"), max_length=20, choices=Mark.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    upload = models.ForeignKey(
        AttendanceUpload,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("来源上传"),
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("考勤记录")
        verbose_name_plural = _("考勤记录")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "date"], name="attendance_one_status_per_cadre_day")
        ]
        indexes = [
            models.Index(fields=["township", "month"]),
            models.Index(fields=["posting", "month"]),
        ]

    def __str__(self):
        return f"{self.cadre} {self.date} {self.get_status_display()}"

    @classmethod
    def area_q(cls, area):
        return _month_scope(area)


class LeaveRequest(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "LEAVE_PERSONAL", _("事假")
        SICK = "LEAVE_SICK", _("病假")
        REST = "LEAVE_REST", _("公休")

    class Status(models.TextChoices):
        # §4 三级审签: a team member's request is first signed by the village team's 负责人.
        VILLAGE_PENDING = "VILLAGE_PENDING", _("待驻村负责人签字")
        PENDING = "PENDING", _("待乡镇审批")
        TOWNSHIP_APPROVED = "TOWNSHIP_APPROVED", _("乡镇已同意，待县委组织部审批")
        APPROVED = "APPROVED", _("已批准")
        REJECTED = "REJECTED", _("已驳回")
        CANCELLED = "CANCELLED", _("已撤销")

    posting = models.ForeignKey(
        "cadres.Posting", on_delete=models.PROTECT, related_name="leave_requests", verbose_name=_("选派")
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", on_delete=models.PROTECT, related_name="leave_requests", verbose_name=_("干部")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    reason = models.TextField(_("事由"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("申请登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    village_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("驻村负责人签字人"),
    )
    village_decided_at = models.DateTimeField(_("驻村负责人签字时间"), null=True, blank=True)
    township_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("乡镇审批人"),
    )
    township_decided_at = models.DateTimeField(_("乡镇审批时间"), null=True, blank=True)
    county_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("县级审批人"),
    )
    county_decided_at = models.DateTimeField(_("县级审批时间"), null=True, blank=True)
    rejection_reason = models.TextField(_("驳回理由"), blank=True)

    objects = ScopedManager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("请假")
        verbose_name_plural = _("请假")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="leave_end_after_start"
            )
        ]

    def __str__(self):
        return f"{self.cadre} {self.get_kind_display()} {self.start_date}–{self.end_date}"

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @classmethod
    def area_q(cls, area):
        return area.q(
            county="posting__village__township__county_id", township="posting__village__township_id"
        )


class MonthlyTotal(models.Model):
    """DOMAIN.md §5: one row per posting per month, upserted by the monthly job."""

    posting = models.ForeignKey(
        "cadres.Posting", on_delete=models.CASCADE, related_name="monthly_totals", verbose_name=_("选派")
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", on_delete=models.CASCADE, related_name="monthly_totals", verbose_name=_("干部")
    )
    county = models.ForeignKey(
        "villages.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("县")
    )
    township = models.ForeignKey(
        "villages.Township", on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇")
    )
    village = models.ForeignKey(
        "villages.Village", on_delete=models.CASCADE, related_name="+", verbose_name=_("村")
    )
    month = models.DateField(_("月份"))
    days_in_month = models.PositiveSmallIntegerField(_("当月天数"))
    posted_days = models.PositiveSmallIntegerField(_("驻村天数"))
    on_site_days = models.PositiveSmallIntegerField(_("在岗天数"))
    overnight_days = models.PositiveSmallIntegerField(_("住村天数"))
    trip_days = models.PositiveSmallIntegerField(_("公出天数"))
    leave_days = models.PositiveSmallIntegerField(_("请假天数"))
    absent_days = models.PositiveSmallIntegerField(_("缺勤天数"))
    unreported_days = models.PositiveSmallIntegerField(_("未报天数"))
    required_on_site = models.PositiveSmallIntegerField(_("应在岗天数"))
    required_overnight = models.PositiveSmallIntegerField(_("应住村天数"))
    compliant = models.BooleanField(_("是否达标"))
    allowance = models.DecimalField(
        _("生活补助（元）"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    ytd_posted_days = models.PositiveSmallIntegerField(_("本年驻村天数"), default=0)
    ytd_on_site_days = models.PositiveSmallIntegerField(_("本年在岗天数"), default=0)
    ytd_required_on_site = models.PositiveSmallIntegerField(_("本年应在岗天数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["month", "township_id", "village_id", "id"]
        verbose_name = _("月度统计")
        verbose_name_plural = _("月度统计")
        constraints = [
            models.UniqueConstraint(fields=["posting", "month"], name="monthly_total_per_posting_month")
        ]
        indexes = [models.Index(fields=["county", "month"]), models.Index(fields=["cadre", "month"])]

    def __str__(self):
        return f"{self.cadre_id} {self.month:%Y-%m}"

    @classmethod
    def area_q(cls, area):
        return area.q(county="county_id", township="township_id")


class ReportReminder(models.Model):
    """A 催报 (DOMAIN.md §4): organization staff chasing a township's late sheet for a month.

    The row is the log: who chased which township for which month, when, with what words. The
    township sees it on its dashboard until that month's sheet is accepted.
    """

    township = models.ForeignKey(
        "villages.Township", on_delete=models.CASCADE, related_name="report_reminders", verbose_name=_("乡镇")
    )
    month = models.DateField(_("月份"), help_text=_("该月 1 日"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("催报人"),
    )
    sent_at = models.DateTimeField(_("催报时间"), auto_now_add=True)
    note = models.CharField(_("附言"), max_length=500, blank=True)
    emailed_to = models.CharField(_("邮件发送至"), max_length=500, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        indexes = [models.Index(fields=["township", "month"])]

    def __str__(self):
        return f"{self.township} {self.month:%Y-%m} · {self.sent_at:%Y-%m-%d}"

    @classmethod
    def area_q(cls, area):
        return _month_scope(area)
