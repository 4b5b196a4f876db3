"""Village pages (list and detail); every object comes through the user's scoped queryset."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.history import history_entries
from core.listing import int_param, paginate
from core.scoping import area_for
from villages import selectors
from villages.fences import FenceForm, can_edit_fences, save_fence
from villages.models import Policy, Township, Village, VillageFence, VillageTag


@login_required
def village_list(request):
    area = area_for(request.user)
    today = timezone.localdate()
    filters = {
        "q": request.GET.get("q", "").strip(),
        "township_id": int_param(request, "township"),
        "tag_id": int_param(request, "tag"),
    }
    villages = selectors.village_list(area, today, **filters)
    return render(
        request,
        "villages/village_list.html",
        {
            "page": paginate(request, villages),
            "filters": filters,
            "townships": Township.objects.for_user(request.user).order_by("code"),
            "tags": VillageTag.objects.all(),
            "today": today,
        },
    )


@login_required
def village_detail(request, pk):
    village = get_object_or_404(
        Village.objects.for_user(request.user).select_related("township__county").prefetch_related("tags"),
        pk=pk,
    )
    today = timezone.localdate()
    return render(
        request,
        "villages/village_detail.html",
        {
            "village": village,
            "first_secretary": selectors.first_secretary_on(village, today),
            "postings": selectors.village_postings(village),
            "today": today,
            "fences": village.fences.all(),
            # Read, not get_or_create: a page view does not write the county's policy.
            "default_radius": Policy.objects.filter(county_id=village.township.county_id)
            .values_list("fence_radius_m", flat=True)
            .first()
            or Policy._meta.get_field("fence_radius_m").default,
            "can_edit_fences": can_edit_fences(request.user, village),
            "fence_form": FenceForm(village=village),
            "change_history": history_entries(Village.history.filter(id=village.pk)),
        },
    )


# --- fences (驻地范围, DOMAIN §10): org staff edit them here, numbers only, no online map ---------


def _fence_village(request, pk) -> Village:
    village = get_object_or_404(Village.objects.for_user(request.user).select_related("township"), pk=pk)
    if not can_edit_fences(request.user, village):
        raise Http404
    return village


@login_required
def fence_edit(request, pk, fence_pk=None):
    village = _fence_village(request, pk)
    fence = get_object_or_404(VillageFence, pk=fence_pk, village=village) if fence_pk else None
    form = FenceForm(request.POST or None, instance=fence, village=village)
    if request.method == "POST" and form.is_valid():
        save_fence(form)
        messages.success(request, _("驻地范围“%(name)s”已保存") % {"name": form.instance.name})
        return redirect("villages:detail", pk=village.pk)
    return render(request, "villages/fence_form.html", {"village": village, "form": form, "fence": fence})


@login_required
@require_POST
def fence_delete(request, pk, fence_pk):
    village = _fence_village(request, pk)
    fence = get_object_or_404(VillageFence, pk=fence_pk, village=village)
    fence.delete()
    messages.success(request, _("驻地范围“%(name)s”已删除") % {"name": fence.name})
    return redirect("villages:detail", pk=village.pk)
