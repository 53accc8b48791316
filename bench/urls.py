"""The application's URLs plus `/bench/trivial/`, the yardstick for API throughput."""

from django.http import JsonResponse
from django.urls import include, path


def trivial(request):
    """As little as Django can do for a JSON answer: no database, no REST framework."""
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("", include("config.urls")),
]
