from django.contrib import admin
from django.urls import include, path

from tracker.workbooks import review_pages

admin.site.site_header = "Scrutiny tracker"
admin.site.site_title = "Scrutiny tracker"
admin.site.index_title = "Committees, work programmes and actions"

urlpatterns = [
    path("", include("tracker.site.root_urls")),  # home (public committees), sign in/out
    path("admin/", admin.site.urls),
    path("api/", include("tracker.api.urls")),
    # A council's tracker spreadsheet, beside the minutes importer
    path("import/tracker/", review_pages.upload, name="workbook-import"),
    path("import/tracker/review/", review_pages.review, name="workbook-import-review"),
    path("import/", include("tracker.importer.urls")),
    path("", include("tracker.urls")),
]
