from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class StaffProfile(models.Model):
    """Who a user is in the county: their role and the area they work in."""

    class Role(models.TextChoices):
        ADMIN = "ADMIN", _("管理员")
        ORG = "ORG", _("组织部")
        TOWNSHIP = "TOWNSHIP", _("乡镇")
        CADRE = "CADRE", _("干部")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    counties = models.ManyToManyField(
        "villages.County", blank=True, related_name="staff", verbose_name=_("所辖县"),
        help_text=_("组织部人员：一个县，或一个市所辖的各县"),
    )
    township = models.ForeignKey(
        "villages.Township", null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        verbose_name=_("所属乡镇"), help_text=_("乡镇人员必填"),
    )
    # A cadre's own account (§1 干部): they see only their own data. The link is by string so
    # that core imports no app.
    cadre = models.OneToOneField(
        "cadres.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="account",
        verbose_name=_("干部"), help_text=_("干部账号必填"),
    )
    # How pages, exports and notices name the person (core.people.person): 组织部 王明.
    display_name = models.CharField(_("姓名"), max_length=50, blank=True, help_text=_("页面和导出中显示的姓名"))
    office = models.CharField(
        _("单位/科室"), max_length=100, blank=True, help_text=_("留空时按角色显示：组织部，或所属乡镇名称")
    )
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("初始密码登录后须先修改密码"),
    )

    # Change history (DOMAIN.md §12): who, when, which path, before and after.
    history = HistoricalRecords(m2m_fields=[counties])

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role == self.Role.TOWNSHIP and not self.township_id:
            raise ValidationError({"township": _("乡镇人员必须指定所属乡镇")})
        if self.role == self.Role.CADRE and not self.cadre_id:
            raise ValidationError({"cadre": _("干部账号必须指定干部")})


class TaskFailure(models.Model):
    """A background task that failed for good (after its retries), recorded for the admins.

    Written by ``core.jobs`` from Celery's ``task_failure`` signal; shown in the admin and counted
    on the administrator's dashboard until someone marks it handled.
    """

    task_name = models.CharField(_("任务"), max_length=200, db_index=True)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)
    args = models.JSONField(_("参数"), default=list, blank=True)
    kwargs = models.JSONField(_("关键字参数"), default=dict, blank=True)
    error = models.TextField(_("错误"))
    traceback = models.TextField(_("调用栈"), blank=True)
    failed_at = models.DateTimeField(_("失败时间"), auto_now_add=True, db_index=True)
    resolved = models.BooleanField(_("已处理"), default=False, db_index=True)

    class Meta:
        ordering = ["-failed_at", "-id"]
        verbose_name = _("后台任务失败")
        verbose_name_plural = _("后台任务失败")

    def __str__(self):
        return f"{self.task_name} · {self.failed_at:%Y-%m-%d %H:%M}"


class JobRun(models.Model):
    """The last successful run of each task, kept for the periodic jobs shown by /healthz."""

    task_name = models.CharField(_("任务"), max_length=200, unique=True)
    last_success_at = models.DateTimeField(_("最近成功时间"))

    class Meta:
        ordering = ["task_name"]
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")

    def __str__(self):
        return f"{self.task_name} · {self.last_success_at:%Y-%m-%d %H:%M}"


class ImportBatch(models.Model):
    """One bulk write (an import, a COPY load): who, when, through which path, which file, the
    counts, and each changed row's values before and after (DOMAIN.md §12). Bulk writers bypass
    model signals, so they record this explicitly."""

    kind = models.CharField(_("类型"), max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    path = models.CharField(_("途径"), max_length=16, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    counts = models.JSONField(_("数量"), default=dict, blank=True)
    changes = models.JSONField(_("变更明细"), default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")

    def __str__(self):
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
