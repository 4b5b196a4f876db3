from django.urls import path

from dashboard import views

app_name = "me"

urlpatterns = [
    path("", views.me, name="home"),
    path("attendance/<int:year>-<int:month>/", views.me_month, name="month"),
    path("leave/", views.me_leave, name="leave"),
    path("leave/<int:pk>/<str:action>/", views.me_leave_decide, name="leave_decide"),
]

# The cadre's page for staff, mounted under ``cadres/`` in the ``cadres`` namespace by config/urls.py
# (``cadres:detail``): it reads every app, so it lives here, and cadres need not import upward.
cadre_urlpatterns = [
    path("<int:pk>/", views.cadre_detail, name="detail"),
]
