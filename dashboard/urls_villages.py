"""The village list and page, served in the ``villages`` namespace (``villages:list``,
``villages:detail``) by ``config/urls.py`` with the fence and registry routes."""

from django.urls import path

from dashboard import villages

urlpatterns = [
    path("", villages.village_list, name="list"),
    path("<int:pk>/", villages.village_detail, name="detail"),
]
