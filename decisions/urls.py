# Inspections, recall and reward decisions (DOMAIN.md §7, §8) live here.
from django.urls import path

from decisions import views, views_records

app_name = "decisions"
urlpatterns = [
    path("", views.decision_list, name="list"),
    path("export/", views.decision_export, name="export"),
    path("run/", views.run_rules, name="run_rules"),
    path("bulk/", views.decision_bulk, name="bulk"),
    path("recalls/", views.recall_list, name="recalls"),
    path("rewards/", views.reward_list, name="rewards"),
    path("replacements/", views.replacement_list, name="replacements"),
    path("<int:pk>/", views.decision_detail, name="detail"),
    path("<int:pk>/print/", views.decision_print, name="print"),
    path("<int:pk>/approve/", views.decision_approve, name="approve"),
    path("<int:pk>/reject/", views.decision_reject, name="reject"),
    path("<int:pk>/issue/", views.decision_issue, name="issue"),
    path("<int:pk>/revoke/", views.decision_revoke, name="revoke"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/picker/", views.inspection_picker, name="inspection_picker"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("inspections/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("inspections/<int:pk>/records/", views_records.inspection_records, name="inspection_records"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
]
