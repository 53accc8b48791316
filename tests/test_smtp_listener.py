"""Delivery through a real SMTP conversation with a listener on this machine."""

import datetime as dt
import email
import socket
import socketserver
import threading

import pytest
from django.test import override_settings

from actions.models import Action
from committees.models import LONDON, AgendaItem
from tracker import outbox
from tracker.models import Reminder

DEV = "dev.okafor@riverside.example"
DUE_DAY = dt.datetime(2018, 1, 11, 9, 0, tzinfo=LONDON)


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to accept or refuse a message."""

    def reply(self, text):
        self.wfile.write(f"{text}\r\n".encode())

    def handle(self):
        self.reply("220 listener.test ESMTP")
        lines, recipients, in_data = [], [], False
        for raw in self.rfile:
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            if in_data:
                if text == ".":
                    self.server.messages.append(("\r\n".join(lines), recipients))
                    lines, recipients, in_data = [], [], False
                    self.reply("250 2.0.0 queued")
                else:
                    lines.append(text[1:] if text.startswith("..") else text)
                continue
            verb = text[:4].upper()
            if verb == "EHLO":
                self.reply("250-listener.test")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 listener.test")
            elif verb == "RCPT":
                if self.server.refuse:
                    self.reply("550 5.1.1 mailbox unavailable")
                else:
                    recipients.append(text.split(":", 1)[1].strip(" <>"))
                    self.reply("250 2.1.5 ok")
            elif verb == "DATA":
                in_data = True
                self.reply("354 end with <CRLF>.<CRLF>")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RSET, NOOP
                self.reply("250 ok")


class Listener(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, refuse=False):
        super().__init__(("127.0.0.1", port), SMTPHandler)
        self.messages, self.refuse = [], refuse
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def to(self, address):
        """Messages for `address` (the chair's digest also goes on the same morning)."""
        return [(raw, rcpts) for raw, rcpts in self.messages if address in rcpts]

    def stop(self):
        self.shutdown()
        self.server_close()


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
        EMAIL_TIMEOUT=5,
    ):
        yield number


@pytest.fixture
def overdue_action(december, dev):
    item = AgendaItem.objects.create(meeting=december, number=72, title="Adoption and Permanency")
    return Action.objects.create(
        agenda_item=item, title="Send the numbers round", owner=dev, due_date=dt.date(2018, 1, 10)
    )


def test_it_delivers_a_reminder_over_smtp_with_both_parts(port, overdue_action):
    listener = Listener(port)
    try:
        outbox.sweep(DUE_DAY)
    finally:
        listener.stop()
    reminder = Reminder.objects.get(rule="action_overdue")
    assert reminder.status == "sent"
    [(raw, recipients)] = listener.to(DEV)
    assert recipients == [DEV]
    message = email.message_from_string(raw)
    assert (
        message["Subject"] == "Overdue by 1 day: action CS (17/18) A01 for Children's Services O&S"
    )
    assert message["Message-ID"] == reminder.message_id
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]


def test_a_permanent_refusal_is_marked_failed_and_not_retried(port, overdue_action):
    listener = Listener(port, refuse=True)
    try:
        outbox.sweep(DUE_DAY)
        outbox.sweep(DUE_DAY + dt.timedelta(days=1))
    finally:
        listener.stop()
    reminder = Reminder.objects.get(rule="action_overdue")
    assert (reminder.status, reminder.attempts) == ("failed", 1)
    assert "550" in reminder.last_error
    assert listener.to(DEV) == []


def test_a_server_that_was_down_gets_the_reminder_once_it_is_back(port, overdue_action):
    outbox.sweep(DUE_DAY)  # nothing listens on the port yet
    reminder = Reminder.objects.get(rule="action_overdue")
    assert (reminder.status, reminder.attempts) == ("pending", 1)
    assert reminder.next_attempt_at > DUE_DAY
    assert "Connection" in reminder.last_error or "refused" in reminder.last_error.lower()

    listener = Listener(port)
    try:
        outbox.sweep(DUE_DAY + dt.timedelta(minutes=1))  # too early for the retry
        assert listener.to(DEV) == []
        outbox.sweep(reminder.next_attempt_at + dt.timedelta(seconds=1))
        outbox.sweep(reminder.next_attempt_at + dt.timedelta(minutes=10))
    finally:
        listener.stop()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 2)
    assert len(listener.to(DEV)) == 1
