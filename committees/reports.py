"""Recording that a report reached democratic services, which stops its reminders."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from committees.models import AgendaItem, WorkProgrammeTopic


def record_report_submitted(
    thing: AgendaItem | WorkProgrammeTopic, *, at: dt.datetime | None = None, by=None
) -> AgendaItem | WorkProgrammeTopic:
    """Mark the report for an agenda item or a planned topic as received (idempotent)."""
    with transaction.atomic():
        thing = type(thing).objects.select_for_update().get(pk=thing.pk)
        if thing.report_submitted_at is None:
            thing.report_submitted_at = at or timezone.now()
            thing._history_user = by
            thing.save(update_fields=["report_submitted_at"])
    return thing
