"""Celery tasks: thin wrappers over `tracker.reminders.outbox`, which holds the rules.

Nothing is scheduled ahead with eta or countdown (Redis would redeliver it each visibility
timeout): beat kicks `sweep` every REMINDER_SWEEP_SECONDS and the ledger says what is due.
Tasks acknowledge late and are requeued if their worker dies; the ledger makes that safe.
"""

from celery import shared_task

from committees.models import Deferral
from tracker.reminders import outbox

# Names are kept as they were when the tasks lived in `tracker.tasks`: messages already
# queued on a broker carry them.
TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(name="tracker.tasks.sweep", **TASK_OPTIONS)
def sweep() -> int:
    """Plan what is due now and deliver it. Safe to run twice at once."""
    return len(outbox.sweep())


@shared_task(name="tracker.tasks.deliver", **TASK_OPTIONS)
def deliver() -> int:
    return len(outbox.deliver_due())


@shared_task(name="tracker.tasks.notify_deferral", **TASK_OPTIONS)
def notify_deferral(deferral_id: int) -> int:
    """The "at once" email of a deferral, enqueued after the deferral committed."""
    deferral = Deferral.objects.filter(pk=deferral_id).first()
    if deferral is None:
        return 0
    outbox.plan_deferral(deferral)
    return len(outbox.deliver_due())
