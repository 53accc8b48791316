"""Deferring business from one meeting to a later one.

Every entry point (admin, API, pages, importer) defers through these functions, so the
rules are checked once and the `deferred` signal goes out once, after the transaction
commits: a rolled-back deferral tells nobody. The tracker listens to send reminders.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from committees.exemption import derived_exemption
from committees.models import (
    LONDON,
    AgendaItem,
    Deferral,
    Meeting,
    WorkProgramme,
    WorkProgrammeTopic,
)

# Sent with `deferral=` once the deferral is committed.
deferred = Signal()


def topic_for_item(item: AgendaItem, by=None) -> WorkProgrammeTopic:
    """The work-programme topic behind an agenda item, created for it if it has none."""
    if item.topic_id:
        return item.topic
    # An exempt item lends the topic only its public title (its real title is as
    # confidential as its report), and its exemption: the topic's lead, meeting, origin and
    # deferrals are shown only to those who may read the item.
    number = f"{item.number}. " if item.number is not None else ""
    topic = WorkProgrammeTopic(
        work_programme=WorkProgramme.for_meeting(item.meeting),
        title=item.display_title,
        lead_officer=item.lead_officer or item.report_author,
        target_meeting=item.meeting,
        origin=f"Agenda item {number}{item.display_title} of {item.meeting.date:%-d %B %Y}",
        **derived_exemption(item),
    )
    topic._history_user = by
    topic.save()
    item.topic = topic
    item._history_user = by
    item.save(update_fields=["topic"])
    return topic


def item_on_agenda(topic: WorkProgrammeTopic) -> AgendaItem | None:
    """The topic's undecided item on the agenda of the meeting it is planned for, if any."""
    if topic.target_meeting_id is None:
        return None
    return (
        topic.items.filter(meeting_id=topic.target_meeting_id, outcome=AgendaItem.Outcome.NONE)
        .order_by("position", "pk")
        .first()
    )


def defer_topic(
    topic: WorkProgrammeTopic,
    *,
    reason: str,
    to_meeting: Meeting | None = None,
    to_text: str = "",
    agenda_item: AgendaItem | None = None,
    decided_at: Meeting | None = None,
    by=None,
    at: dt.datetime | None = None,
) -> Deferral:
    """Move a topic to a later meeting (or to none yet), keeping the move as history."""
    with transaction.atomic():
        topic = WorkProgrammeTopic.objects.select_for_update().get(pk=topic.pk)
        # Deferred at its meeting (the item's meeting has taken place), or moved now, ahead of
        # it: only the first is "decided at" a meeting.
        decided_meeting = agenda_item.meeting if agenda_item is not None else None
        decided_on_item = decided_meeting is not None and decided_meeting.date <= (
            (at or timezone.now()).astimezone(LONDON).date()
        )
        if agenda_item is None:
            # The topic's item on the agenda it leaves goes with it: that item is what the
            # report reminders and the meeting page hang on.
            agenda_item = item_on_agenda(topic)
        if agenda_item is not None:
            agenda_item = AgendaItem.objects.select_for_update().get(pk=agenda_item.pk)
            if agenda_item.outcome == AgendaItem.Outcome.DEFERRED:
                raise ValidationError(
                    f"Item {agenda_item} was already deferred; defer it again from the meeting it went to."
                )
            if agenda_item.outcome != AgendaItem.Outcome.NONE:
                raise ValidationError(
                    {
                        "outcome": f"Item {agenda_item} was {agenda_item.get_outcome_display().lower()}"
                        "; only business not yet decided can be deferred."
                    }
                )
        if topic.status not in WorkProgrammeTopic.ACTIVE_STATUSES:
            raise ValidationError(
                {
                    "status": f"“{topic.display_title}” is {topic.get_status_display().lower()}"
                    "; only a planned or deferred topic can be deferred."
                }
            )
        from_meeting = agenda_item.meeting if agenda_item else topic.target_meeting
        deferral = Deferral(
            topic=topic,
            agenda_item=agenda_item,
            from_meeting=from_meeting,
            to_meeting=to_meeting,
            to_text=to_text.strip(),
            reason=reason.strip(),
            decided_at=decided_at or (decided_meeting if decided_on_item else None),
            created_by=by,
            created_at=at or timezone.now(),
        )
        if to_meeting is not None and at is None and not decided_on_item and decided_at is None:
            # Moved now, between meetings: only to a meeting still to come.
            refusal = to_meeting.refuses_business()
            if refusal:
                raise ValidationError({"to_meeting": refusal})
        deferral.full_clean()
        deferral._history_user = by
        deferral.save()

        if (
            to_meeting is not None
            and to_meeting.municipal_year_id != topic.work_programme.municipal_year_id
        ):
            topic.work_programme = WorkProgramme.for_meeting(to_meeting)
        topic.target_meeting = to_meeting
        topic.status = WorkProgrammeTopic.Status.DEFERRED
        if topic.lead_officer_id is None and agenda_item is not None:
            # Whoever held the report at the old meeting holds it at the new one.
            topic.lead_officer = agenda_item.report_author or agenda_item.lead_officer
        topic._history_user = by
        topic.save()

        if agenda_item is not None:
            agenda_item.outcome = AgendaItem.Outcome.DEFERRED
            agenda_item._history_user = by
            agenda_item.save(update_fields=["outcome"])

        transaction.on_commit(lambda: deferred.send(sender=Deferral, deferral=deferral))
    return deferral


def defer_item(
    item: AgendaItem,
    *,
    reason: str,
    to_meeting: Meeting | None = None,
    to_text: str = "",
    decided_at: Meeting | None = None,
    by=None,
    at: dt.datetime | None = None,
) -> Deferral:
    """Defer an agenda item: its topic moves on, and the item's outcome becomes deferred."""
    with transaction.atomic():
        topic = topic_for_item(item, by=by)
        return defer_topic(
            topic,
            reason=reason,
            to_meeting=to_meeting,
            to_text=to_text,
            agenda_item=item,
            decided_at=decided_at,
            by=by,
            at=at,
        )
