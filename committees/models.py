"""The business of committees: who sits on them, when they meet, and what comes before them.

Dates and times of meetings are kept as the council states them (a date and a local
wall-clock time in Europe/London); `Meeting.starts_at` turns them into an aware datetime.
A meeting's report deadline and agenda publication date are stored, computed from the
authority's working-day rules on save, so that the reminder sweep can query them.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from committees import calendar
from committees.history import TrackedQuerySet, recorded
from committees.routes import path_to

LONDON = ZoneInfo("Europe/London")


DEFERRED_ONLY_BY_DEFERRAL = (
    "Deferred is recorded by deferring it (the Defer action), which says where it goes and "
    "why and tells its report author; it cannot be set by hand."
)


def today() -> dt.date:
    """Today's date in Europe/London, whatever the server's clock zone."""
    return timezone.now().astimezone(LONDON).date()


# Nothing a council records here is older than this (a 0001-01-01 is a slip, and municipal
# years and working days cannot be computed for it).
EARLIEST_DATE = dt.date(1900, 1, 1)

# A council plans years ahead, never centuries: a later date is a slip (9999-12-31), and the
# working-day and two-month arithmetic on it would run off the end of the calendar.
PLANNING_HORIZON_YEARS = 100


def planning_horizon(on: dt.date | None = None) -> dt.date:
    """The last day anything may be dated: PLANNING_HORIZON_YEARS after `on` (today)."""
    on = on or today()
    try:
        return on.replace(year=on.year + PLANNING_HORIZON_YEARS)
    except ValueError:  # 29 February, in a year that has none
        return on.replace(year=on.year + PLANNING_HORIZON_YEARS, day=28)


def beyond_planning_horizon(**dates: dt.date | None) -> dict[str, str]:
    """The one rule for how far ahead (or back) a date may be: an error for each of `dates` (by field
    name) that is later than the planning horizon. Every model's `clean()` applies it to the
    dates it plans by, so the admin, the API, the pages and the importer refuse alike."""
    horizon = planning_horizon()
    errors = {}
    if any(day and day > horizon for day in dates.values()):
        late = (
            f"Give a date no later than {horizon:%-d %B %Y}: the tracker plans at most "
            f"{PLANNING_HORIZON_YEARS} years ahead."
        )
        errors = {name: late for name, day in dates.items() if day and day > horizon}
    if any(day and day < EARLIEST_DATE for day in dates.values()):
        early = (
            f"Give a date no earlier than {EARLIEST_DATE:%-d %B %Y}: the tracker keeps the "
            "business of modern councils."
        )
        errors.update({name: early for name, day in dates.items() if day and day < EARLIEST_DATE})
    return errors


class Authority(models.Model):
    """A council. Working-day rules for report deadlines are set per authority."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    report_deadline_working_days = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Working days before a meeting by which reports must reach democratic services.",
    )
    agenda_clear_working_days = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(5), MaxValueValidator(30)],
        help_text="Clear working days before a meeting by which the agenda is published "
        "(at least five under the Access to Information rules).",
    )
    moderngov_url = models.URLField(
        "modern.gov address",
        blank=True,
        help_text="The council's modern.gov site, e.g. https://democracy.example.gov.uk; the "
        "tracker reads its web service (mgWebService.asmx) there. Empty: not synced.",
    )
    moderngov_committee_ids = models.JSONField(
        "modern.gov committee ids",
        default=list,
        blank=True,
        help_text="The modern.gov ids of the committees to keep in step, e.g. [144, 163].",
    )

    class Meta:
        verbose_name_plural = "authorities"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report_deadline_working_days__gte=1),
                name="authority_deadline_at_least_one_day",
            ),
            models.CheckConstraint(
                condition=Q(agenda_clear_working_days__gte=5),
                name="authority_agenda_at_least_five_clear_days",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        ids = self.moderngov_committee_ids
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in ids
        ):
            raise ValidationError(
                {
                    "moderngov_committee_ids": "Give a list of modern.gov committee ids, "
                    "whole numbers such as [144, 163]."
                }
            )
        if self.moderngov_url and not self.moderngov_url.lower().startswith(
            ("https://", "http://")
        ):
            raise ValidationError(
                {"moderngov_url": "Give the modern.gov site's web address (https://...)."}
            )
        if ids and not self.moderngov_url:
            raise ValidationError(
                {"moderngov_url": "Give the modern.gov address the committee ids belong to."}
            )

    @property
    def is_synced_with_moderngov(self) -> bool:
        return bool(self.moderngov_url and self.moderngov_committee_ids)

    def save(self, *args, **kwargs):
        rules = ("report_deadline_working_days", "agenda_clear_working_days")
        before = (
            Authority.objects.filter(pk=self.pk).values_list(*rules).first() if self.pk else None
        )
        super().save(*args, **kwargs)
        if before is not None and before != tuple(getattr(self, rule) for rule in rules):
            # Upcoming meetings follow the new rule (their stored dates drive the reminders);
            # the deadlines of meetings already held are history and stay as they were.
            for meeting in Meeting.objects.filter(committee__authority=self, date__gte=today()):
                meeting.save()


class PersonQuerySet(models.QuerySet):
    def reset_calendar_addresses(self) -> int:
        """Revoke these people's calendar addresses: each address is signed with the count
        of resets (tracker/calendars.py), so every one given out before stops working."""
        return self.update(calendar_address_resets=F("calendar_address_resets") + 1)

    def visible_to(self, user):
        """Signed-in users see everyone; the public sees the people of published committees
        (members and their officers), never someone named only on confidential business."""
        if user.is_authenticated:
            return self
        published = Committee.objects.published()
        return self.filter(
            Q(pk__in=Membership.objects.filter(committee__in=published).values("person_id"))
            | Q(pk__in=published.values("officer_id"))
        )


class Person(models.Model):
    """Anyone the tracker names: councillors, co-opted members, officers, executive members.

    A person may have a login (`user`); many (a Church of England representative, an
    NHS trust's manager) never will, yet still own actions and receive reminders.
    """

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    is_councillor = models.BooleanField(default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    moderngov_id = models.CharField(
        "modern.gov id",
        max_length=40,
        null=True,
        blank=True,
        unique=True,
        help_text="The authority's id and the person's modern.gov user id, e.g. 3:192; "
        "set by the modern.gov sync.",
    )
    calendar_address_resets = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="How many times the person's calendar address was reset; each reset "
        "revokes the address given out before.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self):
        return f"Councillor {self.name}" if self.is_councillor else self.name

    def reset_calendar_address(self) -> None:
        """Revoke this person's calendar address; the next one shown to them works instead."""
        Person.objects.filter(pk=self.pk).reset_calendar_addresses()
        self.refresh_from_db(fields=["calendar_address_resets"])


class MunicipalYear(models.Model):
    """From one annual council meeting (in May) to the next, for one authority."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="years")
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["authority", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "start_date"], name="year_unique_start"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="year_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """As councils write it: 2017/18."""
        return f"{self.start_date.year}/{(self.start_date.year + 1) % 100:02d}"

    @property
    def short_label(self) -> str:
        """As references write it: 17/18."""
        return f"{self.start_date.year % 100:02d}/{(self.start_date.year + 1) % 100:02d}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": "A municipal year must end after it starts."})
        if self.authority_id and self.start_date and self.end_date:
            overlapping = MunicipalYear.objects.filter(
                authority_id=self.authority_id,
                start_date__lte=self.end_date,
                end_date__gte=self.start_date,
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(
                    f"This municipal year overlaps {overlapping.first()} of the same authority."
                )

    @classmethod
    def containing(cls, authority: Authority, day: dt.date) -> "MunicipalYear":
        """The year of `authority` that contains `day`, created May to April if none is set up.

        Officers can move the boundaries to the real annual meeting dates in the admin.
        """
        year = cls.would_contain(authority, day)
        if year.pk:
            return year
        year, _ = cls.objects.get_or_create(
            authority=authority, start_date=year.start_date, defaults={"end_date": year.end_date}
        )
        return year

    @classmethod
    def would_contain(cls, authority: Authority, day: dt.date) -> "MunicipalYear":
        """The year `containing` gives for `day`, without creating it: the saved year, or an
        unsaved one with the dates it would be created with (for checking a batch of records
        before anything is saved)."""
        year = cls.objects.filter(
            authority=authority, start_date__lte=day, end_date__gte=day
        ).first()
        if year:
            return year
        first = day.year if day.month >= 5 else day.year - 1
        start, end = dt.date(first, 5, 1), dt.date(first + 1, 4, 30)
        # Beside a year set to the real annual meetings, start after it (or end before it)
        # rather than overlap it: no day may fall in two years.
        years = cls.objects.filter(authority=authority)
        before = years.filter(end_date__lt=day).order_by("-end_date").first()
        after = years.filter(start_date__gt=day).order_by("start_date").first()
        if before and before.end_date >= start:
            start = before.end_date + dt.timedelta(days=1)
        if after and after.start_date <= end:
            end = after.start_date - dt.timedelta(days=1)
        return cls(authority=authority, start_date=start, end_date=end)


class CommitteeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def chaired_by(self, user, on: dt.date | None = None):
        """Committees where `user` is chair or vice-chair today (or `on`): a chair chosen at
        a coming annual meeting has no chair's rights before it, and the sitting chair keeps
        them until their membership's last day."""
        if not user.is_authenticated:
            return self.none()
        chairing = Membership.objects.current(on).filter(
            person__user=user, role__in=Membership.CHAIRING_ROLES
        )
        return self.filter(pk__in=chairing.values("committee_id"))

    def visible_to(self, user):
        """Published committees for everyone; staff see all, chairs their own drafts too."""
        if user.is_authenticated and user.is_staff:
            return self
        if user.is_authenticated:
            return self.filter(Q(is_published=True) | Q(pk__in=Committee.objects.chaired_by(user)))
        return self.published()


class Committee(models.Model):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", "Committee"
        SUB_COMMITTEE = "sub_committee", "Sub-committee"
        PANEL = "panel", "Panel"
        TASK_AND_FINISH = "task_and_finish", "Task-and-finish group"

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="committees")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    short_name = models.CharField(
        max_length=80, blank=True, help_text="Used in email subjects, e.g. Children's Services O&S."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMITTEE)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_committees",
        help_text="The committee this sub-committee, panel or group reports to.",
    )
    remit = models.TextField(blank=True)
    officer = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committees_supported",
        verbose_name="democratic services officer",
    )
    reference_prefix = models.CharField(
        max_length=8,
        help_text='Starts the references of resolutions and actions, as in "CS (17/18) 01".',
    )
    is_published = models.BooleanField(
        default=True, help_text="Shown to the public (its non-exempt business only)."
    )
    moderngov_id = models.PositiveIntegerField(
        "modern.gov id",
        null=True,
        blank=True,
        help_text="The committee's id in the authority's modern.gov; its meetings and "
        "agendas are kept in step from there.",
    )

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="committee_unique_name"),
            models.CheckConstraint(
                condition=~Q(reference_prefix=""), name="committee_has_reference_prefix"
            ),
            models.UniqueConstraint(
                fields=["authority", "moderngov_id"],
                condition=Q(moderngov_id__isnull=False),
                name="committee_unique_moderngov_id",
                violation_error_message="Another committee of this authority has that modern.gov id.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "A committee cannot report to itself."})
        if self.parent_id and self.authority_id and self.parent.authority_id != self.authority_id:
            raise ValidationError(
                {"parent": "A parent committee must belong to the same authority."}
            )

    def get_absolute_url(self):
        return path_to("tracker:committee", self.slug)

    def current_members(self, on: dt.date | None = None):
        return self.memberships.current(on).select_related("person")

    def is_chaired_by(self, user) -> bool:
        """Chair and vice-chair may see and steer everything about their committee."""
        return bool(user.is_authenticated) and (
            Committee.objects.chaired_by(user).filter(pk=self.pk).exists()
        )

    def is_steered_by(self, user) -> bool:
        """Democratic services staff, or this committee's chair or vice-chair."""
        return bool(user.is_authenticated and user.is_staff) or self.is_chaired_by(user)

    # Where the committee sits and who supports it: kept by democratic services. Its chairs
    # steer its business (remit, names, meetings, items) but not these.
    STRUCTURE_FIELDS = ("authority", "parent", "kind", "officer", "reference_prefix", "slug")

    @staticmethod
    def may_change_structure(user) -> bool:
        return bool(user.is_authenticated and user.is_staff)

    def structure_changed_by(self, data: dict) -> list[str]:
        """The structure fields whose values in `data` differ from this committee's."""
        return [
            name
            for name in self.STRUCTURE_FIELDS
            if name in data and data[name] != getattr(self, name)
        ]

    def chairs(self, on: dt.date | None = None):
        """The people currently chairing: chair first, then vice-chair."""
        return [
            m.person
            for m in self.current_members(on)
            .filter(role__in=Membership.CHAIRING_ROLES)
            .order_by("role")
        ]


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(committee__in=Committee.objects.visible_to(user))

    def current(self, on: dt.date | None = None):
        on = on or today()
        return self.filter(start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-Chair"
        MEMBER = "member", "Member"
        CO_OPTED_VOTING = "co_opted_voting", "Co-opted member (voting)"
        CO_OPTED_NON_VOTING = "co_opted_non_voting", "Co-opted member (non-voting)"
        SUBSTITUTE = "substitute", "Substitute"

    CHAIRING_ROLES = (Role.CHAIR, Role.VICE_CHAIR)

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=24, choices=Role.choices, default=Role.MEMBER)
    representing = models.CharField(
        max_length=200,
        blank=True,
        help_text="For co-opted members, e.g. Church of England Representative.",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "role", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(role="chair", end_date__isnull=True),
                name="membership_one_current_chair",
                violation_error_message="This committee already has a current chair.",
            ),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(role="vice_chair", end_date__isnull=True),
                name="membership_one_current_vice_chair",
                violation_error_message="This committee already has a current vice-chair.",
            ),
            models.UniqueConstraint(
                fields=["committee", "person"],
                condition=Q(end_date__isnull=True),
                name="membership_one_current_per_person",
                violation_error_message="This person already has a current membership of this committee.",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}, {self.committee})"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "A membership cannot end before it starts."})


class MeetingQuerySet(TrackedQuerySet):
    def upcoming(self, on: dt.date | None = None):
        return self.filter(date__gte=on or today()).exclude(status=Meeting.Status.CANCELLED)

    def past(self, on: dt.date | None = None):
        return self.filter(date__lt=on or today())

    def accepting_business(self, on: dt.date | None = None):
        """Meetings business may still be planned or deferred to: not cancelled or
        postponed, and on or after `on` (today). The choices every door offers."""
        return self.filter(date__gte=on or today()).exclude(status__in=Meeting.CLOSED_STATUSES)

    def published(self):
        return self.filter(is_published=True, committee__is_published=True)

    def visible_to(self, user):
        """Meetings themselves are public once published; staff and chairs see drafts too."""
        if user.is_authenticated and user.is_staff:
            return self
        if user.is_authenticated:
            return self.filter(
                Q(is_published=True, committee__is_published=True)
                | Q(committee__in=Committee.objects.chaired_by(user))
            )
        return self.published()


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        POSTPONED = "postponed", "Postponed"

    # A meeting that will not take place as planned: nothing can be planned or deferred to it.
    CLOSED_STATUSES = (Status.CANCELLED, Status.POSTPONED)

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    municipal_year = models.ForeignKey(
        MunicipalYear, on_delete=models.PROTECT, related_name="meetings", editable=False
    )
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True, help_text="Local time (Europe/London).")
    venue = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    is_published = models.BooleanField(
        default=True, help_text="Agenda and minutes are public (exempt items excepted)."
    )
    report_deadline = models.DateField(
        editable=False, help_text="Reports must reach democratic services by this day."
    )
    report_deadline_override = models.DateField(
        null=True,
        blank=True,
        help_text="Set only to depart from the working-day rule (e.g. an earlier Christmas deadline).",
    )
    agenda_publication_date = models.DateField(editable=False)
    moderngov_id = models.PositiveIntegerField(
        "modern.gov id", null=True, blank=True, help_text="Set by the modern.gov sync."
    )

    history = recorded()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "date"], name="meeting_one_per_day"),
            models.UniqueConstraint(
                fields=["committee", "moderngov_id"],
                condition=Q(moderngov_id__isnull=False),
                name="meeting_unique_moderngov_id",
            ),
            models.CheckConstraint(
                condition=Q(report_deadline__lt=models.F("date")),
                name="meeting_deadline_before_meeting",
            ),
        ]
        indexes = [models.Index(fields=["report_deadline"]), models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.committee}, {self.date:%-d %B %Y}"

    def get_absolute_url(self):
        return path_to("tracker:meeting", self.pk)

    @property
    def starts_at(self) -> dt.datetime | None:
        if self.start_time is None:
            return None
        return dt.datetime.combine(self.date, self.start_time, tzinfo=LONDON)

    def computed_report_deadline(self) -> dt.date:
        return calendar.report_deadline(
            self.date, self.committee.authority.report_deadline_working_days
        )

    def clean(self):
        errors = beyond_planning_horizon(
            date=self.date, report_deadline_override=self.report_deadline_override
        )
        if (
            self.report_deadline_override
            and self.date
            and self.report_deadline_override >= self.date
        ):
            errors["report_deadline_override"] = "The report deadline must fall before the meeting."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        authority = self.committee.authority
        self.municipal_year = MunicipalYear.containing(authority, self.date)
        self.report_deadline = self.report_deadline_override or self.computed_report_deadline()
        self.agenda_publication_date = calendar.agenda_publication_date(
            self.date, authority.agenda_clear_working_days
        )
        super().save(*args, **kwargs)

    def refuses_business(self, on: dt.date | None = None) -> str:
        """Why nothing may be planned or deferred to this meeting as of `on` (today), or ""."""
        if self.status in self.CLOSED_STATUSES:
            return (
                f"The meeting of {self.date:%-d %B %Y} is {self.get_status_display().lower()}; "
                "choose a scheduled meeting."
            )
        if self.date < (on or today()):
            return (
                f"The meeting of {self.date:%-d %B %Y} has already taken place; "
                "choose a meeting still to come."
            )
        return ""

    def refuses_record(self, on: dt.date | None = None) -> str:
        """Why what happened at this meeting (outcomes, attendance) cannot be recorded as of
        `on` (today), or "": a meeting that will not take place, or has not yet, decided
        nothing."""
        if self.status in self.CLOSED_STATUSES:
            return (
                f"The meeting of {self.date:%-d %B %Y} is {self.get_status_display().lower()}: "
                "nothing was decided or attended there."
            )
        if self.date > (on or today()):
            return (
                f"The meeting of {self.date:%-d %B %Y} has not taken place yet: record what "
                "happened there on the day or after."
            )
        return ""

    def next_item_position(self) -> int:
        """Where a new item goes: after the items already on the agenda."""
        last = self.items.aggregate(last=models.Max("position"))["last"]
        return (last or 0) + 1

    def refuses_items(self) -> str:
        """Why no item may be put on this meeting's agenda, or ""."""
        if self.status in self.CLOSED_STATUSES:
            return (
                f"The meeting of {self.date:%-d %B %Y} is {self.get_status_display().lower()}; "
                "put the item on a scheduled meeting."
            )
        return ""

    def previous(self):
        return (
            Meeting.objects.filter(committee_id=self.committee_id, date__lt=self.date)
            .order_by("-date")
            .first()
        )

    def next(self):
        return (
            Meeting.objects.filter(committee_id=self.committee_id, date__gt=self.date)
            .order_by("date")
            .first()
        )


class Attendance(models.Model):
    class Kind(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"
        ALSO_PRESENT = "also_present", "Also present"
        OFFICER = "officer", "Officer in attendance"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PRESENT)
    capacity = models.CharField(
        max_length=200, blank=True, help_text="e.g. Portfolio Holder for Education"
    )

    class Meta:
        verbose_name_plural = "attendance"
        ordering = ["meeting", "kind", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_once_per_meeting"
            )
        ]

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()}"

    def clean(self):
        """Apologies are sent ahead; who attended is known only once the meeting is held."""
        if self.meeting_id is None:
            return
        refusal = self.meeting.refuses_record()
        if refusal and not (
            self.kind == self.Kind.APOLOGIES and self.meeting.status not in Meeting.CLOSED_STATUSES
        ):
            raise ValidationError({"kind": refusal})


class WorkProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(committee__in=Committee.objects.visible_to(user))


class WorkProgramme(models.Model):
    """A committee's plan of topics for one municipal year ("Work Programme 2017/18")."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="work_programmes"
    )
    municipal_year = models.ForeignKey(
        MunicipalYear, on_delete=models.PROTECT, related_name="work_programmes"
    )

    objects = WorkProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "municipal_year__start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "municipal_year"], name="work_programme_one_per_year"
            )
        ]

    def __str__(self):
        return f"{self.committee}: Work Programme {self.municipal_year.label}"

    def clean(self):
        if (
            self.committee_id
            and self.municipal_year_id
            and self.committee.authority_id != self.municipal_year.authority_id
        ):
            raise ValidationError({"municipal_year": "That municipal year is another authority's."})

    @classmethod
    def for_meeting(cls, meeting: Meeting) -> "WorkProgramme":
        programme, _ = cls.objects.get_or_create(
            committee_id=meeting.committee_id, municipal_year_id=meeting.municipal_year_id
        )
        return programme


class ExemptParagraph(models.IntegerChoices):
    """Schedule 12A to the Local Government Act 1972, Part 1."""

    INDIVIDUAL = 1, "1: Information relating to any individual"
    IDENTITY = 2, "2: Information likely to reveal the identity of an individual"
    FINANCIAL = 3, "3: Financial or business affairs of any particular person"
    LABOUR_RELATIONS = 4, "4: Consultations or negotiations on labour relations"
    LEGAL_PRIVILEGE = 5, "5: Legal professional privilege"
    NOTICES = 6, "6: Notices, orders or directions"
    CRIME = 7, "7: Prevention, investigation or prosecution of crime"


def deferrals_seen_by(path: str, user=None) -> models.Count:
    """The deferrals at `path`, counted; with `user`, only those they may see (a deferral of
    exempt business is not theirs to count)."""
    if user is None or (user.is_authenticated and user.is_staff):
        return models.Count(path, distinct=True)
    seen = Q(**{f"{path}__in": Deferral.objects.visible_to(user).values("pk")})
    return models.Count(path, filter=seen, distinct=True)


class TopicQuerySet(TrackedQuerySet):
    def active(self):
        return self.filter(status__in=WorkProgrammeTopic.ACTIVE_STATUSES)

    def unscheduled(self):
        """The "tbc" topics: wanted, but with no meeting yet."""
        return self.active().filter(target_meeting__isnull=True)

    def with_deferral_count(self, user=None):
        """Annotate `deferral_count`; with `user`, only the deferrals they may see count."""
        return self.annotate(deferral_count=deferrals_seen_by("deferrals", user))

    def deferred_at_least(self, times: int):
        return self.with_deferral_count().filter(deferral_count__gte=times)

    @staticmethod
    def _readable_q(user) -> Q | None:
        """Who may read a topic in full; None means everything (staff).

        A topic made from (or proposed in) an exempt item is exempt too: as the item, it is
        read by the committee's chairs and by the people named on it (its lead officer, the
        report author or lead officer of its items); everyone else sees its public title."""
        if not user.is_authenticated:
            return Q(is_exempt=False)
        if user.is_staff:
            return None
        named_on_items = AgendaItem.objects.filter(
            Q(report_author__user=user) | Q(lead_officer__user=user), topic__isnull=False
        ).values("topic_id")
        return (
            Q(is_exempt=False)
            | Q(work_programme__committee__in=Committee.objects.chaired_by(user))
            | Q(lead_officer__user=user)
            | Q(pk__in=named_on_items)
        )

    def visible_to(self, user):
        """The one rule for who may read a topic in full (its lead, status, meeting, origin,
        deferrals): the topics of the committees `user` may see, exempt ones only as above."""
        topics = self.filter(work_programme__committee__in=Committee.objects.visible_to(user))
        readable = self._readable_q(user)
        return topics if readable is None else topics.filter(readable)

    def listed_to(self, user):
        """What `user` may see listed: the topics they may read, plus the exempt topics of the
        committees they may see as a shell (public title and Schedule 12A paragraph only).

        Each topic is annotated `readable`; pages and API serializers show anything else of a
        topic (and count, filter or search it) only when it is True."""
        topics = self.filter(work_programme__committee__in=Committee.objects.visible_to(user))
        readable = self._readable_q(user)
        if readable is None:
            return topics.annotate(readable=models.Value(True, output_field=models.BooleanField()))
        return topics.filter(readable | Q(is_exempt=True)).annotate(
            readable=models.ExpressionWrapper(readable, output_field=models.BooleanField())
        )


class WorkProgrammeTopic(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DEFERRED = "deferred", "Deferred"
        CONSIDERED = "considered", "Considered"
        MERGED = "merged", "Merged"
        WITHDRAWN = "withdrawn", "Withdrawn"
        # Not considered by the end of its year: the annual rollover (committees/rollover.py)
        # carried it into the next year's programme, where it goes on (`carried_over_to`).
        CARRIED_OVER = "carried_over", "Carried over"

    ACTIVE_STATUSES = (Status.PLANNED, Status.DEFERRED)

    work_programme = models.ForeignKey(
        WorkProgramme, on_delete=models.CASCADE, related_name="topics"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    lead_officer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="topics_led"
    )
    lead_officer_text = models.CharField(
        max_length=200,
        blank=True,
        help_text="When the lead is an organisation or not yet a person, e.g. NELFT.",
    )
    target_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="planned_topics",
        help_text="Leave empty for a topic still to be scheduled (tbc).",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_topics"
    )
    requested_at = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics_requested",
        help_text="The meeting at which the committee asked for this topic.",
    )
    origin = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the topic came from, e.g. a request under item 20.",
    )
    report_submitted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the report for this topic reached democratic services.",
    )
    carried_over_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_over_to",
        help_text="The same topic in the previous year's programme, after the annual rollover.",
    )
    is_exempt = models.BooleanField(
        default=False,
        help_text="Made from or proposed in a Part 2 item: confidential under Schedule 12A. "
        "Set and lifted by democratic services through committees.exemption.",
    )
    exempt_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=ExemptParagraph.choices
    )
    public_title = models.CharField(
        max_length=300, blank=True, help_text="What the public sees of an exempt topic."
    )

    history = recorded()
    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["work_programme", "target_meeting__date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="topic_merged_names_its_target",
                violation_error_message="A merged topic must say which topic it was merged into.",
            ),
            models.CheckConstraint(
                condition=Q(is_exempt=False, exempt_paragraph__isnull=True)
                | (
                    Q(
                        is_exempt=True,
                        exempt_paragraph__isnull=False,
                        exempt_paragraph__gte=1,
                        exempt_paragraph__lte=7,
                    )
                    & ~Q(public_title="")
                ),
                name="topic_exempt_has_paragraph_and_public_title",
                violation_error_message="An exempt topic needs its Schedule 12A paragraph and a "
                "public title; a public topic has no paragraph.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return path_to("tracker:work-programme", self.work_programme_id) + f"#topic-{self.pk}"

    @property
    def lead(self) -> str:
        return str(self.lead_officer) if self.lead_officer else self.lead_officer_text

    @property
    def display_title(self) -> str:
        """The title anyone may read: an exempt topic shows only its public title."""
        return self.public_title if self.is_exempt else self.title

    def may_record_report(self, user) -> bool:
        """Staff, the committee's chairs, and the topic's own lead officer."""
        is_lead = bool(
            user.is_authenticated and self.lead_officer_id and self.lead_officer.user_id == user.pk
        )
        return is_lead or self.work_programme.committee.is_steered_by(user)

    def clean(self):
        if (
            self.target_meeting_id
            and self.work_programme_id
            and self.target_meeting.committee_id != self.work_programme.committee_id
        ):
            raise ValidationError(
                {"target_meeting": "The target meeting must be one of this committee's meetings."}
            )
        if self.status == self.Status.DEFERRED and not (self.pk and self.deferrals.exists()):
            raise ValidationError({"status": DEFERRED_ONLY_BY_DEFERRAL})
        if self.is_exempt and (self.exempt_paragraph is None or not self.public_title.strip()):
            raise ValidationError(
                {
                    "exempt_paragraph": "An exempt topic needs its Schedule 12A paragraph and a "
                    "public title."
                }
            )
        if not self.is_exempt and self.exempt_paragraph is not None:
            raise ValidationError(
                {"exempt_paragraph": "Only an exempt topic has a Schedule 12A paragraph."}
            )
        if self.merged_into_id and self.merged_into_id == self.pk:
            raise ValidationError({"merged_into": "A topic cannot be merged into itself."})
        if (self.status == self.Status.MERGED) != bool(self.merged_into_id):
            raise ValidationError(
                {
                    "merged_into": "A merged topic must say which topic it was merged into, and only a merged one."
                }
            )


class AgendaItemQuerySet(TrackedQuerySet):
    def public(self):
        """What anyone may read: non-exempt items of published meetings of published committees."""
        return self.filter(self._public_q())

    @staticmethod
    def _public_q() -> Q:
        return Q(is_exempt=False, meeting__is_published=True, meeting__committee__is_published=True)

    @classmethod
    def _readable_q(cls, user) -> Q | None:
        """Who may read an item in full; None means everything (staff)."""
        if not user.is_authenticated:
            return cls._public_q()
        if user.is_staff:
            return None
        return (
            cls._public_q()
            | Q(meeting__committee__in=Committee.objects.chaired_by(user))
            | Q(report_author__user=user)
            | Q(lead_officer__user=user)
        )

    def visible_to(self, user):
        """The one rule for who may read an item in full, used by every page, API and export."""
        readable = self._readable_q(user)
        return self if readable is None else self.filter(readable)

    def listed_to(self, user):
        """What `user` may see listed: the items they may read, plus the exempt items of
        published meetings as a shell (public title and Schedule 12A paragraph only).

        Each item is annotated `readable`; every page and API serializer shows the report,
        minutes and resolutions of an item only when it is True.
        """
        readable = self._readable_q(user)
        if readable is None:
            return self.annotate(readable=models.Value(True, output_field=models.BooleanField()))
        shell = Q(is_exempt=True, meeting__is_published=True, meeting__committee__is_published=True)
        return self.filter(readable | shell).annotate(
            readable=models.ExpressionWrapper(readable, output_field=models.BooleanField())
        )

    def awaiting_report(self):
        return self.filter(report_submitted_at__isnull=True, outcome=AgendaItem.Outcome.NONE)

    def with_deferral_count(self, user=None):
        """Annotate `deferral_count`, the moves of the item's topic; with `user`, only the
        deferrals they may see count (a deferral of exempt business is not theirs to count)."""
        return self.annotate(deferral_count=deferrals_seen_by("topic__deferrals", user))


class AgendaItem(models.Model):
    class Outcome(models.TextChoices):
        NONE = "none", "No outcome yet"
        NOTED = "noted", "Noted"
        RESOLVED = "resolved", "Resolved"
        DEFERRED = "deferred", "Deferred"
        WITHDRAWN = "withdrawn", "Withdrawn"

    ExemptParagraph = ExemptParagraph  # Schedule 12A, as for topics

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveIntegerField(
        null=True, blank=True, help_text="As printed; numbers run on through the municipal year."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the agenda.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    topic = models.ForeignKey(
        WorkProgrammeTopic, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    report_author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports_authored"
    )
    lead_officer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="items_led"
    )
    report_summary = models.TextField(blank=True, help_text="Confidential when the item is exempt.")
    minutes = models.TextField(blank=True, help_text="Confidential when the item is exempt.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.NONE)
    report_submitted_at = models.DateTimeField(null=True, blank=True)

    is_exempt = models.BooleanField(
        default=False, help_text="Part 2: report and discussion confidential under Schedule 12A."
    )
    exempt_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=ExemptParagraph.choices
    )
    public_title = models.CharField(
        max_length=300, blank=True, help_text="What the public sees of an exempt item."
    )
    public_interest_reason = models.TextField(
        blank=True, help_text="Why the public interest in keeping it exempt outweighs disclosure."
    )
    moderngov_id = models.PositiveIntegerField(
        "modern.gov id", null=True, blank=True, help_text="Set by the modern.gov sync."
    )

    history = recorded()
    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting__date", "position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                condition=Q(number__isnull=False),
                name="item_number_unique_in_meeting",
                violation_error_message="This meeting already has an item with that number.",
            ),
            models.UniqueConstraint(
                fields=["meeting", "moderngov_id"],
                condition=Q(moderngov_id__isnull=False),
                name="item_unique_moderngov_id",
            ),
            models.CheckConstraint(
                condition=Q(is_exempt=False, exempt_paragraph__isnull=True)
                | (
                    # isnull=False too: a NULL paragraph would make the comparisons NULL,
                    # which a CHECK constraint lets through.
                    Q(
                        is_exempt=True,
                        exempt_paragraph__isnull=False,
                        exempt_paragraph__gte=1,
                        exempt_paragraph__lte=7,
                    )
                    & ~Q(public_title="")
                ),
                name="item_exempt_has_paragraph_and_public_title",
                violation_error_message="An exempt item needs its Schedule 12A paragraph and a public "
                "title; a public item has no paragraph.",
            ),
        ]

    def __str__(self):
        prefix = f"{self.number}. " if self.number is not None else ""
        return f"{prefix}{self.title}"

    def get_absolute_url(self):
        return path_to("tracker:meeting", self.meeting_id) + f"#item-{self.pk}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.is_exempt and self.topic_id:
            # Whatever door linked it, a topic an exempt item is on is exempt with it.
            WorkProgrammeTopic.objects.filter(pk=self.topic_id, is_exempt=False).update(
                is_exempt=True,
                exempt_paragraph=self.exempt_paragraph,
                public_title=self.public_title,
            )

    @property
    def display_title(self) -> str:
        """The title anyone may read: an exempt item shows only its public title."""
        return self.public_title if self.is_exempt else self.title

    def is_authored_by(self, user) -> bool:
        if not user.is_authenticated:
            return False
        return any(
            person is not None and person.user_id == user.pk
            for person in (self.report_author, self.lead_officer)
        )

    def may_record_report(self, user) -> bool:
        """Staff, the committee's chairs, and the item's own report author or lead officer."""
        return self.is_authored_by(user) or self.meeting.committee.is_steered_by(user)

    def may_defer(self, user) -> bool:
        """Deferring is the committee's decision: staff and its chairs record it."""
        return self.meeting.committee.is_steered_by(user)

    def clean(self):
        errors = {}
        if self.is_exempt:
            if not self.public_title.strip():
                errors["public_title"] = (
                    "An exempt item needs a public title that staff have written for it."
                )
            if self.exempt_paragraph is None:
                errors["exempt_paragraph"] = (
                    "An exempt item must say which paragraph of Schedule 12A applies."
                )
        elif self.exempt_paragraph is not None:
            errors["exempt_paragraph"] = "Only an exempt item has a Schedule 12A paragraph."
        if (
            self.topic_id
            and self.meeting_id
            and self.topic.work_programme.committee_id != self.meeting.committee_id
        ):
            errors["topic"] = "The topic belongs to another committee's work programme."
        was_deferred = bool(self.pk) and self.deferrals.exists()
        if self.outcome == self.Outcome.DEFERRED and not was_deferred:
            errors["outcome"] = DEFERRED_ONLY_BY_DEFERRAL
        elif was_deferred and self.outcome != self.Outcome.DEFERRED:
            errors["outcome"] = (
                "This item was deferred, and its deferral is kept as history: its outcome "
                "stays Deferred. Record what happens next on the meeting it went to."
            )
        if errors:
            raise ValidationError(errors)


class DeferralQuerySet(TrackedQuerySet):
    def visible_to(self, user):
        """A deferral is as confidential as its topic, and one decided on an item as the item
        too (its reason may say why): an exempt topic's deferrals, whoever moved it and from
        wherever, reach only those who may read the topic."""
        return self.filter(topic__in=WorkProgrammeTopic.objects.visible_to(user)).filter(
            Q(agenda_item__isnull=True) | Q(agenda_item__in=AgendaItem.objects.visible_to(user))
        )


class Deferral(models.Model):
    """One move of a topic from one meeting to a later one (or to no meeting yet).

    Every deferral is kept: a topic deferred twice or more is a signal chairs want to see.
    The work-programme topic is what moves; the agenda item, when there is one, is where the
    committee decided it.
    """

    topic = models.ForeignKey(
        WorkProgrammeTopic, on_delete=models.PROTECT, related_name="deferrals"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="deferrals"
    )
    from_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="deferrals_out"
    )
    to_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="deferrals_in"
    )
    to_text = models.CharField(
        max_length=300,
        blank=True,
        help_text='Where no meeting is set yet, e.g. "the new municipal year".',
    )
    reason = models.TextField()
    decided_at = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="deferrals_decided"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = recorded()
    objects = DeferralQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_meeting__isnull=False) | ~Q(to_text=""),
                name="deferral_says_where_to",
                violation_error_message="Say which meeting it is deferred to, or describe where it goes.",
            ),
            models.CheckConstraint(
                condition=Q(to_meeting__isnull=True)
                | Q(from_meeting__isnull=True)
                | ~Q(to_meeting=models.F("from_meeting")),
                name="deferral_moves_to_another_meeting",
                violation_error_message="A deferral must move to another meeting.",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="deferral_has_reason"),
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self):
        return f"{self.topic} deferred to {self.destination}"

    @property
    def destination(self) -> str:
        if self.to_meeting_id:
            return f"{self.to_meeting.date:%-d %B %Y}"
        return self.to_text

    def clean(self):
        errors = {}
        if not self.reason.strip():
            errors["reason"] = "Say why it was deferred."
        if not self.to_meeting_id and not self.to_text.strip():
            errors["to_meeting"] = "Say which meeting it is deferred to, or describe where it goes."
        if self.to_meeting_id and self.from_meeting_id:
            if self.to_meeting.date <= self.from_meeting.date:
                errors["to_meeting"] = (
                    f"A deferral must move to a later meeting: {self.to_meeting.date:%-d %B %Y} is not "
                    f"after {self.from_meeting.date:%-d %B %Y}."
                )
            elif self.to_meeting.committee_id != self.from_meeting.committee_id:
                errors["to_meeting"] = (
                    "A deferral stays within one committee; choose one of its meetings."
                )
        if self.to_meeting_id and "to_meeting" not in errors:
            # Decided at a meeting: the target comes after it. Decided between meetings (a
            # topic moved on the work programme): after the meeting it leaves, and still to
            # come on the day (the service checks that day for a deferral made now).
            if self.decided_at_id:
                still_to_come_on = self.decided_at.date + dt.timedelta(days=1)
            elif self.from_meeting_id:
                still_to_come_on = self.from_meeting.date + dt.timedelta(days=1)
            else:
                still_to_come_on = (self.created_at or timezone.now()).astimezone(LONDON).date()
            refusal = self.to_meeting.refuses_business(on=still_to_come_on)
            if refusal:
                errors["to_meeting"] = refusal
        if (
            self.to_meeting_id
            and self.topic_id
            and self.to_meeting.committee_id != self.topic.work_programme.committee_id
        ):
            errors["to_meeting"] = (
                "A deferral stays within one committee; choose one of its meetings."
            )
        if errors:
            raise ValidationError(errors)
