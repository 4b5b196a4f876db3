from django.urls import path

from villages import views

app_name = "villages"
urlpatterns = [
    path("", views.village_list, name="list"),
    path("<int:pk>/", views.village_detail, name="detail"),
    path("<int:pk>/fences/add/", views.fence_edit, name="fence_add"),
    path("<int:pk>/fences/<int:fence_pk>/", views.fence_edit, name="fence_edit"),
    path("<int:pk>/fences/<int:fence_pk>/delete/", views.fence_delete, name="fence_delete"),
]

# Registry import (registry helper): appended, the routes above belong to the pages.
from villages import views_registry  # noqa: E402

urlpatterns += [
    path("import/", views_registry.registry_import, name="registry_import"),
    path("import/template/", views_registry.registry_template_download, name="registry_template"),
    path("import/example.xlsx", views_registry.registry_example_download, name="registry_example"),
]
