"""Change history that bulk updates cannot bypass.

django-simple-history records a row per save with who and when (the request's user, via
its middleware, or `_history_user` set by a service). A plain `QuerySet.update()` would
skip it, so tracked models use `TrackedQuerySet`, whose `update()` writes one history row
per changed object, in bulk: an officer's bulk change is as auditable as a single edit.
"""

import functools

from django.db import models, transaction
from django.dispatch import Signal
from simple_history.manager import HistoryManager as SimpleHistoryManager
from simple_history.models import HistoricalRecords

# Sent with the model class as sender after a bulk update, which sends no post_save.
bulk_updated = Signal()


class HistoryManager(SimpleHistoryManager):
    """django-simple-history builds a new manager class every time `Model.history` is read,
    and it reads it on every save of a tracked model (about a millisecond each, a twentieth of
    the test suite's time); this builds the class once per queryset class."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


def recorded(**options) -> HistoricalRecords:
    """The history of a tracked model: a row per save, with who and when."""
    return HistoricalRecords(history_manager=HistoryManager, **options)


def current_user():
    """The signed-in user of the request being served, if any (for history rows)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class TrackedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            # Lock the matching rows through a plain query: PostgreSQL refuses FOR UPDATE on
            # the DISTINCT or GROUP BY queries that admin searches and annotations make.
            matching = self.model._base_manager.using(self.db).filter(pk__in=self.values("pk"))
            pks = list(matching.order_by().select_for_update().values_list("pk", flat=True))
            if not pks:
                return 0
            # The plain manager does the SQL (Django's own bulk_update calls update() too).
            plain = self.model._base_manager.using(self.db).filter(pk__in=pks)
            count = models.QuerySet.update(plain, **kwargs)
            self.model.history.bulk_history_create(
                list(plain),
                update=True,
                default_user=current_user(),
                default_change_reason="bulk update",
            )
            bulk_updated.send(sender=self.model)
            return count

    update.alters_data = True
