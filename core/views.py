from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import health


class LogoutView(auth_views.LogoutView):
    """Log out by POST (the 退出 button); a GET shows a page with that button instead of 405."""

    http_method_names = ["get", "post", "options"]
    template_name = "core/logout.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; also the compulsory first step after an initial password."""

    template_name = "core/password_change.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = getattr(self.request.user, "staff_profile", None)
        context["must_change"] = bool(profile and profile.must_change_password)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        from core.models import StaffProfile

        StaffProfile.objects.filter(user=self.request.user).update(must_change_password=False)
        messages.success(self.request, _("密码已修改。"))
        return response

    def get_success_url(self):
        target = self.request.GET.get("next") or self.request.POST.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return reverse("password_change_done")
@never_cache
@require_GET
def healthz(request):
    """For monitors and load balancers: 200 when database, cache and broker answer, else 503. No login."""
    healthy, report = health()
    return JsonResponse(report, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
