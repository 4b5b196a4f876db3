from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """The benchmark (``manage.py bench``): installed everywhere so its command is there, but it has
    no models, URLs or tasks — nothing of it runs unless the command is run."""

    name = "bench"
    verbose_name = _("基准测试")
