# Staff pages of the diary (DOMAIN.md §11): the ledger, reading diaries, exports, photos.
from django.urls import path

from diary import views

app_name = "diary"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("overdue-card/", views.overdue_card, name="overdue_card"),
    path("cadres/<int:pk>/", views.cadre_diary, name="cadre"),
    path("cadres/<int:pk>/diary.xlsx", views.cadre_diary_export, name="cadre_export"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
