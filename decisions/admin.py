"""Admin for decisions and replacements. Decisions are read-only here: the workflow (approve,
reject, issue, correct) happens on the pages through ``decisions.workflow``, and nothing is ever
deleted."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from decisions.models import Decision, DecisionEvent, Replacement


class DecisionEventInline(admin.TabularInline):
    model = DecisionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "at", "note")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "__str__",
        "kind",
        "rule",
        "status",
        "subject",
        "township",
        "proposed_on",
        "decision_date",
    )
    list_filter = ("status", "kind", "rule", "county")
    search_fields = ("number", "cadre__name", "cadre__id_number", "unit__name", "basis")
    list_select_related = ("county", "township", "cadre", "unit")
    date_hierarchy = "proposed_on"
    inlines = (DecisionEventInline,)

    @admin.display(description=_("对象"))
    def subject(self, obj):
        return obj.subject_name

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing only: the change form shows every field read-only and offers no save.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Replacement)
class ReplacementAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("village", "role", "unit", "due_date", "status", "fulfilled_on")
    list_filter = ("status",)
    search_fields = ("village__name", "unit__name", "decision__number")
    list_select_related = ("village", "unit", "decision")
    readonly_fields = ("decision", "recalled_posting", "fulfilled_by")
    system_fields = ("status", "fulfilled_on")  # set by decisions.replacements when a posting fills it

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
