"""Fault injection on the real services: the mail server refuses connections for a while,
and Redis restarts during a sweep. Retries back off, failures are in the ledger, and
everything is delivered once, with nobody stepping in.
"""

import datetime as dt
import signal
import time

import pytest
from django.utils import timezone

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
from tests.reminders.test_smtp_delivery import Listener, free_port
from tracker.reminders import tasks
from tracker.reminders.ledger import Reminder

pytestmark = [
    needs_postgres,
    pytest.mark.reliability,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]
PRIVATE_REDIS_PORT = 6390
PRIVATE_BROKER = f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0"
RETRY_BASE = 1  # seconds: REMINDER_RETRY_BASE_SECONDS for the worker


@pytest.fixture
def processes(tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    started = Processes(tmp_path, mail_dir, BROKER)
    try:
        yield started
    finally:
        started.stop_all()


def test_a_mail_server_down_for_a_while_gets_everything_once_when_it_is_back(
    other_committee, dev, processes
):
    total = size(60, 1000)
    make_due_reminders(other_committee, dev, total)
    port = free_port()  # nothing listens yet: connections are refused
    flush(BROKER)
    undo = send_from_this_process_to(BROKER)
    listener = None
    try:
        processes.worker(
            EMAIL_BACKEND="smtp",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_TIMEOUT=5,
            REMINDER_RETRY_BASE_SECONDS=RETRY_BASE,
            REMINDER_MAX_ATTEMPTS=12,
        )
        # The outage: sweeps keep coming (as from beat); watch each failed attempt's backoff.
        seen: dict[int, int] = {}
        delays: list[tuple[int, float]] = []
        outage_ends = time.monotonic() + 8
        next_kick = 0.0
        while time.monotonic() < outage_ends:
            if time.monotonic() >= next_kick:
                tasks.sweep.delay()
                next_kick = time.monotonic() + 0.25
            observed = timezone.now()
            for pk, attempts, next_at in Reminder.objects.filter(attempts__gt=0).values_list(
                "pk", "attempts", "next_attempt_at"
            ):
                if seen.get(pk) != attempts:
                    seen[pk] = attempts
                    delays.append((attempts, (next_at - observed).total_seconds()))
            time.sleep(0.05)
        during = {
            "sent": sent_count(),
            "attempted": len(seen),
            "failed_for_good": Reminder.objects.filter(status=Reminder.Status.FAILED).count(),
            "max_attempts": max(seen.values(), default=0),
        }
        errors = set(Reminder.objects.filter(attempts__gt=0).values_list("last_error", flat=True))
        assert during["sent"] == 0 and during["failed_for_good"] == 0, during
        assert during["attempted"] >= 2, f"{during}; logs:\n{processes.logs()}"
        assert all("refused" in e.lower() or "connect" in e.lower() for e in errors), errors
        # Backoff: the k-th failure waits 0.5 to 1.5 x base x 2^(k-1) (+ polling slack).
        for attempts, delay in delays:
            low = 0.5 * RETRY_BASE * 2 ** (attempts - 1) - 0.5
            high = 1.5 * RETRY_BASE * 2 ** (attempts - 1) + 0.5
            assert low <= delay <= high, (attempts, delay)
        # Each sweep stopped at the first refused connection instead of failing every row.
        assert during["attempted"] < total or total <= 40

        listener = Listener(port)
        back = time.monotonic()

        def all_sent():
            tasks.sweep.delay()
            return sent_count() == total

        assert wait_until(all_sent, timeout=60 + total / 20, every=1.0), processes.logs()
        recovered = time.monotonic() - back
    finally:
        undo()
        flush(BROKER)
        if listener:
            listener.stop()

    ids = [m["Message-ID"] for m in listener.parsed()]
    retried = Reminder.objects.filter(attempts__gt=1)
    report(
        "mail server refusing, then back",
        reminders=total,
        attempted_during_outage=during["attempted"],
        max_attempts_during_outage=during["max_attempts"],
        backoff_delays_checked=len(delays),
        delivered_after_return=len(ids),
        distinct_message_ids=len(set(ids)),
        retried_reminders=retried.count(),
        seconds_to_deliver_all_after_return=round(recovered, 1),
    )
    assert len(ids) == len(set(ids)) == total
    assert set(ids) == {r.message_id for r in Reminder.objects.all()}
    assert not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()
    assert not Reminder.objects.exclude(last_error="").exists()
    assert retried.count() >= 1


def test_redis_restarting_during_a_sweep_needs_nobody_to_step_in(other_committee, dev, processes):
    first_batch = size(300, 3000)
    make_due_reminders(other_committee, dev, first_batch)
    processes.broker = PRIVATE_BROKER
    redis = processes.redis(PRIVATE_REDIS_PORT)
    assert wait_until(lambda: _ping(PRIVATE_BROKER), timeout=10), processes.logs("redis")
    undo = send_from_this_process_to(PRIVATE_BROKER)
    try:
        worker = processes.worker()
        beat = processes.beat()  # sweeps every 10 s
        tasks.sweep.delay()
        assert wait_until(lambda: sent_count() >= 1, timeout=60), processes.logs()
        # Redis goes away mid-sweep and comes back (empty: no persistence) 3 s later.
        processes.kill(redis, signal.SIGKILL)
        at_restart = sent_count()
        time.sleep(3)
        redis = processes.redis(PRIVATE_REDIS_PORT)
        assert wait_until(lambda: _ping(PRIVATE_BROKER), timeout=10), processes.logs("redis")

        # New reminders after the restart are swept by beat's next ticks, untouched by us.
        later = dt.timedelta(seconds=1)
        _more_due_reminders(other_committee, dev, first_batch, size(100, 1000), later)
        total = Reminder.objects.count()
        finished = wait_until(lambda: sent_count() == total, timeout=120 + total / 20)
        assert finished, f"{sent_count()} of {total} sent; logs:\n{processes.logs()}"
        assert worker.poll() is None and beat.poll() is None, processes.logs()
    finally:
        undo()

    ids = message_ids(processes.mail_dir)
    report(
        "Redis restarted during a sweep",
        reminders=total,
        sent_when_redis_killed=at_restart,
        sent=sent_count(),
        distinct_message_ids=len(set(ids)),
        messages_written=len(ids),
        worker_and_beat_alive=True,
    )
    assert len(ids) == len(set(ids)) == total
    assert set(ids) == {r.message_id for r in Reminder.objects.all()}


def _ping(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _more_due_reminders(committee, person, start: int, count: int, later) -> None:
    make_due_reminders(committee, person, 0)
    now = timezone.now()
    Reminder.objects.bulk_create(
        [
            Reminder(
                rule=Reminder.Rule.ACTION_OVERDUE,
                about=f"test-after-restart:{n}:p{person.pk}",
                for_date=now.date(),
                committee=committee,
                recipient=person,
                recipient_email=person.email,
                recipient_name=person.name,
                subject=f"Overdue: follow-up {start + n}",
                body_text="Overdue.\n",
                body_html="<p>Overdue.</p>",
                next_attempt_at=now - later,
                created_at=now,
            )
            for n in range(count)
        ]
    )
