from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """Pages that read every app: the staff home page, the cadre's page (``cadres:detail``) and the
    cadre's own page (我的驻村)."""

    name = "dashboard"
    verbose_name = _("首页")
