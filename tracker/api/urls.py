"""The API's addresses under /api/, its OpenAPI schema and its documentation page."""

from django.urls import include, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from tracker.api import views


@extend_schema_view(post=extend_schema(operation_id="auth_token_obtain"))
class ObtainToken(ObtainAuthToken):
    """Exchange a username and password for an API token (rate limited like any login)."""

    throttle_scope = "login"
    throttle_classes = [views.LoginThrottle]


router = DefaultRouter()
router.register("authorities", views.AuthorityViewSet, basename="authority")
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("people", views.PersonViewSet, basename="person")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("agenda-items", views.AgendaItemViewSet, basename="agendaitem")
router.register("work-programmes", views.WorkProgrammeViewSet, basename="workprogramme")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("deferrals", views.DeferralViewSet, basename="deferral")
router.register("resolutions", views.ResolutionViewSet, basename="resolution")
router.register("actions", views.ActionViewSet, basename="action")
router.register("action-updates", views.ActionUpdateViewSet, basename="actionupdate")
router.register("executive-responses", views.ExecutiveResponseViewSet, basename="executiveresponse")
router.register("reminders", views.ReminderViewSet, basename="reminder")

app_name = "api"

urlpatterns = [
    path("", include(router.urls)),
    path("auth/token/", ObtainToken.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
