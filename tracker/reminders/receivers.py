"""The tracker reacts to what committees announce; committees never call the tracker."""

import logging

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from kombu.exceptions import OperationalError

from committees.deferrals import deferred
from committees.history import bulk_updated
from tracker import outbox
from tracker.api.caching import bump_data_version, is_cached_model

log = logging.getLogger(__name__)


@receiver(deferred, dispatch_uid="tracker.notify_deferral")
def notify_deferral(sender, deferral, **kwargs):
    from tracker.tasks import notify_deferral as task

    outbox.stop_report_reminders(deferral)
    try:
        task.delay(deferral.pk)
    except OperationalError:  # the broker is down: the next sweep sends it (rules.recent_deferrals)
        log.exception("could not enqueue the deferral email for deferral %s", deferral.pk)


@receiver(post_save, dispatch_uid="tracker.saved_invalidates_api_cache")
@receiver(post_delete, dispatch_uid="tracker.deleted_invalidates_api_cache")
@receiver(bulk_updated, dispatch_uid="tracker.bulk_invalidates_api_cache")
def invalidate_api_cache(sender, **kwargs):
    if is_cached_model(sender):
        bump_data_version()
