"""Delivery in batches on PostgreSQL (`outbox._Batches`): what else must respect a batch that
another worker holds, and where batches are not used. PostgreSQL only: advisory locks."""

import datetime as dt
import smtplib
import threading

import psycopg
import pytest
from django.db import connection

from committees.deferrals import topic_for_item
from committees.models import LONDON, AgendaItem, Deferral
from tests.reminders.test_celery_worker import database_url, make_due_reminders, wait_until
from tracker.reminders import outbox
from tracker.reminders.ledger import Reminder

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def waiting_report_reminder(december, dev):
    """Dev's report for December, its reminder waiting to go, and a deferral of the item."""
    item = AgendaItem.objects.create(
        meeting=december, position=1, title="Libraries", report_author=dev
    )
    made = dt.datetime(2017, 11, 20, 9, 0, tzinfo=LONDON)
    reminder = Reminder.objects.create(
        rule=Reminder.Rule.REPORT_DUE_SOON,
        about=f"item:{item.pk}:due:3:p{dev.pk}",
        for_date=made.date(),
        recipient=dev,
        recipient_email=dev.email,
        subject="Report due soon",
        body_text="Due soon.\n",
        body_html="<p>Due soon.</p>",
        next_attempt_at=made,
        created_at=made,
    )
    deferral = Deferral.objects.create(
        topic=topic_for_item(item),
        agenda_item=item,
        from_meeting=december,
        to_text="a later meeting",
        reason="Awaiting data.",
        created_at=made + dt.timedelta(hours=1),
    )
    return reminder, deferral


def advisory_lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("sent", [True, False], ids=["sent", "send-failed"])
def test_a_deferral_waits_for_the_worker_sending_its_reminder(waiting_report_reminder, sent):
    """As a row lock once made it wait: if the worker sent it, it stays sent; if the send
    failed (the row still pending), the deferral stops it."""
    reminder, deferral = waiting_report_reminder
    stopped = []

    def stop():
        try:
            stopped.append(outbox.stop_report_reminders(deferral))
        finally:
            connection.close()

    with psycopg.connect(database_url(), autocommit=True) as worker:
        worker.execute(
            "SELECT pg_advisory_lock(%s, %s)", [outbox.LOCK_CLASS, reminder.pk]
        )  # a worker's batch holds it
        deferring = threading.Thread(target=stop)
        deferring.start()
        assert wait_until(lambda: advisory_lock_waiters() == 1, timeout=30)
        assert stopped == []
        if sent:
            worker.execute(
                "UPDATE tracker_reminder SET status = 'sent', sent_at = now(), attempts = 1 "
                "WHERE id = %s",
                [reminder.pk],
            )
        worker.execute("SELECT pg_advisory_unlock(%s, %s)", [outbox.LOCK_CLASS, reminder.pk])
        deferring.join(timeout=30)

    reminder.refresh_from_db()
    if sent:
        assert stopped == [0] and reminder.status == Reminder.Status.SENT
    else:
        assert stopped == [1] and reminder.status == Reminder.Status.STOPPED


def test_a_reminder_held_by_another_workers_batch_is_left_to_it(other_committee, dev, mailoutbox):
    make_due_reminders(other_committee, dev, 3)
    first, second, third = Reminder.objects.order_by("next_attempt_at", "id")
    with psycopg.connect(database_url(), autocommit=True) as worker:
        worker.execute("SELECT pg_advisory_lock(%s, %s)", [outbox.LOCK_CLASS, second.pk])
        outcomes = outbox.deliver_due()

    assert [o.reminder.pk for o in outcomes] == [first.pk, third.pk]
    assert Reminder.objects.get(pk=second.pk).status == Reminder.Status.PENDING
    assert outbox.deliver_due()[0].reminder.pk == second.pk  # once that worker let go


def test_behind_a_pooler_in_transaction_mode_each_reminder_is_its_own_transaction(
    other_committee, dev, monkeypatch, mailoutbox
):
    """Told it sits behind PgBouncer in transaction mode (Django's DISABLE_SERVER_SIDE_CURSORS),
    where a session's advisory lock would outlive its use of the connection: no batches."""
    make_due_reminders(other_committee, dev, 3)
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    monkeypatch.setattr(outbox._Batches, "claim", lambda *args: pytest.fail("batched"))

    outcomes = outbox.deliver_due()

    assert [o.delivered for o in outcomes] == [True] * 3
    assert len(mailoutbox) == 3


def test_delivery_on_postgresql_is_in_batches(other_committee, dev, monkeypatch, mailoutbox):
    make_due_reminders(other_committee, dev, 3)
    claimed = []
    claim = outbox._Batches.claim

    def counting(self, moment, count):
        found, reminders = claim(self, moment, count)
        claimed.append(len(reminders))
        return found, reminders

    monkeypatch.setattr(outbox._Batches, "claim", counting)

    assert [o.delivered for o in outbox.deliver_due()] == [True] * 3
    assert claimed == [3, 0]  # all three in one batch, then nothing more is due


def test_a_reminder_stopped_while_its_send_fails_stays_stopped(other_committee, dev, monkeypatch):
    """A batch holds no row lock, so a stop can land while a message is with the mail server
    (modern.gov's sync stops report reminders without asking the outbox): if that send
    then fails, the reminder stays stopped rather than being set to try again."""
    make_due_reminders(other_committee, dev, 1)

    def stopped_then_refused(reminder, connection):
        Reminder.objects.filter(pk=reminder.pk).update(
            status=Reminder.Status.STOPPED, last_error="The meeting moved."
        )
        raise smtplib.SMTPDataError(451, b"try again later")

    monkeypatch.setattr(outbox, "_send", stopped_then_refused)

    [outcome] = outbox.deliver_due()

    assert not outcome.delivered
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.last_error, reminder.attempts) == (
        Reminder.Status.STOPPED,
        "The meeting moved.",
        0,
    )
