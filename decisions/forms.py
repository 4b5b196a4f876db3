"""Decision workflow forms (approve, reject, issue, correct)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.models import Decision

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见（可选）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回理由"), widget=forms.Textarea(attrs={"rows": 3}))


class IssueForm(forms.Form):
    decision_date = forms.DateField(label=_("签发日期"), widget=DATE_WIDGET, initial=timezone.localdate)


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("新决定类型"), choices=Decision.Kind.choices, initial=Decision.Kind.REVOCATION
    )
    reason = forms.CharField(label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 3}))
