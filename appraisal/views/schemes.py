"""The scheme pages: the list, opening a year, a scheme's indicators (edited until locked), copy, export."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_POST

from appraisal import selectors
from appraisal.forms import IndicatorFormSet
from appraisal.models import CATEGORY_ORDER, Scheme
from appraisal.schemes import (
    copy_scheme,
    get_or_create_scheme,
    ordered_indicators,
    replace_indicators,
    scheme_filename,
    scheme_workbook,
)
from appraisal.views.common import can_edit, check_year, download, request_county, require_edit, user_counties


@login_required
def scheme_list(request):
    return render(
        request,
        "appraisal/scheme_list.html",
        {
            "schemes": selectors.schemes_for(request.user),
            "can_edit": can_edit(request.user),
            "counties": user_counties(request.user),
            "this_year": timezone.localdate().year,
        },
    )


@login_required
@require_POST
def scheme_create(request):
    """Open a county's scheme for a year: last year's copied forward, else the default of §6."""
    require_edit(request.user)
    county = request_county(request)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    check_year(year)
    scheme = get_or_create_scheme(county=county, year=year)
    return redirect("appraisal:scheme_detail", pk=scheme.pk)


@login_required
def scheme_detail(request, pk: int):
    scheme = get_object_or_404(Scheme.objects.for_user(request.user).select_related("county"), pk=pk)
    indicators = ordered_indicators(scheme)
    locked = scheme.locked
    editable = can_edit(request.user) and not locked
    formset = None
    if editable:
        initial = [
            {
                "category": i.category,
                "name": i.name,
                "max_points": i.max_points,
                "source": i.source,
                "order": i.order,
            }
            for i in indicators
        ]
        if request.method == "POST":
            formset = IndicatorFormSet(request.POST, initial=initial)
            if formset.is_valid():
                rows = [
                    f.cleaned_data
                    for f in formset.forms
                    if f.cleaned_data and not f.cleaned_data.get("DELETE")
                ]
                target = request.POST.get("diary_target", "").strip()
                try:
                    if target and not target.isdigit():
                        raise ValidationError(_t("民情日记目标篇数应为 1 到 1000 之间的整数"))
                    replace_indicators(scheme=scheme, rows=rows, diary_target=int(target) if target else None)
                except ValidationError as exc:
                    for message in exc.messages:
                        messages.error(request, message)
                else:
                    messages.success(request, _t("考核细则已保存"))
                    return redirect("appraisal:scheme_detail", pk=scheme.pk)
        else:
            formset = IndicatorFormSet(initial=initial)
    elif request.method == "POST":
        if not can_edit(request.user):
            raise PermissionDenied
        messages.error(request, _t("该年度已录入得分或已计算排名，考核细则不能再修改"))
    totals = defaultdict(lambda: 0)
    for i in indicators:
        totals[i.category] += i.max_points
    return render(
        request,
        "appraisal/scheme_detail.html",
        {
            "scheme": scheme,
            "indicators": indicators,
            "totals": [(c, totals.get(c, 0)) for c in CATEGORY_ORDER],
            "locked": locked,
            "formset": formset,
            "can_edit": can_edit(request.user),
            "next_year": scheme.year + 1,
            "next_exists": selectors.scheme_exists(county_id=scheme.county_id, year=scheme.year + 1),
        },
    )


@login_required
@require_POST
def scheme_copy(request, pk: int):
    scheme = get_object_or_404(Scheme.objects.for_user(request.user), pk=pk)
    require_edit(request.user)
    try:
        new = copy_scheme(scheme=scheme, year=scheme.year + 1)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("appraisal:scheme_detail", pk=scheme.pk)
    messages.success(request, _t("已复制为 %(y)s 年考核细则") % {"y": new.year})
    return redirect("appraisal:scheme_detail", pk=new.pk)


@login_required
def scheme_export(request, pk: int):
    scheme = get_object_or_404(Scheme.objects.for_user(request.user).select_related("county"), pk=pk)
    return download(scheme_workbook(scheme), scheme_filename(scheme))
