"""Cached answers to repeated reads of the API, never older than the data they show.

A JSON list or detail is cached under the data version (`tracker.api.data_version.DataVersion`, bumped
after every committed change to committees' and actions' records), today's date (overdue
and days late change at midnight), the reader's audience and the full address. The
audience is "staff" (who see everything), "public" (anonymous), or the signed-in user
themselves: what one user may see is never served to another, and a staff member's query
that names the reader (`?owner=me`) is kept for that reader alone. The version is read from
the database on each request, so every server process agrees on it whatever the cache.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from rest_framework.response import Response

from committees.models import today
from tracker.api.data_version import DataVersion
from tracker.api.filters import names_the_reader

CACHED_APPS = {"committees", "actions"}


def _bump() -> None:
    if not DataVersion.objects.filter(pk=1).update(number=F("number") + 1):
        DataVersion.objects.get_or_create(pk=1)


def bump_data_version() -> None:
    """Invalidate every cached response once the change is committed: one pending bump per
    outermost transaction, however many rows and savepoints it saves.

    A pending bump, wherever it was registered, stands for this change too. Django drops a
    callback when a savepoint it was registered under is rolled back; the savepoints it was
    registered under are either released (never rolled back alone after that) or still open
    around this change, so a rollback that drops it undoes this change as well. When it was
    dropped (a row refused in a savepoint), it is no longer in the list and the next change
    registers a new one.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is _bump for _, callback, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_bump)


def is_cached_model(model) -> bool:
    return model._meta.app_label in CACHED_APPS and not model.__name__.startswith("Historical")


def audience(request) -> str:
    """Whose answer this is: the public's, every staff member's (staff see everything alike),
    or one reader's own. A staff member's answer is theirs alone when the query names the
    reader (`?owner=me`), since it then depends on who asks."""
    user = request.user
    if not user.is_authenticated:
        return "public"
    if user.is_staff and not names_the_reader(request.GET):
        return "staff"
    return f"user:{user.pk}"


def cached_read(request, build) -> Response:
    """`build()`'s response, from the cache when the same reader asked the same thing since
    the data last changed. Only JSON is cached: the browsable API's pages carry a CSRF token."""
    renderer = getattr(request, "accepted_renderer", None)
    seconds = settings.API_CACHE_SECONDS
    version = (
        DataVersion.objects.filter(pk=1).values_list("number", flat=True).first()
        if seconds
        else None
    )
    if version is None or renderer is None or renderer.format != "json":
        return build()
    key = (
        f"api:{version}:{today():%Y%m%d}:{audience(request)}:"
        f"{request.get_host()}{request.get_full_path()}"
    )
    data = cache.get(key)
    if data is not None:
        return Response(data)
    response = build()
    if response.status_code == 200:
        cache.set(key, response.data, seconds)
    return response
