"""Who is asking, for every rate limit: the client's address, and the throttles counted by it.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only as far as
our own proxies wrote it: with TRUSTED_PROXY_COUNT at 0 (the default) it is ignored and the
address is the connection's; behind N proxies, each appending the address it saw, the client
is the Nth address from the right. Every rate limit (the site's and the admin's sign-in, the
token endpoint and the anonymous API) counts by `client_address`, so none can be reset by
writing a new address into the header.
"""

from django.conf import settings
from rest_framework import throttling


def client_address(request) -> str:
    """The address of the client behind TRUSTED_PROXY_COUNT proxies of our own."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not proxies or not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]


class ByClientAddress:
    """Counts a throttle's requests by `client_address`."""

    def get_ident(self, request):
        return client_address(request)


class AnonThrottle(ByClientAddress, throttling.AnonRateThrottle):
    """Anonymous readers of the API, API_ANON_RATE per client address."""
