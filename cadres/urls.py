from django.urls import path

from cadres import views

app_name = "cadres"
urlpatterns = [
    path("", views.cadre_list, name="list"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("postings/new/", views.posting_create, name="posting_create"),
    path("postings/<int:pk>/end/", views.posting_end, name="posting_end"),
]
