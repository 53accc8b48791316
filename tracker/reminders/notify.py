"""Sending email through GOV.UK Notify (EMAIL_BACKEND=notify), with Notify's own Python client.

Owns the Notify mail backend and what Notify's answers mean for the ledger: permanent or worth
retrying. Imports Django, the Notify client and the ledger's model only.

Notify sends one email per address from a template, so a reminder with the officer copied is
one notification per address. Each notification id Notify gives back (its delivery receipt) is
kept on the ledger row as it comes, so a retry after a failure part-way sends only to the
addresses Notify has not yet accepted.
"""

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from tracker.reminders.ledger import Reminder

# Statuses Notify answers that a later attempt may pass: too many requests (the rate limit or
# the daily limit), its own errors; the client reports a timeout or a refused connection as 503.
TEMPORARY_STATUSES = {429, 500, 502, 503, 504}


class NotifyError(Exception):
    """Notify did not accept a message. `permanent`: it will refuse it again (mark it failed);
    `stops_sweep`: the rest of the sweep would fare no better (a bad key, an outage)."""

    permanent = False
    stops_sweep = False


class NotifyRefused(NotifyError):
    """400 (a validation error, such as an address Notify cannot send to) or another 4xx."""

    permanent = True


class NotifyKeyRefused(NotifyRefused):
    """403: the API key is wrong or revoked; every other message would be refused too."""

    stops_sweep = True


class NotifyUnavailable(NotifyError):
    """429, 5xx, a timeout or a refused connection: try again later, with the backoff."""

    stops_sweep = True


def _reason(error: APIError) -> str:
    """Notify's errors as it words them: "ValidationError: email_address Not a valid ..."."""
    message = error.message
    if isinstance(message, list):
        return "; ".join(
            f"{entry.get('error', 'Error')}: {entry.get('message', '')}"
            if isinstance(entry, dict)
            else str(entry)
            for entry in message
        )
    cause = error.__cause__
    if error.response is None and cause is not None:
        return f"{type(cause).__name__} reaching {settings.NOTIFY_BASE_URL}"
    return str(message)


def _classified(error: APIError) -> NotifyError:
    status = error.status_code
    reason = f"Notify answered {status}: {_reason(error)}"
    if error.response is None:
        return NotifyUnavailable(f"Notify could not be reached: {_reason(error)}")
    if status == 403:
        return NotifyKeyRefused(reason)
    if status in TEMPORARY_STATUSES or status >= 500:
        return NotifyUnavailable(reason)
    if 400 <= status < 500:
        return NotifyRefused(reason)
    # A success Notify's client could not read (no JSON): it may have been sent; the ledger's
    # at-least-once rule prefers a retry to a lost reminder.
    return NotifyUnavailable(reason)


class NotifyEmailBackend(BaseEmailBackend):
    """A Django mail backend that hands each message to Notify's API.

    The outbox sends reminders with `send_reminder`, which fills the rule's template with the
    reminder's subject and text and records Notify's ids on the ledger row. Django's own mail
    (`send_messages`) uses NOTIFY_TEMPLATE_ID the same way.
    """

    def __init__(self, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client: NotificationsAPIClient | None = None

    def open(self) -> bool:
        if self.client is not None:
            return False
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY,
            base_url=settings.NOTIFY_BASE_URL,
            timeout=settings.EMAIL_TIMEOUT,
        )
        return True

    def close(self) -> None:
        if self.client is not None:
            self.client.request_session.close()
            self.client = None

    def _send(self, address: str, template_id: str, subject: str, body: str, reference: str):
        self.open()
        try:
            answer = self.client.send_email_notification(
                email_address=address,
                template_id=template_id,
                personalisation={"subject": subject, "body": body},
                reference=reference,
                # None leaves it out of the request: Notify then uses the service's default.
                email_reply_to_id=settings.NOTIFY_REPLY_TO_ID or None,
            )
        except APIError as error:
            raise _classified(error) from error
        if not isinstance(answer, dict) or not answer.get("id"):
            raise NotifyUnavailable(f"Notify's answer named no notification id: {answer!r:.200}")
        return str(answer["id"])

    def send_reminder(self, reminder: Reminder) -> None:
        """Send `reminder` to its recipient, then to each address copied in, skipping any
        address Notify already accepted on an earlier attempt; each id is recorded on the row
        (saved by the outbox, whether this attempt ends well or not)."""
        template_id = settings.NOTIFY_TEMPLATE_IDS[reminder.rule]
        receipts = reminder.delivery_receipts
        for address in [reminder.recipient_email, *reminder.cc]:
            if address in receipts:
                continue
            receipts[address] = self._send(
                address,
                template_id,
                reminder.subject,
                reminder.body_text,
                reference=f"reminder-{reminder.pk}",
            )

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        sent = 0
        for message in email_messages:
            try:
                if not settings.NOTIFY_TEMPLATE_ID:
                    raise NotifyRefused(
                        "Mail other than reminders needs NOTIFY_TEMPLATE_ID to send through Notify."
                    )
                for address in message.recipients():
                    self._send(
                        address, settings.NOTIFY_TEMPLATE_ID, message.subject, message.body, ""
                    )
            except NotifyError:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
