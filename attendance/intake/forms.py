from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.periods import last_complete_month, parse_month_or_none
from core.scoping import area_for
from villages.models import Township


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month_or_none(value)
        if month is None:
            raise forms.ValidationError(_("月份格式应为 YYYY-MM"))
        return month


class _TownshipMonthForm(forms.Form):
    township = forms.ModelChoiceField(queryset=Township.objects.none(), label=_("乡镇"), empty_label=None)
    month = MonthField(label=_("月份"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        qs = Township.objects.for_user(user).select_related("county").order_by("code")
        self.fields["township"].queryset = qs
        area = area_for(user)
        if area.is_township:
            self.fields["township"].initial = area.township_id
            self.fields["township"].widget = forms.HiddenInput()
        if not self.is_bound:
            self.fields["month"].initial = last_complete_month().strftime("%Y-%m")

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and month > timezone.localdate().replace(day=1):
            raise forms.ValidationError(_("不能选择未来的月份"))
        return month


class UploadForm(_TownshipMonthForm):
    file = forms.FileField(label=_("考勤表文件（.xlsx）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > settings.ZHUCUN_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件超过大小上限（%(mb)s MB），请拆分后上传")
                % {"mb": settings.ZHUCUN_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return f


class TemplateForm(_TownshipMonthForm):
    def clean_month(self):
        return self.cleaned_data["month"]
