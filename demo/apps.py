from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo county and the ``seed_demo`` command; no models."""

    name = "demo"
    verbose_name = _("演示数据")
