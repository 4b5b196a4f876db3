from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from cadres.urls import urlpatterns as cadres_urlpatterns
from dashboard import urls_villages as village_page_urls
from dashboard import views as dashboard_views
from dashboard.urls import cadre_urlpatterns
from registry import urls as registry_urls
from villages import urls as villages_urls

admin.site.site_header = _("驻村干部管理系统")
admin.site.site_title = _("驻村干部管理系统")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", dashboard_views.home, name="dashboard"),
    path("remind/", dashboard_views.remind, name="remind"),
    path("", include("core.urls")),
    # One namespace (villages:…) for the village pages, their fences and the registry import.
    path(
        "villages/",
        include(
            (
                village_page_urls.urlpatterns + villages_urls.urlpatterns + registry_urls.urlpatterns,
                "villages",
            )
        ),
    ),
    # cadres:detail (the cadre's page) is the dashboard's; every other cadres: page is the app's own.
    path("cadres/", include((cadres_urlpatterns + cadre_urlpatterns, "cadres"))),
    path("attendance/", include("attendance.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("decisions/", include("decisions.urls")),
    path("checkins/", include("checkins.urls")),
    path("me/checkin/", include("checkins.urls_me")),
    path("diary/", include("diary.urls")),
    path("me/diary/", include("diary.urls_me")),
    path("me/", include("dashboard.urls")),
]
# Uploaded files are never served as media: each download goes through a scoped view.
