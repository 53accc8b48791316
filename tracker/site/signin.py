"""Slowing down password guessing on every sign-in form (the site's and the admin's).

The API's token endpoint has its own throttle; this middleware gives the two HTML sign-in
forms the same limit, API_LOGIN_RATE attempts per client address (`tracker.site.throttles`), counted
in the cache.
"""

from django.http import HttpResponse
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from tracker.site.throttles import ByClientAddress


class SignInThrottle(ByClientAddress, SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "signin", "ident": self.get_ident(request)}


class SignInThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in (reverse("login"), reverse("admin:login")):
            throttle = SignInThrottle()
            if not throttle.allow_request(request, None):
                wait = int(throttle.wait() or 60)
                response = HttpResponse(
                    f"Too many attempts to sign in from this address. Try again in {wait} seconds.",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)
