"""The API cache listens for every saved, deleted or bulk-updated record it may have served."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from committees.history import bulk_updated
from tracker.api.caching import bump_data_version, is_cached_model


@receiver(post_save, dispatch_uid="tracker.saved_invalidates_api_cache")
@receiver(post_delete, dispatch_uid="tracker.deleted_invalidates_api_cache")
@receiver(bulk_updated, dispatch_uid="tracker.bulk_invalidates_api_cache")
def invalidate_api_cache(sender, **kwargs):
    if is_cached_model(sender):
        bump_data_version()
