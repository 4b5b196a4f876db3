"""Admin for inspections and decisions. Decisions are read-only here: the workflow (approve,
reject, issue, correct) happens on the pages through ``decisions.workflow``, and nothing is ever
deleted."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from decisions import pipeline
from decisions.models import Decision, DecisionEvent, Finding, Inspection, Replacement


class FindingInline(ScopedAdminMixin, admin.TabularInline):
    model = Finding
    extra = 0
    autocomplete_fields = ("cadre", "village")


@admin.register(Inspection)
class InspectionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("date", "kind", "county", "inspectors")
    list_filter = ("kind", "county")
    search_fields = ("inspectors", "notes", "findings__description")
    list_select_related = ("county",)
    date_hierarchy = "date"
    autocomplete_fields = ("villages", "cadres")
    inlines = (FindingInline,)
    system_fields = ("created_by",)  # the page records who entered it

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Findings edited inline: the same re-rank and R3 as the inspection page.
        inspection = form.instance
        pipeline.after_findings_changed(county_id=inspection.county_id, days=[inspection.date])


@admin.register(Finding)
class FindingAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("inspection", "cadre", "village", "severity", "handling", "deduction")
    list_filter = ("severity", "handling")
    search_fields = ("description", "cadre__name", "cadre__id_number", "village__name")
    list_select_related = ("inspection", "cadre", "village")
    autocomplete_fields = ("inspection", "cadre", "village")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The same service as the finding page: re-rank the quarter (减分) and run R3.
        pipeline.after_finding_saved(finding=obj)

    def delete_model(self, request, obj):
        county_id, day = obj.inspection.county_id, obj.inspection.date
        super().delete_model(request, obj)
        pipeline.after_findings_changed(county_id=county_id, days=[day])

    def delete_queryset(self, request, queryset):
        changed = list(queryset.values_list("inspection__county_id", "inspection__date").distinct())
        super().delete_queryset(request, queryset)
        for county_id, day in changed:
            pipeline.after_findings_changed(county_id=county_id, days=[day])


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
