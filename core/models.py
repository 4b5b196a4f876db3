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

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    counties = models.ManyToManyField(
        "villages.County", blank=True, related_name="staff", verbose_name=_("所辖县"),
        help_text=_("组织部人员：一个县，或一个市所辖的各县"),
    )
    township = models.ForeignKey(
        "villages.Township", null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
        verbose_name=_("所属乡镇"), help_text=_("乡镇人员必填"),
    )

    # Change history (DOMAIN.md §12): who, when, which path, before and after.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role == self.Role.TOWNSHIP and not self.township_id:
            raise ValidationError({"township": _("乡镇人员必须指定所属乡镇")})


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
