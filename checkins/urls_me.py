from django.urls import path

from checkins import views_me

app_name = "me_checkins"

urlpatterns = [
    path("", views_me.checkin_page, name="page"),
    path("submit/", views_me.checkin_submit, name="submit"),
    path("<int:pk>/photo/", views_me.photo, name="photo"),
]
