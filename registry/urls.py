"""The registry pages. Their names stay in the ``villages`` namespace (``villages:registry_import``
and the rest, under /villages/import/): ``config/urls.py`` serves them with the village pages."""

from django.urls import path

from registry import views

urlpatterns = [
    path("import/", views.registry_import, name="registry_import"),
    path("import/template/", views.registry_template_download, name="registry_template"),
    path("import/example.xlsx", views.registry_example_download, name="registry_example"),
]
