"""The paths of the site's pages for one thing each, reversed once per route.

`django.urls.reverse` matches a route's pattern afresh on every call, about 25 microseconds;
a day of 10,000 reminders asks for the same two or three routes 20,000 times, and a long page
lists hundreds of links. A route with one argument is reversed once, with a stand-in for the
argument, and then filled in: the same path, as long as the argument is one `reverse` would
write unchanged (a number, a slug, a signed token); anything else goes through `reverse`.
"""

import functools
import re

from django.urls import get_script_prefix, get_urlconf, reverse

_STAND_IN = "7301946285"  # digits: every converter the routes use (int, slug, str) takes it
_WRITTEN_AS_IS = re.compile(r"[A-Za-z0-9_.~:-]+\Z")  # what reverse() leaves unquoted


@functools.lru_cache(maxsize=128)
def _around(name: str, urlconf, prefix: str) -> tuple[str, str] | None:
    path = reverse(name, args=[_STAND_IN], urlconf=urlconf)
    before, found, after = path.partition(_STAND_IN)
    if not found or _STAND_IN in after:
        return None
    return before, after


def path_to(name: str, arg: int | str) -> str:
    """`reverse(name, args=[arg])`, for a route taking one argument."""
    text = str(arg)
    around = _around(name, get_urlconf(), get_script_prefix())
    if around is None or not _WRITTEN_AS_IS.match(text):
        return reverse(name, args=[arg])
    return f"{around[0]}{text}{around[1]}"
