"""The SMTP outbox writes each reminder's message itself (tracker/reminders/mime.py): it must
be, byte for byte but for the random MIME boundary, what Django's EmailMultiAlternatives
makes of the same reminder, including for the awkward ones."""

import datetime as dt
import re

import pytest
from django.core.mail.message import sanitize_address

from tracker.reminders import mime, outbox
from tracker.reminders.ledger import Reminder

CASES = {
    "plain": {
        "subject": "Overdue by 3 days: action CS (17/18) A04 for Children's O&S",
        "body_text": "Dear Dev,\n\nAction CS (17/18) A04 is 3 days overdue.\n",
        "body_html": "<p>Dear Dev,</p>\n<p>Overdue.</p>\n",
    },
    "subject that just fits on its line": {"subject": "S" * 69},
    "subject one character longer, folded": {"subject": "S" * 70},
    "long subject of words, folded": {"subject": "word " * 40},
    "subject and bodies not ASCII": {
        "subject": "Siân\u2019s report \u2013 due in 3 working days",
        "body_text": "Dear Siân,\n£5 — ok\n",
        "body_html": "<p>Siân \u2013 £5</p>",
    },
    "subject looking like an encoded word": {"subject": "=?utf-8?q?x?= and more"},
    "line ends of every kind, dots and From": {
        "body_text": "x\r\ny\rz\n.\n.dot\nFrom here\n",
        "body_html": "<p>x</p>\n\n",
    },
    "copied to two": {"cc": ["priya.shah@riverside.example", "kim.lee@riverside.example"]},
    "copied to a name not ASCII": {"cc": ["Zoë Brown <zoe@riverside.example>"]},
    "a display name in To": {"recipient_email": "Dev Okafor <dev.okafor@riverside.example>"},
}


def reminder(**fields) -> Reminder:
    values = {
        "pk": 4012,
        "for_date": dt.date(2018, 1, 11),
        "recipient_email": "dev.okafor@riverside.example",
        "subject": "Overdue by 1 day: action CS (17/18) A04",
        "body_text": "Action CS (17/18) A04 is 1 day overdue.\n",
        "body_html": "<p>Action CS (17/18) A04 is 1 day overdue.</p>",
        "cc": [],
    }
    return Reminder(**{**values, **fields})


def djangos(r: Reminder, reply_to: list[str] | None = None) -> bytes:
    """Django's message for the reminder (Reply-To its committee's officer, unless given)."""
    message = outbox._message(r, connection=None)
    if reply_to is not None:
        message.reply_to = reply_to
    return message.message().as_bytes(linesep="\r\n")


def same_boundary_and_date(ours: bytes, theirs: bytes) -> bytes:
    boundary = re.search(rb'boundary="([^"]+)"', ours).group(1)
    other = re.search(rb'boundary="([^"]+)"', theirs).group(1)
    date = re.search(rb"\r\nDate: [^\r]*\r\n", ours).group(0)
    theirs = re.sub(rb"\r\nDate: [^\r]*\r\n", date.replace(b"\\", b"\\\\"), theirs)
    return theirs.replace(other, boundary)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(
    "reply_to", [[], ["priya.shah@riverside.example"], ["Zoë Brown <zoe@riverside.example>"]]
)
def test_the_message_is_djangos_byte_for_byte(case, reply_to):
    r = reminder(**CASES[case])

    ours = mime.message_bytes(r, reply_to)

    assert ours is not None
    assert ours == same_boundary_and_date(ours, djangos(r, reply_to))
    assert b"\r\nMessage-ID: <reminder-4012-20180111@scrutiny-tracker>\r\n" in ours


@pytest.mark.parametrize(
    "fields",
    [
        {"body_text": "a" * 999 + "\n"},  # past RFC 5322's line limit: Django sends it QP
        {"body_html": "<p>" + "é" * 500 + "</p>"},  # 1,007 bytes on one line
        {"body_html": ""},  # Django leaves an empty part out
    ],
)
def test_what_django_encodes_differently_is_left_to_django(fields):
    assert mime.message_bytes(reminder(**fields), []) is None


@pytest.mark.parametrize(
    "address",
    [
        "dev.okafor@riverside.example",
        "Dev.Okafor+tracker@Riverside.Example",
        "Scrutiny tracker <scrutiny@localhost>",
        "Zoë Brown <zoe@riverside.example>",
        "zoe@rîverside.example",
    ],
)
def test_envelope_addresses_are_djangos(address):
    assert mime.envelope_address(address) == sanitize_address(address, "utf-8")
