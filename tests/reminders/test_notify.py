"""Reminders sent through GOV.UK Notify (EMAIL_BACKEND=notify), never the real service.

A small HTTP server in this process answers POST /v2/notifications/email as Notify's API is
documented to: 201 with the notification's id; 400 ValidationError; 403 AuthError when the
bearer token is not signed with a key it knows; 429 RateLimitError; 500. It checks the JWT
the client signs with the API key (HS256, `iss` the service id, `iat` now) and records what
was sent, so the tests see exactly what Notify would.
"""

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from django.core import mail
from django.test import override_settings

from committees.deferrals import defer_item
from committees.exemption import make_exempt
from committees.models import LONDON, AgendaItem
from tracker.reminders import outbox
from tracker.reminders.ledger import Reminder
from tracker.reminders.notify import NotifyRefused

DEV = "dev.okafor@riverside.example"
PRIYA = "priya.shah@riverside.example"
ALAN = "alan.marsh@riverside.example"
DUE_DAY = dt.datetime(2018, 1, 11, 9, 0, tzinfo=LONDON)  # the day after the action fell due

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"riverside_live-{SERVICE_ID}-{SECRET}"
WRONG_KEY = f"riverside_live-{SERVICE_ID}-0b8f1c1e-7c3e-4c83-9b1c-2a52d4c1d3a9"
TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
OVERDUE_TEMPLATE = "9c4c3f8e-1f7a-4c38-a2a5-6f0d1d0b7e21"
REPLY_TO = "8e3a6a0b-5c1d-4f2e-9a7b-3c6d1e2f4a5b"  # a reply-to address set up in the service

ROOT = Path(__file__).resolve().parent.parent.parent


def notify_error(status: int, error: str, message: str) -> tuple[int, dict]:
    return status, {"status_code": status, "errors": [{"error": error, "message": message}]}


INVALID_ADDRESS = notify_error(400, "ValidationError", "email_address Not a valid email address")
RATE_LIMITED = notify_error(
    429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"
)
SERVER_ERROR = notify_error(500, "Exception", "Internal server error")


class NotifyHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output quiet
        pass

    def answer(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self):
        server = self.server
        data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/v2/notifications/email":
            self.answer(*notify_error(404, "BadRequestError", "Resource not found"))
            return
        if server.hold is not None:
            server.hold.wait(timeout=10)  # a Notify that does not answer in time
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        try:
            claims = jwt.decode(token, key=SECRET, algorithms=["HS256"])
        except jwt.InvalidTokenError:
            claims = None
        if scheme != "Bearer" or not claims or claims.get("iss") != SERVICE_ID:
            self.answer(*notify_error(403, "AuthError", "Invalid token: API key not found"))
            return
        assert abs(claims["iat"] - time.time()) < 30, "Notify refuses a token not issued now"
        with server.lock:
            server.received.append({"claims": claims, **data})
            scripted = server.script.pop(0) if server.script else None
        if callable(scripted):
            scripted = scripted(data)
        if scripted is not None:
            self.answer(*scripted)
            return
        notification_id = str(uuid.uuid4())
        with server.lock:
            server.accepted.append((data["email_address"], notification_id))
        self.answer(
            201,
            {
                "id": notification_id,
                "reference": data.get("reference"),
                "content": {
                    "subject": data["personalisation"]["subject"],
                    "body": data["personalisation"]["body"],
                    "from_email": "riverside.scrutiny@notifications.service.gov.uk",
                },
                "uri": f"https://api.notifications.service.gov.uk/v2/notifications/{notification_id}",
                "template": {
                    "id": data["template_id"],
                    "version": 1,
                    "uri": f"https://api.notifications.service.gov.uk/v2/template/{data['template_id']}",
                },
            },
        )


class FakeNotify(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), NotifyHandler)
        self.received: list[dict] = []
        self.accepted: list[tuple[str, str]] = []
        # Answers for the next requests in turn: (status, body), a callable of the request
        # body returning one (or None for the usual 201), or None for the usual 201.
        self.script: list = []
        self.hold: threading.Event | None = None
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def to(self, address: str) -> list[dict]:
        return [r for r in self.received if r["email_address"] == address]

    def stop(self) -> None:
        if self.hold is not None:
            self.hold.set()
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)


def notify_settings(base_url: str, *, api_key: str = API_KEY, **extra):
    templates = dict.fromkeys([rule.value for rule in Reminder.Rule], TEMPLATE) | {
        Reminder.Rule.ACTION_OVERDUE.value: OVERDUE_TEMPLATE
    }
    return override_settings(
        EMAIL_BACKEND="tracker.reminders.notify.NotifyEmailBackend",
        NOTIFY_API_KEY=api_key,
        NOTIFY_BASE_URL=base_url,
        NOTIFY_TEMPLATE_ID=TEMPLATE,
        NOTIFY_TEMPLATE_IDS=templates,
        EMAIL_TIMEOUT=2,
        **extra,
    )


@pytest.fixture
def notify():
    server = FakeNotify()
    with notify_settings(server.url):
        yield server
    server.stop()


def action_reminder() -> Reminder:
    return Reminder.objects.get(rule=Reminder.Rule.ACTION_OVERDUE)


def digest() -> Reminder:
    return Reminder.objects.get(rule=Reminder.Rule.CHAIR_DIGEST)


def test_an_overdue_action_reminder_goes_through_notify_once_with_its_receipt_kept(
    notify, overdue_action
):
    outbox.sweep(now=DUE_DAY)
    outbox.sweep(now=DUE_DAY + dt.timedelta(minutes=5))  # a second sweep sends nothing again

    reminder = action_reminder()
    assert (reminder.status, reminder.attempts, reminder.last_error) == ("sent", 1, "")
    [request] = notify.to(DEV)
    assert request["template_id"] == OVERDUE_TEMPLATE  # the rule's own template
    assert request["personalisation"] == {
        "subject": reminder.subject,
        "body": reminder.body_text,
    }
    assert reminder.subject.startswith("Overdue by 1 day: action ")
    assert (
        "Provide figures on placement moves for under-fives" in request["personalisation"]["body"]
    )
    assert request["reference"] == f"reminder-{reminder.pk}"
    assert request["claims"]["iss"] == SERVICE_ID
    assert "email_reply_to_id" not in request  # unset: Notify uses the service's default
    [(_, notification_id)] = [a for a in notify.accepted if a[0] == DEV]
    assert reminder.delivery_receipts == {DEV: notification_id}
    # The chair's digest of the same morning uses the template for every rule, and Notify
    # sends one email per address: the chair, then the officer copied in.
    assert [r["email_address"] for r in notify.received] == [DEV, ALAN, PRIYA]
    assert notify.to(ALAN)[0]["template_id"] == TEMPLATE
    assert set(digest().delivery_receipts) == {ALAN, PRIYA}
    assert digest().status == Reminder.Status.SENT
    assert mail.outbox == []  # nothing went any other way


def test_an_address_notify_cannot_send_to_fails_for_good_with_notifys_reason(
    notify, overdue_action
):
    notify.script = [INVALID_ADDRESS]
    outbox.sweep(now=DUE_DAY)
    outbox.sweep(now=DUE_DAY + dt.timedelta(hours=7))
    outbox.sweep(now=DUE_DAY + dt.timedelta(days=2))

    reminder = action_reminder()
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.attempts == 1
    assert reminder.last_error == (
        "NotifyRefused: Notify answered 400: ValidationError: "
        "email_address Not a valid email address"
    )
    assert reminder.delivery_receipts == {}
    assert reminder.sent_at is None
    assert len(notify.to(DEV)) == 1  # never tried again
    # One refused address does not stop the sweep: the digest still went.
    assert digest().status == Reminder.Status.SENT


def test_a_key_notify_does_not_know_fails_the_reminder_and_stops_the_sweep(overdue_action):
    server = FakeNotify()
    try:
        with notify_settings(server.url, api_key=WRONG_KEY):
            outbox.sweep(now=DUE_DAY)
    finally:
        server.stop()

    first, second = Reminder.objects.order_by("next_attempt_at", "pk")
    assert first.status == Reminder.Status.FAILED
    assert first.attempts == 1
    assert first.last_error == (
        "NotifyKeyRefused: Notify answered 403: AuthError: Invalid token: API key not found"
    )
    # Every other message would be refused too: the rest wait, untried, for a good key.
    assert (second.status, second.attempts) == (Reminder.Status.PENDING, 0)
    assert server.received == []


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (
            RATE_LIMITED,
            "NotifyUnavailable: Notify answered 429: RateLimitError: Exceeded rate limit for "
            "key type LIVE of 3000 requests per 60 seconds",
        ),
        (SERVER_ERROR, "NotifyUnavailable: Notify answered 500: Exception: Internal server error"),
    ],
)
def test_a_rate_limit_or_a_server_error_retries_with_the_backoff(
    notify, overdue_action, answer, error
):
    notify.script = [answer]
    outbox.sweep(now=DUE_DAY)

    reminder = action_reminder()
    assert (reminder.status, reminder.attempts, reminder.last_error) == ("pending", 1, error)
    assert reminder.next_attempt_at > DUE_DAY
    # The rest of the sweep waits rather than meet the same answer.
    assert (digest().status, digest().attempts) == ("pending", 0)

    outbox.sweep(now=DUE_DAY + dt.timedelta(seconds=1))  # before its retry time: nothing
    assert len(notify.to(DEV)) == 1
    outbox.sweep(now=reminder.next_attempt_at + dt.timedelta(seconds=1))

    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.last_error) == ("sent", 2, "")
    assert len(notify.to(DEV)) == 2
    assert reminder.delivery_receipts == {DEV: dict(notify.accepted)[DEV]}
    # The digest, waiting since the morning, went first; everything went exactly once.
    assert [a for a, _ in notify.accepted] == [ALAN, PRIYA, DEV]


def test_notify_out_of_reach_leaves_the_reminder_pending_until_it_is_back(overdue_action):
    server = FakeNotify()
    url = server.url
    server.stop()  # nothing listens there now: the connection is refused
    with notify_settings(url):
        outbox.sweep(now=DUE_DAY)
    reminder = action_reminder()
    assert (reminder.status, reminder.attempts) == ("pending", 1)
    assert reminder.last_error == (
        f"NotifyUnavailable: Notify could not be reached: ConnectionError reaching {url}"
    )
    assert reminder.next_attempt_at > DUE_DAY


def test_notify_too_slow_to_answer_is_retried_later(notify, overdue_action):
    notify.hold = threading.Event()
    with override_settings(EMAIL_TIMEOUT=1):
        outbox.sweep(now=DUE_DAY)
    notify.hold.set()
    reminder = action_reminder()
    assert (reminder.status, reminder.attempts) == ("pending", 1)
    assert reminder.last_error == (
        f"NotifyUnavailable: Notify could not be reached: ReadTimeout reaching {notify.url}"
    )


def test_a_copy_that_fails_is_retried_alone_so_the_recipient_gets_one_email(
    notify, december, february, dev, django_capture_on_commit_callbacks, set_clock
):
    set_clock(dt.datetime(2017, 12, 12, 21, 30, tzinfo=LONDON))  # just after the meeting
    item = AgendaItem.objects.create(
        meeting=december, position=2, title="Children's Social Care Performance", report_author=dev
    )
    notify.script = [None, SERVER_ERROR]  # the author's goes, the officer's copy does not
    with django_capture_on_commit_callbacks(execute=True):
        defer_item(item, reason="Awaiting the Ofsted letter.", to_meeting=february)

    reminder = Reminder.objects.get(rule=Reminder.Rule.ITEM_DEFERRED)
    assert (reminder.status, reminder.attempts) == ("pending", 1)
    assert list(reminder.delivery_receipts) == [DEV]

    outbox.deliver_due(now=reminder.next_attempt_at + dt.timedelta(seconds=1))
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 2)
    assert [r["email_address"] for r in notify.received] == [DEV, PRIYA, PRIYA]
    assert reminder.delivery_receipts == dict(notify.accepted)
    assert len(notify.to(DEV)) == 1


def test_an_exempt_item_reaches_notify_by_its_public_title_only(
    notify, december, february, dev, priya, django_capture_on_commit_callbacks, set_clock
):
    set_clock(dt.datetime(2017, 12, 12, 21, 30, tzinfo=LONDON))
    item = AgendaItem.objects.create(
        meeting=december,
        position=3,
        title="Closure of Elm House children's home",
        report_author=dev,
    )
    make_exempt(item, paragraph=3, public_title="A residential care contract", by=priya.user)
    with django_capture_on_commit_callbacks(execute=True):
        defer_item(item, reason="Awaiting legal advice on Elm House.", to_meeting=february)

    assert [r["email_address"] for r in notify.received] == [DEV, PRIYA]
    for request in notify.received:
        sent = json.dumps(request["personalisation"])
        assert "A residential care contract" in request["personalisation"]["subject"]
        assert "Elm House" not in request["personalisation"]["subject"]
        assert "Closure of Elm House" not in sent


def test_djangos_own_mail_goes_through_notify_with_the_template_for_every_rule(notify):
    sent = mail.send_mail(
        "Password reset", "Follow the link to reset it.", None, ["lee.hart@riverside.example"]
    )

    assert sent == 1
    [request] = notify.received
    assert request["email_address"] == "lee.hart@riverside.example"
    assert request["template_id"] == TEMPLATE
    assert request["personalisation"] == {
        "subject": "Password reset",
        "body": "Follow the link to reset it.",
    }


def test_djangos_own_mail_refused_by_notify_raises_unless_told_to_fail_silently(notify):
    notify.script = [INVALID_ADDRESS, INVALID_ADDRESS]
    with pytest.raises(NotifyRefused, match="Notify answered 400: ValidationError"):
        mail.send_mail("Password reset", "Follow the link.", None, ["not-an-address"])
    assert (
        mail.send_mail(
            "Password reset", "Follow the link.", None, ["not-an-address"], fail_silently=True
        )
        == 0
    )


def test_with_a_reply_to_id_every_email_names_it_for_notify(notify, overdue_action):
    with override_settings(NOTIFY_REPLY_TO_ID=REPLY_TO):
        outbox.sweep(now=DUE_DAY)
        mail.send_mail("Password reset", "Follow the link.", None, ["lee.hart@riverside.example"])

    # The overdue reminder, the chair's digest and its copy, and Django's own mail.
    assert [(r["email_address"], r["email_reply_to_id"]) for r in notify.received] == [
        (DEV, REPLY_TO),
        (ALAN, REPLY_TO),
        (PRIYA, REPLY_TO),
        ("lee.hart@riverside.example", REPLY_TO),
    ]
    assert action_reminder().status == Reminder.Status.SENT


# --- Settings: EMAIL_BACKEND=notify refuses to start without what it needs ------------------


def start(**env: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        **env,
    }
    script = "import django; django.setup(); from django.conf import settings as s; print(s.NOTIFY_TEMPLATE_IDS['chair_digest'])"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def refusal(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout
    return (
        result.stderr.strip()
        .splitlines()[-1]
        .removeprefix("django.core.exceptions.ImproperlyConfigured: ")
    )


def test_notify_without_an_api_key_stops_the_start():
    assert refusal(start(EMAIL_BACKEND="notify", NOTIFY_TEMPLATE_ID=TEMPLATE)) == (
        "EMAIL_BACKEND=notify needs NOTIFY_API_KEY: the API key from the Notify service's API "
        "integration page."
    )


def test_a_malformed_api_key_stops_the_start_without_repeating_it():
    message = refusal(
        start(EMAIL_BACKEND="notify", NOTIFY_API_KEY="secret-123", NOTIFY_TEMPLATE_ID=TEMPLATE)
    )
    assert message == (
        "NOTIFY_API_KEY is not a Notify API key: copy the whole key (its name, then the service "
        "id and the secret key) from the service's API integration page."
    )


def test_notify_without_a_template_for_every_rule_names_the_missing_ones():
    every_but_two = {
        f"NOTIFY_TEMPLATE_ID_{rule.upper()}": TEMPLATE
        for rule in Reminder.Rule.values
        if rule not in ("chair_digest", "response_due")
    }
    assert refusal(start(EMAIL_BACKEND="notify", NOTIFY_API_KEY=API_KEY, **every_but_two)) == (
        "EMAIL_BACKEND=notify needs NOTIFY_TEMPLATE_ID (one template for every reminder) or a "
        "template for each rule; none for: NOTIFY_TEMPLATE_ID_CHAIR_DIGEST, "
        "NOTIFY_TEMPLATE_ID_RESPONSE_DUE"
    )


def test_a_template_id_that_is_not_an_id_stops_the_start():
    assert refusal(
        start(EMAIL_BACKEND="notify", NOTIFY_API_KEY=API_KEY, NOTIFY_TEMPLATE_ID="welcome")
    ) == (
        "NOTIFY_TEMPLATE_ID must be an id such as f33517ff-2a88-4f6e-b855-c550268ce08a, not 'welcome'"
    )


def test_a_reply_to_id_that_is_not_an_id_stops_the_start():
    assert refusal(
        start(
            EMAIL_BACKEND="notify",
            NOTIFY_API_KEY=API_KEY,
            NOTIFY_TEMPLATE_ID=TEMPLATE,
            NOTIFY_REPLY_TO_ID="scrutiny@riverside.example",
        )
    ) == (
        "NOTIFY_REPLY_TO_ID must be an id such as f33517ff-2a88-4f6e-b855-c550268ce08a, not "
        "'scrutiny@riverside.example'"
    )


def test_a_reply_to_id_is_read_at_start():
    script = "import django; django.setup(); from django.conf import settings as s; print(s.NOTIFY_REPLY_TO_ID)"
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "NOTIFY_REPLY_TO_ID": REPLY_TO.upper(),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == REPLY_TO  # read as Notify writes ids: lower case


def test_a_rules_own_template_wins_over_the_one_for_every_rule():
    result = start(
        EMAIL_BACKEND="notify",
        NOTIFY_API_KEY=API_KEY,
        NOTIFY_TEMPLATE_ID=TEMPLATE,
        NOTIFY_TEMPLATE_ID_CHAIR_DIGEST=OVERDUE_TEMPLATE,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == OVERDUE_TEMPLATE


def test_the_settings_know_every_rule_of_the_ledger():
    from django.conf import settings

    assert list(settings.NOTIFY_RULES) == Reminder.Rule.values
