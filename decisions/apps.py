from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("决定")

    def ready(self):
        # Every hand-off from the apps below is connected in one place: decisions/pipeline.py.
        from decisions import pipeline

        pipeline.connect()
