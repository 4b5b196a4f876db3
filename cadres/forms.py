"""Posting forms for organization staff. Every choice is limited to the user's area.

The posting rules live in ``cadres.services`` (``PostingRulesMixin`` asks them of every posting
form, the admin's too), so a form shows the same Chinese message the registry import shows.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from cadres import services
from cadres.models import Cadre, DispatchingUnit, Posting
from villages.models import Village

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.id_number}）"


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.township.name} · {obj.name}（{obj.code}）"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_level_display()}）"


class PostingRulesMixin:
    """For a ModelForm of ``Posting``: once the form has built its posting, the posting rules
    (``cadres.services.posting_conflicts``) are asked of it; each reason is a form error."""

    def _post_clean(self):
        super()._post_clean()
        posting = self.instance
        if not (posting.start_date and posting.planned_end_date):
            return
        for problem in services.posting_conflicts(
            cadre_id=posting.cadre_id,
            village_id=posting.village_id,
            role=posting.role,
            start=posting.start_date,
            end=posting.end_date,
            exclude_id=posting.pk,
        ):
            self.add_error(None, problem)


class PostingAdminForm(PostingRulesMixin, forms.ModelForm):
    class Meta:
        model = Posting
        fields = [
            "cadre",
            "village",
            "unit",
            "role",
            "start_date",
            "planned_end_date",
            "actual_end_date",
            "status",
        ]


class PostingCreateForm(PostingRulesMixin, forms.ModelForm):
    cadre = CadreChoiceField(label=_("干部"), queryset=Cadre.objects.none())
    village = VillageChoiceField(label=_("村"), queryset=Village.objects.none())
    unit = UnitChoiceField(label=_("派出单位"), queryset=DispatchingUnit.objects.none())

    class Meta:
        model = Posting
        fields = ["cadre", "village", "unit", "role", "start_date", "planned_end_date"]
        widgets = {"start_date": DATE_WIDGET, "planned_end_date": DATE_WIDGET}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.for_user(user).order_by("name_initials", "name", "id")
        self.fields["village"].queryset = (
            Village.objects.for_user(user).select_related("township").order_by("township__code", "code")
        )
        self.fields["unit"].queryset = DispatchingUnit.objects.for_user(user).order_by("code")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("planned_end_date")
        if start and end and end < start:
            # Reported on the field so the model's check constraint is not reported a second time.
            self.add_error("planned_end_date", _("计划结束日期不能早于开始日期"))
        return data


class PostingEndForm(PostingRulesMixin, forms.ModelForm):
    """End a posting: its actual last day and why it ended (期满 or 调整)."""

    END_STATUSES = (Posting.Status.COMPLETED, Posting.Status.TRANSFERRED)

    status = forms.ChoiceField(
        label=_("结束原因"),
        choices=[(s.value, s.label) for s in END_STATUSES],
        initial=Posting.Status.COMPLETED,
    )

    class Meta:
        model = Posting
        fields = ["actual_end_date", "status"]
        widgets = {"actual_end_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actual_end_date"].required = True
        if self.initial.get("status") not in {s.value for s in self.END_STATUSES}:
            self.initial["status"] = Posting.Status.COMPLETED

    def clean_actual_end_date(self):
        day = self.cleaned_data["actual_end_date"]
        if day < self.instance.start_date:
            raise forms.ValidationError(
                _("实际结束日期不能早于开始日期（%(start)s）")
                % {"start": f"{self.instance.start_date:%Y-%m-%d}"}
            )
        return day
