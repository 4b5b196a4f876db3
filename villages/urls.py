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

