"""Admin scoping shared by every app, and the admin for user roles.

Non-superuser staff see in the admin exactly what they see in the pages: the changelist,
change forms, foreign-key choices and autocomplete answers all go through the same
``for_area`` scoping, so another area's object simply does not exist for them.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.models import ImportBatch, JobRun, StaffProfile, TaskFailure
from core.scoping import ScopedQuerySet, area_for


def _scoped(queryset, request):
    """``queryset`` limited to the request user's area when its model knows how to scope."""
    if isinstance(queryset, ScopedQuerySet):
        return queryset.for_area(area_for(request.user))
    return queryset


class ScopedAdminMixin:
    """ModelAdmin (or inline) mixin: for non-superusers, rows and choices of their area only.

    The queryset goes through ``.for_user`` (via the user's area); foreign-key and
    many-to-many choices are limited the same way, which also limits what autocomplete
    widgets accept. Permissions (``has_*_permission``) are left to Django.
    """

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return _scoped(qs, request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser and "queryset" not in kwargs:
            related = db_field.remote_field.model._default_manager.get_queryset()
            if isinstance(related, ScopedQuerySet):
                kwargs["queryset"] = _scoped(related, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser and "queryset" not in kwargs:
            related = db_field.remote_field.model._default_manager.get_queryset()
            if isinstance(related, ScopedQuerySet):
                kwargs["queryset"] = _scoped(related, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _profiles_in_area(queryset, request):
    """Staff profiles a non-superuser may manage: those working inside their counties."""
    area = area_for(request.user)
    if area.everything:
        return queryset
    if area.is_township or not area.county_ids:
        return queryset.filter(user=request.user)
    ids = sorted(area.county_ids)
    return queryset.filter(Q(counties__in=ids) | Q(township__county_id__in=ids)).distinct()


class _ProfileScopingMixin(ScopedAdminMixin):
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return _profiles_in_area(qs, request)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # Only system staff may hand out the admin role.
        if db_field.name == "role" and not area_for(request.user).everything:
            kwargs["choices"] = [c for c in StaffProfile.Role.choices if c[0] != StaffProfile.Role.ADMIN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(StaffProfile)
class StaffProfileAdmin(_ProfileScopingMixin, SimpleHistoryAdmin):
    list_display = ("user", "display_name", "office", "role", "township", "county_names")
    list_filter = ("role",)
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "display_name",
        "township__name",
        "counties__name",
    )
    list_select_related = ("user", "township")
    autocomplete_fields = ("user", "township")
    filter_horizontal = ("counties",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("counties")

    @admin.display(description=_("所辖县"))
    def county_names(self, obj):
        return "、".join(c.name for c in obj.counties.all())


class StaffProfileInline(_ProfileScopingMixin, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fk_name = "user"
    verbose_name = _("用户角色")
    verbose_name_plural = _("用户角色")
    filter_horizontal = ("counties",)
    autocomplete_fields = ("township",)


User = get_user_model()


class UserAdmin(DjangoUserAdmin):
    inlines = (*DjangoUserAdmin.inlines, StaffProfileInline)
    list_display = (*DjangoUserAdmin.list_display, "role")
    list_select_related = ("staff_profile",)
    list_filter = (*DjangoUserAdmin.list_filter, "staff_profile__role")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser or area_for(request.user).everything:
            return qs
        profiles = _profiles_in_area(StaffProfile.objects.all(), request)
        return qs.filter(pk__in=profiles.values("user_id"))

    @admin.display(description=_("角色"), ordering="staff_profile__role")
    def role(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.get_role_display() if profile else "—"


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserAdmin)


@admin.register(TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    """Background tasks that failed for good: read-only, superusers only (arguments span areas)."""

    list_display = ("failed_at", "task_name", "short_error", "args", "resolved")
    list_filter = ("resolved", "task_name")
    search_fields = ("task_name", "task_id", "error")
    date_hierarchy = "failed_at"
    readonly_fields = ("task_name", "task_id", "args", "kwargs", "error", "traceback", "failed_at")
    fields = (*readonly_fields, "resolved")
    actions = ("mark_resolved",)

    @admin.display(description=_("错误"))
    def short_error(self, obj):
        return obj.error[:120]

    @admin.action(description=_("标记为已处理"))
    def mark_resolved(self, request, queryset):
        queryset.update(resolved=True)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Bulk writes (registry and score imports) with their before/after rows; read-only, and only
    for system admins, since one batch may span several counties."""

    list_display = ("at", "kind", "user", "path", "file_name")
    list_filter = ("kind", "path")
    search_fields = ("file_name", "user__username")
    list_select_related = ("user",)
    readonly_fields = ("kind", "user", "at", "path", "file_name", "counts", "changes")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """When each periodic job last finished well (also shown by /healthz)."""

    list_display = ("task_name", "last_success_at")
    readonly_fields = ("task_name", "last_success_at")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
