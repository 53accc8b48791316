"""A real Celery worker process on the real Redis, delivering from the real PostgreSQL ledger.

The worker is a subprocess (`celery -A config worker`) pointed at this run's test database
and at Redis db 14, writing mail with the file backend into a temporary folder. The test
process enqueues to the same broker on a queue of its own. Skipped on SQLite: the worker
cannot see a test database that lives in this process.
"""

import datetime as dt
import os
import re
import signal
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from kombu import pools as kombu_pools

from committees.deferrals import defer_item
from committees.models import LONDON, AgendaItem
from config.celery import app
from tracker.reminders import tasks
from tracker.reminders.ledger import Reminder

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
BROKER = "redis://127.0.0.1:6379/14"
MESSAGE_ID = re.compile(r"^Message-ID: (<[^>]+>)\s*$", re.MULTILINE)
DEV = "dev.okafor@riverside.example"
PRIYA = "priya.shah@riverside.example"
POLL = 0.2

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=(
            "needs PostgreSQL and Redis (set DATABASE_URL to a postgres:// URL): the worker is "
            "another process and cannot reach SQLite's in-memory test database"
        ),
    ),
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def wait_until(condition, *, timeout: float, every: float = POLL) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; never sleeps past the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(every, remaining))


def database_url() -> str:
    """This run's test database (e.g. test_scrutiny_celery), for the worker to use too."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def redis_db():
    import redis

    return redis.Redis.from_url(BROKER, socket_connect_timeout=3)


def reset_producer_pools() -> None:
    """Forget pooled broker connections so the next send uses the broker configured now."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu_pools.reset()


@pytest.fixture
def queue():
    """A queue of our own on Redis db 14, with this process's Celery app sending to it."""
    redis_db().flushdb()
    name = f"test-worker-{uuid.uuid4().hex[:10]}"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=name)
    reset_producer_pools()
    try:
        yield name
    finally:
        app.conf.update(saved)
        reset_producer_pools()
        redis_db().flushdb()


@pytest.fixture
def mail_dir(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def workers(queue, mail_dir, tmp_path):
    """Start real workers with `workers.start()`; every one is ended when the test ends."""

    class Workers:
        started: list[subprocess.Popen] = []

        def start(self, pool: tuple[str, ...] = ("--pool=solo",)) -> subprocess.Popen:
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": str(tmp_path),
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DEBUG": "1",
                "SECRET_KEY": "worker-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
                "DATABASE_URL": database_url(),
                "CELERY_BROKER_URL": BROKER,
                "EMAIL_BACKEND": "file",
                "EMAIL_FILE_PATH": str(mail_dir),
                "REMINDER_HOUR": "0",
                "SITE_URL": "https://scrutiny.example.test",
            }
            log = open(tmp_path / f"worker-{len(self.started)}.log", "wb")  # noqa: SIM115
            try:
                worker = subprocess.Popen(
                    [
                        str(CELERY),
                        "-A",
                        "config",
                        "worker",
                        *pool,
                        "--loglevel=INFO",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                        "-n",
                        f"{queue}-{len(self.started)}@%h",
                        "-Q",
                        queue,
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            finally:
                log.close()
            self.started.append(worker)
            return worker

        def logs(self) -> str:
            return "\n".join(
                path.read_text(errors="replace") for path in sorted(tmp_path.glob("worker-*.log"))
            )

    pool = Workers()
    pool.started = []
    try:
        yield pool
    finally:
        for worker in pool.started:
            if worker.poll() is None:
                worker.terminate()
        for worker in pool.started:
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)


def mail_files(mail_dir: Path) -> list[Path]:
    return sorted(path for path in mail_dir.iterdir() if path.is_file())


def message_ids(mail_dir: Path) -> list[str]:
    """Every Message-ID written, one per message (a file may hold several messages)."""
    return [mid for path in mail_files(mail_dir) for mid in MESSAGE_ID.findall(path.read_text())]


def sent_count() -> int:
    return Reminder.objects.filter(status=Reminder.Status.SENT).count()


# --- (a) A deferral, committed, reaches the report author through the worker ------------------


def test_a_committed_deferral_is_emailed_to_the_report_author_by_the_worker(
    make_meeting, dev, priya, workers, mail_dir
):
    # The worker reads the real clock: a deferral is news only about meetings still ahead.
    today = timezone.now().astimezone(LONDON).date()
    soon = make_meeting(today + dt.timedelta(days=30))
    later = make_meeting(today + dt.timedelta(days=90))
    workers.start()
    item = AgendaItem.objects.create(
        meeting=soon, position=2, title="Children's Social Care Performance", report_author=dev
    )

    # No capture of on_commit here: the deferral commits and its real callback enqueues.
    defer_item(item, reason="Awaiting the Ofsted monitoring letter.", to_meeting=later)

    arrived = wait_until(lambda: len(mail_files(mail_dir)) >= 1, timeout=15)
    assert arrived, f"no email within 15 seconds; worker log:\n{workers.logs()}"
    assert wait_until(lambda: sent_count() == 1, timeout=5), workers.logs()

    [path] = mail_files(mail_dir)
    text = path.read_text()
    reminder = Reminder.objects.get()
    assert reminder.rule == Reminder.Rule.ITEM_DEFERRED
    assert reminder.status == Reminder.Status.SENT
    assert reminder.attempts == 1
    assert reminder.recipient_email == DEV
    assert message_ids(mail_dir) == [reminder.message_id]
    assert f"To: {DEV}" in text
    assert f"Cc: {PRIYA}" in text
    assert "Dev Okafor" in text
    assert "Awaiting the Ofsted monitoring letter." in text
    assert "Content-Type: text/html" in text


# --- (b) A worker killed mid-sweep: nothing lost, at most one in-flight message doubled -------


def make_due_reminders(committee, person, count: int) -> None:
    """`count` pending reminders, due now, that the rules would never plan themselves."""
    now = timezone.now()
    today = now.astimezone(LONDON).date()
    Reminder.objects.bulk_create(
        [
            Reminder(
                rule=Reminder.Rule.ACTION_OVERDUE,
                about=f"test-kill:{number}:p{person.pk}",
                for_date=today,
                committee=committee,
                recipient=person,
                recipient_email=person.email,
                recipient_name=person.name,
                subject=f"Overdue: follow-up {number} for {committee.short_name}",
                body_text=f"Follow-up {number} is overdue.\n",
                body_html=f"<p>Follow-up {number} is overdue.</p>",
                next_attempt_at=now - dt.timedelta(minutes=1),
                created_at=now,
            )
            for number in range(count)
        ]
    )


def test_a_worker_killed_mid_sweep_loses_nothing_and_repeats_nothing_but_one(
    other_committee, dev, workers, mail_dir
):
    make_due_reminders(other_committee, dev, 300)
    assert Reminder.objects.filter(status=Reminder.Status.PENDING).count() == 300

    first = workers.start()
    tasks.sweep.delay()
    # Poll fast here: the point is to catch the worker part-way through the 300.
    started = wait_until(lambda: sent_count() >= 1, timeout=30, every=0.01)
    assert started, f"the first worker sent nothing; its log:\n{workers.logs()}"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    sent_at_kill = sent_count()
    assert 0 < sent_at_kill < 300, f"the worker had sent {sent_at_kill} when it was killed"

    workers.start()
    tasks.sweep.delay()
    finished = wait_until(lambda: sent_count() == 300, timeout=60)
    assert finished, f"{sent_count()} of 300 sent; worker logs:\n{workers.logs()}"

    assert not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()
    assert Reminder.objects.count() == 300
    ids = message_ids(mail_dir)
    expected = {reminder.message_id for reminder in Reminder.objects.all()}
    assert set(ids) == expected
    assert len(set(ids)) == 300
    # At least once: only the message in flight at the kill (written, not yet committed as
    # sent) may go twice, and then with the same Message-ID.
    assert len(ids) in (300, 301), f"{len(ids)} messages written for 300 reminders"


# --- (c) A big day is shared by the worker's processes ----------------------------------------

SENT_BY = re.compile(r"/(ForkPoolWorker-\d+)\] reminder (\d+) \(action_overdue\) sent")
HELPER_RAN = re.compile(r"Task tracker\.tasks\.deliver\[[0-9a-f-]+\] succeeded in [0-9.]+s: (\d+)")


def test_a_big_days_sweep_asks_the_workers_other_process_to_help_and_each_goes_once(
    other_committee, dev, workers, mail_dir
):
    make_due_reminders(other_committee, dev, 600)

    workers.start(pool=("--pool=prefork", "--concurrency=2"))
    tasks.sweep.delay()
    finished = wait_until(lambda: sent_count() == 600, timeout=90)
    assert finished, f"{sent_count()} of 600 sent; worker log:\n{workers.logs()}"
    # The helper's own report comes after its last commit.
    assert wait_until(lambda: HELPER_RAN.search(workers.logs()), timeout=15), workers.logs()

    ids = message_ids(mail_dir)
    assert len(ids) == 600
    assert set(ids) == {reminder.message_id for reminder in Reminder.objects.all()}
    sent_lines = SENT_BY.findall(workers.logs())
    assert len({pk for _, pk in sent_lines}) == len(sent_lines) == 600
    # How the 600 split between the two processes depends on the machine's load; together
    # the sweep's count and the helper's make the whole day.
    [helper_sent] = [int(n) for n in HELPER_RAN.findall(workers.logs())]
    [sweep_sent] = re.findall(
        r"Task tracker\.tasks\.sweep\[[0-9a-f-]+\] succeeded in [0-9.]+s: (\d+)", workers.logs()
    )
    assert helper_sent + int(sweep_sent) == 600
