"""A reminder as the bytes a mail server receives over SMTP.

The same message, byte for byte but for its random MIME boundary, that Django's
`EmailMultiAlternatives` builds for it (`outbox._message`, which every other mail backend
still sends): headers in Django's order, parts in Django's encodings. Django reaches it
through the stdlib's generic generator, which folds and re-encodes every header of every
part; that was two thirds of a worker's cost per message on a big day. Here a header that is
ASCII and fits on its line is written as it is (exactly what the generator writes), and
anything else, header or message, goes through Django's own code:

- a header that is not ASCII or too long is encoded and folded by the very functions Django
  uses (`forbid_multi_line_headers`, then the compat32 policy's `fold_binary`);
- a message with an empty part, or a line longer than RFC 5322 allows (which Django sends
  quoted-printable), is built by Django whole.

tests/reminders/test_mime.py compares the two on awkward messages.
"""

import functools
import random
import re
import sys
import time
from email import policy
from email.utils import formatdate

from django.conf import settings
from django.core.mail.message import (
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    forbid_multi_line_headers,
    sanitize_address,
)

from tracker.reminders.ledger import Reminder

_FOLD = policy.compat32.clone(linesep="\r\n")
_MAX_HEADER_LINE = 78  # compat32's max_line_length: the generator folds past it
_LINE_END = re.compile(r"\r\n|\r|\n")  # the generator's, turned into CRLF
_PLAIN = re.compile(r"[ -~]*\Z")  # printable ASCII: written as it is
_BOUNDARY_DIGITS = len(repr(sys.maxsize - 1))


def _header(name: str, value: str) -> bytes:
    if (
        len(name) + 2 + len(value) <= _MAX_HEADER_LINE
        and _PLAIN.match(value)
        and name != "Subject"  # Django re-encodes every subject (`Header(value).encode()`)
    ):
        return f"{name}: {value}\r\n".encode("ascii")
    name, value = forbid_multi_line_headers(name, value, settings.DEFAULT_CHARSET)
    return _FOLD.fold_binary(name, value)


def _subject(value: str) -> bytes:
    # Django encodes an ASCII subject with `Header(value).encode()`, which folds past 76
    # characters; a shorter one comes out as it went in.
    if len("Subject: ") + len(value) <= _MAX_HEADER_LINE and _PLAIN.match(value):
        return f"Subject: {value}\r\n".encode("ascii")
    return _header("Subject", value)


class _Date:
    """`formatdate` as Django calls it, at most once a second."""

    second = None
    text = ""

    @classmethod
    def now(cls) -> str:
        second = int(time.time())
        if second != cls.second:
            cls.second, cls.text = second, formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
        return cls.text


def _part(subtype: str, text: str) -> bytes | None:
    body = _LINE_END.sub("\r\n", text).encode("utf-8", "surrogateescape")
    if not text or any(len(line) > RFC5322_EMAIL_LINE_LENGTH_LIMIT for line in body.split(b"\r\n")):
        return None  # Django sends these quoted-printable, or leaves the part out
    encoding = "7bit" if body.isascii() else "8bit"
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    ).encode("ascii") + body


def message_bytes(reminder: Reminder, reply_to: list[str]) -> bytes | None:
    """The message for `reminder` with CRLF line ends, or None when Django must build it."""
    if settings.DEFAULT_CHARSET != "utf-8":
        return None
    text = _part("plain", reminder.body_text)
    html = _part("html", reminder.body_html)
    if text is None or html is None:
        return None
    boundary = f"{'=' * 15}{random.randrange(sys.maxsize):0{_BOUNDARY_DIGITS}d}==".encode()
    if b"--" + boundary in text or b"--" + boundary in html:
        return None
    head = [
        b'Content-Type: multipart/alternative;\r\n boundary="' + boundary + b'"\r\n',
        b"MIME-Version: 1.0\r\n",
        _subject(reminder.subject),
        _header("From", settings.DEFAULT_FROM_EMAIL),
        _header("To", reminder.recipient_email),
    ]
    if reminder.cc:
        head.append(_header("Cc", ", ".join(reminder.cc)))
    if reply_to:
        head.append(_header("Reply-To", ", ".join(reply_to)))
    head.append(_header("Date", _Date.now()))
    head.append(_header("Message-ID", reminder.message_id))
    delimiter = b"--" + boundary
    return b"".join(
        [
            *head,
            b"\r\n",
            delimiter + b"\r\n",
            text,
            b"\r\n" + delimiter + b"\r\n",
            html,
            b"\r\n" + delimiter + b"--\r\n",
        ]
    )


# A bare ASCII address of dot-atoms, which Django's `sanitize_address` returns unchanged.
_BARE_ADDRESS = re.compile(r"[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\Z")


@functools.lru_cache(maxsize=10_000)
def envelope_address(address: str) -> str:
    """An address as Django's SMTP backend gives it to the server (checked, IDNA-encoded);
    the same few thousand people and the one sender recur all day."""
    if _BARE_ADDRESS.match(address):
        return address
    return sanitize_address(address, settings.DEFAULT_CHARSET)
