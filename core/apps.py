from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("系统")

    def ready(self):
        from core.jobs import connect_signals

        connect_signals()
