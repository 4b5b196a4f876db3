from django.urls import path

from checkins import views, views_me

app_name = "checkins"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/export.xlsx", views.reconciliation_export, name="reconciliation_export"),
    path("template/", views.prefilled_template, name="prefilled_template"),
    path("<int:pk>/photo/", views_me.photo, name="photo"),
]
