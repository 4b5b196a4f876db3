from django.urls import path

from attendance.totals import views

urlpatterns = [
    path("totals/", views.monthly_report, name="monthly_report"),
    path("totals/export/", views.monthly_export, name="monthly_export"),
    path("totals/allowance/", views.allowance_export, name="allowance_export"),
    path("totals/townships/", views.township_overview, name="township_overview"),
    path("totals/charts/", views.monthly_charts, name="monthly_charts"),
    path("totals/cadres/<int:cadre_id>/", views.cadre_month, name="cadre_month"),
    path("totals/cadres/<int:cadre_id>/panel/", views.cadre_totals_panel, name="cadre_totals_panel"),
]
