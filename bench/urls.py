"""The bench's URLconf: the project's URLs plus a trivial constant view, the pages' limit.

Only ever active inside the bench (``override_settings(ROOT_URLCONF="bench.urls")``)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


@login_required
def trivial(request):
    """A constant, behind the same login check as the real pages (session and user are loaded)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench_trivial__/", trivial, name="bench_trivial"), *project_urlpatterns]
