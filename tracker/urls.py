from django.urls import path

from tracker import views

app_name = "tracker"

urlpatterns = [
    path(
        "links/action/<str:token>/", views.ActionUpdateLinkView.as_view(), name="action-update-link"
    ),
    path(
        "links/report/<str:token>/",
        views.ReportSubmittedLinkView.as_view(),
        name="report-submitted-link",
    ),
]
