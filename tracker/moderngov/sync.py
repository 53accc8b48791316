"""Keeping an authority's committees, meetings, agendas and members in step with modern.gov.

`sync_authority` asks the web service for each of the authority's modern.gov committees, then
applies what it read in one transaction per committee: a committee whose answers could not be
read whole (a fault, after retries) changes nothing, and the others go ahead. Everything is
keyed on modern.gov's own ids (kept on the committee, meeting, item and person), and a thing
already in the tracker without one is adopted when it is plainly the same (a committee of the
same name, a meeting on the same day, an item of the same title), so running it again
changes nothing.

What modern.gov owns is updated: a committee's name, a meeting's date, time, venue and
status, an item's number, order and title, new meetings, items and members. What officers
record here is never overwritten (outcomes, deferrals, resolutions, actions, report authors,
exemptions, roles): where the two disagree, a `Difference` is recorded for an officer.

A meeting moved upstream keeps its business: its report deadline is worked out again by the
meeting's own rule and its reminders still waiting for the old date are stopped, as a
deferral stops them, so the reminders follow the new date. A meeting cancelled or postponed
upstream has its undecided business deferred, through `committees.deferrals`, to the
committee's next meeting that takes business (or to "not yet known"): report deadlines,
reminders and the authors' emails follow as for any deferral. An item appearing on a later
agenda is linked to the deferred (or planned) topic it continues when their titles agree.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from committees.deferrals import defer_item, defer_topic
from committees.models import (
    AgendaItem,
    Authority,
    Committee,
    Meeting,
    Membership,
    Person,
    WorkProgrammeTopic,
    beyond_planning_horizon,
    today,
)
from committees.programme import move_topic
from tracker.moderngov.answers import (
    AgendaEntry,
    AttendeeEntry,
    CommitteeEntry,
    MeetingEntry,
    ServiceFault,
)
from tracker.moderngov.client import WebService
from tracker.moderngov.models import Difference, SyncRun
from tracker.reminders.ledger import Reminder

log = logging.getLogger(__name__)

DAYS_BACK = 31
DAYS_AHEAD = 366
LONGEST_WINDOW_DAYS = 3 * 366

Status = Meeting.Status

# modern.gov's meeting statuses: those that close a meeting, and those that leave it planned.
CLOSING = {"cancelled": Status.CANCELLED, "postponed": Status.POSTPONED}
PLANNED = {"", "confirmed", "provisional", "rescheduled", "moved"}

Role = Membership.Role
ROLES = {
    "chair": Role.CHAIR,
    "chairman": Role.CHAIR,
    "chairperson": Role.CHAIR,
    "vice-chair": Role.VICE_CHAIR,
    "vice chair": Role.VICE_CHAIR,
    "vice-chairman": Role.VICE_CHAIR,
    "vice chairman": Role.VICE_CHAIR,
    "committee member": Role.MEMBER,
    "member": Role.MEMBER,
    "co-optee": Role.CO_OPTED_VOTING,
    "co-opted member": Role.CO_OPTED_VOTING,
    "co-opted member (voting)": Role.CO_OPTED_VOTING,
    "co-optee (voting)": Role.CO_OPTED_VOTING,
    "co-opted member (non-voting)": Role.CO_OPTED_NON_VOTING,
    "co-optee (non-voting)": Role.CO_OPTED_NON_VOTING,
    "substitute": Role.SUBSTITUTE,
    "substitute member": Role.SUBSTITUTE,
    "reserve": Role.SUBSTITUTE,
}

NOT_YET_KNOWN = "the next meeting, not yet set"


class SyncRefused(ValueError):
    """The sync was asked for something it cannot do (said for the person who asked)."""


def day(value: dt.date) -> str:
    return f"{value:%-d %B %Y}"


def same_title(a: str, b: str) -> bool:
    def norm(title: str) -> str:
        title = title.lower().replace("&", " and ").replace("\u2019", "").replace("'", "")
        return " ".join(re.sub(r"[^a-z0-9]+", " ", title).split())

    return norm(a) == norm(b)


def person_key(authority: Authority, member_id: int) -> str:
    return f"{authority.pk}:{member_id}"


def window(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The dates to ask about: by default a month back and a year ahead."""
    now = today()
    date_from = date_from or now - dt.timedelta(days=DAYS_BACK)
    date_to = date_to or max(now + dt.timedelta(days=DAYS_AHEAD), date_from)
    if date_from > date_to:
        raise SyncRefused(f"--from {date_from} is after --to {date_to}.")
    if (date_to - date_from).days > LONGEST_WINDOW_DAYS:
        raise SyncRefused(
            f"Ask for at most {LONGEST_WINDOW_DAYS} days at a time ({date_from} to {date_to} "
            "is longer)."
        )
    errors = beyond_planning_horizon(date_from=date_from, date_to=date_to)
    if errors:
        raise SyncRefused(" ".join(f"--{k.split('_')[1]}: {v}" for k, v in errors.items()))
    return date_from, date_to


def committees_to_sync(authority: Authority, asked: list[int] | None) -> list[int]:
    configured = list(authority.moderngov_committee_ids or [])
    if not authority.moderngov_url:
        raise SyncRefused(
            f"{authority} has no modern.gov address: set it (and its committee ids) on the "
            "authority first."
        )
    if not asked:
        if not configured:
            raise SyncRefused(f"{authority} names no modern.gov committees to keep in step.")
        return configured
    unknown = [i for i in asked if i not in configured]
    if unknown:
        listed = ", ".join(str(i) for i in configured) or "none"
        raise SyncRefused(
            f"Committee {', '.join(str(i) for i in unknown)} is not among {authority}'s "
            f"modern.gov committees ({listed}); add it on the authority first."
        )
    return list(dict.fromkeys(asked))


@dataclass
class Outcome:
    """What a run did (kept on the SyncRun; printed by the command)."""

    run: SyncRun
    differences: list[str] = field(default_factory=list)


def sync_authority(
    authority: Authority,
    *,
    committee_ids: list[int] | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    dry_run: bool = False,
    service: WebService | None = None,
    trigger: str = "command",
) -> Outcome:
    """Keep `authority`'s modern.gov committees in step; a dry run saves nothing at all."""
    ids = committees_to_sync(authority, committee_ids)
    date_from, date_to = window(date_from, date_to)
    service = service or WebService(authority.moderngov_url)
    run = SyncRun(
        authority=authority,
        trigger=trigger,
        committee_ids=ids,
        date_from=date_from,
        date_to=date_to,
    )
    if not dry_run:
        run.save()
    outcome = Outcome(run)
    try:
        failed = sync_committees(service, authority, ids, run, outcome, dry_run)
    except BaseException as exc:
        # Whatever raises (a bug, the database going away, a worker stopped), the run ends
        # here as failed with the reason said, never left "running"; the error goes on up.
        run.faults.append(
            f"The sync stopped part way (an error in the tracker: {type(exc).__name__})."
        )
        failed = len(ids)
        raise
    finally:
        run.questions = service.asked
        run.finished_at = timezone.now()
        run.status = (
            SyncRun.Status.DONE
            if not failed
            else SyncRun.Status.FAILED
            if failed == len(ids)
            else SyncRun.Status.PARTLY
        )
        if not dry_run:
            finish(run)
    return outcome


def sync_committees(service, authority, ids, run, outcome, dry_run) -> int:
    """Each committee in turn; how many failed."""
    failed = 0
    try:
        listed = {entry.id: entry for entry in service.committees()}
    except ServiceFault as fault:
        run.faults.append(f"The list of committees could not be read: {fault}. Nothing changed.")
        return len(ids)
    for committee_id in ids if listed else []:
        entry = listed.get(committee_id)
        if entry is None:
            run.faults.append(f"modern.gov lists no committee {committee_id}; nothing changed.")
            failed += 1
            continue
        if not apply_committee(service, authority, entry, run, outcome, dry_run):
            failed += 1
    return failed


def finish(run: SyncRun) -> None:
    """Save the finished run, even after a database error broke the transaction it ran in."""
    try:
        run.save()
    except DatabaseError:
        log.exception("modern.gov sync run %s could not be saved as finished", run.pk)


def apply_committee(service, authority, entry, run, outcome, dry_run) -> bool:
    """Read one committee's meetings whole, then apply them in one transaction."""
    name = f"{entry.title} ({entry.id})"
    try:
        headers = [
            header
            for header in service.meetings(entry.id, run.date_from, run.date_to)
            # Only the dates asked about, whatever a service that ignores them sends back.
            if run.date_from <= header.date <= run.date_to
        ]
        meetings = [service.meeting(header.id) for header in headers]
    except ServiceFault as fault:
        run.faults.append(f"{name}: {fault}. Nothing of this committee changed.")
        return False
    except Exception as exc:  # an answer read wrongly: this committee fails, the others go on
        log.exception("modern.gov committee %s of %s not read", entry.id, authority)
        run.faults.append(
            f"{name}: its answers could not be read (an error in the tracker: "
            f"{type(exc).__name__}). Nothing of this committee changed."
        )
        return False
    # GetMeetings says what the meeting list says; GetMeeting what the meeting's page says.
    # Where the two disagree about the date or status, the list (what clerks move) wins.
    by_id = {header.id: header for header in headers}
    meetings = [
        MeetingEntry(
            id=m.id,
            date=by_id[m.id].date,
            time=by_id[m.id].time or m.time,
            status=by_id[m.id].status or m.status,
            venue=m.venue,
            items=m.items,
            attendees=m.attendees,
        )
        for m in meetings
    ]
    changes_before, differences_before = len(run.changes), len(outcome.differences)
    try:
        with transaction.atomic():
            # One sync of an authority at a time (beat and a command at once wait in turn).
            Authority.objects.select_for_update().filter(pk=authority.pk).first()
            CommitteeSync(authority, entry, meetings, run, outcome, dry_run).apply()
            if dry_run:
                transaction.set_rollback(True)
    except Exception as exc:  # rolled back whole; the other committees go on
        del run.changes[changes_before:]
        del outcome.differences[differences_before:]
        if isinstance(exc, ValidationError):
            said = "; ".join(exc.messages)
        elif isinstance(exc, DatabaseError):
            said = f"the database refused it: {type(exc).__name__}"
        else:
            said = f"an error in the tracker: {type(exc).__name__}"
        run.faults.append(f"{name}: could not be applied ({said}). Nothing of it changed.")
        log.exception("modern.gov committee %s of %s not applied", entry.id, authority)
        return False
    return True


REASON = "modern.gov sync"


class CommitteeSync:
    def __init__(self, authority, entry: CommitteeEntry, meetings, run, outcome, dry_run):
        self.authority = authority
        self.entry = entry
        self.meetings = sorted(meetings, key=lambda m: (m.date, m.id))
        self.run = run
        self.outcome = outcome
        self.dry_run = dry_run
        self.today = today()
        self.committee: Committee | None = None

    # --- Recording ---------------------------------------------------------------------------

    def changed(self, line: str) -> None:
        self.run.changes.append(f"{self.committee.name}: {line}" if self.committee else line)

    def differ(self, key: str, subject: str, moderngov_says: str, tracker_says: str) -> None:
        """Record a disagreement once, for an officer to decide; the sync does not choose."""
        key = f"{key}={moderngov_says}"[:200]
        if Difference.objects.filter(authority=self.authority, key=key).exists():
            return
        self.outcome.differences.append(
            f"{subject}: modern.gov says {moderngov_says}; the tracker says {tracker_says}"
        )
        if self.dry_run:
            return
        Difference.objects.create(
            authority=self.authority,
            committee=self.committee,
            key=key,
            subject=subject[:300],
            moderngov_says=moderngov_says[:500],
            tracker_says=tracker_says[:500],
            first_seen=self.run,
        )

    # --- The committee -----------------------------------------------------------------------

    def apply(self) -> None:
        self.committee = self.committee_for(self.entry)
        closing = []
        seen = set()
        for entry in self.meetings:
            meeting = self.meeting_for(entry)
            if meeting is None:
                continue
            seen.add(meeting.pk)
            if self.update_status(meeting, entry):
                closing.append(meeting)
            self.sync_items(meeting, entry)
        for meeting in closing:
            self.close(meeting)
        for meeting in self.committee.meetings.filter(
            moderngov_id__isnull=False, date__range=(self.run.date_from, self.run.date_to)
        ).exclude(pk__in=seen):
            self.differ(
                f"meeting:{meeting.moderngov_id}:listed",
                f"Meeting of {day(meeting.date)}",
                "it is no longer listed",
                "it is kept here with its business",
            )
        self.sync_members()

    def committee_for(self, entry: CommitteeEntry) -> Committee:
        committees = Committee.objects.filter(authority=self.authority)
        committee = committees.filter(moderngov_id=entry.id).first()
        if committee is None:
            committee = committees.filter(
                moderngov_id__isnull=True, name__iexact=entry.title
            ).first()
            if committee is not None:
                committee.moderngov_id = entry.id
                committee.save(update_fields=["moderngov_id"])
                self.run.changes.append(
                    f"{committee.name}: linked to modern.gov committee {entry.id}"
                )
                return committee
        if committee is None:
            committee = Committee(
                authority=self.authority,
                name=entry.title[:200],
                slug=self.free_slug(entry.title),
                kind=kind_of(entry.title),
                reference_prefix=prefix_of(entry.title),
                moderngov_id=entry.id,
            )
            committee.full_clean()
            committee.save()
            self.run.changes.append(f"{committee.name}: added from modern.gov")
            return committee
        if committee.name != entry.title and entry.title:
            if committees.filter(name__iexact=entry.title).exclude(pk=committee.pk).exists():
                self.differ(
                    f"committee:{entry.id}:name",
                    f"Committee {committee.name}",
                    f"it is called {entry.title}",
                    "another committee here has that name",
                )
            else:
                old = committee.name
                committee.name = entry.title[:200]
                committee.save(update_fields=["name"])
                self.run.changes.append(f"{old}: renamed {committee.name}")
        return committee

    def free_slug(self, title: str) -> str:
        base = slugify(f"{self.authority.slug} {title}")[:72] or "committee"
        slug, n = base, 1
        while Committee.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    # --- Meetings ----------------------------------------------------------------------------

    def meeting_for(self, entry: MeetingEntry) -> Meeting | None:
        meetings = self.committee.meetings
        meeting = meetings.filter(moderngov_id=entry.id).first()
        if meeting is not None:
            self.update_meeting(meeting, entry)
            return meeting
        meeting = meetings.filter(moderngov_id__isnull=True, date=entry.date).first()
        if meeting is not None:
            meeting.moderngov_id = entry.id
            meeting._change_reason = REASON
            meeting.save(update_fields=["moderngov_id"])
            self.changed(f"meeting of {day(meeting.date)} linked to modern.gov meeting {entry.id}")
            self.update_meeting(meeting, entry)
            return meeting
        if meetings.filter(date=entry.date).exists():
            self.differ(
                f"meeting:{entry.id}:day",
                f"Meeting of {day(entry.date)}",
                f"meeting {entry.id} is on that day",
                "another meeting of the committee is on that day",
            )
            return None
        meeting = Meeting(
            committee=self.committee,
            date=entry.date,
            start_time=entry.time,
            venue=entry.venue,
            moderngov_id=entry.id,
        )
        try:
            meeting.full_clean(
                exclude=["municipal_year", "report_deadline", "agenda_publication_date"]
            )
        except ValidationError as exc:
            self.differ(
                f"meeting:{entry.id}:new",
                f"Meeting {entry.id}",
                f"it is on {entry.date:%Y-%m-%d}",
                f"it is not added ({'; '.join(exc.messages)})",
            )
            return None
        meeting._change_reason = REASON
        meeting.save()
        self.changed(f"meeting of {day(meeting.date)} added")
        return meeting

    def update_meeting(self, meeting: Meeting, entry: MeetingEntry) -> None:
        fields = []
        if entry.time is not None and meeting.start_time != entry.time:
            meeting.start_time = entry.time
            fields.append("start_time")
        if entry.venue and meeting.venue != entry.venue:
            meeting.venue = entry.venue
            fields.append("venue")
        if fields:
            meeting._change_reason = REASON
            meeting.save()
            self.changed(
                f"meeting of {day(meeting.date)}: {' and '.join(f.replace('start_', '') for f in fields)} updated"
            )
        if meeting.date != entry.date:
            self.move(meeting, entry.date)

    def move(self, meeting: Meeting, new_date: dt.date) -> None:
        """The meeting moved upstream: same business, new date; the deadline and reminders follow."""
        subject = f"Meeting of {day(meeting.date)}"
        if self.committee.meetings.filter(date=new_date).exclude(pk=meeting.pk).exists():
            self.differ(
                f"meeting:{meeting.moderngov_id}:date",
                subject,
                f"it moved to {day(new_date)}",
                "another meeting of the committee is on that day",
            )
            return
        if meeting.status == Status.HELD or (
            meeting.date < self.today
            and meeting.items.exclude(outcome=AgendaItem.Outcome.NONE).exists()
        ):
            self.differ(
                f"meeting:{meeting.moderngov_id}:date",
                subject,
                f"it is on {day(new_date)}",
                "it was held on the day recorded here",
            )
            return
        old_date, old_deadline = meeting.date, meeting.report_deadline
        meeting.date = new_date
        try:
            meeting.full_clean(
                exclude=["municipal_year", "report_deadline", "agenda_publication_date"]
            )
        except ValidationError as exc:
            meeting.date = old_date
            self.differ(
                f"meeting:{meeting.moderngov_id}:date",
                subject,
                f"it moved to {new_date:%Y-%m-%d}",
                f"it stays ({'; '.join(exc.messages)})",
            )
            return
        meeting._change_reason = REASON
        meeting.save()
        stopped = stop_waiting_reminders(
            meeting,
            f"The meeting of {day(old_date)} moved to {day(new_date)} in modern.gov before it was sent.",
        )
        self.changed(
            f"meeting of {day(old_date)} moved to {day(new_date)} in modern.gov: report deadline "
            f"{day(old_deadline)} is now {day(meeting.report_deadline)}, reminders follow the new "
            f"date ({stopped} waiting for the old one stopped)"
        )

    def update_status(self, meeting: Meeting, entry: MeetingEntry) -> bool:
        """Bring the status in step; True when the meeting has just closed (cancelled or
        postponed) and its business must go elsewhere."""
        said = entry.status.strip().lower()
        if said in CLOSING:
            wanted = CLOSING[said]
            if meeting.status == wanted:
                return False
            was_closed = meeting.status in Meeting.CLOSED_STATUSES
            meeting.status = wanted
            meeting._change_reason = REASON
            meeting.save(update_fields=["status"])
            self.changed(f"meeting of {day(meeting.date)} {wanted.label.lower()} in modern.gov")
            return not was_closed
        if said in PLANNED:
            if meeting.status in Meeting.CLOSED_STATUSES:
                meeting.status = Status.SCHEDULED
                meeting._change_reason = REASON
                meeting.save(update_fields=["status"])
                self.changed(f"meeting of {day(meeting.date)} scheduled again in modern.gov")
            return False
        self.differ(
            f"meeting:{meeting.moderngov_id}:status",
            f"Meeting of {day(meeting.date)}",
            f"its status is “{entry.status[:60]}”",
            f"it is {meeting.get_status_display().lower()} (a status the tracker does not know is left as it was)",
        )
        return False

    def close(self, meeting: Meeting) -> None:
        """A meeting cancelled or postponed upstream: its undecided business is deferred, as a
        deferral by the committee would, to the next meeting that takes business."""
        word = meeting.get_status_display().lower()
        if meeting.date < self.today:
            return  # a past meeting's business is as its minutes recorded it
        target = (
            Meeting.objects.accepting_business(self.today)
            .filter(committee=self.committee, date__gt=meeting.date)
            .order_by("date")
            .first()
        )
        reason = f"The meeting of {day(meeting.date)} was {word} in modern.gov."
        where = {"to_meeting": target, "to_text": "" if target else NOT_YET_KNOWN}
        moved = 0
        for item in meeting.items.filter(outcome=AgendaItem.Outcome.NONE).order_by(
            "position", "pk"
        ):
            defer_item(item, reason=reason, **where)
            moved += 1
        for topic in WorkProgrammeTopic.objects.active().filter(target_meeting=meeting):
            defer_topic(topic, reason=reason, **where)
            moved += 1
        if moved:
            to = f"the meeting of {day(target.date)}" if target else NOT_YET_KNOWN
            self.changed(
                f"{moved} item{'s' * (moved > 1)} of the {word} meeting of {day(meeting.date)} "
                f"deferred to {to}; report deadlines and reminders follow, and their authors are told"
            )

    # --- Agenda items ------------------------------------------------------------------------

    def sync_items(self, meeting: Meeting, entry: MeetingEntry) -> None:
        items = list(meeting.items.all())
        linked = {item.moderngov_id: item for item in items if item.moderngov_id}
        unlinked = [item for item in items if not item.moderngov_id]
        # Renumbered upstream (items swap numbers): free the old numbers first, as the
        # database allows one item per number at every moment.
        renumbered = [
            (linked[upstream.id], upstream.number)
            for upstream in entry.items
            if upstream.id in linked
            and upstream.number is not None
            and linked[upstream.id].number != upstream.number
        ]
        wanted = {number for _, number in renumbered}
        for item, _ in renumbered:
            if item.number in wanted:  # another item takes this number
                item.number = None
                item._change_reason = REASON
                item.save(update_fields=["number"])
        self.numbers = {item.number: item.pk for item in items if item.number is not None}
        self.candidates = None
        for upstream in entry.items:
            item = linked.get(upstream.id)
            if item is None:
                item = next(
                    (i for i in unlinked if same_title(i.display_title, upstream.title)), None
                )
                if item is not None:
                    unlinked.remove(item)
                    item.moderngov_id = upstream.id
                    item._change_reason = REASON
                    item.save(update_fields=["moderngov_id"])
                    self.changed(
                        f"item “{item.display_title}” of {day(meeting.date)} linked to modern.gov"
                    )
            if item is None:
                if meeting.status not in Meeting.CLOSED_STATUSES:
                    self.add_item(meeting, upstream)
            else:
                self.update_item(item, upstream)
        listed = {upstream.id for upstream in entry.items}
        for item_id, item in linked.items():
            if item_id not in listed:
                self.differ(
                    f"item:{item_id}:listed",
                    f"Item “{item.display_title}” of {day(meeting.date)}",
                    "it is no longer on the agenda",
                    "it is kept here",
                )

    def free_number(self, number: int | None, item=None) -> int | None:
        """`number`, unless another item of the meeting being synced holds it."""
        if number is None:
            return None
        holder = self.numbers.get(number)
        if holder is None or (item is not None and holder == item.pk):
            return number
        return None

    def add_item(self, meeting: Meeting, upstream: AgendaEntry) -> None:
        subject = f"Item “{upstream.title}” of {day(meeting.date)}"
        if upstream.restricted and upstream.paragraph is None:
            self.differ(
                f"item:{upstream.id}:paragraph",
                subject,
                "it is restricted (exempt) without naming its Schedule 12A paragraph",
                "it is not added: add it here as exempt with its paragraph",
            )
            return
        item = AgendaItem(
            meeting=meeting,
            moderngov_id=upstream.id,
            number=self.free_number(upstream.number),
            position=upstream.position,
            title=upstream.title,
            is_exempt=upstream.restricted,
            exempt_paragraph=upstream.paragraph,
            public_title=upstream.title if upstream.restricted else "",
        )
        topic = self.topic_continued(meeting, upstream)
        # The model's rules (exempt needs its paragraph and public title); its constraints are
        # the database's, and the number and id were checked above.
        item.full_clean(validate_constraints=False)
        item._change_reason = REASON
        item.save()
        if item.number is not None:
            self.numbers[item.number] = item.pk
        self.changed(f"item “{item.display_title}” added to the meeting of {day(meeting.date)}")
        if topic is not None:
            if topic.target_meeting_id is None:
                move_topic(topic, to_meeting=meeting)
            item.topic = topic
            item.full_clean(validate_constraints=False)
            item._change_reason = REASON
            item.save(update_fields=["topic"])
            self.changed(f"item “{item.display_title}” continues the topic “{topic.display_title}”")

    def topic_continued(self, meeting: Meeting, upstream: AgendaEntry) -> WorkProgrammeTopic | None:
        """The planned or deferred topic this new item continues, when exactly one's title agrees."""
        if self.candidates is None:  # read once per meeting
            self.candidates = list(
                WorkProgrammeTopic.objects.active()
                .filter(work_programme__committee=self.committee)
                .filter(
                    Q(target_meeting=meeting)
                    | Q(target_meeting__isnull=True, status=WorkProgrammeTopic.Status.DEFERRED)
                )
                .exclude(items__meeting=meeting)
                .distinct()
            )
        topics = [
            topic
            for topic in self.candidates
            if same_title(topic.display_title, upstream.title)
            or same_title(topic.title, upstream.title)
        ]
        if len(topics) != 1:
            return None
        topic = topics[0]
        if topic.target_meeting_id is None and meeting.refuses_business(self.today):
            return None
        self.candidates.remove(topic)  # one item continues it
        return topic

    def update_item(self, item: AgendaItem, upstream: AgendaEntry) -> None:
        subject = f"Item “{item.display_title}” of {day(item.meeting.date)}"
        if upstream.restricted and not item.is_exempt:
            paragraph = f" under paragraph {upstream.paragraph}" if upstream.paragraph else ""
            self.differ(
                f"item:{upstream.id}:exempt",
                subject,
                f"it is restricted (exempt{paragraph})",
                "it is public: make it exempt here if it is",
            )
        elif item.is_exempt and not upstream.restricted:
            self.differ(
                f"item:{upstream.id}:exempt",
                subject,
                "it is public",
                "it is exempt (only an officer lifts an exemption)",
            )
        fields = []
        number = self.free_number(upstream.number, item)
        if upstream.number is not None and number is None and item.number != upstream.number:
            self.differ(
                f"item:{upstream.id}:number",
                subject,
                f"it is item {upstream.number}",
                "another item of the meeting has that number",
            )
        elif number is not None and item.number != number:
            self.numbers.pop(item.number, None)
            self.numbers[number] = item.pk
            item.number = number
            fields.append("number")
        if item.position != upstream.position:
            item.position = upstream.position
            fields.append("position")
        if not item.is_exempt and not upstream.restricted and item.title != upstream.title:
            item.title = upstream.title
            fields.append("title")
        elif item.is_exempt and upstream.restricted and item.public_title != upstream.title:
            self.differ(
                f"item:{upstream.id}:public_title",
                subject,
                f"its public title is “{upstream.title}”",
                f"its public title is “{item.public_title}”",
            )
        if fields:
            item.full_clean(validate_constraints=False)
            item._change_reason = REASON
            item.save(update_fields=fields)
            said = [name for name in fields if name != "position"]  # the order alone is no news
            if said:
                self.changed(
                    f"item “{item.display_title}” of {day(item.meeting.date)}: {' and '.join(said)} updated"
                )

    # --- Members -----------------------------------------------------------------------------

    def sync_members(self) -> None:
        """The members and roles listed at the latest meeting (held or to come) that lists them."""
        latest = next(
            (
                m
                for m in reversed(self.meetings)
                if any(a.role.lower() in ROLES for a in m.attendees)
            ),
            None,
        )
        if latest is None:
            return
        listed = [(a, ROLES[a.role.lower()]) for a in latest.attendees if a.role.lower() in ROLES]
        seen = set()
        for attendee, role in listed:
            person = self.person_for(attendee)
            seen.add(person.pk)
            current = self.committee.memberships.current(self.today).filter(person=person).first()
            if current is None:
                membership = Membership(
                    committee=self.committee, person=person, role=role, start_date=self.today
                )
                try:
                    membership.full_clean()
                except ValidationError as exc:
                    self.differ(
                        f"member:{attendee.member_id}:role",
                        f"{person.name} on {self.committee.name}",
                        f"they are {role.label}",
                        f"they are not added ({'; '.join(exc.messages)})",
                    )
                    continue
                membership.save()
                self.changed(f"{person.name} added as {role.label}")
            elif current.role != role:
                self.differ(
                    f"member:{attendee.member_id}:role",
                    f"{person.name} on {self.committee.name}",
                    f"they are {role.label}",
                    f"they are {current.get_role_display()}",
                )
        prefix = f"{self.authority.pk}:"
        for membership in (
            self.committee.memberships.current(self.today)
            .filter(person__moderngov_id__startswith=prefix)
            .exclude(person__in=seen)
            .select_related("person")
        ):
            self.differ(
                f"member:{membership.person.moderngov_id}:listed:{membership.pk}",
                f"{membership.person.name} on {self.committee.name}",
                "they are not listed as a member",
                f"they are {membership.get_role_display()}",
            )

    def person_for(self, attendee: AttendeeEntry) -> Person:
        key = person_key(self.authority, attendee.member_id)
        person = Person.objects.filter(moderngov_id=key).first()
        if person is not None:
            return person
        name = (
            re.sub(r"^(councillor|cllr\.?)\s+", "", attendee.name, flags=re.IGNORECASE)
            or attendee.name
        )
        is_councillor = name != attendee.name
        namesakes = list(Person.objects.filter(moderngov_id__isnull=True, name__iexact=name)[:2])
        if len(namesakes) == 1:
            person = namesakes[0]
            person.moderngov_id = key
            person.save(update_fields=["moderngov_id"])
            return person
        person = Person(
            name=name or f"modern.gov member {attendee.member_id}",
            is_councillor=is_councillor,
            moderngov_id=key,
        )
        person.full_clean()
        person.save()
        self.changed(f"{person.name} added to the tracker's people")
        return person


def stop_waiting_reminders(meeting: Meeting, reason: str) -> int:
    """The report reminders still waiting for a meeting's old date are stopped, as a deferral
    stops them: the sweep plans them again for the new date."""
    items = list(meeting.items.values_list("pk", flat=True))
    topics = list(
        WorkProgrammeTopic.objects.filter(target_meeting=meeting).values_list("pk", flat=True)
    )
    if not items and not topics:
        return 0
    subjects = Q()
    for pk in items:
        subjects |= Q(about__startswith=f"item:{pk}:")
    for pk in topics:
        subjects |= Q(about__startswith=f"topic:{pk}:")
    return Reminder.objects.filter(
        subjects,
        status=Reminder.Status.PENDING,
        rule__in=(Reminder.Rule.REPORT_DUE_SOON, Reminder.Rule.REPORT_OVERDUE),
    ).update(status=Reminder.Status.STOPPED, last_error=reason[:2000])


def kind_of(title: str) -> str:
    lowered = title.lower()
    if "sub-committee" in lowered or "sub committee" in lowered:
        return Committee.Kind.SUB_COMMITTEE
    if "task and finish" in lowered or "task & finish" in lowered:
        return Committee.Kind.TASK_AND_FINISH
    if "panel" in lowered:
        return Committee.Kind.PANEL
    return Committee.Kind.COMMITTEE


def prefix_of(title: str) -> str:
    """References' prefix for a committee added from modern.gov: its initials ("CSOS")."""
    words = re.findall(r"[A-Za-z]+", re.sub(r"['\u2019]s\b", "", title))
    initials = "".join(w[0].upper() for w in words if w.lower() not in {"and", "of", "the", "for"})
    return initials[:8] or "MG"


def sync_configured_authorities(*, service_for=None) -> list[SyncRun]:
    """Every authority that names its modern.gov committees, each on its own: one that fails
    (or raises) is logged and the others still run."""
    service_for = service_for or WebService
    runs = []
    for authority in Authority.objects.exclude(moderngov_url="").order_by("pk"):
        if not authority.moderngov_committee_ids:
            continue
        try:
            outcome = sync_authority(
                authority, service=service_for(authority.moderngov_url), trigger="schedule"
            )
        except Exception:
            log.exception("modern.gov sync of %s failed", authority)
            continue
        runs.append(outcome.run)
    return runs
