"""The periodic sync on a real Celery worker (real Redis, real PostgreSQL): a modern.gov that
cannot be reached is recorded as a failed sync, and the same worker goes straight on to sweep
and send the reminders that are due. Skipped on SQLite, as the other worker tests."""

import socket

import pytest
from django.db import connection

from config.celery import app
from tests.reminders.test_celery_worker import (  # noqa: F401 (fixtures)
    mail_dir,
    mail_files,
    make_due_reminders,
    queue,
    sent_count,
    wait_until,
    workers,
)
from tracker.moderngov.models import SyncRun
from tracker.reminders import tasks

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL and Redis: the worker is another process",
    ),
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_sync_that_fails_on_the_worker_never_stops_the_sweep(
    authority,
    other_committee,
    dev,
    workers,  # noqa: F811 (the worker tests' fixture)
    mail_dir,  # noqa: F811
):
    authority.moderngov_url = f"http://127.0.0.1:{closed_port()}"
    authority.moderngov_committee_ids = [144]
    authority.save()
    make_due_reminders(other_committee, dev, 5)
    workers.start()

    app.send_task("tracker.tasks.sync_moderngov")
    tasks.sweep.delay()

    assert wait_until(lambda: sent_count() == 5, timeout=90), workers.logs()
    run = SyncRun.objects.get()
    assert (run.status, run.trigger) == ("failed", "schedule")
    assert "the connection was refused (asked 3 times)" in run.faults[0]
    assert len(mail_files(mail_dir)) >= 1
    assert workers.started[0].poll() is None  # the worker is still running
