# The cadre's own diary pages under /me/diary/ (the account boundary lets cadres open only /me/).
from django.urls import path

from diary import views_me

app_name = "me_diary"

urlpatterns = [
    path("", views_me.diary_home, name="home"),
    path("new/", views_me.entry_new, name="new"),
    path("<int:pk>/", views_me.entry_detail, name="entry"),
    path("<int:pk>/edit/", views_me.entry_edit, name="edit"),
    path("items/", views_me.items, name="items"),
    path("items/<int:pk>/close/", views_me.item_close, name="close"),
    path("photos/<int:pk>/", views_me.photo, name="photo"),
]
