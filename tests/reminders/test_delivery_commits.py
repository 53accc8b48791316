"""Delivery's commits on PostgreSQL: each reminder claimed under its row lock in its own
transaction, so a row another transaction holds is skipped and a stop racing a send waits
for it; and which marks wait for the disk (`outbox.deliver_due`)."""

import datetime as dt
import smtplib
import threading

import psycopg
import pytest
from django.db import ProgrammingError, connection, transaction

from committees.deferrals import topic_for_item
from committees.models import LONDON, AgendaItem, Deferral
from tests.reminders.test_celery_worker import database_url, make_due_reminders, wait_until
from tracker.moderngov.sync import stop_waiting_reminders
from tracker.reminders import outbox
from tracker.reminders.ledger import Reminder

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks, WAL: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

MADE = dt.datetime(2017, 11, 20, 9, 0, tzinfo=LONDON)


def waiting_reminder(item, author, minutes: int, subject: str) -> Reminder:
    """A report-due reminder for `item`, waiting to go `minutes` after MADE."""
    return Reminder.objects.create(
        rule=Reminder.Rule.REPORT_DUE_SOON,
        about=f"item:{item.pk}:due:3:p{author.pk}",
        for_date=MADE.date(),
        recipient=author,
        recipient_email=author.email,
        subject=subject,
        body_text="Due soon.\n",
        body_html="<p>Due soon.</p>",
        next_attempt_at=MADE + dt.timedelta(minutes=minutes),
        created_at=MADE,
    )


def report_reminder(meeting, author, minutes: int) -> tuple[Reminder, Deferral]:
    """A report reminder waiting to go for an item of `meeting`, and a deferral of the item."""
    item = AgendaItem.objects.create(
        meeting=meeting, position=1, title=f"Report for {meeting.date}", report_author=author
    )
    reminder = waiting_reminder(item, author, minutes, f"Report due soon for {meeting.date}")
    deferral = Deferral.objects.create(
        topic=topic_for_item(item),
        agenda_item=item,
        from_meeting=meeting,
        to_text="a later meeting",
        reason="Awaiting data.",
        created_at=MADE + dt.timedelta(hours=1),
    )
    return reminder, deferral


STOPS = {
    "modern.gov sync": lambda meeting, deferral: stop_waiting_reminders(
        meeting, "The meeting moved."
    ),
    "deferral": lambda meeting, deferral: outbox.stop_report_reminders(deferral),
}


def lock_waiters() -> int:
    """Asked on a connection of its own: inside a transaction (the send's) pg_stat_activity
    is read once and then stays as it was."""
    with psycopg.connect(database_url(), autocommit=True) as watcher:
        return watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        ).fetchone()[0]


def send_stopping(monkeypatch, stop, *, wait_for_block: bool):
    """Patch the send so that the first message's send starts `stop` on another connection, in
    a thread, and returns only once that stop waits on a lock (or, if not expected to wait,
    has finished). Returns the stop's results and the thread."""
    send = outbox._send
    stopped: list[int] = []
    threads: list[threading.Thread] = []

    def stop_elsewhere():
        try:
            stopped.append(stop())
        finally:
            connection.close()

    def sending(reminder, mail):
        if not threads:
            threads.append(threading.Thread(target=stop_elsewhere))
            threads[0].start()
            if wait_for_block:
                assert wait_until(lambda: lock_waiters() == 1, timeout=30)
                assert stopped == []  # still waiting for this message's row
            else:
                threads[0].join(timeout=30)
                assert stopped == [1]
        send(reminder, mail)

    monkeypatch.setattr(outbox, "_send", sending)
    return stopped, threads


@pytest.mark.parametrize("stop", STOPS.values(), ids=STOPS.keys())
def test_a_stop_of_the_reminder_being_sent_waits_and_leaves_it_sent(
    december, dev, monkeypatch, mailoutbox, stop
):
    reminder, deferral = report_reminder(december, dev, 0)
    stopped, threads = send_stopping(
        monkeypatch, lambda: stop(december, deferral), wait_for_block=True
    )

    [outcome] = outbox.deliver_due()
    threads[0].join(timeout=30)

    assert outcome.delivered and len(mailoutbox) == 1
    assert stopped == [0]  # it found the row sent once the send's transaction committed
    reminder.refresh_from_db()
    assert (reminder.status, reminder.last_error) == (Reminder.Status.SENT, "")


@pytest.mark.parametrize("stop", STOPS.values(), ids=STOPS.keys())
def test_a_reminder_stopped_while_another_is_being_sent_is_never_sent(
    december, february, dev, monkeypatch, mailoutbox, stop
):
    first, _ = report_reminder(december, dev, 0)
    second, second_deferral = report_reminder(february, dev, 1)
    stopped, _ = send_stopping(
        monkeypatch, lambda: stop(february, second_deferral), wait_for_block=False
    )

    outcomes = outbox.deliver_due()

    assert [o.reminder.pk for o in outcomes] == [first.pk]
    assert [m.subject for m in mailoutbox] == [first.subject]
    assert stopped == [1]
    statuses = dict(Reminder.objects.values_list("pk", "status"))
    assert statuses == {first.pk: Reminder.Status.SENT, second.pk: Reminder.Status.STOPPED}


def test_a_stop_of_both_while_the_first_is_sent_never_ends_sent_over_stopped(
    december, dev, monkeypatch, mailoutbox
):
    """The meeting moved while its first report reminder is with the mail server: the stop
    waits for that one and leaves it sent; each reminder ends sent (and mailed once) or
    stopped (and never mailed), whichever way the stop and the next claim meet."""
    first, _ = report_reminder(december, dev, 0)
    second_item = AgendaItem.objects.create(meeting=december, position=2, title="Second report")
    second = waiting_reminder(second_item, dev, 1, "Second report due soon")
    stopped, threads = send_stopping(
        monkeypatch, lambda: stop_waiting_reminders(december, "Moved."), wait_for_block=True
    )

    outbox.deliver_due()
    threads[0].join(timeout=30)
    outbox.deliver_due()

    mailed = [m.subject for m in mailoutbox]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Reminder.Status.SENT and mailed.count(first.subject) == 1
    if second.status == Reminder.Status.STOPPED:
        assert stopped == [1] and second.subject not in mailed and second.last_error == "Moved."
    else:
        assert second.status == Reminder.Status.SENT and stopped == [0]
        assert mailed.count(second.subject) == 1


def test_a_reminder_locked_by_another_transaction_is_skipped_and_sent_later(
    other_committee, dev, mailoutbox
):
    make_due_reminders(other_committee, dev, 3)
    first, second, third = Reminder.objects.order_by("next_attempt_at", "id")
    with psycopg.connect(database_url()) as other:  # a transaction, held until the block ends
        other.execute("SELECT id FROM tracker_reminder WHERE id = %s FOR UPDATE", [second.pk])
        outcomes = outbox.deliver_due()
        assert Reminder.objects.get(pk=second.pk).status == Reminder.Status.PENDING
        other.rollback()

    assert [o.reminder.pk for o in outcomes] == [first.pk, third.pk]
    assert [o.reminder.pk for o in outbox.deliver_due()] == [second.pk]
    assert len(mailoutbox) == 3


def test_a_reminder_stopped_while_its_send_fails_stays_stopped(other_committee, dev, monkeypatch):
    """A stop made in the send's own transaction (the row lock does not keep out its holder):
    if that send then fails, the reminder stays stopped rather than being set to try again."""
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


def commits_seen(monkeypatch) -> list[tuple[str, bool]]:
    """(synchronous_commit, whether it wrote) of each transaction delivery commits: one that
    writes with synchronous_commit on waits for the WAL flush of itself and all before it.

    Delivery spells its COMMITs out in the SQL it sends (after a mark) or ends what is open
    with one (`_Commits._end`); each is intercepted, the transaction looked at, then
    committed."""
    seen: list[tuple[str, bool]] = []

    def look():
        seen.append(
            connection.connection.execute(
                "SELECT current_setting('synchronous_commit'), "
                "pg_current_xact_id_if_assigned() IS NOT NULL"
            ).fetchone()
        )

    execute = outbox._Claims._execute

    def observed_execute(self, sql, params, *, fetch=False):
        if not sql.endswith("; COMMIT"):
            return execute(self, sql, params, fetch=fetch)
        row = execute(self, sql.removesuffix("; COMMIT"), params, fetch=fetch)
        look()
        connection.connection.execute("COMMIT")
        return row

    end = outbox._Commits._end

    def observed_end(command):
        if command == "COMMIT" and connection.connection.info.transaction_status != (
            psycopg.pq.TransactionStatus.IDLE
        ):
            look()
        end(command)

    monkeypatch.setattr(outbox._Claims, "_execute", observed_execute)
    monkeypatch.setattr(outbox._Commits, "_end", staticmethod(observed_end))
    return seen


def test_every_sixteenth_mark_and_the_runs_last_wait_for_the_disk(
    other_committee, dev, monkeypatch, mailoutbox
):
    make_due_reminders(other_committee, dev, 20)
    seen = commits_seen(monkeypatch)

    assert [o.delivered for o in outbox.deliver_due()] == [True] * 20

    marks = [("off", True)] * 15 + [("on", True)] + [("off", True)] * 4
    nothing_due = ("on", False)
    last_mark_again = ("on", True)
    assert seen == [*marks, nothing_due, last_mark_again]
    assert len(mailoutbox) == 20
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}


def test_a_run_with_a_limit_makes_its_last_mark_durable(
    other_committee, dev, monkeypatch, mailoutbox
):
    make_due_reminders(other_committee, dev, 5)
    seen = commits_seen(monkeypatch)

    assert len(outbox.deliver_due(limit=3)) == 3

    assert seen == [("off", True), ("off", True), ("on", True)]


def test_a_failed_send_commits_durably_and_counts_as_a_flush(
    other_committee, dev, monkeypatch, mailoutbox
):
    make_due_reminders(other_committee, dev, 3)
    seen = commits_seen(monkeypatch)
    send = outbox._send
    calls = []

    def second_refused(reminder, mail):
        calls.append(reminder.pk)
        if len(calls) == 2:
            raise smtplib.SMTPRecipientsRefused({reminder.recipient_email: (550, b"no such user")})
        send(reminder, mail)

    monkeypatch.setattr(outbox, "_send", second_refused)

    assert [o.delivered for o in outbox.deliver_due()] == [True, False, True]

    # The refusal's commit waits for the disk, taking the first mark with it; the third is
    # made durable at the end.
    assert seen == [("off", True), ("on", True), ("off", True), ("on", False), ("on", True)]


# --- The run leaves nothing open, whatever stops it ------------------------------------------


def connection_is_idle_and_usable() -> bool:
    idle = connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with transaction.atomic():
        usable = Reminder.objects.count() >= 0
    return idle and usable and connection.get_autocommit() and not connection.in_atomic_block


def test_an_interrupt_during_a_send_leaves_that_reminder_waiting_and_nothing_open(
    other_committee, dev, monkeypatch, mailoutbox
):
    make_due_reminders(other_committee, dev, 3)
    send = outbox._send

    def interrupted_at_the_second(reminder, mail):
        if mailoutbox:
            raise KeyboardInterrupt
        send(reminder, mail)

    monkeypatch.setattr(outbox, "_send", interrupted_at_the_second)

    with pytest.raises(KeyboardInterrupt):
        outbox.deliver_due()

    assert connection_is_idle_and_usable()
    assert len(mailoutbox) == 1
    assert list(
        Reminder.objects.order_by("next_attempt_at", "id").values_list("status", "attempts")
    ) == [
        (Reminder.Status.SENT, 1),
        (Reminder.Status.PENDING, 0),
        (Reminder.Status.PENDING, 0),
    ]


def test_a_database_error_in_the_send_stops_the_run_rather_than_pass_for_a_mail_failure(
    other_committee, dev, monkeypatch, mailoutbox
):
    make_due_reminders(other_committee, dev, 2)
    send = outbox._send

    def sent_then_the_database_refused(reminder, mail):
        send(reminder, mail)
        with transaction.atomic():  # not allowed between a claim and its mark
            pass

    monkeypatch.setattr(outbox, "_send", sent_then_the_database_refused)

    with pytest.raises(ProgrammingError, match="can't change 'autocommit' now"):
        outbox.deliver_due()

    assert connection_is_idle_and_usable()
    # Not recorded as a failed attempt to retry later: the run stopped, the claim rolled back.
    assert list(Reminder.objects.values_list("status", "attempts", "last_error")) == [
        (Reminder.Status.PENDING, 0, ""),
        (Reminder.Status.PENDING, 0, ""),
    ]


def test_a_refused_mark_stops_the_run_and_leaves_nothing_open(other_committee, dev, mailoutbox):
    make_due_reminders(other_committee, dev, 2)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.status = 'sent' THEN RAISE EXCEPTION 'marks refused'; END IF; "
            "RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_sent BEFORE UPDATE ON tracker_reminder "
            "FOR EACH ROW EXECUTE FUNCTION refuse_sent()"
        )
    try:
        with pytest.raises(Exception, match="marks refused"):
            outbox.deliver_due()
        assert connection_is_idle_and_usable()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_sent ON tracker_reminder")
            cursor.execute("DROP FUNCTION refuse_sent()")

    # The message went before its mark was refused: it waits to go again (with its Message-ID).
    assert len(mailoutbox) == 1
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.PENDING}


def prepared_here() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name.rsplit("_", 1)[0] for (name,) in cursor.fetchall()}


def test_the_claim_and_the_mark_are_prepared_once_per_session(other_committee, dev, mailoutbox):
    make_due_reminders(other_committee, dev, 3)
    connection.close()  # a new session, with nothing prepared yet

    assert len(outbox.deliver_due()) == 3
    assert prepared_here() >= set(outbox._Claims.PREPARED.values())
    Reminder.objects.update(status=Reminder.Status.PENDING, sent_at=None)
    assert len(outbox.deliver_due()) == 3  # the same session: prepared already, not again

    assert len(mailoutbox) == 6


def test_behind_a_transaction_pooler_nothing_is_prepared(
    other_committee, dev, mailoutbox, monkeypatch
):
    connection.close()  # a new session, with nothing prepared yet
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    make_due_reminders(other_committee, dev, 3)

    assert len(outbox.deliver_due()) == 3

    assert prepared_here() & set(outbox._Claims.PREPARED.values()) == set()
    assert len(mailoutbox) == 3
