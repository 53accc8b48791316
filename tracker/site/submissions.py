"""A form posted twice (a double click, a page sent again) saves once.

The form carries a one-time token; the session remembers where each token's saving led, so
the same token posted again goes there instead of saving a second time.
"""

import secrets

FIELD = "submission"
SESSION_KEY = "submissions"
KEPT = 50  # the latest tokens remembered for a session


def token_for(request) -> str:
    """The token the form carries: the one posted (a form shown again with its errors keeps
    it), else a new one."""
    posted = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return posted[:64] or secrets.token_urlsafe(16)


def already_saved(request) -> str | None:
    """Where this form's first saving led, when the same form is posted again."""
    token = request.POST.get(FIELD, "")
    return request.session.get(SESSION_KEY, {}).get(token) if token else None


def remember(request, url: str) -> None:
    token = request.POST.get(FIELD, "")[:64]
    if not token:
        return
    saved = dict(request.session.get(SESSION_KEY, {}))
    saved[token] = url
    for old in list(saved)[:-KEPT]:
        del saved[old]
    request.session[SESSION_KEY] = saved
