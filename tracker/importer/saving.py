"""Saving a reviewed proposal through the project's own rules, in one transaction.

Every object is validated with `full_clean()` and saved with the officer as its history
user; deferrals go through `committees.deferrals.defer_item` like every other entry point.
Importing the same minutes twice changes nothing: each object is looked up by its natural
key first (meeting by committee and date, item by number or title, resolution by position,
topic by programme and title, action by committee, title and item) and left alone if found.
"""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from actions.models import Action, Resolution
from committees.deferrals import defer_item
from committees.exemption import derived_exemption
from committees.models import (
    LONDON,
    AgendaItem,
    Committee,
    Meeting,
    Membership,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
    today,
)
from committees.outcomes import record_outcome
from tracker.importer.parsing import ItemProposal, MeetingProposal, Proposal

NO_TARGET = "a later meeting (not stated in the minutes)"


class SavingError(Exception):
    """The proposal breaks a rule of the tracker; nothing was saved. The message says where."""


@dataclass
class SaveResult:
    meeting: Meeting
    created: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        parts = []
        for key, label in (
            ("meeting", "meeting"),
            ("items", "item"),
            ("resolutions", "resolution"),
            ("deferrals", "deferral"),
            ("topics", "work-programme topic"),
            ("actions", "action"),
        ):
            count = self.created[key]
            parts.append(f"{count} {label}{'' if count == 1 else 's'}")
        return f"{self.meeting}: created " + ", ".join(parts) + "."


def normalise_name(name: str) -> str:
    name = name.replace("\u2019", "'").replace("&", "and")
    return " ".join(name.lower().split())


def find_committee(name: str) -> Committee | None:
    """The committee whose name is exactly the one in the minutes (ignoring case, curly
    apostrophes and "&"/"and"); None when none or several match."""
    wanted = normalise_name(name or "")
    if not wanted:
        return None
    matches = [c for c in Committee.objects.all() if normalise_name(c.name) == wanted]
    return matches[0] if len(matches) == 1 else None


def committee_people(committee: Committee | None, on=()):
    """Who may own an action or lead a topic chosen on the review page: the committee's
    officer, its members (current today or on any of the dates `on`) and the people already
    named on its items (report authors and lead officers), by name."""
    if committee is None:
        return Person.objects.none()
    members = Membership.objects.current().filter(committee=committee)
    for day in on:
        members = members | Membership.objects.current(day).filter(committee=committee)
    items = AgendaItem.objects.filter(meeting__committee=committee)
    return Person.objects.filter(
        Q(pk=committee.officer_id)
        | Q(pk__in=members.values("person"))
        | Q(pk__in=items.values("report_author"))
        | Q(pk__in=items.values("lead_officer"))
    ).order_by("name", "pk")


def save_proposal(proposal: Proposal, committee: Committee, *, by=None) -> list[SaveResult]:
    """Save every meeting of the proposal for `committee`, all or nothing."""
    if not proposal.meetings:
        raise SavingError("The proposal holds no meeting to save.")
    with transaction.atomic():
        return [_save_meeting(meeting, committee, by) for meeting in proposal.meetings]


def _fail(where: str, error: ValidationError) -> SavingError:
    messages = []
    if hasattr(error, "message_dict"):
        for fieldname, texts in error.message_dict.items():
            label = "" if fieldname == "__all__" else f"{fieldname}: "
            messages.extend(label + text for text in texts)
    else:
        messages = list(error.messages)
    return SavingError(f"{where}: {'; '.join(messages)} Nothing was saved.")


def _clean_and_save(obj, where: str, by, exclude=()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise _fail(where, error) from None
    obj._history_user = by
    obj.save()


def _save_meeting(proposal: MeetingProposal, committee: Committee, by) -> SaveResult:
    if not proposal.date:
        raise SavingError("The meeting's date is missing from the proposal; nothing was saved.")
    day = dt.date.fromisoformat(proposal.date)
    start = dt.time.fromisoformat(proposal.time) if proposal.time else None
    meeting = Meeting.objects.filter(committee=committee, date=day).first()
    result = SaveResult(meeting=meeting)
    computed = ["municipal_year", "report_deadline", "agenda_publication_date"]
    if meeting is None:
        meeting = Meeting(
            committee=committee,
            date=day,
            start_time=start,
            venue=(proposal.venue or "")[:300],
            status=Meeting.Status.HELD if day <= today() else Meeting.Status.SCHEDULED,
        )
        _clean_and_save(meeting, f"The meeting of {day:%-d %B %Y}", by, computed)
        result.created["meeting"] += 1
    else:
        changed = False
        if meeting.start_time is None and start:
            meeting.start_time, changed = start, True
        if not meeting.venue and proposal.venue:
            meeting.venue, changed = proposal.venue[:300], True
        if meeting.status == Meeting.Status.SCHEDULED and day <= today():
            meeting.status, changed = Meeting.Status.HELD, True
        if changed:
            _clean_and_save(meeting, f"The meeting of {day:%-d %B %Y}", by, computed)
    result.meeting = meeting

    items: dict[str, AgendaItem] = {}
    for position, item_proposal in enumerate(proposal.items, start=1):
        item = _save_item(meeting, position, item_proposal, by, result)
        items[item_proposal.label] = item
        _save_resolutions(item, item_proposal, by, result)
        if item_proposal.deferred_to is not None and item.outcome != AgendaItem.Outcome.DEFERRED:
            _defer(meeting, item, item_proposal, by, result)

    for request in proposal.work_programme_requests:
        _save_topic(meeting, request, items, by, result)
    for request in proposal.report_back_requests:
        item = items.get(request.item)
        due = _later_meeting(meeting, request.target.date)
        description = f"Asked for at the meeting of {day:%-d %B %Y}: {request.text}"
        if due is None:
            description += f"\nDue back: {request.target.text or 'not stated'} (no meeting is scheduled for it yet)."
        resolution = None
        if item is not None and request.resolution:
            resolution = Resolution.objects.filter(
                agenda_item=item, position=request.resolution
            ).first()
        _save_action(
            committee,
            item,
            request.text,
            description,
            by,
            result,
            due=due,
            resolution=resolution,
            owner=_person(request.owner) or _named_person(request.text),
        )
    for undertaking in proposal.undertakings:
        item = items.get(undertaking.item)
        description = f"Undertaken at the meeting of {day:%-d %B %Y}: {undertaking.text}"
        _save_action(
            committee,
            item,
            undertaking.text,
            description,
            by,
            result,
            owner=_person(undertaking.owner) or _named_person(undertaking.text),
        )
    return result


def _save_item(meeting, position, proposal: ItemProposal, by, result) -> AgendaItem:
    title = (proposal.title or "Untitled item")[:300]
    if proposal.number is not None:
        item = meeting.items.filter(number=proposal.number).first()
    else:
        item = meeting.items.filter(number__isnull=True, title=title).first()
    outcome = proposal.outcome if proposal.outcome in AgendaItem.Outcome.values else "none"
    if outcome == AgendaItem.Outcome.DEFERRED:
        outcome = AgendaItem.Outcome.NONE  # set by defer_item, which records the deferral
    where = f"Item {proposal.label}"
    if item is None:
        item = AgendaItem(
            meeting=meeting,
            number=proposal.number,
            position=position,
            title=title,
            outcome=outcome,
            minutes=proposal.minutes,
            lead_officer=_person(proposal.lead_officer),
        )
        if getattr(proposal, "exempt", False) and getattr(proposal, "exempt_paragraph", None):
            # Part 2: the printed title is what the public minutes already show
            item.is_exempt = True
            item.exempt_paragraph = proposal.exempt_paragraph
            item.public_title = title
        _clean_and_save(item, where, by)
        result.created["items"] += 1
        return item
    changed = False
    if not item.minutes and proposal.minutes:
        item.minutes, changed = proposal.minutes, True
    if item.lead_officer_id is None and proposal.lead_officer is not None:
        item.lead_officer, changed = _person(proposal.lead_officer), True
    if changed:
        _clean_and_save(item, where, by)
    if item.outcome == AgendaItem.Outcome.NONE and outcome != AgendaItem.Outcome.NONE:
        try:
            item = record_outcome(item, outcome, by=by)
        except ValidationError as error:
            raise _fail(where, error) from None
    return item


def _save_resolutions(item: AgendaItem, proposal: ItemProposal, by, result) -> None:
    existing = set(Resolution.objects.filter(agenda_item=item).values_list("position", flat=True))
    for position, resolution in enumerate(proposal.resolutions, start=1):
        if position in existing:
            if resolution.kind == "action":
                row = Resolution.objects.get(agenda_item=item, position=position)
                _save_resolution_action(item, row, resolution, by, result)
            continue
        kind = resolution.kind if resolution.kind in Resolution.Kind.values else "note"
        row = Resolution(
            agenda_item=item,
            number=(resolution.number or "")[:12],
            position=position,
            text=resolution.text,
            kind=kind,
        )
        where = f"Item {proposal.label}, resolution {resolution.number or position}"
        _clean_and_save(row, where, by, ("committee", "municipal_year", "sequence", "reference"))
        result.created["resolutions"] += 1
        if kind == "action":
            _save_resolution_action(item, row, resolution, by, result)


def _save_resolution_action(item: AgendaItem, row: Resolution, resolution, by, result) -> None:
    """A resolution asking someone to act is an action: due when its text says, owned by
    the person the officer chose (or the one its text names)."""
    meeting = item.meeting
    due = dt.date.fromisoformat(resolution.due) if resolution.due else None
    _save_action(
        meeting.committee,
        item,
        resolution.text,
        f"Resolved at the meeting of {meeting.date:%-d %B %Y}: {resolution.text}",
        by,
        result,
        resolution=row,
        owner=_person(resolution.owner) or _named_person(resolution.text),
        due_date=due,
    )


def _later_meeting(meeting: Meeting, date_text: str | None) -> Meeting | None:
    if not date_text:
        return None
    day = dt.date.fromisoformat(date_text)
    if day <= meeting.date:
        return None
    return Meeting.objects.filter(committee_id=meeting.committee_id, date=day).first()


def _defer(meeting: Meeting, item: AgendaItem, proposal: ItemProposal, by, result) -> None:
    target = proposal.deferred_to
    to_meeting = _later_meeting(meeting, target.date)
    moment = dt.datetime.combine(meeting.date, meeting.start_time or dt.time(0, 0), tzinfo=LONDON)
    reason = target.reason or f"Deferred at the meeting of {meeting.date:%-d %B %Y}."
    try:
        defer_item(
            item,
            reason=f"{reason} (Imported from the minutes.)",
            to_meeting=to_meeting,
            to_text="" if to_meeting else (target.text or NO_TARGET)[:300],
            decided_at=meeting,
            by=by,
            at=moment,
        )
    except ValidationError as error:
        raise _fail(f"Item {proposal.label}, deferral", error) from None
    result.created["deferrals"] += 1


def _save_topic(meeting: Meeting, request, items, by, result) -> None:
    target = _later_meeting(meeting, request.target.date)
    programme = WorkProgramme.for_meeting(target or meeting)
    title = request.topic[:300]
    if WorkProgrammeTopic.objects.filter(work_programme=programme, title=title).exists():
        return
    origin = f"Requested under item {request.item} at the meeting of {meeting.date:%-d %B %Y}"
    topic = WorkProgrammeTopic(
        work_programme=programme,
        title=title,
        description=""
        if target
        else f"Target in the minutes: {request.target.text or 'not stated'}.",
        target_meeting=target,
        lead_officer=_person(request.lead_officer),
        status=WorkProgrammeTopic.Status.PLANNED,
        origin=origin[:300],
        requested_at=meeting,
        # Asked for in a Part 2 item: as exempt as the item, shown by its public title.
        **derived_exemption(items.get(request.item)),
    )
    _clean_and_save(topic, f'Work-programme topic "{title}"', by)
    result.created["topics"] += 1


def _save_action(
    committee,
    item,
    text,
    description,
    by,
    result,
    *,
    due=None,
    resolution=None,
    owner=None,
    due_date=None,
):
    title = " ".join(text.split())[:300] or "Follow-up from the minutes"
    if Action.objects.filter(committee=committee, title=title, agenda_item=item).exists():
        return
    action = Action(
        committee=committee,
        agenda_item=item,
        resolution=resolution,
        title=title,
        description=description,
        due_back_meeting=due,
        due_date=due_date,
        owner=owner,
    )
    _clean_and_save(
        action, f'Action "{title[:60]}"', by, ("municipal_year", "sequence", "reference")
    )
    result.created["actions"] += 1


def _person(pk: int | None) -> Person | None:
    return Person.objects.filter(pk=pk).first() if pk else None


def _named_person(text: str) -> Person | None:
    """The one person the text names in full ("Dev Okafor would send ..."), else nobody:
    owners the minutes do not name are left for the officer to assign."""
    found = [
        person
        for person in Person.objects.only("name")
        if len(person.name) >= 5 and re.search(rf"\b{re.escape(person.name)}\b", text)
    ]
    return found[0] if len(found) == 1 else None
