"""Village fence pages (驻地范围); every object comes through the user's scoped queryset. The
village list and page, which show who is posted there, are ``dashboard.villages``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villages.fences import FenceForm, can_edit_fences, save_fence
from villages.models import Village, VillageFence

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
