"""The reminders react to what committees announce; committees never call the tracker."""

import logging

from django.dispatch import receiver
from kombu.exceptions import OperationalError

from committees.deferrals import deferred
from tracker.reminders import outbox

log = logging.getLogger(__name__)


@receiver(deferred, dispatch_uid="tracker.notify_deferral")
def notify_deferral(sender, deferral, **kwargs):
    from tracker.reminders.tasks import notify_deferral as task

    outbox.stop_report_reminders(deferral)
    try:
        task.delay(deferral.pk)
    except OperationalError:  # the broker is down: the next sweep sends it (rules.recent_deferrals)
        log.exception("could not enqueue the deferral email for deferral %s", deferral.pk)
