from django.urls import path

from appraisal.views import annual, breakdown, history, ranking, schemes, scores

app_name = "appraisal"
urlpatterns = [
    path("", ranking.ranking, name="ranking"),
    path("compute/", ranking.compute, name="compute"),
    path("export/", ranking.ranking_export, name="ranking_export"),
    path("results/<int:pk>/breakdown/", breakdown.breakdown, name="breakdown"),
    path("annual/", annual.annual, name="annual"),
    path("cadres/<int:cadre_id>/", history.cadre_history, name="cadre_history"),
    path("cadres/<int:cadre_id>/panel/", history.cadre_history_panel, name="cadre_history_panel"),
    path("schemes/", schemes.scheme_list, name="scheme_list"),
    path("schemes/new/", schemes.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", schemes.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/copy/", schemes.scheme_copy, name="scheme_copy"),
    path("schemes/<int:pk>/export/", schemes.scheme_export, name="scheme_export"),
    path("scores/", scores.score_entry, name="score_entry"),
    path("scores/cell/", scores.score_cell, name="score_cell"),
    path("scores/import/", scores.score_import, name="score_import"),
    path("scores/template/", scores.score_template_download, name="score_template"),
]
