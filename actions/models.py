"""What committees decided, and the follow-up: resolutions, actions, progress, executive responses.

Resolutions and actions carry a stable human reference per committee and municipal year
("CS (17/18) 04" for a resolution, "CS (17/18) A04" for an action), allocated once and never
reused, because officers quote them in emails and reports.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Case, F, OuterRef, ProtectedError, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from committees import calendar
from committees.history import TrackedQuerySet, recorded
from committees.models import (
    LONDON,
    AgendaItem,
    Committee,
    Meeting,
    MunicipalYear,
    Person,
    beyond_planning_horizon,
    today,
)
from committees.routes import path_to

EXECUTIVE_RESPONSE_MONTHS = 2  # Local Government Act 2000, s.9FE


def allocate_sequence(model, committee: Committee, municipal_year: MunicipalYear) -> int:
    """The next number in `model`'s series for a committee and year.

    The committee row is locked for the rest of the transaction, so two officers saving at
    once on PostgreSQL get consecutive numbers; the unique constraint is the backstop.
    """
    Committee.objects.select_for_update().filter(pk=committee.pk).first()
    # The history keeps deleted rows too, so a deleted one's number is never given again.
    # Both reads take the highest number off an index on (committee, year, sequence): the
    # unique constraint's on the table, migration 0006's on the history.
    last = max(
        manager.filter(committee=committee, municipal_year=municipal_year)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
        or 0
        for manager in (model.objects, model.history)
    )
    return last + 1


class RAG(models.TextChoices):
    RED = "RED", "Red"
    AMBER = "AMBER", "Amber"
    GREEN = "GREEN", "Green"
    COMPLETED = "COMPLETED", "Completed"


class Progress(models.IntegerChoices):
    """The 1 to 5 scale of children's services improvement plans."""

    NOT_STARTED = 1, "1: Not started or significantly delayed"
    STARTED = 2, "2: Started, some progress"
    ON_TRACK = 3, "3: On track, good progress"
    ACHIEVED = 4, "4: Achieved, impact to be sustained"
    SUSTAINED = 5, "5: Completed and sustained; can be removed from the plan"


class ResolutionQuerySet(TrackedQuerySet):
    def visible_to(self, user):
        return self.filter(agenda_item__in=AgendaItem.objects.visible_to(user))

    def recommendations(self):
        return self.filter(kind=Resolution.Kind.RECOMMENDATION)


class Resolution(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", "Note or comment"
        RECOMMENDATION = "recommendation", "Recommendation to the executive"
        ACTION = "action", "Action for officers"
        REPORT_BACK = "report_back", "Report back to committee"

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="resolutions"
    )
    number = models.CharField(max_length=12, blank=True, help_text='As printed: "1", "b", "1.4".')
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NOTE)

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="resolutions", editable=False
    )
    municipal_year = models.ForeignKey(
        MunicipalYear, on_delete=models.PROTECT, related_name="resolutions", editable=False
    )
    sequence = models.PositiveIntegerField(editable=False)
    reference = models.CharField(max_length=40, unique=True, editable=False)
    spreadsheet_reference = models.CharField(
        max_length=40,
        blank=True,
        editable=False,
        help_text='The reference the council\'s own tracker spreadsheet gave it ("R12"), kept '
        "so that importing the spreadsheet again finds it.",
    )
    carried_over_from_year = models.ForeignKey(
        MunicipalYear,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="Set when the annual rollover carried this recommendation, still awaiting "
        "the executive's response, into a new year.",
    )

    history = recorded()
    objects = ResolutionQuerySet.as_manager()

    class Meta:
        ordering = ["agenda_item__meeting__date", "agenda_item__position", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "municipal_year", "sequence"],
                name="resolution_sequence_unique",
            ),
            models.UniqueConstraint(
                fields=["agenda_item", "position"], name="resolution_position_unique_in_item"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="resolution_has_text"),
            # One spreadsheet reference per committee and year: sheets often number afresh
            # each year, so "12" of 2017/18 and "12" of 2018/19 are two recommendations.
            models.UniqueConstraint(
                fields=["committee", "municipal_year", "spreadsheet_reference"],
                condition=~Q(spreadsheet_reference=""),
                name="resolution_spreadsheet_reference_unique",
            ),
        ]

    def __str__(self):
        return self.reference or f"Resolution {self.number}"

    @property
    def is_exempt(self) -> bool:
        return self.agenda_item.is_exempt

    def clean(self):
        if not self.text.strip():
            raise ValidationError({"text": "A resolution needs its text."})

    def deletion_refusal(self) -> str | None:
        """Why this resolution may not be deleted (what hangs on it is history), or None.

        The one rule the admin and the API both apply; `delete()` enforces it.
        """
        if not self.pk:
            return None
        if self.actions.exists():
            return (
                f"{self.reference} has actions, which are kept with their history: withdraw "
                "them instead of deleting the resolution."
            )
        if ExecutiveResponse.objects.filter(resolution=self).exists():
            return (
                f"{self.reference} has the executive's response, which is kept with its "
                "history: it cannot be deleted."
            )
        return None

    def delete(self, *args, **kwargs):
        if refusal := self.deletion_refusal():
            raise ProtectedError(refusal, set(self.actions.all()))
        return super().delete(*args, **kwargs)

    def place(self) -> None:
        """The committee and municipal year of the meeting it was resolved at."""
        meeting = self.agenda_item.meeting
        self.committee = meeting.committee
        self.municipal_year = meeting.municipal_year

    def give_reference(self, sequence: int) -> None:
        """Number `sequence` of its committee and year, and the reference that says it."""
        self.sequence = sequence
        self.reference = (
            f"{self.committee.reference_prefix} ({self.municipal_year.short_label}) "
            f"{self.sequence:02d}"
        )

    def save(self, *args, **kwargs):
        if not self.reference:
            with transaction.atomic():
                self.place()
                self.give_reference(
                    allocate_sequence(Resolution, self.committee, self.municipal_year)
                )
                return super().save(*args, **kwargs)
        return super().save(*args, **kwargs)


class ActionQuerySet(TrackedQuerySet):
    def open(self):
        return self.filter(status=Action.Status.OPEN)

    def closed(self):
        return self.exclude(status=Action.Status.OPEN)

    def keep_due_on(self):
        """Store the due-on date of these actions again, in one UPDATE: what `reckon_due_on`
        gives, written in SQL for rows not loaded (the data migration does the same)."""
        meeting_date = Meeting.objects.filter(pk=OuterRef("due_back_meeting_id")).values("date")
        return models.QuerySet.update(
            self.model._base_manager.using(self.db).filter(pk__in=self.values("pk")),
            due_on_date=Coalesce("due_date", Subquery(meeting_date[:1])),
        )

    def update(self, **kwargs):
        """As `TrackedQuerySet.update`; a change of what the due-on date is reckoned from
        stores it again for the rows changed."""
        if not DUE_ON_SOURCES.intersection(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            self.model.objects.using(self.db).filter(pk__in=pks).keep_due_on()
            return count

    update.alters_data = True

    def with_latest_rag(self):
        """Annotate `latest_rag`: the RAG of the latest update that has one, in one query.

        The one definition of "latest RAG", used by the pages, the API (and its `?rag=`
        filter) and the admin: see `ActionUpdateQuerySet.latest_first`.

        Completed is the latest RAG of a completed action only. Reopening keeps the old
        sign-off (and its Completed) in the RAG history, because the history is never
        rewritten; so for an open or withdrawn action the latest RAG is that of the latest
        update with a RAG other than Completed (none when there is none), rather than a RAG
        invented for the reopening. A completed action's closing update carries Completed
        and is its latest (`record_update`, `Action.closing_date_problem`).
        """
        if "latest_rag" in self.query.annotations:
            return self
        with_rag = ActionUpdate.objects.filter(action=OuterRef("pk")).exclude(rag="").latest_first()
        not_completed = with_rag.exclude(rag=RAG.COMPLETED)
        return self.annotate(
            latest_rag=Case(
                When(
                    status=Action.Status.COMPLETED,
                    then=Subquery(with_rag.values("rag")[:1]),
                ),
                default=Subquery(not_completed.values("rag")[:1]),
            )
        )

    def overdue(self, on: dt.date | None = None):
        """Open and past its due-on date (read off the index of open actions' due-on dates)."""
        return self.open().filter(due_on_date__lt=on or today())

    def due_before(self, day: dt.date):
        return self.filter(due_on_date__lt=day)

    def public(self):
        return self.filter(
            Q(agenda_item__isnull=True) | Q(agenda_item__in=AgendaItem.objects.public()),
            committee__is_published=True,
        )

    def visible_to(self, user):
        """The one rule for who may read an action, used by every page, API and export."""
        if not user.is_authenticated:
            return self.public()
        if user.is_staff:
            return self
        return self.filter(
            Q(agenda_item__isnull=True, committee__is_published=True)
            | Q(agenda_item__in=AgendaItem.objects.visible_to(user))
            | Q(committee__in=Committee.objects.chaired_by(user))
            | Q(owner__user=user)
        )


# What the due-on date is reckoned from (`Action.reckon_due_on`).
DUE_ON_SOURCES = frozenset({"due_date", "due_back_meeting", "due_back_meeting_id"})


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="actions")
    municipal_year = models.ForeignKey(
        MunicipalYear, on_delete=models.PROTECT, related_name="actions", editable=False
    )
    sequence = models.PositiveIntegerField(editable=False)
    reference = models.CharField(max_length=40, unique=True, editable=False)

    resolution = models.ForeignKey(
        Resolution, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        help_text="The item it arose under (set from the resolution when there is one).",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="actions_owned"
    )
    due_date = models.DateField(null=True, blank=True)
    due_back_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_due_back",
        help_text="The meeting the report or answer must come back to.",
    )
    due_back_elsewhere = models.BooleanField(
        default=False,
        verbose_name="due back at another committee",
        help_text="Tick when the due-back meeting is deliberately another committee's.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    carried_over_from_year = models.ForeignKey(
        MunicipalYear,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when the annual rollover carried this open action into a new year.",
    )
    # The reminder sweep's bookmark: the first day an overdue reminder may be due, so the
    # sweep looks up the few actions due today instead of every open overdue one. A lower
    # bound: too early only costs one look; NULL (e.g. rows loaded raw) is looked at too.
    next_reminder_on = models.DateField(null=True, blank=True, editable=False)
    # The due date, or else the due-back meeting's date (`reckon_due_on`), stored so that the
    # overdue list, its count and the due-date filters and orderings read one indexed column
    # of this table rather than joining every open action to its meeting. Kept by `save()`,
    # by the bulk saves (`keep_derived`), by `update()` and when a meeting moves
    # (`follow_due_back_meeting`).
    due_on_date = models.DateField(null=True, blank=True, editable=False)

    history = recorded(excluded_fields=["next_reminder_on", "due_on_date"])
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "municipal_year__start_date", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "municipal_year", "sequence"], name="action_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="action_closed_has_date",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="action_has_title"),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # The overdue list: its open rows past a day, and what it is ordered and shown by
            # from this table, read from the index alone (PostgreSQL; elsewhere a plain index).
            models.Index(
                fields=["due_on_date"],
                include=["id", "committee", "municipal_year", "sequence"],
                condition=Q(status="open"),
                name="action_open_due_on_idx",
            ),
            # What the overdue-action rule reads each sweep: open, owned, reminder day come.
            models.Index(
                fields=["next_reminder_on"],
                condition=Q(status="open", owner__isnull=False),
                name="action_reminder_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}" if self.reference else self.title

    def get_absolute_url(self):
        return path_to("tracker:action", self.pk)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_owned_by(self, user) -> bool:
        return bool(user.is_authenticated and self.owner_id and self.owner.user_id == user.pk)

    def may_update(self, user) -> bool:
        """Progress is recorded by the owner, the committee's chairs and staff."""
        return self.is_owned_by(user) or self.committee.is_steered_by(user)

    def may_sign_off(self, user) -> bool:
        """Only the chair or vice-chair (or democratic services staff) signs an action off."""
        return self.committee.is_steered_by(user)

    @property
    def is_exempt(self) -> bool:
        return bool(self.agenda_item_id and self.agenda_item.is_exempt)

    @classmethod
    def from_db(cls, db, field_names, values):
        action = super().from_db(db, field_names, values)
        action._stored_due = action._due_sources()
        return action

    def _due_sources(self) -> tuple:
        return (self.__dict__.get("due_date"), self.__dict__.get("due_back_meeting_id"))

    def reckon_due_on(self) -> dt.date | None:
        """The rule: the due date, or else the due-back meeting's date. `save()` stores it as
        `due_on_date`; `keep_due_on` is the same rule for rows in the database."""
        if self.due_date:
            return self.due_date
        return self.due_back_meeting.date if self.due_back_meeting_id else None

    @property
    def due_on(self) -> dt.date | None:
        """The due-on date: as stored, unless what it is reckoned from changed since (or the
        due-back meeting is at hand), when it is reckoned again."""
        if (
            "due_on_date" in self.__dict__
            and getattr(self, "_stored_due", None) == self._due_sources()
            and not (self.due_back_meeting_id and Action.due_back_meeting.is_cached(self))
        ):
            return self.due_on_date
        return self.reckon_due_on()

    def days_late(self, on: dt.date | None = None) -> int:
        due = self.due_on
        on = on or today()
        return max((on - due).days, 0) if due and self.is_open else 0

    def latest_update(self):
        return self.updates.latest_first().first()

    @property
    def raised_on(self) -> dt.date:
        """The day the action was raised: its meeting's, or else the day it was entered."""
        origin = self._origin_meeting()
        if origin:
            return origin.date
        return timezone.localtime(self.created_at, LONDON).date()

    def reporting_date_problem(self, day: dt.date) -> str | None:
        """Why progress on this action cannot be dated `day`, or None.

        The one rule for an update's date, whatever door it comes through: no later than
        today in Europe/London, and no earlier than the day the action was raised.
        """
        if day > today():
            return "The reporting date cannot be in the future."
        raised = self.raised_on
        if day < raised:
            return (
                f"The reporting date cannot be before {self.reference or 'the action'} was "
                f"raised, on {raised:%-d %B %Y}."
            )
        return None

    def closing_date_problem(self, day: dt.date, *, update_pk=None) -> str | None:
        """Why this action cannot be closed by an update dated `day`, or None.

        A closing update (a sign-off, a withdrawal, any update that closes) is never dated
        before the action's latest update, so it is the latest update and what it says
        (Completed, for a sign-off) is the latest RAG. After a reopening, the reopening is
        the latest update.
        """
        if not self.pk:
            return None
        latest = self.updates.exclude(pk=update_pk).latest_first().first()
        if latest and day < latest.as_of:
            return (
                f"A closing update cannot be dated before the latest update on "
                f"{self.reference or 'the action'}, of {latest.as_of:%-d %B %Y}."
            )
        return None

    def deletion_refusal(self) -> str | None:
        """Why this action may not be deleted (its RAG history is kept), or None.

        The one rule the admin and the API both apply; `delete()` enforces it, and the
        updates' PROTECT stops a bulk delete too.
        """
        if self.pk and self.updates.exists():
            return (
                f"{self.reference} has progress recorded, which is kept as its history: "
                "withdraw the action instead of deleting it."
            )
        return None

    def delete(self, *args, **kwargs):
        if refusal := self.deletion_refusal():
            raise ProtectedError(refusal, set(self.updates.all()))
        return super().delete(*args, **kwargs)

    def _origin_meeting(self) -> Meeting | None:
        item = self.agenda_item or (self.resolution.agenda_item if self.resolution_id else None)
        return item.meeting if item else None

    def clean(self):
        errors = beyond_planning_horizon(due_date=self.due_date)
        if (
            self.resolution_id
            and self.agenda_item_id
            and self.resolution.agenda_item_id != self.agenda_item_id
        ):
            errors["agenda_item"] = "The action's item must be the item of its resolution."
        origin = self._origin_meeting()
        if origin and self.committee_id and origin.committee_id != self.committee_id:
            errors["committee"] = f"The action arose at a meeting of {origin.committee}."
        if self.due_back_meeting_id:
            committee_id = self.committee_id or (origin.committee_id if origin else None)
            if (
                committee_id
                and self.due_back_meeting.committee_id != committee_id
                and not self.due_back_elsewhere
            ):
                errors["due_back_meeting"] = (
                    f"That meeting is of {self.due_back_meeting.committee}, not this committee. "
                    "Tick 'due back at another committee' if that is intended."
                )
            if origin and self.due_back_meeting.date <= origin.date:
                errors["due_back_meeting"] = (
                    f"The due-back meeting ({self.due_back_meeting.date:%-d %B %Y}) must come after "
                    f"the meeting the action arose at ({origin.date:%-d %B %Y})."
                )
        # The latest update must be the closing one: after a reopening, an old one does not count.
        latest = self.updates.order_by("-recorded_at", "-pk").first() if self.pk else None
        if self.status != self.Status.OPEN and not (latest and latest.closes_action):
            errors["status"] = (
                "An action is closed by a closing update that records what was done; add one "
                "(or sign the action off) rather than changing its status."
            )
        if errors:
            raise ValidationError(errors)

    def first_reminder_on(self) -> dt.date | None:
        """The first working day after an open action fell due (its first overdue reminder)."""
        due = self.due_on if self.is_open else None
        return calendar.next_working_day(due) if due else None

    def place(self) -> None:
        """The committee and municipal year of the meeting it arose at (else this year's)."""
        origin = self._origin_meeting()
        if not self.committee_id and origin:
            self.committee = origin.committee
        if not self.municipal_year_id:
            self.municipal_year = (
                origin.municipal_year
                if origin
                else MunicipalYear.containing(self.committee.authority, today())
            )

    def give_reference(self, sequence: int) -> None:
        """Number `sequence` of its committee and year, and the reference that says it."""
        self.sequence = sequence
        self.reference = (
            f"{self.committee.reference_prefix} ({self.municipal_year.short_label}) "
            f"A{self.sequence:02d}"
        )

    def close(self, update: "ActionUpdate", close_as: str) -> None:
        """Closed as `close_as` by its closing `update` (not saved here)."""
        self.status = close_as
        self.closed_on = update.as_of

    def keep_derived(self) -> None:
        """The stored dates derived from others: the due-on date, and the reminder bookmark
        (any change may move the due date or reopen the action). Every save sets them, and
        so do the bulk saves that do not call `save()`."""
        self.due_on_date = self.reckon_due_on()
        self._stored_due = self._due_sources()
        self.next_reminder_on = self.first_reminder_on()

    def save(self, *args, **kwargs):
        if self.due_date is None and Action.due_back_meeting.is_cached(self):
            # Reckoned from the due-back meeting as the database has it now: one loaded before
            # it moved would write its old date back (`follow_due_back_meeting` moved it).
            Action.due_back_meeting.field.delete_cached_value(self)
        self.keep_derived()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "next_reminder_on", "due_on_date"}
        if self.resolution_id and not self.agenda_item_id:
            self.agenda_item = self.resolution.agenda_item
        if not self.reference:
            with transaction.atomic():
                self.place()
                self.give_reference(allocate_sequence(Action, self.committee, self.municipal_year))
                return super().save(*args, **kwargs)
        return super().save(*args, **kwargs)


@receiver(post_save, sender=Meeting, dispatch_uid="actions_follow_due_back_meeting")
def follow_due_back_meeting(sender, instance: Meeting, raw=False, **kwargs):
    """A due-back meeting that moves takes with it the due-on date of the actions due back
    at it without a due date of their own (`Action.reckon_due_on`), and the reminder bookmark
    of the open ones."""
    if raw:
        return
    # The plain manager: neither is history. One UPDATE, as before the due-on date was kept.
    Action._base_manager.filter(due_back_meeting=instance, due_date__isnull=True).update(
        due_on_date=instance.date,
        next_reminder_on=Case(
            When(status=Action.Status.OPEN, then=Value(calendar.next_working_day(instance.date))),
            default=F("next_reminder_on"),
        ),
    )


class ActionUpdateQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(action__in=Action.objects.visible_to(user))

    def latest_first(self):
        """The latest reporting date first; on the same date, the latest recorded first."""
        return self.order_by("-as_of", "-recorded_at", "-pk")

    def rag_history(self):
        """The RAG timeline: every update that carried a RAG value, oldest first."""
        return self.exclude(rag="").order_by("as_of", "recorded_at")


class ActionUpdate(models.Model):
    """A dated progress note on an action; the updates together are its RAG history."""

    COMPLETED_BY_SIGN_OFF = (
        "Completed is recorded only by signing the action off, which the committee's chair or "
        "vice-chair (or democratic services) does."
    )

    # Updates are the action's history: an action with any is withdrawn, never deleted.
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    as_of = models.DateField(default=today, help_text="The reporting date this update speaks for.")
    text = models.TextField()
    rag = models.CharField(max_length=10, choices=RAG.choices, blank=True, verbose_name="RAG")
    progress = models.PositiveSmallIntegerField(
        choices=Progress.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    closes_action = models.BooleanField(
        default=False, help_text="This update records that the action is done (or withdrawn)."
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who recorded it without signing in (from a reminder's link).",
    )

    history = recorded()
    objects = ActionUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", "as_of", "recorded_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="update_has_text"),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=1, progress__lte=5),
                name="update_progress_one_to_five",
            ),
        ]
        indexes = [models.Index(fields=["action", "as_of"])]

    def __str__(self):
        return f"{self.action.reference} update of {self.as_of:%-d %B %Y}"

    def clean(self):
        errors = {}
        if not self.text.strip():
            errors["text"] = "Say what has happened."
        if self.rag == RAG.COMPLETED and not self.closes_action:
            errors["rag"] = self.COMPLETED_BY_SIGN_OFF
        # An action built in memory with its update (a batch checked before saving) is held
        # to the same dates as a saved one.
        action = self.action if self.action_id or ActionUpdate.action.is_cached(self) else None
        problem = (
            action.reporting_date_problem(self.as_of) if action is not None and self.as_of else None
        )
        if not problem and self.closes_action and action is not None and self.as_of:
            problem = action.closing_date_problem(self.as_of, update_pk=self.pk)
        if problem:
            errors["as_of"] = problem
        if errors:
            raise ValidationError(errors)


class ExecutiveResponseQuerySet(TrackedQuerySet):
    def awaiting(self):
        return self.filter(decision=ExecutiveResponse.Decision.PENDING)

    def overdue(self, on: dt.date | None = None):
        return self.awaiting().filter(response_due__lt=on or today())

    def visible_to(self, user):
        return self.filter(resolution__in=Resolution.objects.visible_to(user))


class ExecutiveResponse(models.Model):
    """The executive's answer to a scrutiny recommendation, and what came of it.

    Three questions, each with its own date: was it accepted (due two months after the
    executive received it), was it implemented, and did it have the intended impact.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting response"
        ACCEPTED = "accepted", "Accepted"
        PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
        REJECTED = "rejected", "Rejected"

    class Implementation(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        IMPLEMENTED = "implemented", "Implemented"
        NOT_IMPLEMENTED = "not_implemented", "Will not be implemented"

    class Impact(models.TextChoices):
        NOT_REVIEWED = "not_reviewed", "Not yet reviewed"
        ACHIEVED = "achieved", "Intended impact achieved"
        PARTLY_ACHIEVED = "partly_achieved", "Partly achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"

    resolution = models.OneToOneField(
        Resolution, on_delete=models.PROTECT, related_name="executive_response"
    )
    executive_body = models.CharField(max_length=120, default="Cabinet")
    responsible = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="executive_responses",
        help_text="The executive member or responsible officer who must respond.",
    )
    referred_on = models.DateField(help_text="The day the executive received the recommendation.")
    response_due = models.DateField(editable=False)

    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    responded_on = models.DateField(null=True, blank=True)
    response_text = models.TextField(blank=True)

    implementation = models.CharField(
        max_length=16, choices=Implementation.choices, default=Implementation.NOT_STARTED
    )
    implemented_on = models.DateField(null=True, blank=True)

    impact_review_months = models.PositiveSmallIntegerField(
        choices=[(6, "6 months"), (12, "12 months")], default=6
    )
    impact_review_due = models.DateField(null=True, blank=True, editable=False)
    impact = models.CharField(max_length=16, choices=Impact.choices, default=Impact.NOT_REVIEWED)
    impact_reviewed_on = models.DateField(null=True, blank=True)
    impact_notes = models.TextField(blank=True)

    history = recorded()
    objects = ExecutiveResponseQuerySet.as_manager()

    class Meta:
        ordering = ["response_due"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="pending", responded_on__isnull=True)
                | (~Q(decision="pending") & Q(responded_on__isnull=False)),
                name="response_decision_has_date",
                violation_error_message="A decision needs the date it was given, and only a decision has one.",
            ),
            models.CheckConstraint(
                condition=~Q(implementation="implemented") | Q(implemented_on__isnull=False),
                name="response_implemented_has_date",
            ),
            models.CheckConstraint(
                condition=Q(impact="not_reviewed") | Q(impact_reviewed_on__isnull=False),
                name="response_impact_has_date",
            ),
        ]

    def __str__(self):
        return f"Executive response to {self.resolution}"

    @staticmethod
    def due_date_for(referred_on: dt.date) -> dt.date:
        return referred_on + relativedelta(months=EXECUTIVE_RESPONSE_MONTHS)

    def may_record(self, user) -> bool:
        """Staff and the committee's chairs record what the executive answered."""
        return self.resolution.committee.is_steered_by(user)

    def clean(self):
        errors = beyond_planning_horizon(
            referred_on=self.referred_on,
            responded_on=self.responded_on,
            implemented_on=self.implemented_on,
            impact_reviewed_on=self.impact_reviewed_on,
        )
        resolution = (
            self.resolution
            if self.resolution_id or ExecutiveResponse.resolution.is_cached(self)
            else None
        )
        if resolution is not None and resolution.kind != Resolution.Kind.RECOMMENDATION:
            errors["resolution"] = (
                "Only a recommendation to the executive gets an executive response."
            )
        if self.decision != self.Decision.PENDING and not self.responded_on:
            errors["responded_on"] = "Give the date of the executive's decision."
        if self.decision == self.Decision.PENDING and self.responded_on:
            errors["decision"] = "Record the decision that was given on that date."
        if self.responded_on and self.referred_on and self.responded_on < self.referred_on:
            errors["responded_on"] = (
                "The response cannot come before the recommendation was received."
            )
        if self.implementation == self.Implementation.IMPLEMENTED and not self.implemented_on:
            errors["implemented_on"] = "Give the date it was implemented."
        if self.impact != self.Impact.NOT_REVIEWED and not self.impact_reviewed_on:
            errors["impact_reviewed_on"] = "Give the date of the impact review."
        if errors:
            raise ValidationError(errors)

    def set_due_dates(self) -> None:
        """The statutory response date and the impact review's, from the dates recorded."""
        self.response_due = self.due_date_for(self.referred_on)
        self.impact_review_due = (
            self.implemented_on + relativedelta(months=self.impact_review_months)
            if self.implemented_on
            else None
        )

    def save(self, *args, **kwargs):
        self.set_due_dates()
        super().save(*args, **kwargs)
