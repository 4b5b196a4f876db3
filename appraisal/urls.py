from django.urls import path

from appraisal import views

app_name = "appraisal"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("compute/", views.compute, name="compute"),
    path("export/", views.ranking_export, name="ranking_export"),
    path("results/<int:pk>/breakdown/", views.breakdown, name="breakdown"),
    path("annual/", views.annual, name="annual"),
    path("cadres/<int:cadre_id>/", views.cadre_history, name="cadre_history"),
    path("cadres/<int:cadre_id>/panel/", views.cadre_history_panel, name="cadre_history_panel"),
    path("schemes/", views.scheme_list, name="scheme_list"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/copy/", views.scheme_copy, name="scheme_copy"),
    path("schemes/<int:pk>/export/", views.scheme_export, name="scheme_export"),
    path("scores/", views.score_entry, name="score_entry"),
    path("scores/cell/", views.score_cell, name="score_cell"),
    path("scores/import/", views.score_import, name="score_import"),
    path("scores/template/", views.score_template_download, name="score_template"),
]
