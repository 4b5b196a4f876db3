"""Inspection and finding forms; every choice comes from the user's scoped querysets."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Posting
from inspections.models import Finding, Inspection
from villages.models import County, Village

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VillageChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.township.name} · {obj.name}"


class CadreChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.id_number}）"


class InspectionForm(forms.ModelForm):
    # Rendered by inspections/partials/village_picker.html and cadre_picker.html: villages grouped
    # by township with a search box, and the cadres in post in the ticked villages.
    villages = VillageChoices(
        label=_("走访的村"),
        queryset=Village.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cadres = CadreChoices(
        label=_("检查的干部"),
        queryset=Cadre.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
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
        # A new inspection's initial values are None (from the empty instance), so set, not setdefault.
        if self.fields["county"].queryset.count() == 1 and not self.instance.pk:
            self.initial["county"] = self.fields["county"].queryset.first().pk
        if not self.instance.pk and not self.initial.get("date"):
            self.initial["date"] = timezone.localdate()
        self.user = user

    def _chosen(self, name) -> set[int]:
        if self.is_bound:
            return {int(v) for v in self.data.getlist(name) if str(v).isdigit()}
        return {getattr(o, "pk", o) for o in self.initial.get(name) or []}

    def _day(self):
        if self.is_bound:
            try:
                return forms.DateField().clean(self.data.get("date"))
            except forms.ValidationError:
                return timezone.localdate()
        return self.initial.get("date") or timezone.localdate()

    def village_groups(self) -> list[dict]:
        """The area's villages by township, each with whether it is ticked (for the picker)."""
        chosen = self._chosen("villages")
        groups: dict[int, dict] = {}
        for village in self.fields["villages"].queryset:
            group = groups.setdefault(
                village.township_id, {"township": village.township, "villages": [], "chosen": 0}
            )
            group["villages"].append((village, village.pk in chosen))
            group["chosen"] += village.pk in chosen
        return list(groups.values())

    def cadre_groups(self) -> list[dict]:
        return cadre_picker(
            user=self.user,
            village_ids=self._chosen("villages"),
            chosen=self._chosen("cadres"),
            day=self._day(),
        )

    def clean(self):
        data = super().clean()
        county = data.get("county")
        if county:
            if any(v.township.county_id != county.pk for v in data.get("villages") or []):
                self.add_error("villages", _("走访的村必须属于所选的县"))
        return data


def cadre_picker(*, user, village_ids, chosen, day) -> list[dict]:
    """Cadres in post on ``day`` in the ticked villages, by village; cadres already ticked who
    are not among them stay listed (ticked) under 其他已选干部 so that nothing is lost."""
    postings = (
        Posting.objects.for_user(user)
        .active_on(day)
        .filter(village_id__in=sorted(village_ids))
        .select_related("cadre", "village__township")
        .order_by("village__township__code", "village__code", "role", "cadre__name_initials")
    )
    groups: dict[int, dict] = {}
    shown = set()
    for posting in postings:
        group = groups.setdefault(posting.village_id, {"village": posting.village, "cadres": []})
        group["cadres"].append((posting.cadre, posting.get_role_display(), posting.cadre_id in chosen))
        shown.add(posting.cadre_id)
    result = list(groups.values())
    others = Cadre.objects.for_user(user).filter(pk__in=sorted(chosen - shown)).order_by("name_initials")
    if others:
        result.append({"village": None, "cadres": [(c, "", True) for c in others]})
    return result


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
