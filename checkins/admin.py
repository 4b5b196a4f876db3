from django.contrib import admin

from checkins.models import CheckIn
from core.admin import ScopedAdminMixin


@admin.register(CheckIn)
class CheckInAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Check-ins are evidence: read-only here (a wrong import is corrected by the file, not by hand)."""

    list_display = ("at", "cadre", "day", "slot", "valid", "reason", "distance_m", "accuracy_m", "source")
    list_filter = ("valid", "slot", "source", "day")
    search_fields = ("cadre__name", "cadre__id_number", "reason", "note")
    list_select_related = ("cadre",)
    date_hierarchy = "day"
    readonly_fields = [f.name for f in CheckIn._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
