from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Inspections and their findings (DOMAIN.md §8): below appraisal, which reads their 减分,
    and below decisions, whose rule R3 reads the 严重 findings (``inspections.signals``)."""

    name = "inspections"
    verbose_name = _("督查")
