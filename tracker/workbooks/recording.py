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
refuse is undone alone (a savepoint, opened before the row's first write, so a row that
changes nothing costs nothing) and listed; a dry run does everything and rolls it back, so it
reports exactly what saving would do.

Rows that match nothing saved (a first import, or the rows an edited file adds) are saved in
bulk, a run of consecutive such rows at a time: each row is checked in memory by the same
rules, in the same order, as when saved alone (`committees.bulk_agenda`,
`actions.bulk_resolutions`), a refused row leaves nothing behind, and the rest is inserted
together with the history rows the services write. Should the database refuse the batch
(something only it checks), the run is saved again row by row, so it says which row. Rows
that match what is saved go through the services one by one. Either way the database ends the
same (`tests/workbooks/test_bulk_import.py` compares them).

A lead officer or portfolio holder the tracker does not know is added to the committee's
council as a person (`committees.people`), once however many rows name them; a cell naming a
post, a team or several people is left as before, kept in the action's description.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from actions.bulk_resolutions import NewResolution, NewResolutions
from actions.models import RAG, Action, ActionUpdate, ExecutiveResponse, Resolution
from actions.progress import record_update, sign_off
from actions.responses import record_decision, refer_to_executive
from committees.bulk_agenda import add_items_in_bulk, check_item
from committees.models import AgendaItem, Committee, Meeting, MunicipalYear, Person, today
from committees.people import add_person, name_key, named_person
from tracker.workbooks.rows import Reading, RowProblem, TrackerRow

IMPORTED_ITEM = "Recommendations and actions from the tracker spreadsheet"
COMPLETED_TEXT = "Completed, as the council's tracker spreadsheet records."
RESOLUTION_EXCLUDE = ["committee", "municipal_year", "sequence", "reference"]
ACTION_EXCLUDE = ["municipal_year", "sequence", "reference"]
MEETING_EXCLUDE = ["municipal_year", "report_deadline", "agenda_publication_date"]
REFUSALS = (ValidationError, PermissionDenied, IntegrityError)


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
    people: list[Person] = field(default_factory=list)  # added to the council's people

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
            *(
                [
                    f"{len(self.people)} {'person' if len(self.people) == 1 else 'people'} "
                    "added to the council's people"
                ]
                if self.people
                else []
            ),
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
    reading: Reading,
    committee: Committee,
    *,
    by=None,
    kind: str = Kinds.AUTO,
    dry_run=False,
    in_bulk=True,
) -> Outcome:
    """Save the rows of `reading` for `committee`, all in one transaction (rolled back for a
    dry run); rows the rules refuse are listed in the outcome and leave nothing behind.
    `in_bulk=False` saves every row alone through the services (the tests compare the two)."""
    # Rows refused while reading are refused rows too: one list, one count.
    outcome = Outcome(committee=committee, refused=list(reading.refused))
    with transaction.atomic():
        recorder = _Recorder(committee, by, kind, outcome)
        if in_bulk:
            recorder.record_all(reading.rows)
        else:
            for row in reading.rows:
                recorder.record_alone(row)
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
    return name_key(name)


@dataclass
class _Planned:
    """A row of a run, checked and numbered, waiting for the run to be saved."""

    row: TrackerRow
    new: NewResolution
    changes: list[str]
    notes: list[str]
    counted: Counter


@dataclass
class _Run:
    """Consecutive rows that match nothing saved, planned to be saved together."""

    batch: NewResolutions
    rows: list[TrackerRow] = field(default_factory=list)
    planned: list[_Planned] = field(default_factory=list)
    refused: list[RowProblem] = field(default_factory=list)
    meetings: dict[dt.date, Meeting] = field(default_factory=dict)  # new, by a row kept
    items: dict[tuple[dt.date, str], AgendaItem] = field(default_factory=dict)  # the same
    item_top: dict[dt.date, int] = field(default_factory=dict)  # a meeting's last item position
    positions: dict[tuple, int] = field(default_factory=dict)  # an item's last resolution one
    people: dict[str, Person | None] = field(default_factory=dict)  # new, by the cell naming
    people_kept: list[Person] = field(default_factory=list)  # named by a row kept
    unreferenced: set[tuple[dt.date, str]] = field(default_factory=set)


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
        # Resolutions without a spreadsheet reference, by their meeting and text (the first).
        self.unreferenced: dict[tuple[int, str], Resolution] = {}
        for resolution in (
            Resolution.objects.filter(committee=committee, spreadsheet_reference="")
            .select_related("agenda_item__meeting")
            .order_by("pk")
        ):
            key = (resolution.agenda_item.meeting_id, resolution.text)
            self.unreferenced.setdefault(key, resolution)
        self.stale: set[int] = set()
        self.current: int | None = None  # the resolution of the row being recorded
        self.council = committee.authority.name
        self.people = self._people_index()
        # What the current row cached, counted and noted: dropped if the row is refused.
        self.added: list[tuple[dict, object]] = []
        self.counted: Counter = Counter()
        self.notes: list[str] = []
        self.row_people: list[tuple[str, Person]] = []
        self.row_items: list[AgendaItem] = []
        self.savepoint = None  # the row's, opened before its first write
        # For rows saved in bulk: the positions already used, read once.
        self.run: _Run | None = None
        self.years: dict[dt.date, MunicipalYear] = {}  # for days with no meeting, in a run
        self.item_top: dict[int, int] = dict(
            AgendaItem.objects.filter(meeting__committee=committee)
            .values("meeting_id")
            .annotate(top=Max("position"))
            .values_list("meeting_id", "top")
        )
        self.saved_items: dict[tuple[int, str], AgendaItem] = {}
        for item in AgendaItem.objects.filter(meeting__committee=committee).order_by(
            "position", "pk"
        ):
            self.saved_items.setdefault((item.meeting_id, item.title), item)
        self.resolution_top: dict[int, int] = dict(
            Resolution.objects.filter(committee=committee)
            .values("agenda_item_id")
            .annotate(top=Max("position"))
            .values_list("agenda_item_id", "top")
        )

    # -- one row alone, through the services ------------------------------------------------

    def record_alone(self, row: TrackerRow) -> None:
        """Record a row through the services, undone alone (its savepoint) when refused."""
        self.row_people, self.row_items = [], []
        try:
            self.record_row(row)
        except BaseException as error:
            if self.savepoint is not None:
                self.savepoint.__exit__(type(error), error, error.__traceback__)
                self.savepoint = None
            if not isinstance(error, REFUSALS):
                raise
            self.forget_row()
            self.outcome.refused.append(RowProblem(row.number, _words(error)))
            return
        if self.savepoint is not None:
            self.savepoint.__exit__(None, None, None)
            self.savepoint = None
        for item in self.row_items:
            self.item_top[item.meeting_id] = max(
                self.item_top.get(item.meeting_id, 0), item.position
            )
        added = {id(person): person for _, person in self.row_people}
        self.outcome.people.extend(added.values())

    # -- rows that match nothing saved, in bulk ----------------------------------------------

    def record_all(self, rows: list[TrackerRow]) -> None:
        """Record the rows in order: runs of rows matching nothing saved in bulk, the others
        alone through the services."""
        for row in rows:
            if self._matches_saved(row):
                self._flush()
                self.record_alone(row)
            else:
                self._plan(row)
        self._flush()

    def _year(self, day: dt.date) -> MunicipalYear:
        if day not in self.years:
            self.years[day] = MunicipalYear.would_contain(self.committee.authority, day)
        return self.years[day]

    def _matches_saved(self, row: TrackerRow) -> bool:
        """Whether the row may find a resolution saved (or planned in this run) for it."""
        day = row.meeting_date
        meeting = self.meetings.get(day)
        if row.reference:
            year = meeting.municipal_year_id if meeting else self._year(day).pk
            return year is not None and (year, row.reference.lower()) in self.by_reference
        if self.run is not None and (day, row.text) in self.run.unreferenced:
            return True
        return meeting is not None and (meeting.pk, row.text) in self.unreferenced

    def _planned_owner(self, text: str, *, councillor: bool = False) -> Person | None:
        """As `_owner`, the person to add planned with the run (saved if a row kept names
        them)."""
        person, anyone = self._known(text)
        if person is not None or anyone or not text:
            return person
        run = self.run
        if text not in run.people:
            person = named_person(text, organisation=self.council, councillor=councillor)
            if person is not None:
                # Named in other words by an earlier row ("Cllr Jo Bell", "Jo Bell"): one.
                key = _name_key(person.name)
                person = next(
                    (
                        other
                        for other in run.people.values()
                        if other is not None and _name_key(other.name) == key
                    ),
                    person,
                )
            run.people[text] = person
        return run.people[text]

    def _plan(self, row: TrackerRow) -> None:
        """Check and number a row that matches nothing saved, as `record_row` would save it."""
        if self.run is None:
            self.run = _Run(batch=NewResolutions(self.committee, by=self.by))
        run = self.run
        run.rows.append(row)
        try:
            run.planned.append(self._planned(row, run))
        except (ValidationError, PermissionDenied) as error:
            run.refused.append(RowProblem(row.number, _words(error)))

    def _planned(self, row: TrackerRow, run: _Run) -> _Planned:
        counted: Counter = Counter()
        notes: list[str] = []
        changes = ["created"]
        day = row.meeting_date
        meeting = self.meetings.get(day) or run.meetings.get(day)
        new_meeting = meeting is None
        if new_meeting:
            if day > self.today:
                raise ValidationError(
                    f"the meeting date {day:%-d %B %Y} is after today, and {self.committee} has "
                    "no meeting that day: a tracker's recommendations come from meetings "
                    "already held"
                )
            meeting = Meeting(committee=self.committee, date=day, status=Meeting.Status.HELD)
            self._check(meeting, MEETING_EXCLUDE)
            meeting.municipal_year = self._year(day)
        title = row.subject or IMPORTED_ITEM
        item = (
            run.items.get((day, title))
            if new_meeting or (day, title) in run.items
            else (self.items.get((meeting.pk, title)) or self.saved_items.get((meeting.pk, title)))
        )
        new_item = item is None
        if new_item:
            top = run.item_top.get(day)
            if top is None:
                top = 0 if new_meeting else self.item_top.get(meeting.pk, 0)
            item = AgendaItem(
                meeting=meeting,
                position=top + 1,
                title=title,
                outcome=AgendaItem.Outcome.RESOLVED,
            )
            check_item(item)
            position = 1
        else:
            # An item already there keeps its count even if the row is refused: a gap, as
            # when saved alone.
            key = ("saved", item.pk) if item.pk else ("new", day, title)
            if key in run.positions:
                last = run.positions[key]
            elif item.pk in self.positions:
                last = self.positions[item.pk]
            else:
                last = self.resolution_top.get(item.pk, 0)
            position = run.positions[key] = last + 1
        resolution = Resolution(
            agenda_item=item,
            number=row.reference if len(row.reference) <= 12 else "",
            position=position,
            text=row.text,
            kind=self._kind(row),
            spreadsheet_reference=row.reference,
        )
        owner = self._planned_owner(row.lead)
        if row.lead and owner is None:
            notes.append(
                f'Row {row.number}: nobody in the tracker is called "{row.lead[:80]}"; the '
                "action is left without an owner (the name is kept in its description)."
            )
        action = update = referral = decision = None
        rejected = row.decision == ExecutiveResponse.Decision.REJECTED
        if not (rejected and not row.status and not row.update):
            action = Action(
                committee=self.committee,
                title=" ".join(row.text.split())[:300],
                description=self._description(row, owner),
                owner=owner,
                due_date=row.due_date,
            )
            counted["actions"] += 1
            status = row.status
            text = row.update.strip()
            if not text and (status.rag or status.progress):
                text = f"Status in the council's tracker spreadsheet: {status.in_words()}."
            as_of = row.update_date or self.today
            if status.completed:
                update = {
                    "text": text or COMPLETED_TEXT,
                    "rag": RAG.COMPLETED,
                    "as_of": as_of,
                    "closes": True,
                }
                counted["sign_offs"] += 1
                changes.append("signed off as completed")
            elif text:
                update = {
                    "text": text,
                    "rag": status.rag,
                    "progress": status.progress,
                    "as_of": as_of,
                }
                counted["updates"] += 1
                changes.append(f"update of {as_of:%-d %B %Y} recorded")
        responsible = None
        if resolution.kind == Resolution.Kind.RECOMMENDATION:
            responsible = self._planned_owner(row.portfolio_holder, councillor=True) or owner
            referral = {"referred_on": day, "responsible": responsible}
            counted["responses"] += 1
            if row.decision:
                decision = {
                    "decision": row.decision,
                    "responded_on": row.response_date or row.update_date or self.today,
                    "text": row.response,
                }
                counted["decisions"] += 1
                changes.append(
                    f"executive response: {ExecutiveResponse.Decision(row.decision).label.lower()}"
                )
        new = run.batch.add(
            resolution, action=action, update=update, referral=referral, decision=decision
        )
        # Kept: what it makes is planned for the run.
        if new_meeting and day not in run.meetings:
            run.meetings[day] = meeting
            counted["meetings"] += 1
        if new_item:
            run.items[(day, title)] = item
            run.item_top[day] = item.position
            run.positions[("saved", item.pk) if item.pk else ("new", day, title)] = position
            counted["items"] += 1
        for person in (owner, responsible):
            if person is not None and person.pk is None and person not in run.people_kept:
                run.people_kept.append(person)
        if not row.reference:
            run.unreferenced.add((day, row.text))
        counted["resolutions"] += 1
        return _Planned(row, new, changes, notes, counted)

    def _flush(self) -> None:
        """Save the run planned: its meetings and people, then its items, resolutions and the
        rest in bulk; if the database refuses, each of its rows alone instead."""
        run, self.run = self.run, None
        if run is None:
            return
        try:
            with transaction.atomic():
                for meeting in run.meetings.values():
                    meeting._history_user = self.by
                    meeting.save()
                for person in run.people_kept:
                    add_person(person)
                add_items_in_bulk(list(run.items.values()), by=self.by)
                run.batch.save()
        except REFUSALS:
            self.years.clear()
            for person in run.people_kept:
                person.pk = None
            for row in run.rows:
                self.record_alone(row)
            return
        self.years.clear()
        for day, meeting in run.meetings.items():
            self.meetings[day] = meeting
        for person in run.people_kept:
            self._index(self.people, person)
            self.outcome.people.append(person)
        for (_, title), item in run.items.items():
            self.items[(item.meeting_id, title)] = item
            self.item_top[item.meeting_id] = max(
                self.item_top.get(item.meeting_id, 0), item.position
            )
        for key, last in run.positions.items():
            item = run.items[key[1:]] if key[0] == "new" else None
            self.positions[item.pk if item is not None else key[1]] = last
        for planned in run.planned:
            row, new = planned.row, planned.new
            resolution, action = new.resolution, new.action
            self.created.add(resolution.pk)
            if row.reference:
                self.by_reference[(resolution.municipal_year_id, row.reference.lower())] = (
                    resolution
                )
            else:
                key = (resolution.agenda_item.meeting_id, row.text)
                self.unreferenced.setdefault(key, resolution)
            if action is not None:
                self.created_actions.add(action.pk)
            self.outcome.notes.extend(f"Row {row.number}: {note}." for note in row.notes)
            self.outcome.notes.extend(planned.notes)
            self.outcome.counts.update(planned.counted)
            reference = resolution.reference + (
                f" and {action.reference}" if action is not None else ""
            )
            self.outcome.rows.append(RowOutcome(row.number, reference, planned.changes))
        self.outcome.refused.extend(run.refused)

    def _writing(self) -> None:
        """The row is about to write: open its savepoint, if not yet open."""
        if self.savepoint is None:
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.years.clear()  # a meeting saved alone may add a municipal year

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
        for key, person in self.row_people:
            self.people[key] = [p for p in self.people.get(key, []) if p is not person]
            self.known = {}
        self.added, self.counted, self.notes = [], Counter(), []
        self.row_people, self.row_items = [], []

    @staticmethod
    def _check(obj, exclude=()) -> None:
        # The fields' validation and the model's clean() run; uniqueness, check constraints
        # and that a related row exists (every one the import holds was read from the
        # database) are left to the database, which enforces each of them (its IntegrityError
        # refuses the row like a ValidationError): asking the database about each before
        # every insert was most of a large import's time.
        related = [f.name for f in obj._meta.concrete_fields if f.is_relation]
        obj.full_clean(
            exclude=[*exclude, *related], validate_unique=False, validate_constraints=False
        )

    def _save(self, obj, exclude=()) -> None:
        self._writing()
        self._check(obj, exclude)
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
        self._save(meeting, MEETING_EXCLUDE)
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
            self.row_items.append(item)
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
        return self.unreferenced.get((meeting.pk, row.text))

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
        elif (item.meeting_id, row.text) not in self.unreferenced:
            self.unreferenced[(item.meeting_id, row.text)] = resolution
            self.added.append((self.unreferenced, (item.meeting_id, row.text)))
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
        self.known: dict[str, tuple[Person | None, bool]] = {}  # cell -> `_known` of it
        for person in Person.objects.only("pk", "name", "job_title", "organisation"):
            self._index(index, person)
        return index

    def _index(self, index: dict[str, list[Person]], person: Person) -> list[str]:
        self.known = {}  # who a cell names may change
        keys = [_name_key(person.name)]
        if person.job_title:
            keys.append(_name_key(person.job_title))
        for key in keys:
            index.setdefault(key, []).append(person)
        return keys

    def _known(self, text: str) -> tuple[Person | None, bool]:
        """The one person the spreadsheet names, by name or job title ("Cllr" and the like
        ignored, and "Name, Job title" read by its name), and whether anyone was found at
        all; of several, the one of the committee's council if only one is."""
        if not text:
            return None, False
        if text not in self.known:
            self.known[text] = self._find_known(text)
        return self.known[text]

    def _find_known(self, text: str) -> tuple[Person | None, bool]:
        anyone = False
        for candidate in (text, text.split(",")[0], text.split(" - ")[0], text.split("(")[0]):
            # A namesake of another council is someone else: never the owner of ours.
            found = {
                p.pk: p
                for p in self.people.get(_name_key(candidate), [])
                if p.organisation in ("", self.council)
            }
            if len(found) == 1:
                return next(iter(found.values())), True
            anyone = anyone or bool(found)
            ours = [p for p in found.values() if p.organisation == self.council]
            if len(ours) == 1:
                return ours[0], True
        return None, anyone

    def _person(self, text: str) -> Person | None:
        return self._known(text)[0]

    def _owner(self, text: str, *, councillor: bool = False) -> Person | None:
        """The person the spreadsheet names; one the tracker does not know is added to the
        council's people (not when the cell names a post, a team or several people)."""
        person, anyone = self._known(text)
        if person is not None or anyone or not text:
            return person
        person = named_person(text, organisation=self.council, councillor=councillor)
        if person is None:
            return None
        self._writing()
        add_person(person)
        for key in self._index(self.people, person):
            self.row_people.append((key, person))
        return person

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
        owner = self._owner(row.lead)
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
            self._writing()
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
        self._writing()
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
            responsible = self._owner(row.portfolio_holder, councillor=True) or self._owner(
                row.lead
            )
            self._writing()
            response = refer_to_executive(
                resolution,
                referred_on=resolution.agenda_item.meeting.date,
                responsible=responsible,
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
        self._writing()
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
