from django.urls import path

from attendance.intake import views

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("upload/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("upload/<int:pk>/confirm/", views.upload_confirm, name="upload_confirm"),
    path("upload/<int:pk>/recheck/", views.upload_recheck, name="upload_recheck"),
    path("upload/<int:pk>/annotated.xlsx", views.upload_annotated, name="upload_annotated"),
    path("upload/<int:pk>/file/", views.upload_file, name="upload_file"),
    path("template/", views.template, name="template"),
    path("upload/example.xlsx", views.example, name="upload_example"),
    path("history/", views.history, name="history"),
    path("board/", views.board, name="board"),
]
