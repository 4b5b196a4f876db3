"""The inspection pages (DOMAIN.md §8). No ``app_name``: ``decisions/urls.py`` includes these
patterns, so their paths (/decisions/inspections/…) and names (``decisions:inspection_list`` …)
stay what they were before inspections had their own app."""

from django.urls import path

from inspections import views, views_records

urlpatterns = [
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/picker/", views.inspection_picker, name="inspection_picker"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("inspections/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("inspections/<int:pk>/records/", views_records.inspection_records, name="inspection_records"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
]
