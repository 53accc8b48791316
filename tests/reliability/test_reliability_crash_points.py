"""A worker killed at each point of a reminder's delivery, on PostgreSQL, where each reminder
is claimed under its row lock and most marks commit without waiting for the disk
(`outbox.deliver_due`): killed with a message claimed but not handed to the mail server,
nothing goes twice; killed after the server accepted it but before the ledger marked it sent,
that one message goes again with its own Message-ID (the ledger's rule: never lost, at most
the message in flight repeated). Either way nothing is lost, and every message the killed
worker had marked sent (committed, not yet flushed to disk) stays sent.
"""

import signal
import sys
from collections import Counter

import pytest
from django.db import connection

from tests.reliability.processes import (
    Processes,
    message_ids,
    needs_postgres,
    sent_count,
    wait_until,
)
from tests.reminders.test_celery_worker import make_due_reminders
from tracker.reminders import outbox
from tracker.reminders.ledger import Reminder

pytestmark = [needs_postgres, pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

TOTAL = 40
# The fifth message: four marks before it, none of them durable yet (one in outbox.BATCH is).
STALLED = 5


def reminder_locks_held_elsewhere() -> int:
    """Locks on the ledger table held by other sessions: the killed worker's transaction, with
    its claimed row, until the database notices it has gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = 'tracker_reminder'::regclass "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def killed_while_sending(tmp_path, settings, stall: str) -> tuple[str, int]:
    """Run a worker to its STALLED-th message, kill it there, then sweep again in this process.
    Returns the stalled Message-ID and how many were marked sent when it was killed."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    marker = tmp_path / "stalled"
    processes = Processes(tmp_path, mail_dir, broker="memory://")
    worker = processes.spawn(
        "worker-1",
        [
            sys.executable,
            "-m",
            "tests.reliability.stalled_sender",
            "--message",
            str(STALLED),
            "--stall",
            stall,
            "--marker",
            str(marker),
        ],
        processes.env(),
    )
    try:
        assert wait_until(lambda: marker.exists() and marker.read_text(), timeout=60), (
            processes.logs()
        )
        marked_when_killed = sent_count()
        processes.kill(worker, signal.SIGKILL)
    finally:
        processes.stop_all()
    # Its session ends with it, its transaction rolls back, and its row lock goes with that.
    assert wait_until(lambda: reminder_locks_held_elsewhere() == 0, timeout=30)

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = mail_dir
    outbox.deliver_due()
    return marker.read_text(), marked_when_killed


@pytest.fixture
def due(other_committee, dev):
    make_due_reminders(other_committee, dev, TOTAL)
    return {r.message_id for r in Reminder.objects.all()}


def test_a_worker_killed_with_a_message_claimed_but_not_sent_sends_nothing_twice(
    tmp_path, settings, due
):
    stalled, marked = killed_while_sending(tmp_path, settings, "before")

    assert marked == STALLED - 1  # the marks made before it, not yet flushed, all stayed
    sent = Counter(message_ids(tmp_path / "mail"))
    assert set(sent) == due and stalled in due
    assert set(sent.values()) == {1}  # nothing twice
    assert sent_count() == TOTAL


def test_a_worker_killed_after_the_server_took_a_message_repeats_only_that_one(
    tmp_path, settings, due
):
    stalled, marked = killed_while_sending(tmp_path, settings, "after")

    assert marked == STALLED - 1
    sent = Counter(message_ids(tmp_path / "mail"))
    assert set(sent) == due  # nothing lost
    # The message accepted but not yet marked goes again, with its own Message-ID; no other.
    assert {mid for mid, times in sent.items() if times > 1} == {stalled}
    assert sent[stalled] == 2
    assert sent_count() == TOTAL
    assert set(Reminder.objects.values_list("status", "attempts")) == {("sent", 1)}
