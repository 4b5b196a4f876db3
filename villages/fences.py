"""Village fences (驻地范围, DOMAIN §10): who may edit them and the one place they are saved.

Organization staff (and admins) of the village's county edit fences; township staff see them.
The page, the admin and the registry workbook's ``驻地`` sheet all end in the model's own
validation (radius 50–3000 m, latitude −90…90, longitude −180…180, name unique in the village).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.scoping import area_for
from villages.models import Village, VillageFence


def can_edit_fences(user, village: Village) -> bool:
    """Org staff of the village's county and admins; township staff and cadres only read."""
    area = area_for(user)
    return area.everything or village.township.county_id in area.county_ids


class FenceForm(forms.ModelForm):
    class Meta:
        model = VillageFence
        fields = ("name", "latitude", "longitude", "radius_m")
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "radius_m": forms.NumberInput(attrs={"min": 50, "max": 3000, "inputmode": "numeric"}),
        }

    def __init__(self, *args, village: Village, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.village = village

    def validate_unique(self):
        # village is not a form field, so ModelForm would skip the (village, name) constraint.
        try:
            self.instance.validate_unique()
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error("name", _("本村已有同名的驻地范围"))


def save_fence(form: FenceForm) -> VillageFence:
    """Save a validated fence form (the page's add and edit)."""
    return form.save()
