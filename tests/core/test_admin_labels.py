"""Admin field labels are in Chinese: no field of ours falls back to its English attribute name."""

from django.apps import apps

APPS = ("core", "villages", "cadres", "attendance", "inspections", "appraisal", "decisions")


def test_every_field_has_a_verbose_name():
    unnamed = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in APPS and not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and not field.auto_created
        and str(field.verbose_name) == field.name.replace("_", " ")
    ]
    assert unnamed == []
