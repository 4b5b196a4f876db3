from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from attendance.models import AttendanceRecord, AttendanceUpload, LeaveRequest, MonthlyTotal, ReportReminder
from core.admin import ScopedAdminMixin


@admin.register(AttendanceUpload)
class AttendanceUploadAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "township",
        "month",
        "status",
        "layout",
        "original_name",
        "uploaded_by",
        "uploaded_at",
        "error_count",
    )
    list_filter = ("status", "layout", "month", "township__county")
    search_fields = ("township__name", "township__code", "original_name", "sha256")
    list_select_related = ("township", "uploaded_by")
    date_hierarchy = "uploaded_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("错误数"))
    def error_count(self, obj):
        return len(obj.errors or [])


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("cadre", "date", "status", "township", "month", "upload")
    list_filter = ("status", "month", "township__county")
    search_fields = ("cadre__name", "cadre__id_number", "township__name")
    list_select_related = ("cadre", "township", "upload")
    autocomplete_fields = ("posting", "cadre", "township")
    raw_id_fields = ("upload",)
    date_hierarchy = "date"

    # Records change only through an upload (attendance.intake): one file, checked whole.
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "cadre",
        "kind",
        "start_date",
        "end_date",
        "status",
        "township_decided_by",
        "county_decided_by",
    )
    list_filter = ("status", "kind")
    search_fields = ("cadre__name", "cadre__id_number", "reason")
    list_select_related = ("cadre", "township_decided_by", "county_decided_by")
    autocomplete_fields = ("posting", "cadre")
    raw_id_fields = ("created_by", "township_decided_by", "county_decided_by")
    readonly_fields = ("created_at",)
    # The leave workflow (attendance.leave.workflow) records who approved and when.
    system_fields = (
        "status",
        "created_by",
        "township_decided_by",
        "township_decided_at",
        "county_decided_by",
        "county_decided_at",
    )


@admin.register(MonthlyTotal)
class MonthlyTotalAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Computed by the monthly job; read-only here (recompute with compute_monthly_totals)."""

    list_display = (
        "month",
        "cadre",
        "village",
        "posted_days",
        "on_site_days",
        "overnight_days",
        "unreported_days",
        "required_on_site",
        "required_overnight",
        "compliant",
        "allowance",
    )
    list_filter = ("month", "compliant", "county")
    search_fields = ("cadre__name", "cadre__id_number", "village__name", "village__code")
    list_select_related = ("cadre", "village")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    # Totals change only by recomputing (compute_monthly_totals), never by hand.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

@admin.register(ReportReminder)
class ReportReminderAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """催报 log: read-only here; reminders are sent from the dashboard."""

    list_display = ("township", "month", "sent_by", "sent_at", "emailed_to")
    list_filter = ("month", "township__county")
    search_fields = ("township__name", "township__code", "note")
    list_select_related = ("township", "sent_by")
    date_hierarchy = "sent_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
