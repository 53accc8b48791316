"""Reminders delivered through a real SMTP conversation with a listener in this process.

The listener is a few lines of socketserver speaking just enough SMTP (RFC 5321): it can
accept messages, refuse every recipient with 550, or not be there at all (a closed port).
Offering PIPELINING (RFC 2920) it is strict: it answers MAIL and RCPT only once DATA has
come, so a client that waits for each answer before its next command would hang there.
"""

import datetime as dt
import email
import email.policy
import smtplib
import socket
import socketserver
import threading

import pytest
from django.test import override_settings

from committees.deferrals import defer_item
from committees.models import LONDON, AgendaItem
from tracker.reminders import outbox, pipelining
from tracker.reminders.ledger import Reminder

# Also run on SQLite by make test: the outbox claims and marks reminders with SQL of each database's own.
pytestmark = pytest.mark.sqlite

DEV = "dev.okafor@riverside.example"
PRIYA = "priya.shah@riverside.example"
# The day after the action fell due (Wednesday 10 January 2018), in the morning.
DUE_DAY = dt.datetime(2018, 1, 11, 9, 0, tzinfo=LONDON)


class SMTPHandler(socketserver.StreamRequestHandler):
    """One SMTP session: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    timeout = 10

    def reply(self, text: str, *, hold: bool = False) -> None:
        self.held.append(f"{text}\r\n".encode())
        if not hold:
            self.wfile.write(b"".join(self.held))
            self.wfile.flush()
            self.held = []

    def handle(self):
        server = self.server
        server.connections += 1
        self.held: list[bytes] = []
        self.reply("220 listener.test ESMTP")
        sender, recipients, lines, in_data = None, [], [], False
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if in_data:
                if line == ".":
                    with server.lock:
                        server.messages.append(
                            {"from": sender, "rcpt": recipients, "data": "\r\n".join(lines)}
                        )
                    sender, recipients, lines, in_data = None, [], [], False
                    self.reply("250 2.0.0 queued")
                else:
                    lines.append(line[1:] if line.startswith(".") else line)
                continue
            verb = line.split(" ", 1)[0].split(":", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-listener.test")
                if server.pipelining:
                    self.reply("250-PIPELINING")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 listener.test")
            elif verb == "MAIL":
                sender = line.split(":", 1)[1].split()[0].strip("<>")
                recipients = []
                self.reply("250 2.1.0 ok", hold=server.pipelining)
            elif verb == "RCPT":
                address = line.split(":", 1)[1].split()[0].strip("<>")
                if server.refuse_recipients is True or address in server.refuse_recipients:
                    self.reply("550 5.1.1 mailbox unavailable", hold=server.pipelining)
                else:
                    recipients.append(address)
                    self.reply("250 2.1.5 ok", hold=server.pipelining)
            elif verb == "DATA":
                if server.refuse_next_data:
                    server.refuse_next_data = False
                    self.reply("451 4.3.0 try again later")
                elif not recipients:
                    self.reply("554 5.5.1 no valid recipients")
                else:
                    in_data = True
                    self.reply("354 end data with <CR><LF>.<CR><LF>")
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 2.0.0 ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 bye")
                return
            else:
                self.reply("502 5.5.2 command not recognised")


class Listener(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        port: int,
        *,
        refuse_recipients: bool | set[str] = False,
        pipelining: bool = False,
    ):
        super().__init__(("127.0.0.1", port), SMTPHandler)
        self.messages: list[dict] = []
        self.connections = 0
        self.refuse_recipients = refuse_recipients or set()
        self.refuse_next_data = False
        self.pipelining = pipelining
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def parsed(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_string(m["data"], policy=email.policy.default) for m in self.messages
        ]

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def port():
    number = free_port()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=number,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
    ):
        yield number


@pytest.fixture
def listener(port):
    server = Listener(port)
    yield server
    server.stop()


def action_reminder() -> Reminder:
    return Reminder.objects.get(rule=Reminder.Rule.ACTION_OVERDUE)


def test_an_overdue_action_reminder_goes_over_smtp_once_with_both_parts(listener, overdue_action):
    outbox.sweep(now=DUE_DAY)
    outbox.sweep(now=DUE_DAY + dt.timedelta(minutes=5))  # a second sweep sends nothing again

    reminder = action_reminder()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.attempts == 1
    # The same morning also brings the chair's weekly digest: one message per ledger row.
    assert not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()
    assert len(listener.messages) == Reminder.objects.count()

    ours = [
        (envelope, message)
        for envelope, message in zip(listener.messages, listener.parsed(), strict=True)
        if message["Message-ID"] == reminder.message_id
    ]
    assert len(ours) == 1, "the action reminder went exactly once"
    [(envelope, message)] = ours
    assert sorted(envelope["rcpt"]) == sorted([reminder.recipient_email, *reminder.cc])
    assert envelope["from"] == "scrutiny@localhost"
    assert [m["Message-ID"] for m in listener.parsed() if DEV in (m["To"] or "")] == [
        reminder.message_id
    ]

    assert message["To"] == DEV
    # An overdue action goes to its owner alone: the officer is not copied.
    assert reminder.recipient_email == DEV and reminder.cc == []
    assert message["Cc"] is None
    assert message["Subject"] == reminder.subject
    assert reminder.subject.startswith("Overdue by 1 day: action ")
    assert message["Message-ID"] == reminder.message_id
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Provide figures on placement moves for under-fives" in text
    assert "Provide figures on placement moves for under-fives" in html
    assert text.replace("\r\n", "\n").strip() == reminder.body_text.strip()


def test_a_deferral_email_goes_over_smtp_to_the_author_with_the_officer_copied(
    listener, december, february, dev, django_capture_on_commit_callbacks, set_clock
):
    set_clock(dt.datetime(2017, 12, 12, 21, 30, tzinfo=LONDON))  # just after the meeting
    item = AgendaItem.objects.create(
        meeting=december, position=2, title="Children's Social Care Performance", report_author=dev
    )
    with django_capture_on_commit_callbacks(execute=True):
        defer_item(item, reason="Awaiting the Ofsted letter.", to_meeting=february)

    reminder = Reminder.objects.get(rule=Reminder.Rule.ITEM_DEFERRED)
    assert reminder.status == Reminder.Status.SENT
    [(envelope, message)] = zip(listener.messages, listener.parsed(), strict=True)
    assert sorted(envelope["rcpt"]) == [DEV, PRIYA]
    assert message["To"] == DEV
    assert message["Cc"] == PRIYA
    assert message["Subject"] == reminder.subject
    assert message["Message-ID"] == reminder.message_id
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert "Awaiting the Ofsted letter." in message.get_body(("plain",)).get_content()


def test_with_a_server_offering_pipelining_the_deferral_goes_to_author_and_officer(
    port, december, february, dev, django_capture_on_commit_callbacks, set_clock
):
    listener = Listener(port, pipelining=True)
    set_clock(dt.datetime(2017, 12, 12, 21, 30, tzinfo=LONDON))
    item = AgendaItem.objects.create(
        meeting=december, position=2, title="Children's Social Care Performance", report_author=dev
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            defer_item(item, reason="Awaiting the Ofsted letter.", to_meeting=february)
    finally:
        listener.stop()

    reminder = Reminder.objects.get(rule=Reminder.Rule.ITEM_DEFERRED)
    assert (reminder.status, reminder.attempts) == (Reminder.Status.SENT, 1)
    [(envelope, message)] = zip(listener.messages, listener.parsed(), strict=True)
    assert envelope["from"] == "scrutiny@localhost"
    assert envelope["rcpt"] == [DEV, PRIYA]
    assert message["Message-ID"] == reminder.message_id
    assert message["Cc"] == PRIYA
    text = message.get_body(("plain",)).get_content()
    assert "Children's Social Care Performance" in text
    assert "Why:  Awaiting the Ofsted letter." in text


def test_a_line_of_just_a_dot_arrives_whole_when_pipelined(port, overdue_action):
    # Unquoted, a line holding only "." would end the message there (RFC 5321 4.5.2).
    type(overdue_action).objects.filter(pk=overdue_action.pk).update(title=".")
    listener = Listener(port, pipelining=True)
    try:
        outbox.sweep(now=DUE_DAY)
    finally:
        listener.stop()

    reminder = action_reminder()
    assert reminder.status == Reminder.Status.SENT
    [message] = [m for m in listener.parsed() if m["Message-ID"] == reminder.message_id]
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "\n.\nDue: " in text
    assert text.strip() == reminder.body_text.strip()


def test_a_pipelined_refusal_of_everyone_fails_the_reminder_for_good(port, overdue_action):
    listener = Listener(port, refuse_recipients=True, pipelining=True)
    try:
        outbox.sweep(now=DUE_DAY)
    finally:
        listener.stop()

    reminder = action_reminder()
    assert (reminder.status, reminder.attempts) == (Reminder.Status.FAILED, 1)
    assert reminder.last_error.startswith("SMTPRecipientsRefused: ")
    assert "550" in reminder.last_error
    # The chair's digest was tried after it, and refused the same way.
    assert set(Reminder.objects.values_list("status", "attempts")) == {(Reminder.Status.FAILED, 1)}
    assert Reminder.objects.count() == 2
    assert listener.messages == []


NOBODY = "nobody@riverside.example"


@pytest.fixture
def pipelined_session(port):
    listener = Listener(port, refuse_recipients={NOBODY}, pipelining=True)
    session = smtplib.SMTP("127.0.0.1", port, timeout=5)
    try:
        yield listener, session
    finally:
        session.close()
        listener.stop()


def test_a_pipelined_partial_refusal_reaches_the_rest_and_the_session_goes_on(
    pipelined_session,
):
    listener, session = pipelined_session

    refused = pipelining.sendmail(session, PRIYA, [DEV, NOBODY], b"Subject: one\r\n\r\n1\r\n")
    second = pipelining.sendmail(session, PRIYA, [DEV], b"Subject: two\r\n\r\n2\r\n")

    assert refused == {NOBODY: (550, b"5.1.1 mailbox unavailable")}
    assert second == {}
    assert [(m["rcpt"], m["data"].splitlines()[0]) for m in listener.messages] == [
        ([DEV], "Subject: one"),
        ([DEV], "Subject: two"),
    ]
    assert listener.connections == 1


def test_a_pipelined_message_nobody_may_receive_raises_as_smtplib_and_the_session_goes_on(
    pipelined_session,
):
    listener, session = pipelined_session

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refusal:
        pipelining.sendmail(session, PRIYA, [NOBODY], b"Subject: one\r\n\r\n1\r\n")
    pipelining.sendmail(session, PRIYA, [DEV], b"Subject: two\r\n\r\n2\r\n")

    assert refusal.value.recipients == {NOBODY: (550, b"5.1.1 mailbox unavailable")}
    assert [m["data"].splitlines()[0] for m in listener.messages] == ["Subject: two"]
    assert listener.connections == 1


def test_a_pipelined_data_refusal_raises_as_smtplib_and_the_session_goes_on(pipelined_session):
    listener, session = pipelined_session
    listener.refuse_next_data = True

    with pytest.raises(smtplib.SMTPDataError) as refusal:
        pipelining.sendmail(session, PRIYA, [DEV], b"Subject: one\r\n\r\n1\r\n")
    pipelining.sendmail(session, PRIYA, [DEV], b"Subject: two\r\n\r\n2\r\n")

    assert (refusal.value.smtp_code, refusal.value.smtp_error) == (451, b"4.3.0 try again later")
    assert [m["data"].splitlines()[0] for m in listener.messages] == ["Subject: two"]
    assert listener.connections == 1


def test_a_recipient_refused_with_550_fails_for_good_without_a_retry(port, overdue_action):
    listener = Listener(port, refuse_recipients=True)
    try:
        outbox.sweep(now=DUE_DAY)
        reminder = action_reminder()
        assert reminder.status == Reminder.Status.FAILED
        assert reminder.attempts == 1
        assert "550" in reminder.last_error
        assert reminder.sent_at is None
        # One refused message does not stop the sweep: the chair's digest was tried too.
        assert not Reminder.objects.filter(status=Reminder.Status.PENDING).exists()
        assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}

        # Later sweeps leave a permanent refusal alone: no second conversation with RCPT.
        connections = listener.connections
        outbox.sweep(now=DUE_DAY + dt.timedelta(hours=7))
        outbox.sweep(now=DUE_DAY + dt.timedelta(days=2))
    finally:
        listener.stop()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Reminder.Status.FAILED, 1)
    assert listener.connections == connections
    assert listener.messages == []


def test_a_closed_port_leaves_the_reminder_pending_until_the_server_is_back(port, overdue_action):
    outbox.sweep(now=DUE_DAY)  # nothing listens on the port

    reminder = action_reminder()
    assert reminder.status == Reminder.Status.PENDING
    assert reminder.attempts == 1
    assert reminder.next_attempt_at > DUE_DAY
    assert reminder.last_error
    assert reminder.sent_at is None

    listener = Listener(port)
    try:
        # Before its retry time the reminder waits, even though the server is back.
        outbox.sweep(now=DUE_DAY + dt.timedelta(seconds=1))
        assert [m for m in listener.parsed() if m["Message-ID"] == reminder.message_id] == []
        assert action_reminder().status == Reminder.Status.PENDING

        retry_at = reminder.next_attempt_at
        outbox.sweep(now=retry_at + dt.timedelta(seconds=1))
        outbox.sweep(now=retry_at + dt.timedelta(hours=1))
    finally:
        listener.stop()

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.attempts == 2
    assert reminder.last_error == ""
    [message] = [m for m in listener.parsed() if m["Message-ID"] == reminder.message_id]
    assert message["To"] == DEV
    # Nothing went twice, and everything the ledger holds went once the server was back.
    ids = [m["Message-ID"] for m in listener.parsed()]
    assert len(ids) == len(set(ids)) == Reminder.objects.filter(status="sent").count()
