from django.urls import path

from dashboard import views

app_name = "me"

urlpatterns = [
    path("", views.me, name="home"),
    path("attendance/<int:year>-<int:month>/", views.me_month, name="month"),
]
