from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    """The work diary (民情日记) of DOMAIN.md §11: entries, the items they raise, the ledger."""

    name = "diary"
    verbose_name = _("民情日记")
