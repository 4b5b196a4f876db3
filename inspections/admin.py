"""Admin for inspections and their findings. Every save or delete of findings here has the same
effects as on the pages: ``inspections.services`` tells the apps above (re-rank, R3) on commit."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from inspections import services
from inspections.models import Finding, Inspection


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
        # Findings edited inline (or the inspection's date moved): the same re-rank and R3 as the
        # inspection page. Findings deleted inline are gone by now, so the dates say what changed.
        inspection = form.instance
        previous_date = form.initial.get("date") if change else None
        services.notify_findings_changed(
            county_id=inspection.county_id, days=[inspection.date, previous_date]
        )


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
        services.finding_saved(finding=obj)

    def delete_model(self, request, obj):
        county_id, day = obj.inspection.county_id, obj.inspection.date
        super().delete_model(request, obj)
        services.notify_findings_changed(county_id=county_id, days=[day])

    def delete_queryset(self, request, queryset):
        changed = list(queryset.values_list("inspection__county_id", "inspection__date").distinct())
        super().delete_queryset(request, queryset)
        for county_id, day in changed:
            services.notify_findings_changed(county_id=county_id, days=[day])
