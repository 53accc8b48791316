"""The periodic modern.gov sync, a Celery task of its own beside the reminder sweep.

Beat kicks it every MODERNGOV_SYNC_SECONDS. It never raises: a modern.gov that is down, slow
or answering nonsense is recorded in the sync log and the next run tries again, and since it
is a separate task the sweep of reminders goes on whatever happens here.
"""

import logging

from celery import shared_task

from tracker.moderngov.sync import sync_configured_authorities

log = logging.getLogger(__name__)


@shared_task(
    name="tracker.tasks.sync_moderngov",
    ignore_result=True,
    acks_late=False,
    soft_time_limit=1800,
)
def sync_moderngov() -> int:
    """Sync every authority that names its modern.gov committees; the number of runs."""
    try:
        return len(sync_configured_authorities())
    except Exception:  # the database itself failed: log it, and let the next run try again
        log.exception("the modern.gov sync could not run")
        return 0
