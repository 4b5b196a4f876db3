from django import forms
from django.utils.translation import gettext_lazy as _

from attendance.models import LeaveRequest


class CadreLeaveForm(forms.ModelForm):
    """A cadre's own leave request: the posting is the one covering the first day."""

    class Meta:
        model = LeaveRequest
        fields = ["kind", "start_date", "end_date", "reason"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }


class LeaveRejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)
