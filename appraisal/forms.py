"""The appraisal pages' forms: the ranking filters, a scheme's indicator rows, the score upload."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models import Category, Cohort, Grade, Source
from cadres.selectors import search_q
from villages.models import Township


class RankingFilterForm(forms.Form):
    """The filters of the quarter and annual ranking pages (the search box is drawn by the templates)."""

    township = forms.ModelChoiceField(
        label=_("乡镇"), queryset=Township.objects.none(), required=False, empty_label=_("全部乡镇")
    )
    cohort = forms.ChoiceField(
        label=_("排名组"), choices=[("", _("全部排名组")), *Cohort.choices], required=False
    )
    grade = forms.ChoiceField(
        label=_("等次"),
        choices=[("", _("全部等次")), *Grade.choices, ("NONE", _("不参与排名"))],
        required=False,
    )
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)

    def __init__(self, data, *, user, county):
        # Links may name a cohort or grade by its Chinese label (?cohort=负责人); map it to the value.
        data = data.copy()
        for key, choices in (("cohort", Cohort), ("grade", Grade)):
            by_label = {str(c.label): c.value for c in choices}
            if data.get(key) in by_label:
                data[key] = by_label[data[key]]
        if data.get("grade") == "不参与排名":
            data["grade"] = "NONE"
        super().__init__(data)
        self.fields["township"].queryset = (
            Township.objects.for_user(user).filter(county=county).order_by("code")
        )

    def has_filters(self) -> bool:
        self.is_valid()
        return any(getattr(self, "cleaned_data", {}).get(k) for k in ("township", "cohort", "grade", "q"))

    def apply(self, queryset):
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("township"):
            queryset = queryset.filter(township=data["township"])
        if data.get("cohort"):
            queryset = queryset.filter(cohort=data["cohort"])
        if data.get("grade") == "NONE":
            queryset = queryset.filter(ranked=False)
        elif data.get("grade"):
            queryset = queryset.filter(grade=data["grade"])
        if data.get("q"):
            queryset = queryset.filter(
                search_q(data["q"], name="cadre__name", initials="cadre__name_initials")
                | Q(village__name__icontains=data["q"].strip())
            )
        return queryset


class IndicatorForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    name = forms.CharField(label=_("指标"), max_length=64)
    max_points = forms.DecimalField(label=_("分值"), max_digits=5, decimal_places=2, min_value=0.01)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices)
    order = forms.IntegerField(label=_("顺序"), min_value=0, required=False)


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=2, can_delete=True)


class ScoreImportForm(forms.Form):
    file = forms.FileField(label=_("评分表（.xlsx）"))
