"""Signed, expiring links in reminder emails that act for one person on one thing.

An action's owner can record progress, and a report's author can record that the report
went in, without a password: the link names the thing and the person, is signed with
SECRET_KEY, expires after EMAIL_LINK_MAX_AGE_DAYS and works once (see `UsedLink`).
"""

import hashlib

from django.conf import settings
from django.core import signing

from committees.routes import path_to

ACTION_SALT = "tracker.action-update"
REPORT_SALT = "tracker.report-submitted"


class LinkError(Exception):
    """The link cannot be used; the message says why, for the person holding it."""


def _max_age() -> int:
    return settings.EMAIL_LINK_MAX_AGE_DAYS * 24 * 3600


def action_update_url(action, person) -> str:
    token = signing.dumps({"action": action.pk, "person": person.pk}, salt=ACTION_SALT)
    return path_to("tracker:action-update-link", token)


def report_submission_url(kind: str, thing, person) -> str:
    token = signing.dumps({"kind": kind, "id": thing.pk, "person": person.pk}, salt=REPORT_SALT)
    return path_to("tracker:report-submitted-link", token)


def read(token: str, salt: str) -> dict:
    try:
        return signing.loads(token, salt=salt, max_age=_max_age())
    except signing.SignatureExpired:
        raise LinkError(
            "This link has expired. Links in reminder emails last "
            f"{settings.EMAIL_LINK_MAX_AGE_DAYS} days; sign in to record progress instead."
        ) from None
    except signing.BadSignature:
        raise LinkError(
            "This link is not valid. It may have been copied incompletely from the email."
        ) from None


def fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
