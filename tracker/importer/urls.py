from django.urls import path

from tracker.importer import views

app_name = "importer"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("save/", views.save, name="save"),
]
