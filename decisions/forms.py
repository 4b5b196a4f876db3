"""Inspection, finding and workflow forms; every choice comes from the user's scoped querysets."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre
from decisions.models import Decision, Finding, Inspection
from villages.models import County, Village

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VillageChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.township.name} · {obj.name}"


class CadreChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.id_number}）"


class InspectionForm(forms.ModelForm):
    villages = VillageChoices(
        label=_("走访的村"),
        queryset=Village.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    cadres = CadreChoices(
        label=_("检查的干部"),
        queryset=Cadre.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Inspection
        fields = ["county", "date", "kind", "inspectors", "villages", "cadres", "notes"]
        widgets = {"date": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = County.objects.for_user(user).order_by("code")
        self.fields["villages"].queryset = (
            Village.objects.for_user(user).select_related("township").order_by("township__code", "code")
        )
        self.fields["cadres"].queryset = Cadre.objects.for_user(user).order_by("name_initials", "id")
        if self.fields["county"].queryset.count() == 1 and not self.instance.pk:
            self.initial.setdefault("county", self.fields["county"].queryset.first().pk)
        if not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())

    def clean(self):
        data = super().clean()
        county = data.get("county")
        if county:
            if any(v.township.county_id != county.pk for v in data.get("villages") or []):
                self.add_error("villages", _("走访的村必须属于所选的县"))
        return data


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["cadre", "village", "severity", "handling", "description", "deduction"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, inspection, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        county_id = inspection.county_id
        self.fields["cadre"].queryset = (
            Cadre.objects.for_user(user)
            .filter(postings__village__township__county_id=county_id)
            .distinct()
            .order_by("name_initials", "id")
        )
        self.fields["cadre"].label_from_instance = lambda o: f"{o.name}（{o.id_number}）"
        self.fields["village"].queryset = (
            Village.objects.for_user(user)
            .filter(township__county_id=county_id)
            .select_related("township")
            .order_by("township__code", "code")
        )
        self.fields["village"].label_from_instance = lambda o: f"{o.township.name} · {o.name}"

    def clean_deduction(self):
        value = self.cleaned_data.get("deduction")
        if value is not None and value < 0:
            raise forms.ValidationError(_("扣分不能为负数"))
        return value


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
