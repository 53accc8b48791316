"""A busy day's delivery over real SMTP: one session carries many reminders (a new one every
MESSAGES_PER_CONNECTION, and after any failure), each reminder still its own claimed and
committed transaction, and each message the one Django would have built."""

import datetime as dt

import pytest

from committees.models import LONDON
from tests.reminders.test_mime import djangos, same_boundary_and_date
from tests.reminders.test_smtp_delivery import listener, port  # noqa: F401 (fixtures)
from tracker.reminders import outbox, tasks
from tracker.reminders.ledger import Reminder

# Also run on SQLite by make test: the outbox claims and marks reminders with SQL of each database's own.
pytestmark = pytest.mark.sqlite

NOW = dt.datetime(2018, 1, 11, 9, 0, tzinfo=LONDON)


def pending(committee, dev, count: int) -> list[Reminder]:
    return [
        Reminder.objects.create(
            rule=Reminder.Rule.ACTION_OVERDUE,
            recipient=dev,
            recipient_email=dev.email,
            recipient_name=dev.name,
            about=f"action:{n}:overdue",
            for_date=NOW.date(),
            committee=committee,
            subject=f"Overdue by 1 day: action CS (17/18) A{n:02d}",
            body_text=f"Action {n} is overdue.\n",
            body_html=f"<p>Action {n} is overdue.</p>",
            next_attempt_at=NOW - dt.timedelta(minutes=n),
        )
        for n in range(count)
    ]


def test_forty_five_reminders_go_over_three_smtp_sessions_each_once(
    listener,  # noqa: F811
    committee,
    dev,
):
    made = pending(committee, dev, 45)

    outcomes = outbox.deliver_due(NOW)

    assert [o.delivered for o in outcomes] == [True] * 45
    assert listener.connections == 3  # 20, 20 and 5
    parsed = listener.parsed()
    assert sorted(m["Message-ID"] for m in parsed) == sorted(r.message_id for r in made)
    # Oldest first, as claimed; each with the committee officer's Reply-To.
    assert [m["Subject"] for m in parsed] == [r.subject for r in reversed(made)]
    assert {m["Reply-To"] for m in parsed} == {"priya.shah@riverside.example"}
    assert set(Reminder.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert set(Reminder.objects.values_list("sent_at", flat=True)) == {NOW}


def test_each_refused_reminder_closes_its_session_and_fails_alone(
    listener,  # noqa: F811
    committee,
    dev,
):
    pending(committee, dev, 3)
    listener.refuse_recipients = True  # 550 for every recipient: a permanent refusal

    outcomes = outbox.deliver_due(NOW)

    assert [o.delivered for o in outcomes] == [False] * 3
    assert listener.connections == 3  # a failure closes the session; the next opens anew
    assert set(Reminder.objects.values_list("status", "attempts")) == {("failed", 1)}
    assert listener.messages == []


def test_the_message_heard_is_the_one_django_would_have_built(
    listener,  # noqa: F811
    committee,
    dev,
):
    reminder = pending(committee, dev, 1)[0]
    reminder.subject = "Overdue by 1 day: action CS (17/18) A00 for Children\u2019s Services"
    reminder.body_text = "Dear Dev Okafor,\n\nAction CS (17/18) A00 \u2013 1 day overdue.\n"
    reminder.body_html = "<p>Dear Dev Okafor,</p>\n<p>Action \u2013 overdue.</p>"
    reminder.cc = ["priya.shah@riverside.example"]
    reminder.save()

    outbox.deliver_due(NOW)

    [heard] = listener.messages
    assert heard["rcpt"] == ["dev.okafor@riverside.example", "priya.shah@riverside.example"]
    assert "\r\nReply-To: priya.shah@riverside.example\r\n" in heard["data"]
    received = heard["data"].encode() + b"\r\n"
    reminder.refresh_from_db()
    assert received == same_boundary_and_date(received, djangos(reminder))


def test_an_ordinary_sweep_asks_no_other_process_to_help(committee, dev, settings):
    settings.REMINDER_DELIVERY_PROCESSES = 4
    pending(committee, dev, outbox.DUE_PER_HELPER - 1)

    assert outbox.helpers_wanted(NOW) == 0


def test_a_big_day_asks_one_helper_per_hundred_due_up_to_the_processes_spare(
    committee, dev, settings
):
    settings.REMINDER_DELIVERY_PROCESSES = 3
    pending(committee, dev, 250)

    assert outbox.helpers_wanted(NOW) == 2
    # Four hours earlier only ten of them were due (from 04:51 to 05:00, a minute apart).
    assert outbox.helpers_wanted(NOW - dt.timedelta(hours=4)) == 0
    settings.REMINDER_DELIVERY_PROCESSES = 1
    assert outbox.helpers_wanted(NOW) == 0


def test_a_delivery_told_another_moment_sends_what_was_due_then(
    committee,
    dev,
    listener,  # noqa: F811
):
    due, later = pending(committee, dev, 2)
    Reminder.objects.filter(pk=due.pk).update(next_attempt_at=NOW + dt.timedelta(hours=2))
    Reminder.objects.filter(pk=later.pk).update(next_attempt_at=NOW + dt.timedelta(hours=3))

    sent = tasks.deliver.apply(
        kwargs={"now": (NOW + dt.timedelta(hours=2)).isoformat(), "asks_for_help": False}
    ).get()

    assert sent == 1
    assert list(Reminder.objects.order_by("pk").values_list("status", flat=True)) == [
        Reminder.Status.SENT,
        Reminder.Status.PENDING,
    ]


def test_a_moment_given_without_a_zone_is_on_the_councils_clock():
    assert outbox.moment_from_text("2018-07-02T09:00") == dt.datetime(
        2018, 7, 2, 9, 0, tzinfo=LONDON
    )
    assert outbox.moment_from_text("2018-07-02T08:00+00:00").astimezone(LONDON).hour == 9
    with pytest.raises(
        ValueError, match="give an ISO date-time such as 2018-01-16T09:00, not 'soon'"
    ):
        outbox.moment_from_text("soon")
