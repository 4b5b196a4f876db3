import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.models import LeaveRequest
from cadres.models import Posting
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


class LeaveForm(forms.ModelForm):
    class Meta:
        model = LeaveRequest
        fields = ["posting", "kind", "start_date", "end_date", "reason"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        qs = (
            Posting.objects.for_user(user)
            .overlapping(today - dt.timedelta(days=92), today + dt.timedelta(days=366))
            .select_related("cadre", "village", "village__township")
            .order_by("village__township__code", "village__code", "cadre__name")
        )
        self.fields["posting"].queryset = qs
        self.fields["posting"].label = _("干部（驻村选派）")
        self.fields["posting"].label_from_instance = (
            lambda p: f"{p.cadre.name} · {p.village.township.name}{p.village.name} · {p.get_role_display()}"
        )

    def clean(self):
        data = super().clean()
        start, end, posting = data.get("start_date"), data.get("end_date"), data.get("posting")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期"))
        elif start and end and posting and not (posting.start_date <= start and end <= posting.end_date):
            self.add_error(
                "start_date",
                _("请假日期应在驻村期内（%(s)s 至 %(e)s）")
                % {"s": posting.start_date, "e": posting.end_date},
            )
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)
