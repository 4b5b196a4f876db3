"""Registry upload page and template download, for organization staff and admins."""

from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.scoping import area_for
from core.xlsx import example_workbook
from registry.example import EXAMPLE_FILENAME, example_sheets
from registry.importing import import_registry
from registry.parse import COUNT_KEYS
from registry.template import TEMPLATE_FILENAME, registry_template

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 2000


class RegistryUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("名册工作簿（.xlsx）"))
    dry_run = forms.BooleanField(label=gettext_lazy("只检查，不写入"), required=False)


def can_import_registry(user) -> bool:
    """Organization staff and admins keep the registry; township staff only read it."""
    area = area_for(user)
    return area.everything or (not area.is_township and bool(area.county_ids))


def _require_importer(user):
    if not can_import_registry(user):
        raise PermissionDenied(_("只有组织部人员和管理员可以导入名册"))


@login_required
def registry_import(request):
    """Upload the registry workbook; it is checked whole and written only when it has no error."""
    _require_importer(request.user)
    result = None
    if request.method == "POST":
        form = RegistryUploadForm(request.POST, request.FILES)
        if form.is_valid():
            result = import_registry(
                file=form.cleaned_data["file"], user=request.user, dry_run=form.cleaned_data["dry_run"]
            )
            if result.ok and not result.dry_run:
                form = RegistryUploadForm()
    else:
        form = RegistryUploadForm()
    context = {
        "form": form,
        "result": result,
        "errors": result.errors[:ERRORS_SHOWN] if result else [],
        "errors_hidden": max(0, len(result.errors) - ERRORS_SHOWN) if result else 0,
        "count_rows": [(key, result.counts[key]) for key in COUNT_KEYS] if result and result.ok else [],
        "max_mb": settings.ZHUCUN_MAX_UPLOAD_BYTES // (1024 * 1024),
        "layout_sheets": example_sheets(),
    }
    return render(request, "villages/registry_import.html", context, status=200)


@login_required
def registry_template_download(request):
    """The empty workbook: five sheets with their headers and a 说明 sheet."""
    _require_importer(request.user)
    response = HttpResponse(registry_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(TEMPLATE_FILENAME)}"
    return response


@login_required
def registry_example_download(request):
    """The example workbook of the page's help: every sheet with a row or two of a fictitious county."""
    _require_importer(request.user)
    response = HttpResponse(example_workbook(example_sheets()), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(EXAMPLE_FILENAME)}"
    return response
