"""A whole term of the demo committees, one day at a time, by moving the clock.

Each day is swept twice: at 07:30 UTC, which is 08:30 in summer (British Summer Time,
reminders go) and 07:30 in winter (too early, they wait), and at 09:00 London time. The
exact list of emails sent is in tests/reminders/expected/term_reminders.txt, checked by hand: the
Christmas bank holidays move the January deadline to 30 December, scheduled reminders wait
for a working day (Boxing Day's substitute Monday, Good Friday and Easter Monday push theirs
to the next working morning), the weekly digests go on Mondays, and the change to and from
summer time moves which of the two daily sweeps sends.
"""

import datetime as dt
import io
from pathlib import Path

from django.core import mail
from django.core.management import call_command

from committees.models import LONDON
from tests.builders import world_built_once_per_module
from tracker.reminders import outbox

EXPECTED = Path(__file__).parent / "expected" / "term_reminders.txt"
UTC = dt.UTC

TERMS = [
    # Winter into summer time: Christmas, the Easter weekend and 28 March 2027.
    (dt.date(2026, 11, 23), dt.date(2027, 4, 9)),
    # Summer back into winter time on 31 October 2027.
    (dt.date(2027, 10, 25), dt.date(2027, 11, 5)),
]


def days(start: dt.date, end: dt.date):
    while start <= end:
        yield start
        start += dt.timedelta(days=1)


def line(moment: dt.datetime, message) -> str:
    headers = dict(message.extra_headers)
    copies = f" cc {','.join(message.cc)}" if message.cc else ""
    assert headers["Message-ID"].startswith("<reminder-")
    return f"{moment.astimezone(LONDON):%Y-%m-%d %H:%M %Z} to {','.join(message.to)}{copies}: {message.subject}"


def demo_swept_for_a_term() -> list[str]:
    """The demo's slice as written (the term below is the one it was written for), swept
    through the term once; what was sent. Built once for the module: it takes seconds."""
    call_command("load_demo", "--today=2026-11-22", stdout=io.StringIO())
    return run_term()


def run_term() -> list[str]:
    sent = []
    for start, end in TERMS:
        for day in days(start, end):
            for moment in (
                dt.datetime.combine(day, dt.time(7, 30), tzinfo=UTC),
                dt.datetime.combine(day, dt.time(9, 0), tzinfo=LONDON),
            ):
                before = len(mail.outbox)
                outbox.sweep(moment)
                sent.extend(line(moment, message) for message in mail.outbox[before:])
    return sent


swept_as_built, world = world_built_once_per_module(demo_swept_for_a_term)


def test_a_term_of_the_demo_committees_sends_exactly_these_emails(world):
    assert world == EXPECTED.read_text(encoding="utf-8").splitlines()


def test_sweeping_the_term_again_sends_nothing_more(world):
    mail.outbox.clear()
    assert run_term() == []
