from django.urls import path

from tracker.reminders import link_pages
from tracker.site import (
    actions,
    committees,
    exports,
    meeting_business,
    meetings,
    mywork,
    programme,
)
from tracker.site.rollover import rollover_page

app_name = "tracker"

urlpatterns = [
    path(
        "links/action/<str:token>/",
        link_pages.ActionUpdateLinkView.as_view(),
        name="action-update-link",
    ),
    path(
        "links/report/<str:token>/",
        link_pages.ReportSubmittedLinkView.as_view(),
        name="report-submitted-link",
    ),
    # Pages
    path("my-work/", mywork.my_work, name="my-work"),
    path(
        "my-work/calendar-address/reset/",
        mywork.reset_calendar_address,
        name="reset-calendar-address",
    ),
    path("committees/", committees.committee_list, name="committee-list"),
    path("committees/<slug:slug>/", committees.committee_detail, name="committee"),
    path("committees/<slug:slug>/actions/", committees.committee_actions, name="committee-actions"),
    path(
        "committees/<slug:slug>/work-programme/",
        programme.committee_programme,
        name="committee-programme",
    ),
    path("work-programmes/<int:pk>/", programme.programme_detail, name="work-programme"),
    path("work-programmes/<int:pk>/add/", programme.topic_add, name="topic-add"),
    path("topics/<int:pk>/move/", programme.topic_move, name="topic-move"),
    path("topics/<int:pk>/defer/", programme.topic_defer, name="topic-defer"),
    path("topics/<int:pk>/merge/", programme.topic_merge, name="topic-merge"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/items/add/", meeting_business.item_add, name="item-add"),
    path("meetings/<int:pk>/attendance/", meeting_business.attendance, name="meeting-attendance"),
    path(
        "meetings/<int:pk>/attendance/<int:row>/remove/",
        meeting_business.attendance_remove,
        name="attendance-remove",
    ),
    path("items/<int:pk>/outcome/", meeting_business.item_outcome, name="item-outcome"),
    path("items/<int:pk>/defer/", meeting_business.item_defer, name="item-defer"),
    path("actions/<int:pk>/", actions.action_detail, name="action"),
    path("actions/<int:pk>/sign-off/", actions.action_sign_off, name="action-sign-off"),
    path("actions/<int:pk>/owner/", actions.action_assign, name="action-assign"),
    path("resolutions/<int:pk>/", actions.resolution_detail, name="resolution"),
    path(
        "reports/<str:kind>/<int:pk>/received/",
        actions.report_submitted,
        name="report-submitted",
    ),
    # Exports and feeds
    path("committees/<slug:slug>/tracker.csv", exports.tracker_csv, name="tracker-csv"),
    path("committees/<slug:slug>/tracker.xlsx", exports.tracker_xlsx, name="tracker-xlsx"),
    path("committees/<slug:slug>/tracker/print/", exports.tracker_print, name="tracker-print"),
    path(
        "committees/<slug:slug>/calendar.ics",
        exports.committee_calendar,
        name="committee-calendar",
    ),
    path("calendar/<str:token>.ics", exports.person_calendar, name="person-calendar"),
    # Democratic services
    path("rollover/", rollover_page, name="rollover"),
]
