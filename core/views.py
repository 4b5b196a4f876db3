from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import health
from core.models import TaskFailure
from core.scoping import area_for
from core.selectors import dashboard_data


@login_required
def dashboard(request):
    """The user's area at a glance: villages, cadres in post, gaps and the cadres' structure."""
    data = dashboard_data(area_for(request.user), timezone.localdate())
    if request.user.is_superuser:
        # Only superusers: a failed task's arguments may belong to any county.
        data["task_failures"] = TaskFailure.objects.filter(resolved=False).count()
    return render(request, "core/dashboard.html", data)


class LogoutView(auth_views.LogoutView):
    """Log out by POST (the 退出 button); a GET shows a page with that button instead of 405."""

    http_method_names = ["get", "post", "options"]
    template_name = "core/logout.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name)


@never_cache
@require_GET
def healthz(request):
    """For monitors and load balancers: 200 when database, cache and broker answer, else 503. No login."""
    healthy, report = health()
    return JsonResponse(report, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
