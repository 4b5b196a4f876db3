"""Read-only admin of the diary: rows are written by cadres through the services, never deleted."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
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
    list_display = ("entry", "width", "height", "size", "uploaded_at", "photo")
    list_select_related = ("entry",)
    # The file is shown through the scoped view: media files are never served directly.
    fields = ("entry", "photo", "width", "height", "size", "uploaded_at", "uploaded_by")
    readonly_fields = fields

    @admin.display(description=_("照片"))
    def photo(self, obj):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("diary:photo", args=[obj.pk]),
            _("查看"),
        )
