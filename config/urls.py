from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Scrutiny tracker"
admin.site.site_title = "Scrutiny tracker"
admin.site.index_title = "Committees, work programmes and actions"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("", include("tracker.urls")),
]
