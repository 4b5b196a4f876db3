from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from villages.models import County, Policy, Township, Village, VillageFence, VillageTag


@admin.register(County)
class CountyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    system_only = True  # counties are created by system staff or a registry import by them
    list_display = ("code", "name", "city_name")
    list_filter = ("city_name",)
    search_fields = ("code", "name", "city_name")


@admin.register(Township)
class TownshipAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "county")
    list_filter = (("county", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("code", "name", "county__name")
    list_select_related = ("county",)
    autocomplete_fields = ("county",)


@admin.register(VillageTag)
class VillageTagAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    system_only = True  # one list shared by every county
    list_display = ("name", "village_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_village_count=Count("villages"))

    @admin.display(description=_("村数"), ordering="_village_count")
    def village_count(self, obj):
        return obj._village_count


class VillageFenceInline(admin.TabularInline):
    model = VillageFence
    extra = 0
    fields = ("name", "latitude", "longitude", "radius_m")


@admin.register(Village)
class VillageAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "township", "county", "tag_names")
    list_filter = (("township__county", admin.RelatedOnlyFieldListFilter), "tags")
    search_fields = ("code", "name", "name_initials", "township__name")
    list_select_related = ("township__county",)
    autocomplete_fields = ("township",)
    filter_horizontal = ("tags",)
    inlines = (VillageFenceInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("县"), ordering="township__county__code")
    def county(self, obj):
        return obj.township.county

    @admin.display(description=_("标签"))
    def tag_names(self, obj):
        return "、".join(tag.name for tag in obj.tags.all())


@admin.register(VillageFence)
class VillageFenceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("village", "name", "latitude", "longitude", "radius_m")
    list_filter = (("village__township__county", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "village__name", "village__code")
    list_select_related = ("village",)
    autocomplete_fields = ("village",)


@admin.register(Policy)
class PolicyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("county", "min_on_site_days_month", "min_overnight_days_month", "daily_allowance")
    search_fields = ("county__name", "county__code")
    list_select_related = ("county",)
    autocomplete_fields = ("county",)
    fieldsets = (
        (None, {"fields": ("county",)}),
        (
            _("考勤"),
            {
                "fields": (
                    "min_on_site_days_month",
                    "min_overnight_days_month",
                    "min_on_site_days_year",
                    "trip_counts_on_site",
                    "daily_allowance",
                    "leave_township_max_days",
                )
            },
        ),
        (
            _("考核"),
            {
                "fields": (
                    "min_ranked_days",
                    "excellent_ratio",
                    "excellent_min_score",
                    "good_min_score",
                    "poor_below_score",
                    "bonus_cap",
                )
            },
        ),
        (
            _("召回与奖励"),
            {
                "fields": (
                    "rule_attendance_enabled",
                    "recall_after_noncompliant_months",
                    "rule_poor_grade_enabled",
                    "rule_inspection_enabled",
                    "rule_reward_enabled",
                    "promotion_top_n",
                    "rule_unit_accountability_enabled",
                    "replacement_due_days",
                )
            },
        ),
        (_("签到"), {"fields": ("fence_radius_m", "checkin_max_accuracy_m")}),
    )
