"""Cadre, dispatching-unit and posting pages; every object comes through the user's scoped queryset."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres import selectors
from cadres.forms import PostingCreateForm, PostingEndForm
from cadres.models import DispatchingUnit, Posting
from cadres.permissions import can_manage_postings
from cadres.services import announce_new_postings, posting_conflicts
from core.listing import choice_param, int_param, paginate
from core.scoping import area_for
from villages.models import Township

INTEGRITY_MESSAGE = gettext_lazy(
    "与已有选派冲突：同一干部同一天只能有一个选派，一个村同一天只能有一名第一书记"
)


def _require_org_staff(user):
    if not can_manage_postings(user):
        raise PermissionDenied(_("只有组织部人员可以登记选派"))


@login_required
def cadre_list(request):
    area = area_for(request.user)
    today = timezone.localdate()
    filters = {
        "q": request.GET.get("q", "").strip(),
        "township_id": int_param(request, "township"),
        "role": choice_param(request, "role", Posting.Role.choices),
        "in_post": choice_param(request, "in_post", [("1", ""), ("0", "")]),
        "unit_id": int_param(request, "unit"),
    }
    page = paginate(request, selectors.cadre_list(area, today, **filters))
    page.object_list = selectors.attach_current_postings(page.object_list, area, today)
    return render(
        request,
        "cadres/cadre_list.html",
        {
            "page": page,
            "filters": filters,
            "townships": Township.objects.for_user(request.user).order_by("code"),
            "roles": Posting.Role.choices,
            "units": DispatchingUnit.objects.for_user(request.user).order_by("code").only("pk", "name"),
            "today": today,
            "can_manage": can_manage_postings(request.user),
        },
    )


@login_required
def unit_list(request):
    area = area_for(request.user)
    today = timezone.localdate()
    filters = {
        "q": request.GET.get("q", "").strip(),
        "level": choice_param(request, "level", DispatchingUnit.Level.choices),
    }
    return render(
        request,
        "cadres/unit_list.html",
        {
            "page": paginate(request, selectors.unit_list(area, today, **filters)),
            "filters": filters,
            "levels": DispatchingUnit.Level.choices,
            "today": today,
        },
    )


@login_required
def unit_detail(request, pk):
    unit = get_object_or_404(DispatchingUnit.objects.for_user(request.user).select_related("county"), pk=pk)
    today = timezone.localdate()
    postings = selectors.unit_postings_in_post(area_for(request.user), unit, today)
    return render(request, "cadres/unit_detail.html", {"unit": unit, "postings": postings, "today": today})


def _save_posting(form) -> Posting | None:
    """Save in its own transaction; the database constraint is the backstop for a race."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        instance = form.instance
        problems = posting_conflicts(
            cadre_id=instance.cadre_id,
            village_id=instance.village_id,
            role=instance.role,
            start=instance.start_date,
            end=instance.end_date,
            exclude_id=instance.pk,
        )
        for problem in problems or [INTEGRITY_MESSAGE]:
            form.add_error(None, problem)
        return None


@login_required
def posting_create(request):
    _require_org_staff(request.user)
    if request.method == "POST":
        form = PostingCreateForm(request.POST, user=request.user)
        if form.is_valid():
            posting = _save_posting(form)
            if posting is not None:
                # A new posting may be the replacement a recall is waiting for.
                announce_new_postings(county_ids=[posting.village.township.county_id])
                messages.success(request, _("已登记选派：%(posting)s") % {"posting": posting})
                return redirect("cadres:detail", pk=posting.cadre_id)
    else:
        initial = {
            key: request.GET[key] for key in ("cadre", "village", "unit", "role") if request.GET.get(key)
        }
        form = PostingCreateForm(user=request.user, initial=initial)
    return render(request, "cadres/posting_form.html", {"form": form})


@login_required
def posting_end(request, pk):
    _require_org_staff(request.user)
    posting = get_object_or_404(
        Posting.objects.for_user(request.user).select_related("cadre", "village__township", "unit"), pk=pk
    )
    if posting.status != Posting.Status.ACTIVE:
        messages.error(
            request, _("该选派已结束（%(status)s），不能再次结束") % {"status": posting.get_status_display()}
        )
        return redirect("cadres:detail", pk=posting.cadre_id)
    form = PostingEndForm(
        request.POST or None, instance=posting, initial={"actual_end_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_posting(form)
        if saved is not None:
            messages.success(request, _("已结束选派：%(posting)s") % {"posting": saved})
            return redirect("cadres:detail", pk=saved.cadre_id)
    return render(request, "cadres/posting_end.html", {"form": form, "posting": posting})
