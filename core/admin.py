"""Admin scoping shared by every app, and the admin for user roles.

Non-superuser staff see in the admin exactly what they see in the pages: the changelist,
change forms, foreign-key choices and autocomplete answers all go through the same
``for_area`` scoping, so another area's object simply does not exist for them.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
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


def is_scoped(user) -> bool:
    """Staff limited to an area (organization or township staff), not system staff."""
    return not area_for(user).everything


class ScopedAdminMixin:
    """ModelAdmin (or inline) mixin: for non-superusers, rows and choices of their area only.

    The queryset goes through ``.for_user`` (via the user's area); foreign-key and
    many-to-many choices are limited the same way, which also limits what autocomplete
    widgets accept. On top of Django's model permissions, scoped staff (see ``is_scoped``):

    - may change or delete only objects of their area (checked on the object itself, not only
      through the queryset);
    - may only view models marked ``system_only`` (counties, tags every county shares);
    - see ``system_fields`` read-only: who approved or decided, when, and the decision itself,
      which only the workflow services set.
    """

    system_only = False
    system_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if is_scoped(request.user):
            fields += [f for f in self.system_fields if f not in fields]
        return fields

    def _outside(self, request, obj) -> bool:
        if not is_scoped(request.user):
            return False
        if self.system_only:
            return True
        return obj is not None and not self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request, *args):
        if self.system_only and is_scoped(request.user):
            return False
        return super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        if self._outside(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._outside(request, obj):
            return False
        return super().has_delete_permission(request, obj)

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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Nobody below a superuser hands out superuser status, groups or raw permissions.
            fields += ["is_superuser", "groups", "user_permissions", "last_login", "date_joined"]
        return fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser or area_for(request.user).everything:
            return qs
        profiles = _profiles_in_area(StaffProfile.objects.all(), request)
        return qs.filter(pk__in=profiles.values("user_id"))

    def _outside(self, request, obj) -> bool:
        return (
            obj is not None
            and is_scoped(request.user)
            and not self.get_queryset(request).filter(pk=obj.pk).exists()
        )

    def has_change_permission(self, request, obj=None):
        return not self._outside(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._outside(request, obj) and super().has_delete_permission(request, obj)

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

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class GroupAdmin(ScopedAdminMixin, DjangoGroupAdmin):
    system_only = True  # a group carries permissions: only system staff grant them


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)


def _system_only_admin(model) -> None:
    """Re-register a third-party model's admin so that only system staff see or touch it."""
    if not admin.site.is_registered(model):
        return
    base = type(admin.site._registry[model])

    class SystemOnly(ScopedAdminMixin, base):
        system_only = True

        def has_view_permission(self, request, obj=None):
            return not is_scoped(request.user) and super().has_view_permission(request, obj)

    SystemOnly.__name__ = base.__name__
    admin.site.unregister(model)
    admin.site.register(model, SystemOnly)


# Login attempts name users and addresses of every county, and deleting one would lift a lockout.
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    _system_only_admin(_model)
