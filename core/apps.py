from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("系统")

    def ready(self):
        # core.history labels every history row with its path (页面/后台/命令) through a signal
        # receiver: load it in every process, whatever else that process imports.
        from core import history  # noqa: F401
        from core.jobs import connect_signals

        connect_signals()
