"""Fault injection on the real services: workers killed mid-sweep, and two beats with eight
workers sweeping at once. Nothing may be lost, and nothing doubled.

Sizes: RELIABILITY_SCALE=full (make bench) 10,000 and 20,000 due reminders; otherwise 500
and 1,000 (see tests/reliability/processes.py).
"""

import signal
import time

import pytest

from tests.reliability.processes import (
    BROKER,
    Processes,
    flush,
    message_ids,
    needs_postgres,
    report,
    send_from_this_process_to,
    sent_count,
    size,
    wait_until,
)
from tests.reminders.test_celery_worker import make_due_reminders
from tracker.reminders import tasks
from tracker.reminders.ledger import Reminder

pytestmark = [
    needs_postgres,
    pytest.mark.reliability,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def services(tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    flush(BROKER)
    undo = send_from_this_process_to(BROKER)
    processes = Processes(tmp_path, mail_dir, BROKER)
    try:
        yield processes
    finally:
        processes.stop_all()
        undo()
        flush(BROKER)


def sends_per_worker(processes: Processes) -> list[int]:
    return [
        path.read_text(errors="replace").count(") sent")
        for path in sorted(processes.tmp_path.glob("worker-*.log"))
    ]


def test_a_worker_killed_mid_sweep_and_restarted_sends_every_reminder_once(
    other_committee, dev, services
):
    total = size(500, 10_000)
    make_due_reminders(other_committee, dev, total)
    started = time.monotonic()

    first = services.worker()
    tasks.sweep.delay()
    # Kill it a fifth of the way through: mid-transaction, with a row claimed.
    assert wait_until(lambda: sent_count() >= total // 5, timeout=60 + total / 50, every=0.02), (
        services.logs()
    )
    services.kill(first, signal.SIGKILL)
    sent_at_kill = sent_count()
    assert 0 < sent_at_kill < total, f"{sent_at_kill} of {total} sent when the worker was killed"

    services.worker()
    tasks.sweep.delay()
    finished = wait_until(lambda: sent_count() == total, timeout=60 + total / 20)
    elapsed = time.monotonic() - started
    assert finished, f"{sent_count()} of {total} sent; logs:\n{services.logs()}"

    ids = message_ids(services.mail_dir)
    expected = {r.message_id for r in Reminder.objects.all()}
    duplicates = len(ids) - len(set(ids))
    report(
        "worker killed mid-sweep",
        reminders=total,
        sent_when_killed=sent_at_kill,
        sent=sent_count(),
        distinct_message_ids=len(set(ids)),
        messages_written=len(ids),
        duplicates=duplicates,
        seconds=round(elapsed, 1),
    )
    assert not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()
    assert set(ids) == expected and len(expected) == total
    # The only possible repeat is the one message in flight at the kill (written, not yet
    # committed as sent), with the same Message-ID: at least once, never lost.
    assert duplicates <= 1, f"{duplicates} messages went twice"


def test_two_beats_and_eight_workers_sweeping_at_once_send_each_reminder_once(
    other_committee, dev, services
):
    total = size(1000, 20_000)
    make_due_reminders(other_committee, dev, total)
    started = time.monotonic()

    workers = [services.worker() for _ in range(8)]
    beats = [services.beat(), services.beat()]  # started by mistake: both tick every 10 s
    for _ in range(8):
        tasks.sweep.delay()  # all eight sweep at once, beside the beats' sweeps
    finished = wait_until(lambda: sent_count() == total, timeout=90 + total / 25)
    elapsed = time.monotonic() - started
    assert finished, f"{sent_count()} of {total} sent; logs:\n{services.logs()}"
    # Let both beats tick again: a late sweep must find nothing more to send.
    time.sleep(12)

    ids = message_ids(services.mail_dir)
    per_worker = sends_per_worker(services)
    beat_ticks = sum(
        path.read_text(errors="replace").count("Sending due task")
        for path in services.tmp_path.glob("beat-*.log")
    )
    report(
        "two beats, eight workers",
        reminders=total,
        sent=sent_count(),
        distinct_message_ids=len(set(ids)),
        messages_written=len(ids),
        sent_by_each_worker=per_worker,
        beat_ticks=beat_ticks,
        seconds=round(elapsed, 1),
    )
    assert all(w.poll() is None for w in workers + beats), services.logs()
    assert sent_count() == len(set(ids)) == len(ids) == total
    assert {r.message_id for r in Reminder.objects.all()} == set(ids)
    assert sum(1 for n in per_worker if n) >= 2, f"only one worker sent: {per_worker}"
    assert beat_ticks >= 2, services.logs("beat")
