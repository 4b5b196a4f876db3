"""Read-only admin of the diary: rows are written by cadres through the services, never deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from diary.models import Entry, EntryPhoto, Item


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ItemInline(ReadOnlyMixin, admin.TabularInline):
    model = Item
    fields = ("description", "responsible", "due_date", "status", "closed_on", "closing_note")
    readonly_fields = fields
    extra = 0


@admin.register(Entry)
class EntryAdmin(ReadOnlyMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("date", "is_late", "cadre", "village", "household", "created_at")
    list_filter = ("is_late", ("village__township__county", admin.RelatedOnlyFieldListFilter))
    search_fields = ("cadre__name", "cadre__id_number", "household", "content")
    list_select_related = ("cadre", "village")
    date_hierarchy = "date"
    inlines = [ItemInline]


@admin.register(Item)
class ItemAdmin(ReadOnlyMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "raised_on",
        "cadre",
        "village",
        "description",
        "responsible",
        "due_date",
        "status",
        "closed_on",
    )
    list_filter = ("status", ("village__township__county", admin.RelatedOnlyFieldListFilter))
    search_fields = ("cadre__name", "description", "responsible")
    list_select_related = ("cadre", "village")
    date_hierarchy = "raised_on"


@admin.register(EntryPhoto)
class EntryPhotoAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("entry", "width", "height", "size", "uploaded_at")
    list_select_related = ("entry",)
