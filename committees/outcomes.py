"""Recording what a meeting decided on an item, and withdrawing a topic.

An item's outcome and a topic's status are events, not fields to type into: every door (the
admin, the API, the pages, the importer) records them here, so a topic follows its item and
a deferred item keeps its deferral. Deferring is `committees.deferrals`; merging is
`committees.programme`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from committees.models import DEFERRED_ONLY_BY_DEFERRAL, AgendaItem, WorkProgrammeTopic

Outcome = AgendaItem.Outcome
Status = WorkProgrammeTopic.Status

# The outcomes that mean the committee took the item: its topic has been considered.
TAKEN = (Outcome.NOTED, Outcome.RESOLVED)


def record_outcome(item: AgendaItem, outcome: str, *, by=None) -> AgendaItem:
    """Record (or correct) the outcome of an item; its topic planned for this meeting follows:
    considered when the item was noted or resolved, planned again when that is undone."""
    if outcome == Outcome.DEFERRED:
        raise ValidationError({"outcome": DEFERRED_ONLY_BY_DEFERRAL})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": f"“{outcome}” is not an outcome of an agenda item."})
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
        if item.outcome == outcome:
            return item
        item.outcome = outcome
        item.full_clean()
        if outcome != Outcome.NONE and (refusal := item.meeting.refuses_record()):
            raise ValidationError({"outcome": refusal})
        item._history_user = by
        item.save(update_fields=["outcome"])
        topic = item.topic
        if topic is not None and topic.target_meeting_id == item.meeting_id:
            if outcome in TAKEN and topic.status in WorkProgrammeTopic.ACTIVE_STATUSES:
                _set_status(topic, Status.CONSIDERED, by)
            elif outcome not in TAKEN and topic.status == Status.CONSIDERED:
                _set_status(topic, Status.PLANNED, by)
    return item


def withdraw_topic(topic: WorkProgrammeTopic, *, by=None) -> WorkProgrammeTopic:
    """Take a planned or deferred topic off the work programme; it is kept as history."""
    with transaction.atomic():
        topic = WorkProgrammeTopic.objects.select_for_update().get(pk=topic.pk)
        if topic.status not in WorkProgrammeTopic.ACTIVE_STATUSES:
            raise ValidationError(
                {
                    "status": f"“{topic.display_title}” is {topic.get_status_display().lower()}; "
                    "only a planned or deferred topic can be withdrawn."
                }
            )
        _set_status(topic, Status.WITHDRAWN, by)
    return topic


def _set_status(topic: WorkProgrammeTopic, status: str, by) -> None:
    topic.status = status
    topic._history_user = by
    topic.save(update_fields=["status"])
