# Recall and reward decisions (DOMAIN.md §7); the inspection pages (§8) are the inspections app's,
# included here so that their paths and names (decisions:inspection_list …) stay as they were.
from django.urls import include, path

from decisions import views

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
    path("", include("inspections.urls")),
]
