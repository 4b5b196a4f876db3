"""The cadre's check-in page (/me/checkin/): phone first, one big 签到 button.

The browser's geolocation (static/js/checkin.js) posts latitude, longitude and accuracy; the
server stamps the time, decides slot and validity (checkins.services) and answers at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cadres.accounts import own_cadre
from cadres.models import Posting
from checkins.forms import CheckInForm
from checkins.models import CheckIn
from checkins.services import CheckInError, record_checkin, todays_checkins, verdict_text


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
def checkin_page(request):
    cadre = own_cadre(request)
    today = timezone.localdate()
    posting = Posting.objects.covering(today).filter(cadre=cadre).select_related("village__township").first()
    return render(
        request,
        "checkins/me_checkin.html",
        {
            "cadre": cadre,
            "today": today,
            "posting": posting,
            "checkins": todays_checkins(cadre, today=today),
            "form": CheckInForm(),
        },
    )


@login_required
@require_POST
def checkin_submit(request):
    cadre = own_cadre(request)
    form = CheckInForm(request.POST, request.FILES)
    error = ""
    checkin = None
    if form.is_valid():
        try:
            checkin = record_checkin(
                cadre=cadre,
                latitude=form.cleaned_data["latitude"],
                longitude=form.cleaned_data["longitude"],
                accuracy_m=form.cleaned_data["accuracy"],
                note=form.cleaned_data["note"],
                photo=form.cleaned_data["photo"],
            )
        except CheckInError as exc:
            error = exc.message
    else:
        error = form.location_error() or " ".join(str(e) for errs in form.errors.values() for e in errs)
    if _wants_json(request):
        if checkin is None:
            return JsonResponse({"ok": False, "error": error}, status=400)
        return JsonResponse(
            {
                "ok": True,
                "valid": checkin.valid,
                "text": verdict_text(checkin),
                "time": timezone.localtime(checkin.at).strftime("%H:%M"),
                "slot": str(checkin.get_slot_display()),
            }
        )
    if checkin is None:
        messages.error(request, error)
    elif checkin.valid:
        messages.success(request, verdict_text(checkin))
    else:
        messages.warning(request, verdict_text(checkin))
    return redirect("me_checkins:page")


@login_required
def photo(request, pk):
    """A check-in's photo, through the scoped queryset (uploads are never served as media)."""
    checkin = get_object_or_404(CheckIn.objects.for_user(request.user).exclude(photo=""), pk=pk)
    return FileResponse(checkin.photo.open("rb"))
