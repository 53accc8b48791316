"""Saving tracker rows for a committee through the tracker's own rules, all in one transaction.

Each row is a recommendation or action raised at a meeting: the meeting is found by its date
(a held meeting is created when the committee has none that day), the resolution goes under
an item of that meeting (the row's subject, or one item for the imported tracker), and the
follow-up is an action owned by the lead officer when the tracker knows that person. The
latest update is recorded with `actions.progress.record_update`; a row the spreadsheet calls
complete is closed with `actions.progress.sign_off`, the one way an action becomes Completed;
executive responses go through `actions.responses`. So an import is refused what any other
door is refused (an update dated before its meeting, a decision before the referral).

A row is matched to what an earlier import saved by its spreadsheet reference (kept on the
resolution, per committee and municipal year), or without one by its meeting and text, so
importing the same file again changes nothing and an edited file changes what was edited.
History is never rewritten: a changed status is a new update, an action already closed or a
decision already recorded is left as it is and the difference is reported. A row the rules
refuse is undone alone (a savepoint) and listed; a dry run does everything and rolls it back,
so it reports exactly what saving would do.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from actions.models import Action, ActionUpdate, ExecutiveResponse, Resolution
from actions.progress import record_update, sign_off
from actions.responses import record_decision, refer_to_executive
from committees.models import AgendaItem, Committee, Meeting, Person, today
from tracker.workbooks.rows import Reading, RowProblem, TrackerRow

IMPORTED_ITEM = "Recommendations and actions from the tracker spreadsheet"
COMPLETED_TEXT = "Completed, as the council's tracker spreadsheet records."
RESOLUTION_EXCLUDE = ["committee", "municipal_year", "sequence", "reference"]
ACTION_EXCLUDE = ["municipal_year", "sequence", "reference"]
HONORIFICS = re.compile(r"^(cllr|councillor|cl|dr|mr|mrs|ms|miss|mx|prof|professor)\.?\s+")


class Kinds:
    """What the rows are: decided by each row's executive response, or all one kind."""

    AUTO = "auto"
    RECOMMENDATION = Resolution.Kind.RECOMMENDATION
    ACTION = Resolution.Kind.ACTION
    CHOICES = (
        (AUTO, "Recommendations where an executive response or portfolio holder is given"),
        (RECOMMENDATION, "All recommendations to the executive"),
        (ACTION, "All actions for officers"),
    )


@dataclass
class RowOutcome:
    number: int
    reference: str  # ours: "CS (17/18) 04"
    changes: list[str] = field(default_factory=list)

    def __str__(self):
        said = "; ".join(self.changes) if self.changes else "unchanged"
        return f"Row {self.number} ({self.reference}): {said}"


@dataclass
class Outcome:
    committee: Committee
    saved: bool = False
    counts: Counter = field(default_factory=Counter)
    rows: list[RowOutcome] = field(default_factory=list)
    refused: list[RowProblem] = field(default_factory=list)  # on reading or saving
    notes: list[str] = field(default_factory=list)

    @property
    def changed_rows(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.changes]

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows if not row.changes)

    def summary(self) -> str:
        counts = self.counts
        parts = [
            f"{counts['meetings']} meeting{'' if counts['meetings'] == 1 else 's'} created",
            f"{counts['resolutions']} recommendation{'' if counts['resolutions'] == 1 else 's'} "
            f"and {counts['actions']} action{'' if counts['actions'] == 1 else 's'} created",
            f"{counts['updates']} update{'' if counts['updates'] == 1 else 's'} recorded",
            f"{counts['sign_offs']} action{'' if counts['sign_offs'] == 1 else 's'} signed off",
            f"{counts['responses']} executive response{'' if counts['responses'] == 1 else 's'} "
            f"started and {counts['decisions']} decision{'' if counts['decisions'] == 1 else 's'} "
            "recorded",
            f"{counts['changed']} row{'' if counts['changed'] == 1 else 's'} changed what an "
            "earlier import saved",
            f"{self.unchanged} row{'' if self.unchanged == 1 else 's'} unchanged",
            f"{len(self.refused)} row{'' if len(self.refused) == 1 else 's'} refused",
        ]
        verb = "Saved" if self.saved else "Nothing saved (dry run)"
        return f"{verb} for {self.committee}: " + ", ".join(parts) + "."


def record(
    reading: Reading, committee: Committee, *, by=None, kind: str = Kinds.AUTO, dry_run=False
) -> Outcome:
    """Save the rows of `reading` for `committee`, all in one transaction (rolled back for a
    dry run); rows the rules refuse are listed in the outcome and leave nothing behind."""
    # Rows refused while reading are refused rows too: one list, one count.
    outcome = Outcome(committee=committee, refused=list(reading.refused))
    with transaction.atomic():
        recorder = _Recorder(committee, by, kind, outcome)
        for row in reading.rows:
            try:
                with transaction.atomic():
                    recorder.record_row(row)
            except (ValidationError, PermissionDenied, IntegrityError) as error:
                recorder.forget_row()
                outcome.refused.append(RowProblem(row.number, _words(error)))
        outcome.refused.sort(key=lambda problem: problem.number)
        if dry_run:
            transaction.set_rollback(True)
        else:
            outcome.saved = True
    return outcome


def _words(error) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            texts = []
            for name, messages in error.message_dict.items():
                label = "" if name == "__all__" else f"{name.replace('_', ' ')}: "
                texts.extend(label + message for message in messages)
            return " ".join(texts)
        return " ".join(error.messages)
    if isinstance(error, IntegrityError):
        return f"the database refused it ({str(error).splitlines()[0][:200]})"
    return str(error)


def _name_key(name: str) -> str:
    name = " ".join(name.lower().replace("\u2019", "'").split())
    return HONORIFICS.sub("", name)


class _Recorder:
    def __init__(self, committee: Committee, by, kind: str, outcome: Outcome):
        self.committee = committee
        self.by = by
        self.kind = kind
        self.outcome = outcome
        self.today = today()
        self.meetings = {m.date: m for m in Meeting.objects.filter(committee=committee)}
        self.items: dict[tuple[int, str], AgendaItem] = {}
        self.positions: dict[int, int] = {}  # item -> the last resolution position used
        self.created: set[int] = (
            set()
        )  # resolutions this import created (nothing hangs on them yet)
        self.created_actions: set[int] = set()  # actions it created (no updates before it)
        self.by_reference = {
            (r.municipal_year_id, r.spreadsheet_reference.lower()): r
            for r in Resolution.objects.filter(committee=committee)
            .exclude(spreadsheet_reference="")
            .select_related("agenda_item__meeting")
        }
        # What is already saved for the committee's resolutions, read once, so a row that
        # changes nothing costs no query. A resolution whose follow-up a row changed (or a
        # refused row may have left cached wrongly) is "stale": it is asked of the database.
        self.first_action: dict[int, Action] = {}
        for action in Action.objects.filter(committee=committee, resolution__isnull=False).order_by(
            "pk"
        ):
            self.first_action.setdefault(action.resolution_id, action)
        self.latest: dict[int, ActionUpdate] = {}
        for update in ActionUpdate.objects.filter(action__committee=committee).order_by(
            "action_id", "-as_of", "-recorded_at", "-pk"
        ):
            self.latest.setdefault(update.action_id, update)
        self.responses = {
            response.resolution_id: response
            for response in ExecutiveResponse.objects.filter(resolution__committee=committee)
        }
        self.stale: set[int] = set()
        self.current: int | None = None  # the resolution of the row being recorded
        self.people = self._people_index()
        # What the current row cached, counted and noted: dropped if the row is refused.
        self.added: list[tuple[dict, object]] = []
        self.counted: Counter = Counter()
        self.notes: list[str] = []

    # -- the row -------------------------------------------------------------------------

    def record_row(self, row: TrackerRow) -> None:
        self.added, self.counted, self.notes, self.current = [], Counter(), [], None
        meeting = self._meeting(row)
        resolution = self._find_resolution(meeting, row)
        changes: list[str] = []
        if resolution is None:
            resolution = self._create_resolution(meeting, row)
            changes.append("created")
        else:
            self.current = resolution.pk
            changes.extend(self._update_resolution(resolution, meeting, row))
        action = self._action(resolution, row, changes)
        if action is not None:
            self._progress(action, row, changes)
        self._response(resolution, row, changes)
        self.outcome.notes.extend(f"Row {row.number}: {note}." for note in row.notes)
        self.outcome.notes.extend(self.notes)
        if changes and changes[0] != "created":
            self.counted["changed"] += 1
        self.outcome.counts.update(self.counted)
        reference = resolution.reference + (
            f" and {action.reference}" if action is not None else ""
        )
        self.outcome.rows.append(RowOutcome(row.number, reference, changes))

    def forget_row(self) -> None:
        """The row was refused and its savepoint rolled back: drop what it cached and counted."""
        for cache, key in self.added:
            if isinstance(cache, set):
                cache.discard(key)
            else:
                cache.pop(key, None)
        if self.current is not None:
            self.stale.add(self.current)
        self.added, self.counted, self.notes = [], Counter(), []

    def _save(self, obj, exclude=()) -> None:
        # The fields' validation and the model's clean() run; uniqueness, check constraints
        # and that a related row exists (every one the import holds was read from the
        # database) are left to the database, which enforces each of them (its IntegrityError
        # refuses the row like a ValidationError): asking the database about each before
        # every insert was most of a large import's time.
        related = [f.name for f in obj._meta.concrete_fields if f.is_relation]
        obj.full_clean(
            exclude=[*exclude, *related], validate_unique=False, validate_constraints=False
        )
        obj._history_user = self.by
        obj.save()

    # -- meetings and items ---------------------------------------------------------------

    def _meeting(self, row: TrackerRow) -> Meeting:
        day = row.meeting_date
        meeting = self.meetings.get(day)
        if meeting is not None:
            return meeting
        if day > self.today:
            raise ValidationError(
                f"the meeting date {day:%-d %B %Y} is after today, and {self.committee} has no "
                "meeting that day: a tracker's recommendations come from meetings already held"
            )
        meeting = Meeting(committee=self.committee, date=day, status=Meeting.Status.HELD)
        self._save(meeting, ["municipal_year", "report_deadline", "agenda_publication_date"])
        self.meetings[day] = meeting
        self.added.append((self.meetings, day))
        self.counted["meetings"] += 1
        return meeting

    def _item(self, meeting: Meeting, row: TrackerRow) -> AgendaItem:
        title = row.subject or IMPORTED_ITEM
        key = (meeting.pk, title)
        item = self.items.get(key)
        if item is None:
            item = meeting.items.filter(title=title).order_by("position", "pk").first()
        if item is None:
            item = AgendaItem(
                meeting=meeting,
                position=meeting.next_item_position(),
                title=title,
                outcome=AgendaItem.Outcome.RESOLVED,
            )
            self._save(item)
            self.counted["items"] += 1
        if key not in self.items:
            self.items[key] = item
            self.added.append((self.items, key))
        return item

    # -- resolutions ----------------------------------------------------------------------

    def _kind(self, row: TrackerRow) -> str:
        if self.kind != Kinds.AUTO:
            return self.kind
        if row.decision or row.response or row.portfolio_holder:
            return Resolution.Kind.RECOMMENDATION
        return Resolution.Kind.ACTION

    def _find_resolution(self, meeting: Meeting, row: TrackerRow) -> Resolution | None:
        if row.reference:
            return self.by_reference.get((meeting.municipal_year_id, row.reference.lower()))
        return (
            Resolution.objects.filter(
                agenda_item__meeting=meeting, text=row.text, spreadsheet_reference=""
            )
            .order_by("pk")
            .first()
        )

    def _create_resolution(self, meeting: Meeting, row: TrackerRow) -> Resolution:
        item = self._item(meeting, row)
        if item.pk not in self.positions:
            self.positions[item.pk] = item.resolutions.aggregate(last=Max("position"))["last"] or 0
        self.positions[item.pk] += 1  # a refused row leaves a gap, never a clash
        resolution = Resolution(
            agenda_item=item,
            number=row.reference if len(row.reference) <= 12 else "",
            position=self.positions[item.pk],
            text=row.text,
            kind=self._kind(row),
            spreadsheet_reference=row.reference,
        )
        self._save(resolution, RESOLUTION_EXCLUDE)
        self.created.add(resolution.pk)
        self.added.append((self.created, resolution.pk))
        if row.reference:
            key = (resolution.municipal_year_id, row.reference.lower())
            self.by_reference[key] = resolution
            self.added.append((self.by_reference, key))
        self.counted["resolutions"] += 1
        return resolution

    def _update_resolution(self, resolution: Resolution, meeting, row: TrackerRow) -> list[str]:
        changes = []
        if resolution.agenda_item.meeting_id != meeting.pk:
            self.notes.append(
                f"Row {row.number}: {resolution.reference} was raised at the meeting of "
                f"{resolution.agenda_item.meeting.date:%-d %B %Y}; the spreadsheet now says "
                f"{meeting.date:%-d %B %Y}. It stays under its meeting: move it in the admin if "
                "the spreadsheet is right."
            )
        if resolution.text != row.text:
            resolution.text = row.text
            changes.append("text changed")
        wanted = self._kind(row)
        if (
            wanted == Resolution.Kind.RECOMMENDATION
            and resolution.kind != Resolution.Kind.RECOMMENDATION
        ):
            resolution.kind = wanted
            changes.append("now a recommendation to the executive")
        if changes:
            self._save(resolution, RESOLUTION_EXCLUDE)
        return changes

    # -- actions --------------------------------------------------------------------------

    def _people_index(self) -> dict[str, list[Person]]:
        index: dict[str, list[Person]] = {}
        for person in Person.objects.only("pk", "name", "job_title"):
            index.setdefault(_name_key(person.name), []).append(person)
            if person.job_title:
                index.setdefault(_name_key(person.job_title), []).append(person)
        return index

    def _person(self, text: str) -> Person | None:
        """The one person the spreadsheet names, by name or job title ("Cllr" and the like
        ignored, and "Name, Job title" read by its name); None when nobody or several."""
        if not text:
            return None
        for candidate in (text, text.split(",")[0], text.split(" - ")[0], text.split("(")[0]):
            found = {p.pk: p for p in self.people.get(_name_key(candidate), [])}
            if len(found) == 1:
                return next(iter(found.values()))
        return None

    def _description(self, row: TrackerRow, owner: Person | None) -> str:
        lines = []
        title = " ".join(row.text.split())
        if len(title) > 300:
            lines.append(row.text)
        if row.lead and owner is None:
            lines.append(f"Lead in the council's tracker spreadsheet: {row.lead}")
        if row.response and not row.decision:
            lines.append(f"Executive response in the spreadsheet: {row.response}")
        return "\n".join(lines)

    def _action(self, resolution: Resolution, row: TrackerRow, changes: list[str]):
        new = resolution.pk in self.created
        if new:
            action = None
        elif resolution.pk in self.stale:
            action = resolution.actions.order_by("pk").first()
        else:
            action = self.first_action.get(resolution.pk)
        owner = self._person(row.lead)
        if row.lead and owner is None and action is None:
            self.notes.append(
                f'Row {row.number}: nobody in the tracker is called "{row.lead[:80]}"; the '
                "action is left without an owner (the name is kept in its description)."
            )
        title = " ".join(row.text.split())[:300]
        description = self._description(row, owner)
        if action is None:
            rejected = row.decision == ExecutiveResponse.Decision.REJECTED
            if rejected and not row.status and not row.update:
                return None  # nothing to follow up: the rejection is the response's record
            action = Action(
                committee=self.committee,
                resolution=resolution,
                agenda_item=resolution.agenda_item,
                title=title,
                description=description,
                owner=owner,
                due_date=row.due_date,
            )
            self._save(action, ACTION_EXCLUDE)
            self.created_actions.add(action.pk)
            self.added.append((self.created_actions, action.pk))
            self.counted["actions"] += 1
            return action
        edits = []
        if action.title != title:
            action.title, action.description = title, description
            edits.append("action's title")
        elif action.description != description and (row.lead or row.response):
            action.description = description
            edits.append("action's description")
        if owner is not None and action.owner_id != owner.pk:
            action.owner = owner
            edits.append("owner")
        if action.due_date != row.due_date and action.is_open:
            action.due_date = row.due_date
            edits.append("due date")
        if edits:
            self._save(action, ACTION_EXCLUDE)
            self.stale.add(resolution.pk)
            changes.append(", ".join(edits) + " changed")
        return action

    def _progress(self, action: Action, row: TrackerRow, changes: list[str]) -> None:
        status = row.status
        text = row.update.strip()
        if not text and (status.rag or status.progress):
            text = f"Status in the council's tracker spreadsheet: {status.in_words()}."
        if not action.is_open:
            if (text or status.rag or status.progress) and not status.completed:
                latest = self._latest(action)
                if latest is None or latest.text != text or status.rag != latest.rag:
                    self.notes.append(
                        f"Row {row.number}: {action.reference} was "
                        f"{action.get_status_display().lower()} on {action.closed_on:%-d %B %Y}; "
                        "the spreadsheet's newer status is not recorded. Reopen the action on "
                        "its page if the work goes on."
                    )
            return
        as_of = row.update_date or self.today
        if status.completed:
            sign_off(action, text=text or COMPLETED_TEXT, by=self.by, as_of=as_of)
            self.stale.add(action.resolution_id)
            self.counted["sign_offs"] += 1
            changes.append("signed off as completed")
            return
        if not text:
            return
        latest = None if action.pk in self.created_actions else self._latest(action)
        same = (
            latest is not None
            and latest.text == text
            and latest.rag == status.rag
            and latest.progress == status.progress
            and (row.update_date is None or latest.as_of == row.update_date)
        )
        if not same and latest is not None and row.update_date is not None:
            # Already in its history, just no longer the latest: recorded before, not again.
            same = action.updates.filter(
                as_of=row.update_date, text=text, rag=status.rag, progress=status.progress
            ).exists()
        if same:
            return
        record_update(
            action,
            text=text,
            rag=status.rag,
            progress=status.progress,
            as_of=as_of,
            by=self.by,
        )
        self.stale.add(action.resolution_id)
        self.counted["updates"] += 1
        changes.append(f"update of {as_of:%-d %B %Y} recorded")

    def _latest(self, action: Action):
        if action.resolution_id in self.stale:
            return action.latest_update()
        return self.latest.get(action.pk)

    # -- executive responses --------------------------------------------------------------

    def _response(self, resolution: Resolution, row: TrackerRow, changes: list[str]) -> None:
        if resolution.kind != Resolution.Kind.RECOMMENDATION:
            return
        if resolution.pk in self.created:
            response = None
        elif resolution.pk in self.stale:
            response = ExecutiveResponse.objects.filter(resolution=resolution).first()
        else:
            response = self.responses.get(resolution.pk)
        if response is None:
            response = refer_to_executive(
                resolution,
                referred_on=resolution.agenda_item.meeting.date,
                responsible=self._person(row.portfolio_holder) or self._person(row.lead),
                by=self.by,
            )
            self.stale.add(resolution.pk)
            self.counted["responses"] += 1
            if "created" not in changes:
                changes.append("referred to the executive")
        if not row.decision or response.decision == row.decision:
            return
        if response.decision != ExecutiveResponse.Decision.PENDING:
            self.notes.append(
                f"Row {row.number}: the executive's decision on {resolution.reference} is "
                f"recorded as {response.get_decision_display().lower()} on "
                f"{response.responded_on:%-d %B %Y}; the spreadsheet's "
                f"{ExecutiveResponse.Decision(row.decision).label.lower()} is not recorded over it."
            )
            return
        record_decision(
            response,
            decision=row.decision,
            responded_on=row.response_date or row.update_date or self.today,
            text=row.response,
            by=self.by,
        )
        self.stale.add(resolution.pk)
        self.counted["decisions"] += 1
        changes.append(
            f"executive response: {ExecutiveResponse.Decision(row.decision).label.lower()}"
        )
