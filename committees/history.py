"""Change history that bulk updates cannot bypass.

django-simple-history records a row per save with who and when (the request's user, via
its middleware, or `_history_user` set by a service). A plain `QuerySet.update()` would
skip it, so tracked models use `TrackedQuerySet`, whose `update()` saves through
`bulk_update_with_history` instead: an officer's bulk change is as auditable as a
single edit.
"""

from django.db import models, transaction
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history


def current_user():
    """The signed-in user of the request being served, if any (for history rows)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class TrackedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            objs = list(self.select_for_update())
            for obj in objs:
                for field, value in kwargs.items():
                    setattr(obj, field, value)
            if objs:
                bulk_update_with_history(
                    objs,
                    self.model,
                    fields=list(kwargs),
                    default_user=current_user(),
                    default_change_reason="bulk update",
                )
            return len(objs)

    update.alters_data = True
