"""The village list and the village page: a village with its first secretary, its cadres in post
and its posting history (reads of villages and cadres); every object comes through the user's
scoped queryset. The fence pages stay in ``villages.views``."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cadres import selectors
from core.history import history_entries
from core.listing import int_param, paginate
from core.scoping import area_for
from villages.fences import FenceForm, can_edit_fences
from villages.models import Policy, Township, Village, VillageTag


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
