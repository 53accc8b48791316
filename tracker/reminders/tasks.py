"""Celery tasks: thin wrappers over `tracker.reminders.outbox`, which holds the rules.

Nothing is scheduled ahead with eta or countdown (Redis would redeliver it each visibility
timeout): beat kicks `sweep` every REMINDER_SWEEP_SECONDS and the ledger says what is due.
Tasks acknowledge late and are requeued if their worker dies; the ledger makes that safe.
"""

import datetime as dt
from collections.abc import Callable

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.urls import get_resolver

from committees.models import Deferral
from tracker.reminders import outbox

# Names are kept as they were when the tasks lived in `tracker.tasks`: messages already
# queued on a broker carry them.
TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@worker_process_init.connect
def load_url_routes(**_) -> None:
    """Every reminder links into the site, and the first link reversed imports the whole
    URLconf (every view, the API and its schema): about a second, paid when a worker process
    starts rather than by the first sweep's reminders."""
    get_resolver().reverse_dict  # noqa: B018 (reading the cached property loads the routes)


@shared_task(name="tracker.tasks.sweep", bind=True, **TASK_OPTIONS)
def sweep(self) -> int:
    """Plan what is due now and deliver it. Safe to run twice at once. On a big day help is
    asked for as soon as the first batch is recorded, so the other processes deliver while
    this one renders the rest."""
    recorded = help_after_first_batch(queue_of(self))
    outbox.plan(recorded=recorded)
    recorded()  # nothing new planned, but perhaps a backlog waiting
    return len(outbox.deliver_due())


@shared_task(name="tracker.tasks.deliver", bind=True, **TASK_OPTIONS)
def deliver(self, asks_for_help: bool = True, now: str | None = None) -> int:
    """Deliver what is due; `now` (ISO 8601) replays another moment, as `send_reminders
    --now` does."""
    moment = outbox.moment_from_text(now) if now else None
    if asks_for_help:
        ask_for_help(queue_of(self), moment)
    return len(outbox.deliver_due(moment))


def queue_of(task) -> str | None:
    """The queue a running task came from (None when run in-process)."""
    return (task.request.delivery_info or {}).get("routing_key")


def ask_for_help(queue: str | None, now: dt.datetime | None = None) -> None:
    """On a big day (a backlog after an outage, the first morning after an import) ask the
    worker's other processes to deliver beside this one, on the queue this task came from:
    the outbox's row locks share the work out, each message still claimed and committed
    alone. A helper asks nobody else, and one not started by the next sweep is dropped."""
    # `now` only when given: a worker still running the code before it knows no such argument.
    kwargs = {"asks_for_help": False, **({"now": now.isoformat()} if now else {})}
    for _ in range(outbox.helpers_wanted(now)):
        deliver.apply_async(kwargs=kwargs, queue=queue, expires=settings.REMINDER_SWEEP_SECONDS)


def help_after_first_batch(queue: str | None, now: dt.datetime | None = None) -> Callable[[], None]:
    """A `recorded` callback for `outbox.plan` that asks for help once, as soon as the first
    batch is in the ledger, so the other processes deliver while the rest are rendered."""
    asked = False

    def recorded() -> None:
        nonlocal asked
        if not asked:
            asked = True
            ask_for_help(queue, now)

    return recorded


@shared_task(name="tracker.tasks.notify_deferral", **TASK_OPTIONS)
def notify_deferral(deferral_id: int) -> int:
    """The "at once" email of a deferral, enqueued after the deferral committed."""
    deferral = Deferral.objects.filter(pk=deferral_id).first()
    if deferral is None:
        return 0
    outbox.plan_deferral(deferral)
    return len(outbox.deliver_due())
