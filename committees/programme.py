"""Keeping a committee's work programme: adding, moving and merging topics.

Every entry point (the pages, and later the API or importer) changes a programme through
these functions, so the rules are checked once and every change is kept as history with
who made it. Moving a planned topic to a later meeting (or back to "tbc") is a deferral:
it goes through `defer_topic`, which keeps the move and sends the deferral reminder.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from committees.deferrals import defer_topic, item_on_agenda
from committees.models import Deferral, Meeting, WorkProgramme, WorkProgrammeTopic

TBC = "to be confirmed"


def check_target(programme: WorkProgramme, meeting: Meeting | None, field: str) -> None:
    """Where a topic may be planned: tbc, or a meeting of the committee still to come."""
    if meeting is None:
        return
    if meeting.committee_id != programme.committee_id:
        raise ValidationError({field: "Choose one of this committee's meetings."})
    refusal = meeting.refuses_business()
    if refusal:
        raise ValidationError({field: refusal})


def add_topic(programme: WorkProgramme, *, title: str, by=None, **fields) -> WorkProgrammeTopic:
    """Add a topic to a programme, for a meeting of that municipal year or "tbc"."""
    meeting = fields.get("target_meeting")
    check_target(programme, meeting, "target_meeting")
    if meeting is not None and meeting.municipal_year_id != programme.municipal_year_id:
        raise ValidationError(
            {
                "target_meeting": f"The meeting of {meeting.date:%-d %B %Y} is in another "
                "municipal year; add the topic to that year's programme."
            }
        )
    topic = WorkProgrammeTopic(work_programme=programme, title=title.strip(), **fields)
    topic.full_clean()
    topic._history_user = by
    topic.save()
    return topic


def move_topic(
    topic: WorkProgrammeTopic, *, to_meeting: Meeting | None, reason: str = "", by=None
) -> Deferral | None:
    """Move a topic to another meeting, or to "tbc" (`to_meeting=None`).

    A topic planned for a meeting that moves to a later one, or back to tbc, is deferred:
    the move is kept as a `Deferral` with its reason and the author is told. Bringing a
    topic forward, or giving a tbc topic a meeting, is a plain change of plan.
    Returns the deferral when there was one.
    """
    with transaction.atomic():
        topic = (
            WorkProgrammeTopic.objects.select_for_update(of=("self",))
            .select_related("work_programme", "target_meeting")
            .get(pk=topic.pk)
        )
        if topic.status not in WorkProgrammeTopic.ACTIVE_STATUSES:
            raise ValidationError(
                f"“{topic.title}” is {topic.get_status_display().lower()}, so it cannot be moved."
            )
        check_target(topic.work_programme, to_meeting, "to_meeting")
        current = topic.target_meeting
        if to_meeting == current:
            where = f"the meeting of {current.date:%-d %B %Y}" if current else "tbc"
            raise ValidationError(
                {"to_meeting": f"“{topic.title}” is already planned for {where}."}
            )
        is_deferral = current is not None and (to_meeting is None or to_meeting.date > current.date)
        if is_deferral:
            if not reason.strip():
                raise ValidationError(
                    {"reason": "Say why it is deferred: the report author is told the reason."}
                )
            return defer_topic(
                topic,
                reason=reason,
                to_meeting=to_meeting,
                to_text="" if to_meeting else TBC,
                by=by,
            )
        if to_meeting is not None and to_meeting.municipal_year_id != (
            topic.work_programme.municipal_year_id
        ):
            topic.work_programme = WorkProgramme.for_meeting(to_meeting)
        item = item_on_agenda(topic)
        if item is not None:
            # Brought forward: its undecided item goes to the earlier agenda with it, so the
            # report is chased once, for the meeting it is now due at.
            item.meeting = to_meeting
            if to_meeting.items.filter(number=item.number).exclude(pk=item.pk).exists():
                item.number = None
            item.full_clean()
            item._history_user = by
            item.save(update_fields=["meeting", "number"])
        topic.target_meeting = to_meeting
        topic.full_clean()
        topic._history_user = by
        topic.save()
        return None


def merge_topics(
    keep: WorkProgrammeTopic, merge: WorkProgrammeTopic, *, by=None
) -> WorkProgrammeTopic:
    """Merge `merge` into `keep` ("be merged into one report"): `merge` is kept as history,
    status merged and pointing at `keep`. Deferrals stay where they were recorded, so each
    topic's deferral count is carried as it is."""
    with transaction.atomic():
        topics = {
            t.pk: t
            for t in WorkProgrammeTopic.objects.select_for_update(of=("self",))
            .select_related("work_programme")
            .filter(pk__in=[keep.pk, merge.pk])
        }
        keep, merge = topics[keep.pk], topics[merge.pk]
        if keep.pk == merge.pk:
            raise ValidationError(
                {"merge": "Choose another topic: a topic cannot merge into itself."}
            )
        if keep.work_programme.committee_id != merge.work_programme.committee_id:
            raise ValidationError({"merge": "Only topics of the same committee can be merged."})
        for topic in (keep, merge):
            if topic.status not in WorkProgrammeTopic.ACTIVE_STATUSES:
                raise ValidationError(
                    {
                        "merge": f"“{topic.title}” is {topic.get_status_display().lower()}; "
                        "only planned or deferred topics can be merged."
                    }
                )
        merge.status = WorkProgrammeTopic.Status.MERGED
        merge.merged_into = keep
        merge.full_clean()
        merge._history_user = by
        merge.save()
        return keep
