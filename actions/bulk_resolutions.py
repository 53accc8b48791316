"""Many new resolutions at once, each with its action, first update and executive response:
a council's tracker spreadsheet brought in (`tracker.workbooks`).

Each one is checked when it is added, by the same rules as the single services, in the same
order: the models' own `full_clean`, `actions.progress.checked_update` (what
`record_update` and `sign_off` check, the reporting and closing dates included) and
`actions.responses.checked_referral` and `decide` (what `refer_to_executive` and
`record_decision` check). References are given in the order added, as saving them one by one
would give them; one refused gives its numbers back, as its rolled-back savepoint would.

`save` then inserts them together, and writes the history rows those services would have
written (`committees.bulk_history`): a resolution, action, update and response each created
("+"), and a signed-off action and a decided response changed ("~") after that, each by the
same user. One
`bulk_updated` announcement per model stands for the saves listeners would have heard.
Uniqueness, check constraints and that related rows exist are left to the database, which
refuses the whole batch (the caller then saves its rows one by one, to say which).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connections, models, router

from actions.models import Action, ActionUpdate, ExecutiveResponse, Resolution, allocate_sequence
from actions.progress import checked_update
from actions.responses import checked_referral, decide
from committees.bulk_history import write_history
from committees.history import bulk_updated
from committees.models import Committee

BATCH_SIZE = 1000  # rows per INSERT, well within any driver's limit on parameters
RESOLUTION_RELATIONS = ["agenda_item", "committee", "municipal_year", "carried_over_from_year"]
ACTION_RELATIONS = [
    "committee",
    "municipal_year",
    "resolution",
    "agenda_item",
    "owner",
    "due_back_meeting",
    "carried_over_from_year",
]


def insert(model, objects: list) -> None:
    """Insert `objects` as `bulk_create` does, their primary keys set. On PostgreSQL the keys
    are drawn from the table's sequence first and the rows sent with COPY, which spares the
    Python time Django spends composing a many-row INSERT and its parameters."""
    db = connections[router.db_for_write(model)]
    if db.vendor != "postgresql" or not objects:
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return
    meta = model._meta
    fields = meta.concrete_fields
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        keys = [key for (key,) in cursor.fetchall()]
        for obj, key in zip(objects, keys, strict=True):
            # As bulk_create: a relation saved after it was set gives its key now.
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
            obj.pk = key
        columns = ", ".join(quote(field.column) for field in fields)
        prepared = [_preparer(field, db) for field in fields]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([prepare(obj) for prepare in prepared])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = db.alias


def _preparer(field, db):
    """How a field's value is made ready for the database: as Django prepares it, with two
    short cuts that give the same values: a text field's value as text (what `to_python` of
    a CharField or TextField does) and a relation's key as it is held (an integer key)."""
    name = field.attname
    if type(field) in (models.CharField, models.TextField):

        def text(obj):
            value = getattr(obj, name)
            return value if value is None or type(value) is str else str(value)

        return text
    if field.is_relation and isinstance(field.target_field, models.AutoField):

        def key(obj):
            value = getattr(obj, name)
            return value if value is None or type(value) is int else int(value)

        return key
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), db)


@dataclass
class NewResolution:
    resolution: Resolution
    action: Action | None = None
    update: ActionUpdate | None = None
    response: ExecutiveResponse | None = None
    decided: bool = False  # the response was referred, then decided


def check_resolution(resolution: Resolution) -> None:
    """The rules a resolution is saved under, checked in memory (its item may be unsaved)."""
    resolution.full_clean(
        exclude=RESOLUTION_RELATIONS, validate_unique=False, validate_constraints=False
    )


def check_action(action: Action) -> None:
    """The rules an action is saved under, checked in memory (its resolution may be unsaved)."""
    action.full_clean(exclude=ACTION_RELATIONS, validate_unique=False, validate_constraints=False)


class NewResolutions:
    """Resolutions of one committee to be saved together; `add` checks and numbers each."""

    def __init__(self, committee: Committee, *, by=None):
        self.committee = committee
        self.by = by
        self.added: list[NewResolution] = []
        self.last: dict[tuple[type, dt.date], int] = {}  # (model, year's start) -> last number

    def _next(self, model, year) -> int:
        key = (model, year.start_date)
        if key not in self.last:
            # A year not yet saved has no numbers yet; a saved one is asked once (and the
            # committee locked, as one by one).
            self.last[key] = (
                allocate_sequence(model, self.committee, year) - 1 if year.pk is not None else 0
            )
        self.last[key] += 1
        return self.last[key]

    def add(
        self,
        resolution: Resolution,
        *,
        action: Action | None = None,
        update: dict | None = None,
        referral: dict | None = None,
        decision: dict | None = None,
    ) -> NewResolution:
        """Check and number `resolution` (and its `action`, the `update` as `record_update`'s
        arguments, the `referral` as `refer_to_executive`'s and the `decision` as
        `record_decision`'s); a ValidationError or PermissionDenied refuses them all and
        gives their numbers back."""
        taken = []
        try:
            check_resolution(resolution)
            resolution.place()
            resolution.give_reference(self._next(Resolution, resolution.municipal_year))
            taken.append((Resolution, resolution.municipal_year))
            new = NewResolution(resolution)
            if action is not None:
                action.resolution = resolution
                action.agenda_item = resolution.agenda_item
                check_action(action)
                action.place()
                action.give_reference(self._next(Action, action.municipal_year))
                taken.append((Action, action.municipal_year))
                new.action = action
                if update is not None:
                    new.update = checked_update(action, by=self.by, in_bulk=True, **update)
                    if new.update.closes_action:
                        action.close(new.update, update.get("close_as", Action.Status.COMPLETED))
            if referral is not None:
                new.response = checked_referral(resolution, in_bulk=True, **referral)
                if decision is not None:
                    decide(new.response, in_bulk=True, **decision)
                    new.decided = True
        except Exception:
            for model, year in taken:
                self.last[(model, year.start_date)] -= 1
            raise
        self.added.append(new)
        return new

    def save(self) -> None:
        """Insert everything added (the items and meetings it hangs on already saved)."""
        if not self.added:
            return
        by = self.by
        resolutions = [new.resolution for new in self.added]
        for resolution in resolutions:
            resolution.agenda_item = resolution.agenda_item  # saved since it was added
            resolution.place()  # the meeting's saved year
        insert(Resolution, resolutions)
        write_history(Resolution, [r.pk for r in resolutions], by=by)

        actions = [new.action for new in self.added if new.action is not None]
        for action in actions:
            action.resolution = action.resolution
            action.agenda_item = action.resolution.agenda_item
            action.municipal_year = action.resolution.municipal_year
            if action.owner is not None:
                action.owner = action.owner  # a person added with the batch
            action.keep_derived()
        insert(Action, actions)
        # A signed-off action was created open, then closed by its sign-off.
        closed = [action.pk for action in actions if not action.is_open]
        write_history(Action, [a.pk for a in actions if a.is_open], by=by)
        write_history(
            Action, closed, by=by, as_if={"status": Action.Status.OPEN, "closed_on": None}
        )
        write_history(Action, closed, history_type="~", by=by)

        updates = [new.update for new in self.added if new.update is not None]
        for update in updates:
            update.action = update.action
        insert(ActionUpdate, updates)
        write_history(ActionUpdate, [u.pk for u in updates], by=by)

        responses = [new.response for new in self.added if new.response is not None]
        for response in responses:
            response.resolution = response.resolution
            if response.responsible is not None:
                response.responsible = response.responsible
            response.set_due_dates()
        insert(ExecutiveResponse, responses)
        # A decided response was referred (pending), then decided.
        decided = [new.response.pk for new in self.added if new.decided]
        undecided = [new.response.pk for new in self.added if new.response and not new.decided]
        write_history(ExecutiveResponse, undecided, by=by)
        pending = {
            "decision": ExecutiveResponse.Decision.PENDING,
            "responded_on": None,
            "response_text": "",
        }
        write_history(ExecutiveResponse, decided, by=by, as_if=pending)
        write_history(ExecutiveResponse, decided, history_type="~", by=by)

        for model, rows in (
            (Resolution, resolutions),
            (Action, actions),
            (ActionUpdate, updates),
            (ExecutiveResponse, responses),
        ):
            if rows:
                bulk_updated.send(sender=model)
