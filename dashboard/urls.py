from django.urls import path

from dashboard import views

app_name = "me"

urlpatterns = [
    path("", views.me, name="home"),
    path("attendance/<int:year>-<int:month>/", views.me_month, name="month"),
    path("leave/", views.me_leave, name="leave"),
    path("leave/<int:pk>/<str:action>/", views.me_leave_decide, name="leave_decide"),
]
