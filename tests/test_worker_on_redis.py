"""A real Celery worker on the real Redis, sending through the ledger to a real mail folder.

These run in the PostgreSQL pass of `make test` (the worker is another process, so it needs a
database server both can reach; SQLite's test database lives in this process's memory).
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from kombu import pools as kombu_pools

from actions.models import Action
from committees.deferrals import defer_item
from committees.models import AgendaItem
from config.celery import app
from tracker import tasks
from tracker.models import Reminder

ROOT = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
MESSAGE_ID = re.compile(r"^Message-ID: (<reminder-[^>]+>)$", re.MULTILINE)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the worker is a separate process and cannot see SQLite's in-memory test database",
    ),
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def wait_for(condition, timeout=30.0, every=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def database_url() -> str:
    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def reset_broker_connections():
    """Drop pooled connections so the next send uses the broker configured now."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu_pools.reset()


@pytest.fixture
def queue():
    """A queue of our own on the real Redis, with this process enqueuing to it."""
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    name = f"test-{uuid.uuid4().hex[:8]}"
    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=name)
    reset_broker_connections()
    yield name
    app.conf.update(saved)
    reset_broker_connections()
    redis.Redis.from_url(BROKER).flushdb()


@pytest.fixture
def mail_dir(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def start_worker(queue, mail_dir):
    workers = []

    def start():
        env = {
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": BROKER,
            "EMAIL_BACKEND": "file",
            "EMAIL_FILE_PATH": str(mail_dir),
            "REMINDER_HOUR": "0",
            "SITE_URL": "https://scrutiny.example.test",
        }
        worker = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queue,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=10)


def message_ids(mail_dir: Path) -> list[str]:
    return [mid for path in mail_dir.iterdir() for mid in MESSAGE_ID.findall(path.read_text())]


def test_a_deferral_reaches_the_author_through_the_worker_within_seconds(
    december, february, dev, priya, start_worker, mail_dir
):
    start_worker()
    item = AgendaItem.objects.create(
        meeting=december, number=75, title="Children's Social Care Performance", report_author=dev
    )

    defer_item(item, to_meeting=february, reason="Members wanted more time", by=priya.user)

    assert wait_for(lambda: Reminder.objects.filter(status="sent").exists(), timeout=20)
    reminder = Reminder.objects.get()
    assert (reminder.rule, reminder.recipient_email) == ("item_deferred", dev.email)
    assert message_ids(mail_dir) == [reminder.message_id]
    text = "".join(path.read_text() for path in mail_dir.iterdir())
    assert "To: dev.okafor@riverside.example" in text
    assert "Cc: priya.shah@riverside.example" in text


def test_a_worker_killed_mid_sweep_loses_nothing_and_doubles_nothing(
    other_committee, dev, start_worker, mail_dir
):
    import datetime as dt

    Action.objects.bulk_create(
        [
            Action(
                committee=other_committee,
                municipal_year=other_committee.authority.years.get_or_create(
                    start_date=dt.date(2017, 5, 1), defaults={"end_date": dt.date(2018, 4, 30)}
                )[0],
                sequence=number + 1,
                reference=f"HO (17/18) A{number + 1:03d}",
                title=f"Follow-up {number + 1}",
                owner=dev,
                due_date=dt.date(2018, 1, 10),
            )
            for number in range(300)
        ]
    )
    from tracker import outbox

    assert len(outbox.plan(dt.datetime(2018, 1, 11, 9, tzinfo=dt.UTC))) == 300
    Reminder.objects.update(next_attempt_at=dt.datetime(2018, 1, 11, 9, tzinfo=dt.UTC))

    first = start_worker()
    tasks.deliver.delay()
    assert wait_for(lambda: Reminder.objects.filter(status="sent").count() >= 30, timeout=30)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    sent_before_restart = Reminder.objects.filter(status="sent").count()
    assert sent_before_restart < 300, "the worker finished before it could be killed"

    start_worker()
    tasks.deliver.delay()
    assert wait_for(lambda: Reminder.objects.filter(status="sent").count() == 300, timeout=60)

    ids = message_ids(mail_dir)
    assert len(set(ids)) == 300
    # At least once: only a message caught between the mail server's acceptance and the
    # ledger's commit at the moment of the kill may go twice, with the same Message-ID.
    assert len(ids) - len(set(ids)) <= 1
    assert Reminder.objects.exclude(status="sent").count() == 0
