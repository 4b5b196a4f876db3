"""Admin for schemes (indicators inline), scores and results; scoped for non-superusers.

Indicators of a scheme in use (scores or results exist) are read-only, so an edit in the admin
cannot silently drop or rescale what scores were entered against.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from appraisal.models import AnnualResult, DemocraticRate, Indicator, QuarterResult, Scheme, Score
from appraisal.schemes import copy_scheme
from core.admin import ScopedAdminMixin


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["order", "category", "name", "max_points", "source"]
    ordering = ["order", "id"]

    def _locked(self, obj):
        return obj is not None and obj.pk and obj.locked

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Scheme)
class SchemeAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["county", "year", "version", "is_locked", "updated_at"]
    list_filter = ["year", "county"]
    search_fields = ["county__name", "county__code"]
    list_select_related = ["county"]
    autocomplete_fields = ["county"]
    inlines = [IndicatorInline]
    actions = ["copy_to_next_year"]

    @admin.display(boolean=True, description=_("已锁定"))
    def is_locked(self, obj):
        return obj.locked

    def get_readonly_fields(self, request, obj=None):
        return ["county", "year", "version"] if obj is not None else ["version"]

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.locked) and super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and any(fs.has_changed() for fs in formsets):
            Scheme.objects.filter(pk=form.instance.pk).update(version=form.instance.version + 1)

    @admin.action(description=_("复制到下一年度"))
    def copy_to_next_year(self, request, queryset):
        for scheme in queryset:
            try:
                new = copy_scheme(scheme=scheme, year=scheme.year + 1)
            except ValidationError as exc:
                self.message_user(request, f"{scheme}: {exc.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, _("已复制：%(s)s") % {"s": new}, messages.SUCCESS)


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "category", "max_points", "source", "scheme", "order"]
    list_filter = ["category", "source", "scheme__year"]
    search_fields = ["name", "scheme__county__name"]
    list_select_related = ["scheme__county"]

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and obj.scheme.locked) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.scheme.locked) and super().has_delete_permission(request, obj)


@admin.register(Score)
class ScoreAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["cadre", "year", "quarter", "indicator", "points", "updated_by", "updated_at"]
    list_filter = ["year", "quarter", "county"]
    search_fields = ["cadre__name", "cadre__id_number", "indicator__name"]
    list_select_related = ["cadre", "indicator", "updated_by"]
    autocomplete_fields = ["cadre", "county"]
    readonly_fields = ["updated_by", "updated_at"]


@admin.register(DemocraticRate)
class DemocraticRateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["cadre", "year", "quarter", "rate", "updated_at"]
    list_filter = ["year", "quarter", "county"]
    search_fields = ["cadre__name", "cadre__id_number"]
    list_select_related = ["cadre"]
    autocomplete_fields = ["cadre", "county"]
    readonly_fields = ["updated_by", "updated_at"]


class _ResultAdmin(ScopedAdminMixin, admin.ModelAdmin):
    search_fields = ["cadre__name", "cadre__id_number", "village__name"]
    list_select_related = ["cadre", "township", "village", "county"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Results are rebuilt by the ranking job; edit scores and recompute instead.
        return False


@admin.register(QuarterResult)
class QuarterResultAdmin(_ResultAdmin):
    list_display = [
        "cadre",
        "year",
        "quarter",
        "cohort",
        "township",
        "village",
        "composite",
        "ranked",
        "rank",
        "grade",
    ]
    list_filter = ["year", "quarter", "cohort", "grade", "ranked", "county"]


@admin.register(AnnualResult)
class AnnualResultAdmin(_ResultAdmin):
    list_display = [
        "cadre",
        "year",
        "cohort",
        "township",
        "village",
        "quarters",
        "composite",
        "ranked",
        "rank",
        "grade",
    ]
    list_filter = ["year", "cohort", "grade", "ranked", "county"]
