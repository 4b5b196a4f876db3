"""The leave request and rejection forms (DOMAIN.md §4)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.models import LeaveRequest
from cadres.models import Posting


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
