from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from cadres.accounts import create_accounts, credentials_workbook
from cadres.forms import PostingAdminForm
from cadres.models import Cadre, DispatchingUnit, Posting
from cadres.services import announce_new_postings
from core.admin import ScopedAdminMixin


@admin.register(DispatchingUnit)
class DispatchingUnitAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "county")
    list_filter = ("level", ("county", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name", "name_initials")
    list_select_related = ("county",)
    autocomplete_fields = ("county",)


@admin.register(Cadre)
class CadreAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "id_number", "gender", "birth_date", "mobile", "education", "rank", "home_unit")
    list_filter = (
        "gender",
        "education",
        "identity",
        "rank",
        ("home_unit__county", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "name_initials", "id_number", "mobile")
    list_select_related = ("home_unit",)
    actions = ["create_login_accounts"]
    autocomplete_fields = ("home_unit",)
    # Birth date and gender come from the 身份证号; shown, never typed.
    readonly_fields = ("gender_display", "birth_date")
    fields = (
        "id_number",
        "name",
        "gender_display",
        "birth_date",
        "mobile",
        "education",
        "identity",
        "rank",
        "expertise",
        "home_unit",
    )

    @admin.action(description=_("为所选干部创建登录账号（下载初始密码）"))
    def create_login_accounts(self, request, queryset):
        accounts = create_accounts(cadres=queryset, on=timezone.localdate())
        if not accounts:
            self.message_user(request, _("所选干部都已有账号，未新建。"), messages.WARNING)
            return None
        response = HttpResponse(
            credentials_workbook(accounts),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            "attachment; filename*=UTF-8''%E5%B9%B2%E9%83%A8%E8%B4%A6%E5%8F%B7.xlsx"
        )
        self.message_user(
            request,
            ngettext("新建 %(n)d 个干部账号。", "新建 %(n)d 个干部账号。", len(accounts))
            % {"n": len(accounts)},
        )
        return response

    @admin.display(description=_("性别"))
    def gender_display(self, obj):
        return obj.get_gender_display() if obj and obj.gender else "—"


@admin.register(Posting)
class PostingAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = PostingAdminForm  # the posting rules, with the page's messages
    list_display = (
        "cadre",
        "id_number",
        "village",
        "township",
        "unit",
        "role",
        "start_date",
        "planned_end_date",
        "actual_end_date",
        "status",
    )
    list_filter = ("role", "status", ("village__township__county", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "cadre__name",
        "cadre__name_initials",
        "cadre__id_number",
        "village__name",
        "village__code",
    )
    list_select_related = ("cadre", "village__township", "unit")
    autocomplete_fields = ("cadre", "village", "unit")
    date_hierarchy = "start_date"
    readonly_fields = ("created_at",)

    @admin.display(description=_("身份证号"), ordering="cadre__id_number")
    def id_number(self, obj):
        return obj.cadre.id_number

    @admin.display(description=_("乡镇"), ordering="village__township__code")
    def township(self, obj):
        return obj.village.township

    def has_delete_permission(self, request, obj=None):
        # History is never deleted: a posting ends (期满/召回/调整), it does not disappear.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # The same hand-off as the page: a new posting may fulfil a recall's replacement.
            announce_new_postings(county_ids=[obj.village.township.county_id])
