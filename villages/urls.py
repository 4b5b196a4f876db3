"""The fence pages (驻地范围). ``config/urls.py`` serves them in the ``villages`` namespace with the
village list and page (``dashboard.urls_villages``) and the registry import (``registry.urls``)."""

from django.urls import path

from villages import views

app_name = "villages"
urlpatterns = [
    path("<int:pk>/fences/add/", views.fence_edit, name="fence_add"),
    path("<int:pk>/fences/<int:fence_pk>/", views.fence_edit, name="fence_edit"),
    path("<int:pk>/fences/<int:fence_pk>/delete/", views.fence_delete, name="fence_delete"),
]
