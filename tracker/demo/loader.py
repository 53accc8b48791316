"""Demo data: three real scrutiny bodies from the seed minutes, and a current-year slice.

`load_demo()` reads `fixtures/demo.json` and creates whatever of it is missing, in one
transaction. Everything is looked up by a natural key first (slugs, names, meeting dates,
item numbers, usernames), so running it again creates nothing and writes no history.

Deferrals, progress updates and sign-offs go through the same service functions as every
other entry point (`committees.deferrals`, `actions.progress`, `committees.reports`), so
the demo obeys the rules the product enforces. A deferral announces itself once the
transaction commits, as any deferral does: with the default settings the tracker writes
its "item deferred" emails to files under var/mail/. Every email address in the demo is on
an `.example` domain, so nothing can reach a real person.
"""

import copy
import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from actions.models import Action, ActionUpdate, ExecutiveResponse, Resolution
from actions.progress import record_update, sign_off
from committees.deferrals import defer_item, defer_topic
from committees.models import (
    LONDON,
    AgendaItem,
    Attendance,
    Authority,
    Committee,
    Deferral,
    Meeting,
    Membership,
    MunicipalYear,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
)
from committees.models import today as london_today
from committees.reports import record_report_submitted

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
CHANGE_REASON = "Demo data (load_demo)"


def read_fixture(path: Path = FIXTURE) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def decided_moment(meeting) -> dt.datetime:
    """When the committee decided a deferral: the evening of its meeting (London time)."""
    return dt.datetime.combine(meeting.date, dt.time(21, 0), tzinfo=LONDON)


# (username, password, role): the demo logins, also printed by `load_demo` and in README.md.
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = tuple(
    (account["username"], account["password"], account["role"])
    for account in read_fixture()["accounts"]
)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# In the slice's text: "15 September 2026", "January 2027", "2026/27" and a bare "2031".
TEXT_DATES = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}}) )?(?P<month>{'|'.join(MONTHS)}) (?P<year>20\d\d)\b"
    r"|\b(?P<first>20\d\d)/(?P<second>\d\d)\b"
    r"|\b(?P<bare>20\d\d)\b"
)


class SlicePlacer:
    """Moves the current-year slice of the demo to the day it is loaded.

    The slice is written as if today were `current_slice_written_for`. It moves by whole weeks
    (meetings keep their weekday, digests their Monday), so that the day it is loaded falls
    where that day fell: the last meeting a few weeks ago, the next a few weeks ahead, an
    action overdue by weeks. Its years in words move by whole municipal years, so its titles
    name the year they are shown in.
    """

    def __init__(self, days: int, years: int):
        self.delta = dt.timedelta(days=days)
        self.years = years

    def date(self, value: str) -> str:
        return (dt.date.fromisoformat(value) + self.delta).isoformat()

    def _text_date(self, match: re.Match) -> str:
        if match["month"]:
            month = MONTHS.index(match["month"]) + 1
            day = dt.date(int(match["year"]), month, int(match["day"] or 15)) + self.delta
            if match["day"]:
                return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
            return f"{MONTHS[day.month - 1]} {day.year}"
        if match["first"]:
            first = int(match["first"]) + self.years
            return f"{first}/{(first + 1) % 100:02d}"
        return str(int(match["bare"]) + self.years)

    def text(self, value: str) -> str:
        return TEXT_DATES.sub(self._text_date, value)

    def place(self, value):
        if isinstance(value, dict):
            return {key: self.place(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.place(item) for item in value]
        if isinstance(value, str):
            return self.date(value) if ISO_DATE.match(value) else self.text(value)
        return value


def _first_untouched_item(data: dict) -> tuple[dict, dict] | None:
    """The slice's first meeting and its first item whose title no move changes."""
    for meeting in data["meetings"]:
        if meeting.get("current_slice"):
            for item in meeting.get("items", []):
                if item.get("number") is not None and not TEXT_DATES.search(item["title"]):
                    return meeting, item
    return None


def slice_offset(data: dict, on: dt.date) -> int:
    """Days to move the slice: as it was placed before, else whole weeks up to `on`."""
    found = _first_untouched_item(data)
    if found:
        meeting, item = found
        placed = (
            AgendaItem.objects.filter(
                meeting__committee__slug=meeting["committee"],
                number=item["number"],
                title=item["title"],
            )
            .values_list("meeting__date", flat=True)
            .first()
        )
        if placed:
            return (placed - dt.date.fromisoformat(meeting["date"])).days
    written_for = dt.date.fromisoformat(data["current_slice_written_for"])
    return (on - written_for).days // 7 * 7


def place_current_slice(data: dict, on: dt.date | None = None) -> dict:
    """A copy of `data` with the slice moved to `on` (today in London by default)."""
    if "current_slice_written_for" not in data:
        return data
    days = slice_offset(data, on or london_today())
    written_for = dt.date.fromisoformat(data["current_slice_written_for"])
    moved_to = written_for + dt.timedelta(days=days)
    # Municipal years start in May.
    years = (moved_to.year - (moved_to.month < 5)) - (written_for.year - (written_for.month < 5))
    placer = SlicePlacer(days, years)
    data = copy.deepcopy(data)
    data["meetings"] = [
        placer.place(spec) if spec.get("current_slice") else spec for spec in data["meetings"]
    ]
    for programme in data["work_programmes"]:
        if programme.get("current_slice"):
            programme["topics"] = placer.place(programme["topics"])
            programme["year"] += years
    return data


def row_counts() -> Counter:
    """Rows in every table of every installed model, history tables included."""
    return Counter({model._meta.label: model._base_manager.count() for model in apps.get_models()})


class DemoLoader:
    def __init__(self, data: dict):
        self.data = data
        self.authorities: dict[str, Authority] = {}
        self.people: dict[str, Person] = {}
        self.committees: dict[str, Committee] = {}
        self.users: dict[str, object] = {}

    # --- generic helpers ---------------------------------------------------------------

    def _create(self, model: type[models.Model], **fields) -> models.Model:
        """Validate and save a new row, as the admin would (computed fields excluded)."""
        obj = model(**fields)
        not_editable = [f.name for f in model._meta.fields if not f.editable]
        obj.full_clean(exclude=not_editable)
        obj._change_reason = CHANGE_REASON
        obj.save()
        return obj

    def person(self, name: str | None) -> Person | None:
        if not name:
            return None
        try:
            return self.people[name]
        except KeyError:
            raise ValueError(f"The demo data names {name!r}, who is not in its people.") from None

    def meeting(self, committee: Committee, day: str | None) -> Meeting | None:
        if not day:
            return None
        return Meeting.objects.get(committee=committee, date=_date(day))

    def user(self, username: str | None):
        return self.users.get(username) if username else None

    def find_topic(self, committee: Committee, title: str, planned: str | None):
        """A topic by its title and the meeting it was first planned for.

        A deferred topic has moved on, but its first deferral remembers where it was planned.
        """
        topics = WorkProgrammeTopic.objects.filter(work_programme__committee=committee, title=title)
        if planned is None:
            topics = topics.filter(target_meeting__isnull=True, deferrals__isnull=True)
        else:
            meeting = self.meeting(committee, planned)
            topics = topics.filter(
                Q(target_meeting=meeting) | Q(deferrals__from_meeting=meeting)
            ).distinct()
        return topics.order_by("pk").first()

    def find_item(self, meeting: Meeting, spec: dict) -> AgendaItem | None:
        items = AgendaItem.objects.filter(meeting=meeting)
        if spec.get("number") is not None:
            return items.filter(number=spec["number"]).first()
        return items.filter(number__isnull=True, title=spec["title"]).first()

    # --- the load, in dependency order -------------------------------------------------

    def run(self):
        self.load_authorities()
        self.load_people()
        self.load_accounts()
        self.load_committees()
        meetings = self.load_meetings()
        self.load_topics()
        self.load_items(meetings)
        self.load_deferrals(meetings)
        self.load_topic_outcomes()
        self.load_actions(meetings)
        self.load_executive_responses(meetings)
        self.load_report_submissions(meetings)

    def load_authorities(self):
        for spec in self.data["authorities"]:
            authority = Authority.objects.filter(slug=spec["slug"]).first()
            if authority is None:
                authority = self._create(Authority, slug=spec["slug"], name=spec["name"])
            self.authorities[spec["slug"]] = authority

    def load_people(self):
        for spec in self.data["people"]:
            person = Person.objects.filter(name=spec["name"]).order_by("pk").first()
            if person is None:
                person = self._create(
                    Person,
                    name=spec["name"],
                    email=spec.get("email", ""),
                    job_title=spec.get("job_title", ""),
                    organisation=spec.get("organisation", ""),
                    is_councillor=spec.get("is_councillor", False),
                )
            self.people[spec["name"]] = person

    def load_accounts(self):
        User = get_user_model()
        for spec in self.data["accounts"]:
            person = self.person(spec["person"])
            user = User.objects.filter(username=spec["username"]).first()
            if user is None:
                first, _, last = person.name.partition(" ")
                user = User(
                    username=spec["username"],
                    email=person.email,
                    first_name=first,
                    last_name=last,
                    is_staff=spec["is_staff"],
                    is_superuser=spec["is_superuser"],
                )
                validate_password(spec["password"], user)
                user.set_password(spec["password"])
                user.save()
            if person.user_id is None and not Person.objects.filter(user=user).exists():
                person.user = user
                person.save(update_fields=["user"])
            self.users[spec["username"]] = user

    def load_committees(self):
        for spec in self.data["committees"]:
            committee = Committee.objects.filter(slug=spec["slug"]).first()
            if committee is None:
                committee = self._create(
                    Committee,
                    slug=spec["slug"],
                    authority=self.authorities[spec["authority"]],
                    name=spec["name"],
                    short_name=spec.get("short_name", ""),
                    kind=spec["kind"],
                    reference_prefix=spec["reference_prefix"],
                    officer=self.person(spec.get("officer")),
                    remit=spec.get("remit", ""),
                )
            self.committees[spec["slug"]] = committee
            for membership in spec.get("memberships", []):
                person = self.person(membership["person"])
                start = _date(membership["start_date"])
                exists = Membership.objects.filter(
                    committee=committee, person=person, role=membership["role"], start_date=start
                ).exists()
                if not exists:
                    self._create(
                        Membership,
                        committee=committee,
                        person=person,
                        role=membership["role"],
                        representing=membership.get("representing", ""),
                        start_date=start,
                        end_date=_date(membership.get("end_date")),
                        end_reason=membership.get("end_reason", ""),
                    )

    def load_meetings(self) -> list[tuple[Meeting, dict]]:
        loaded = []
        for spec in self.data["meetings"]:
            committee = self.committees[spec["committee"]]
            meeting = Meeting.objects.filter(committee=committee, date=_date(spec["date"])).first()
            if meeting is None:
                meeting = self._create(
                    Meeting,
                    committee=committee,
                    date=_date(spec["date"]),
                    start_time=_time(spec.get("time")),
                    venue=spec.get("venue", ""),
                    status=spec["status"],
                )
            for entry in spec.get("attendance", []):
                person = self.person(entry["person"])
                if not Attendance.objects.filter(meeting=meeting, person=person).exists():
                    self._create(
                        Attendance,
                        meeting=meeting,
                        person=person,
                        kind=entry["kind"],
                        capacity=entry.get("capacity", ""),
                    )
            loaded.append((meeting, spec))
        return loaded

    def load_topics(self):
        for programme_spec in self.data["work_programmes"]:
            committee = self.committees[programme_spec["committee"]]
            year = MunicipalYear.containing(
                committee.authority, dt.date(programme_spec["year"], 5, 1)
            )
            programme, _ = WorkProgramme.objects.get_or_create(
                committee=committee, municipal_year=year
            )
            for spec in programme_spec["topics"]:
                if self.find_topic(committee, spec["title"], spec.get("planned")):
                    continue
                merged_into = None
                if spec.get("merged_into"):
                    merged_into = self.find_topic(committee, spec["merged_into"], None)
                self._create(
                    WorkProgrammeTopic,
                    work_programme=programme,
                    title=spec["title"],
                    description=spec.get("description", ""),
                    lead_officer=self.person(spec.get("lead_officer")),
                    lead_officer_text=spec.get("lead_officer_text", ""),
                    target_meeting=self.meeting(committee, spec.get("planned")),
                    status=spec.get("status", WorkProgrammeTopic.Status.PLANNED),
                    merged_into=merged_into,
                    requested_at=self.meeting(committee, spec.get("requested_at")),
                    origin=spec.get("origin", ""),
                )

    def load_items(self, meetings):
        for meeting, meeting_spec in meetings:
            committee = meeting.committee
            for index, spec in enumerate(meeting_spec.get("items", []), start=1):
                item = self.find_item(meeting, spec)
                if item is None:
                    topic = None
                    if spec.get("topic"):
                        topic = self.find_topic(
                            committee, spec["topic"]["title"], spec["topic"].get("planned")
                        )
                        if topic is None:
                            raise ValueError(f"No topic {spec['topic']} for item {spec['title']}")
                    exempt = spec.get("exempt") or {}
                    # A deferred item gets its outcome from defer_item, not from the data.
                    outcome = "none" if spec.get("deferred") else spec.get("outcome", "none")
                    item = self._create(
                        AgendaItem,
                        meeting=meeting,
                        number=spec.get("number"),
                        position=spec.get("position", index),
                        title=spec["title"],
                        description=spec.get("description", ""),
                        topic=topic,
                        report_author=self.person(spec.get("report_author")),
                        lead_officer=self.person(spec.get("lead_officer")),
                        report_summary=spec.get("report_summary", ""),
                        minutes=spec.get("minutes", ""),
                        outcome=outcome,
                        is_exempt=bool(exempt),
                        exempt_paragraph=exempt.get("paragraph"),
                        public_title=exempt.get("public_title", ""),
                        public_interest_reason=exempt.get("public_interest_reason", ""),
                    )
                for position, resolution in enumerate(spec.get("resolutions", []), start=1):
                    if not Resolution.objects.filter(agenda_item=item, position=position).exists():
                        self._create(
                            Resolution,
                            agenda_item=item,
                            number=resolution.get("number", str(position)),
                            position=position,
                            text=resolution["text"],
                            kind=resolution["kind"],
                        )

    def load_deferrals(self, meetings):
        for meeting, meeting_spec in meetings:
            for spec in meeting_spec.get("items", []):
                deferred = spec.get("deferred")
                if not deferred:
                    continue
                item = self.find_item(meeting, spec)
                if Deferral.objects.filter(agenda_item=item).exists():
                    continue
                defer_item(
                    item,
                    reason=deferred["reason"],
                    to_meeting=self.meeting(meeting.committee, deferred.get("to_meeting")),
                    to_text=deferred.get("to_text", ""),
                    by=self.user(deferred.get("by")),
                    at=decided_moment(meeting),
                )
        for spec in self.data.get("topic_deferrals", []):
            committee = self.committees[spec["committee"]]
            topic = self.find_topic(committee, spec["topic"]["title"], spec["topic"]["planned"])
            from_meeting = self.meeting(committee, spec["topic"]["planned"])
            if Deferral.objects.filter(topic=topic, from_meeting=from_meeting).exists():
                continue
            defer_topic(
                topic,
                reason=spec["reason"],
                to_meeting=self.meeting(committee, spec.get("to_meeting")),
                to_text=spec.get("to_text", ""),
                decided_at=self.meeting(committee, spec.get("decided_at")),
                by=self.user(spec.get("by")),
                at=decided_moment(self.meeting(committee, spec.get("decided_at")) or from_meeting),
            )

    def load_topic_outcomes(self):
        """A deferred topic that was later taken at its new meeting is marked considered."""
        for programme_spec in self.data["work_programmes"]:
            committee = self.committees[programme_spec["committee"]]
            for spec in programme_spec["topics"]:
                status = spec.get("status_after_deferral")
                if not status:
                    continue
                topic = self.find_topic(committee, spec["title"], spec.get("planned"))
                if topic.deferrals.exists() and topic.status != status:
                    topic.status = status
                    topic._change_reason = CHANGE_REASON
                    topic.full_clean()
                    topic.save(update_fields=["status"])

    def load_actions(self, meetings):
        for meeting, meeting_spec in meetings:
            committee = meeting.committee
            for item_spec in meeting_spec.get("items", []):
                if not item_spec.get("actions"):
                    continue
                item = self.find_item(meeting, item_spec)
                for spec in item_spec["actions"]:
                    action = Action.objects.filter(committee=committee, title=spec["title"]).first()
                    if action is None:
                        resolution = None
                        if spec.get("resolution"):
                            resolution = item.resolutions.get(number=spec["resolution"])
                        action = self._create(
                            Action,
                            committee=committee,
                            resolution=resolution,
                            agenda_item=item,
                            title=spec["title"],
                            description=spec.get("description", ""),
                            owner=self.person(spec.get("owner")),
                            due_date=_date(spec.get("due_date")),
                            due_back_meeting=self.meeting(committee, spec.get("due_back_meeting")),
                        )
                    self.load_progress(action, spec)

    def load_progress(self, action: Action, spec: dict):
        for update in spec.get("updates", []):
            as_of = _date(update["as_of"])
            if ActionUpdate.objects.filter(
                action=action, as_of=as_of, text=update["text"]
            ).exists():
                continue
            recorded = record_update(
                action,
                text=update["text"],
                rag=update.get("rag", ""),
                progress=update.get("progress"),
                as_of=as_of,
                by=self.user(update.get("by")),
            )
            self.recorded_on_its_day(recorded)
        if action.updates.filter(closes_action=True).exists():
            return
        closing = None
        if spec.get("sign_off"):
            closing = sign_off(
                action,
                text=spec["sign_off"]["text"],
                as_of=_date(spec["sign_off"]["as_of"]),
                by=self.user(spec["sign_off"].get("by")),
            )
        elif spec.get("close"):
            closing = record_update(
                action,
                text=spec["close"]["text"],
                as_of=_date(spec["close"]["as_of"]),
                closes=True,
                close_as=spec["close"]["as"],
                by=self.user(spec["close"].get("by")),
            )
        if closing:
            self.recorded_on_its_day(closing)

    @staticmethod
    def recorded_on_its_day(update: ActionUpdate):
        """A demo update was recorded on the day it speaks for, not the day the demo loaded.

        At 5pm London time that day (or now, for one of today's made before 5pm), in the
        update and in its history row alike.
        """
        moment = min(
            dt.datetime.combine(update.as_of, dt.time(17, 0), tzinfo=LONDON), timezone.now()
        )
        ActionUpdate._base_manager.filter(pk=update.pk).update(recorded_at=moment)
        ActionUpdate.history.filter(id=update.pk).update(recorded_at=moment, history_date=moment)

    def load_executive_responses(self, meetings):
        for meeting, meeting_spec in meetings:
            for item_spec in meeting_spec.get("items", []):
                for position, spec in enumerate(item_spec.get("resolutions", []), start=1):
                    response = spec.get("executive_response")
                    if not response:
                        continue
                    resolution = Resolution.objects.get(
                        agenda_item=self.find_item(meeting, item_spec), position=position
                    )
                    if ExecutiveResponse.objects.filter(resolution=resolution).exists():
                        continue
                    self._create(
                        ExecutiveResponse,
                        resolution=resolution,
                        executive_body=response.get("executive_body", "Cabinet"),
                        responsible=self.person(response.get("responsible")),
                        referred_on=_date(response["referred_on"]),
                        decision=response.get("decision", ExecutiveResponse.Decision.PENDING),
                        responded_on=_date(response.get("responded_on")),
                        response_text=response.get("response_text", ""),
                        implementation=response.get(
                            "implementation", ExecutiveResponse.Implementation.NOT_STARTED
                        ),
                        implemented_on=_date(response.get("implemented_on")),
                    )

    def load_report_submissions(self, meetings):
        for meeting, meeting_spec in meetings:
            for spec in meeting_spec.get("items", []):
                if not spec.get("report_submitted_at"):
                    continue
                item = self.find_item(meeting, spec)
                if item.report_submitted_at is None:
                    record_report_submitted(
                        item,
                        at=_datetime(spec["report_submitted_at"]),
                        by=self.user("officer"),
                    )


def load_demo(data: dict | None = None, *, on: dt.date | None = None) -> Counter:
    """Create whatever of the demo data is missing; return the rows created, per model.

    The current-year slice is placed relative to `on` (today in London) the first time; a
    later run finds it where it was placed and creates nothing.
    """
    before = row_counts()
    with transaction.atomic():
        data = data if data is not None else read_fixture()
        DemoLoader(place_current_slice(data, on)).run()
    after = row_counts()
    return Counter(
        {label: after[label] - before[label] for label in after if after[label] != before[label]}
    )
