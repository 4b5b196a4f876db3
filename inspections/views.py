"""Inspection and finding pages (DOMAIN.md §8). Thin: selectors read, forms and services write.

Every object comes through the user's scoped queryset (another area's object is 404). Township
staff read their township's part of an inspection; only organization staff and admins record.
The URLs keep their names under the ``decisions`` namespace (``decisions/urls.py`` includes
``inspections.urls``); the R3 proposals a finding led to are shown by the decisions app's
``finding_proposals`` template tag, so these views never read decisions.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import DateField
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import history_entries
from core.listing import choice_param, int_param, paginate
from core.scoping import area_for
from inspections import selectors, services
from inspections.forms import FindingForm, InspectionForm, cadre_picker
from inspections.models import Finding, Inspection
from villages.models import Township


def can_act(user) -> bool:
    """Organization staff and admins record inspections and findings; township staff only read."""
    area = area_for(user)
    return not area.is_empty and not area.is_township


def _require_act(user):
    if not can_act(user):
        raise PermissionDenied(_("只有组织部人员可以办理决定和督查"))


@login_required
def inspection_list(request):
    area = area_for(request.user)
    filters = {
        "kind": choice_param(request, "kind", Inspection.Kind.choices),
        "township_id": int_param(request, "township"),
        # A year outside any date (99999) is no filter, not a server error.
        "year": year if (year := int_param(request, "year")) and 2000 <= year <= 2100 else None,
    }
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "page": paginate(request, selectors.inspection_list(area, **filters)),
            "filters": filters,
            "kinds": Inspection.Kind.choices,
            "townships": Township.objects.for_user(request.user).order_by("code"),
            "can_act": can_act(request.user),
        },
    )


@login_required
def inspection_detail(request, pk):
    inspection = get_object_or_404(Inspection.objects.for_user(request.user).select_related("county"), pk=pk)
    # An inspection may cover several townships: each reader sees only their area's part of it.
    findings = (
        Finding.objects.for_user(request.user)
        .filter(inspection=inspection)
        .select_related("cadre", "village__township")
        .order_by("id")
    )
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "villages": inspection.villages.for_user(request.user)
            .select_related("township")
            .order_by("code"),
            "cadres": inspection.cadres.for_user(request.user).order_by("name_initials", "id"),
            "findings": findings,
            "can_act": can_act(request.user),
            "change_history": history_entries(
                Inspection.history.filter(id=inspection.pk),
                # Only the reader's part of the inspection, deleted findings included.
                Finding.history.filter(inspection_id=inspection.pk).filter(
                    Finding.area_q(area_for(request.user))
                ),
            ),
        },
    )


@login_required
def inspection_create(request):
    _require_act(request.user)
    return _inspection_form(request, Inspection(created_by=request.user))


@login_required
def inspection_edit(request, pk):
    _require_act(request.user)
    inspection = get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)
    return _inspection_form(request, inspection)


def _inspection_form(request, inspection):
    # The stored date: the form writes the new one onto the instance while it validates.
    previous_date = inspection.date if inspection.pk else None
    form = InspectionForm(request.POST or None, instance=inspection, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            services.inspection_saved(inspection=saved, previous_date=previous_date)
        messages.success(request, _("督查记录已保存。"))
        return redirect("decisions:inspection_detail", pk=saved.pk)
    return render(request, "inspections/inspection_form.html", {"form": form, "inspection": inspection})


@login_required
def inspection_picker(request):
    """The cadre half of the inspection form's picker (htmx): cadres in post in the ticked villages."""
    _require_act(request.user)
    village_ids = {int(v) for v in request.GET.getlist("villages") if v.isdigit()}
    chosen = {int(v) for v in request.GET.getlist("cadres") if v.isdigit()}
    try:
        day = DateField().clean(request.GET.get("date"))
    except ValidationError:
        day = timezone.localdate()
    groups = cadre_picker(user=request.user, village_ids=village_ids, chosen=chosen, day=day)
    return render(request, "inspections/partials/cadre_picker.html", {"cadre_groups": groups})


@login_required
def finding_create(request, pk):
    _require_act(request.user)
    inspection = get_object_or_404(Inspection.objects.for_user(request.user), pk=pk)
    return _finding_form(request, inspection, Finding(inspection=inspection))


@login_required
def finding_edit(request, pk):
    _require_act(request.user)
    finding = get_object_or_404(Finding.objects.for_user(request.user).select_related("inspection"), pk=pk)
    return _finding_form(request, finding.inspection, finding)


def _finding_form(request, inspection, finding):
    # A 调阅 review links here with the cadre, village and description filled in (views_records).
    prefill = {k: request.GET[k] for k in ("cadre", "village", "description") if k in request.GET}
    form = FindingForm(
        request.POST or None,
        instance=finding,
        inspection=inspection,
        user=request.user,
        initial=prefill if finding.pk is None else None,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            services.finding_saved(finding=saved)
        messages.success(request, _("问题已登记。"))
        return redirect("decisions:inspection_detail", pk=inspection.pk)
    return render(
        request, "inspections/finding_form.html", {"form": form, "inspection": inspection, "finding": finding}
    )
