"""Build a large authority on PostgreSQL for the benchmarks (run by `bench.generate_authority`).

    python -m bench.generate_authority --scale large [--seed 1]
    python -m bench.generate_authority --scale national --actions 1000000 [--due 1000] [--seed 1]

`large` is the largest council we plan for and beyond: 40 committees, ten municipal years
ending with the current one, 10 meetings a year each, 12 items a meeting and 4 resolutions an
item (about 190,000 resolutions), with ~3% exempt items, ~6% deferrals (a third of them twice),
~15% of resolutions with an action, 1 to 3 progress updates per action and an executive
response to every recommendation.

`national` is for the reminder sweep: 200 committees and `--actions` open and closed actions,
in a steady state on the sweep day (today, or the next working day): every overdue action
has had its reminders, `--due` of them are due today and every other overdue one already had
this week's, recorded in the ledger, as if the sweep had run every day.

Rows are written with PostgreSQL's COPY (ids, sequences and references computed here), so
the large authority builds in a minute or two. Model `save()` is not called and no
django-simple-history rows are written: the benchmarks read current state, not history.
Refuses SQLite, and a database that already holds committees unless --force.
"""

import datetime as dt
import itertools
import json
import random
import time
from collections import defaultdict
from functools import cache

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from rest_framework.authtoken.models import Token

from actions.models import Action, ActionUpdate, ExecutiveResponse, Resolution
from committees import calendar
from committees.models import (
    LONDON,
    AgendaItem,
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
from tracker.reminders.ledger import Reminder

BENCH_USERNAME = "bench-officer"
THEMES = [
    "Children's Services",
    "Adult Social Care",
    "Health",
    "Housing",
    "Environment",
    "Transport",
    "Finance",
    "Corporate",
    "Education",
    "Community Safety",
    "Economy",
    "Culture",
    "Planning",
    "Waste",
    "Climate",
    "Digital",
    "Regeneration",
    "Public Health",
    "Skills",
    "Resources",
]
# Of the resolutions of substantive items (standard items only note): ~26% create an action,
# so ~15% of all resolutions do.
KINDS = [
    ("note", 0.56),
    ("action", 0.18),
    ("report_back", 0.08),
    ("recommendation", 0.18),
]
STANDARD_ITEMS = ["Apologies for absence", "Declarations of interest", "Minutes", "Urgent business"]
MEETING_MONTHS = [6, 7, 9, 10, 11, 12, 1, 2, 3, 4]


@cache
def report_deadline(day: dt.date) -> dt.date:
    return calendar.report_deadline(day, 10)


@cache
def agenda_date(day: dt.date) -> dt.date:
    return calendar.agenda_publication_date(day, 5)


@cache
def next_working(day: dt.date) -> dt.date:
    return calendar.next_working_day(day)


class Copier:
    """Writes rows of a model with COPY, giving them ids from the table's current maximum."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.counts: dict[str, int] = defaultdict(int)

    def next_id(self, model) -> int:
        self.cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
        return self.cursor.fetchone()[0]

    def write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        fields = list(model._meta.concrete_fields)
        defaults = {}
        for field in fields:
            # The model's default, or "" for a text field without one (as Django would save).
            value = None if field.primary_key else field.get_default()
            defaults[field.attname] = (
                json.dumps(value) if isinstance(field, models.JSONField) else value
            )
        columns = ", ".join(f'"{f.column}"' for f in fields)
        names = [f.attname for f in fields]
        jsons = {f.attname for f in fields if isinstance(f, models.JSONField)}
        sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
        with self.cursor.cursor.copy(sql) as copy:
            for row in rows:
                values = []
                for name in names:
                    value = row.get(name, defaults[name])
                    if name in jsons and not isinstance(value, str):
                        value = json.dumps(value)
                    values.append(value)
                copy.write_row(values)
        self.counts[model._meta.label] += len(rows)

    def reset_sequences(self, *models_) -> None:
        for model in models_:
            table = model._meta.db_table
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
            )


class Command(BaseCommand):
    help = "Build a large (or national-scale) authority on PostgreSQL for the benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["large", "national"], default="large")
        parser.add_argument("--actions", type=int, default=1_000_000, help="national: actions")
        parser.add_argument(
            "--due", type=int, default=1000, help="national: actions due a reminder on the day"
        )
        parser.add_argument("--committees", type=int, default=None)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--force", action="store_true", help="add to a database with data")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "generate_authority needs PostgreSQL (set DATABASE_URL to a postgres:// URL): "
                "it writes with COPY and builds hundreds of thousands of rows."
            )
        if Committee.objects.exists() and not options["force"]:
            raise CommandError(
                "This database already has committees; use an empty one (or --force to add)."
            )
        self.random = random.Random(options["seed"])
        self.today = options["today"] or timezone.now().astimezone(LONDON).date()
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            self.copier = Copier(cursor)
            if options["scale"] == "large":
                self.large(options["committees"] or 40)
            else:
                self.national(options["committees"] or 200, options["actions"], options["due"])
            self.copier.reset_sequences(
                Person,
                Committee,
                Membership,
                MunicipalYear,
                Meeting,
                WorkProgramme,
                WorkProgrammeTopic,
                AgendaItem,
                Deferral,
                Resolution,
                Action,
                ActionUpdate,
                ExecutiveResponse,
                Reminder,
            )
        # VACUUM as well as ANALYZE: a live database has been through autovacuum, which sets
        # the visibility map that lets PostgreSQL answer from a covering index alone (the
        # overdue list's `action_open_due_on_idx`); a freshly copied one has not.
        with connection.cursor() as cursor:
            for model in (Action, Reminder, Resolution, AgendaItem, Meeting, ActionUpdate):
                cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
        elapsed = time.monotonic() - started
        self.stdout.write(f"Built the {options['scale']} authority in {elapsed:.1f} s:")
        for label, count in sorted(self.copier.counts.items()):
            self.stdout.write(f"  {count:>9,}  {label}")
        self.stdout.write("  (no django-simple-history rows are written)")

    # --- Shared -------------------------------------------------------------------------------

    def authority(self, name: str, slug: str) -> Authority:
        authority = Authority.objects.create(name=name, slug=slug)
        user, _ = get_user_model().objects.get_or_create(
            username=BENCH_USERNAME, defaults={"is_staff": True, "email": "bench@example.test"}
        )
        Token.objects.get_or_create(user=user)
        return authority

    def years(self, authority: Authority) -> list[dict]:
        first = self.today.year if self.today.month >= 5 else self.today.year - 1
        start_id = self.copier.next_id(MunicipalYear)
        years = [
            {
                "id": start_id + n,
                "authority_id": authority.pk,
                "start_date": dt.date(y, 5, 1),
                "end_date": dt.date(y + 1, 4, 30),
            }
            for n, y in enumerate(range(first - 9, first + 1))
        ]
        self.copier.write(MunicipalYear, years)
        for year in years:
            s = year["start_date"].year
            year["short"] = f"{s % 100:02d}/{(s + 1) % 100:02d}"
        return years

    def people(self, count: int, prefix: str, *, councillor: bool = False) -> list[int]:
        start = self.copier.next_id(Person)
        rows = [
            {
                "id": start + n,
                "name": f"{prefix.title()} {n:05d}",
                # About 2% have no address: their reminders go to the committee's officer.
                "email": "" if self.random.random() < 0.02 else f"{prefix}{n}@bench.example",
                "job_title": "Councillor" if councillor else "Officer",
                "is_councillor": councillor,
            }
            for n in range(count)
        ]
        self.copier.write(Person, rows)
        return [row["id"] for row in rows]

    def committees(self, authority, count, officers, tag: str) -> list[dict]:
        start = self.copier.next_id(Committee)
        rows = []
        for n in range(count):
            theme = THEMES[n % len(THEMES)]
            kind = "committee" if n < len(THEMES) else "panel"
            rows.append(
                {
                    "id": start + n,
                    "authority_id": authority.pk,
                    "name": f"{theme} {'Overview and Scrutiny Committee' if kind == 'committee' else 'Scrutiny Panel'} {tag}{n:03d}",
                    "slug": f"{tag.lower()}{n:03d}-{slugify(theme)}",
                    "short_name": f"{theme} {tag}{n:03d}",
                    "kind": kind,
                    "officer_id": officers[n % len(officers)],
                    # Unique per committee, so references are unique across the authority.
                    "reference_prefix": f"{tag}{n:03d}",
                    "is_published": True,
                }
            )
        self.copier.write(Committee, rows)
        return rows

    def meeting_dates(self, year: dict, offset: int) -> list[dt.date]:
        dates = []
        for month in MEETING_MONTHS:
            y = year["start_date"].year + (1 if month < 5 else 0)
            day = dt.date(y, month, 8) + dt.timedelta(days=offset)
            while not calendar.is_working_day(day):
                day += dt.timedelta(days=1)
            dates.append(day)
        return dates

    def meetings(self, committees, years, per_year_dates) -> dict[int, list[dict]]:
        start = self.copier.next_id(Meeting)
        rows = []
        by_committee: dict[int, list[dict]] = defaultdict(list)
        for c_index, committee in enumerate(committees):
            for year in years:
                for day in per_year_dates(year, c_index % 4):
                    row = {
                        "id": start + len(rows),
                        "committee_id": committee["id"],
                        "municipal_year_id": year["id"],
                        "date": day,
                        "start_time": dt.time(19, 0) if c_index % 2 else dt.time(10, 0),
                        "venue": "Committee Room 1, Civic Centre",
                        "status": "held" if day < self.today else "scheduled",
                        "is_published": True,
                        "report_deadline": report_deadline(day),
                        "agenda_publication_date": agenda_date(day),
                        "_year": year,
                    }
                    rows.append(row)
                    by_committee[committee["id"]].append(row)
        self.copier.write(Meeting, rows)
        return by_committee

    # --- The largest council ------------------------------------------------------------------

    def large(self, committee_count: int) -> None:
        r = self.random
        authority = self.authority("Bench Metropolitan Borough Council", "bench-metropolitan")
        years = self.years(authority)
        officers = self.people(20, "dso")
        authors = self.people(400, "officer")
        councillors = self.people(300, "cllr", councillor=True)
        executive = self.people(10, "cabinet", councillor=True)
        committees = self.committees(authority, committee_count, officers, "L")

        membership_start = self.copier.next_id(Membership)
        memberships = []
        for committee in committees:
            chosen = r.sample(councillors, 10)
            for n, person in enumerate(chosen):
                memberships.append(
                    {
                        "id": membership_start + len(memberships),
                        "committee_id": committee["id"],
                        "person_id": person,
                        "role": "chair" if n == 0 else "vice_chair" if n == 1 else "member",
                        "start_date": years[0]["start_date"],
                    }
                )
        self.copier.write(Membership, memberships)

        meetings = self.meetings(committees, years, self.meeting_dates)

        programme_start = self.copier.next_id(WorkProgramme)
        programmes = {}
        for committee in committees:
            for year in years:
                programmes[(committee["id"], year["id"])] = programme_start + len(programmes)
        self.copier.write(
            WorkProgramme,
            [
                {"id": pk, "committee_id": c, "municipal_year_id": y}
                for (c, y), pk in programmes.items()
            ],
        )

        ids = {
            model: self.copier.next_id(model)
            for model in (
                WorkProgrammeTopic,
                AgendaItem,
                Deferral,
                Resolution,
                Action,
                ActionUpdate,
                ExecutiveResponse,
            )
        }
        topics, items, deferrals, resolutions = [], [], [], []
        actions, updates, responses = [], [], []
        sequences: dict[tuple[int, int], int] = defaultdict(int)
        action_sequences: dict[tuple[int, int], int] = defaultdict(int)

        def new_id(model, rows):
            return ids[model] + len(rows)

        for committee in committees:
            c_meetings = meetings[committee["id"]]
            numbers: dict[int, int] = defaultdict(int)
            for m_index, meeting in enumerate(c_meetings):
                year = meeting["_year"]
                programme = programmes[(committee["id"], year["id"])]
                held = meeting["date"] < self.today
                later = c_meetings[m_index + 1 : m_index + 4]
                for position in range(1, 13):
                    numbers[year["id"]] += 1
                    standard = position <= len(STANDARD_ITEMS) or position == 12
                    title = (
                        STANDARD_ITEMS[position - 1]
                        if position <= len(STANDARD_ITEMS)
                        else "Work Programme"
                        if position == 12
                        else f"{committee['short_name']} review {meeting['date']:%b %Y} part {position}"
                    )
                    item = {
                        "id": new_id(AgendaItem, items),
                        "meeting_id": meeting["id"],
                        "number": numbers[year["id"]],
                        "position": position,
                        "title": title,
                        "description": "" if standard else "Report of the Director on " + title,
                        "outcome": "none",
                        "report_submitted_at": None,
                    }
                    if not standard:
                        item["report_author_id"] = r.choice(authors)
                        item["lead_officer_id"] = r.choice(authors)
                        item["report_summary"] = "Summary of the report. " * 8
                        if r.random() < 0.035:
                            item.update(
                                is_exempt=True,
                                exempt_paragraph=r.randint(1, 7),
                                public_title=f"Exempt item {numbers[year['id']]}",
                                public_interest_reason="Information about individuals.",
                            )
                        topic = {
                            "id": new_id(WorkProgrammeTopic, topics),
                            "work_programme_id": programme,
                            "title": title,
                            "lead_officer_id": item["lead_officer_id"],
                            "target_meeting_id": meeting["id"],
                            "status": "considered" if held else "planned",
                        }
                        topics.append(topic)
                        item["topic_id"] = topic["id"]
                    if held:
                        item["report_submitted_at"] = dt.datetime.combine(
                            meeting["report_deadline"], dt.time(12), tzinfo=LONDON
                        )
                        if standard:
                            item["outcome"] = "noted"
                        elif later and r.random() < 0.06:
                            item["outcome"] = "deferred"
                        else:
                            item["outcome"] = "resolved"
                    items.append(item)
                    if item["outcome"] == "deferred":
                        self._defer(item, topic, meeting, later, deferrals, new_id)
                    if not held:
                        continue
                    count = 1 if item["outcome"] == "deferred" else 4
                    for position_r in range(1, count + 1):
                        kind = (
                            "note"
                            if standard or item["outcome"] == "deferred"
                            else r.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
                        )
                        key = (committee["id"], year["id"])
                        sequences[key] += 1
                        resolution = {
                            "id": new_id(Resolution, resolutions),
                            "agenda_item_id": item["id"],
                            "number": str(position_r),
                            "position": position_r,
                            "text": f"That the committee {'note' if kind == 'note' else 'ask'} "
                            f"{title} ({kind}, {position_r}).",
                            "kind": kind,
                            "committee_id": committee["id"],
                            "municipal_year_id": year["id"],
                            "sequence": sequences[key],
                            "reference": f"{committee['reference_prefix']} ({year['short']}) {sequences[key]:02d}",
                        }
                        resolutions.append(resolution)
                        if kind in ("action", "report_back"):
                            self._action(
                                resolution, item, meeting, later, year, committee, authors,
                                action_sequences, actions, updates, new_id,
                            )  # fmt: skip
                        elif kind == "recommendation":
                            referred = meeting["date"] + dt.timedelta(days=14)
                            due = referred + relativedelta(months=2)
                            answered = due < self.today and r.random() < 0.9
                            responses.append(
                                {
                                    "id": new_id(ExecutiveResponse, responses),
                                    "resolution_id": resolution["id"],
                                    "executive_body": "Cabinet",
                                    "responsible_id": r.choice(executive),
                                    "referred_on": referred,
                                    "response_due": due,
                                    "decision": r.choice(
                                        ["accepted", "partly_accepted", "rejected"]
                                    )
                                    if answered
                                    else "pending",
                                    "responded_on": due - dt.timedelta(days=r.randint(0, 30))
                                    if answered
                                    else None,
                                    "response_text": "The Cabinet's response." if answered else "",
                                }
                            )
        self.copier.write(WorkProgrammeTopic, topics)
        self.copier.write(AgendaItem, items)
        self.copier.write(Deferral, deferrals)
        self.copier.write(Resolution, resolutions)
        self.copier.write(Action, actions)
        self.copier.write(ActionUpdate, updates)
        self.copier.write(ExecutiveResponse, responses)

    def _defer(self, item, topic, meeting, later, deferrals, new_id) -> None:
        r = self.random
        moments = [meeting, *later[: 2 if r.random() < 0.33 else 1]]
        for before, after in itertools.pairwise(moments):
            deferrals.append(
                {
                    "id": new_id(Deferral, deferrals),
                    "topic_id": topic["id"],
                    "agenda_item_id": item["id"] if before is meeting else None,
                    "from_meeting_id": before["id"],
                    "to_meeting_id": after["id"],
                    "reason": "Awaiting the inspection letter.",
                    "decided_at_id": before["id"],
                    "created_at": dt.datetime.combine(before["date"], dt.time(21), tzinfo=LONDON),
                }
            )
        topic["target_meeting_id"] = moments[-1]["id"]
        topic["status"] = "deferred" if moments[-1]["date"] >= self.today else "considered"

    def _action(self, resolution, item, meeting, later, year, committee, authors, sequences, actions, updates, new_id):  # fmt: skip
        r = self.random
        key = (committee["id"], year["id"])
        sequences[key] += 1
        due_date, due_back = None, None
        if resolution["kind"] == "report_back" and later:
            back = later[min(len(later) - 1, r.randint(1, 2))]
            due_back, due_on = back["id"], back["date"]
        else:
            due_date = meeting["date"] + dt.timedelta(days=r.randint(30, 120))
            due_on = due_date
        closed = due_on < self.today - dt.timedelta(days=45) and r.random() < 0.92
        owner = item.get("report_author_id") or r.choice(authors)
        created = dt.datetime.combine(meeting["date"], dt.time(22), tzinfo=LONDON)
        action = {
            "id": new_id(Action, actions),
            "committee_id": committee["id"],
            "municipal_year_id": year["id"],
            "sequence": sequences[key],
            "reference": f"{committee['reference_prefix']} ({year['short']}) A{sequences[key]:02d}",
            "resolution_id": resolution["id"],
            "agenda_item_id": item["id"],
            "title": f"Follow up {resolution['reference']}",
            "owner_id": owner,
            "due_date": due_date,
            "due_back_meeting_id": due_back,
            "due_on_date": due_on,
            "status": "completed" if closed else "open",
            "closed_on": min(due_on + dt.timedelta(days=r.randint(-20, 40)), self.today)
            if closed
            else None,
            "created_at": created,
            "next_reminder_on": None if closed else next_working(due_on),
        }
        actions.append(action)
        count = r.randint(1, 3)
        span = max((min(self.today, due_on) - meeting["date"]).days, 1)
        for n in range(count):
            as_of = meeting["date"] + dt.timedelta(days=span * (n + 1) // (count + 1))
            updates.append(
                {
                    "id": new_id(ActionUpdate, updates),
                    "action_id": action["id"],
                    "as_of": as_of,
                    "text": "Progress on the action.",
                    "rag": r.choice(["RED", "AMBER", "GREEN", "GREEN"]),
                    "progress": r.randint(1, 4),
                    "recorded_at": dt.datetime.combine(as_of, dt.time(9), tzinfo=LONDON),
                }
            )
        if closed:
            updates.append(
                {
                    "id": new_id(ActionUpdate, updates),
                    "action_id": action["id"],
                    "as_of": action["closed_on"],
                    "text": "Done: the report was circulated.",
                    "rag": "COMPLETED",
                    "progress": 5,
                    "closes_action": True,
                    "recorded_at": dt.datetime.combine(
                        action["closed_on"], dt.time(17), tzinfo=LONDON
                    ),
                }
            )

    # --- National scale: a million actions for the sweep ----------------------------------------

    def sweep_day(self) -> dt.date:
        day = self.today
        while not calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def national(self, committee_count: int, action_count: int, due_count: int) -> None:
        r = self.random
        day = self.sweep_day()
        authority = self.authority("Bench National Authority", "bench-national")
        years = self.years(authority)
        officers = self.people(max(committee_count // 4, 1), "dso")
        owners = self.people(5000, "owner")
        # No chairs: the weekly digest is not what this variant measures.
        committees = self.committees(authority, committee_count, officers, "N")
        meetings = self.meetings(committees, years, self.meeting_dates)
        year_of = {year["id"]: year for year in years}
        current = years[-1]

        action_id = self.copier.next_id(Action)
        reminder_id = self.copier.next_id(Reminder)
        sequences: dict[tuple[int, int], int] = defaultdict(int)
        ledger_days = [
            d
            for d in (day - dt.timedelta(days=n) for n in range(1, 7))
            if calendar.is_working_day(d)
        ]
        open_share, overdue_share = 0.20, 0.70
        due_left = due_count
        batch_actions, batch_reminders = [], []
        now = dt.datetime.combine(day, dt.time(7), tzinfo=LONDON)
        for n in range(action_count):
            committee = committees[n % committee_count]
            c_meetings = meetings[committee["id"]]
            is_open = r.random() < open_share or (due_left > 0 and n >= action_count - due_left)
            hint, stage = None, None
            due_back = None
            if not is_open:
                meeting = r.choice(c_meetings)
                due_on = meeting["date"] + dt.timedelta(days=r.randint(20, 200))
                status = "completed" if r.random() < 0.9 else "withdrawn"
            else:
                status = "open"
                if due_left > 0:
                    # Due today: its weekly reminder falls on the sweep day.
                    due_left -= 1
                    first = self._first_on_weekday(day, r.randint(0, 30))
                    hint = day
                elif r.random() < overdue_share:
                    stage = r.choice(ledger_days)
                    first = self._first_on_weekday(stage, r.randint(0, 30))
                    hint = stage + dt.timedelta(weeks=1)
                else:
                    first = None
                if first is not None:
                    due_on = first - dt.timedelta(days=1)
                    while calendar.next_working_day(due_on) != first:
                        due_on -= dt.timedelta(days=1)
                else:
                    due_on = day + dt.timedelta(days=r.randint(1, 200))
                    hint = next_working(due_on)
                meeting = r.choice([m for m in c_meetings if m["date"] < due_on] or c_meetings)
            year = year_of[meeting["municipal_year_id"]] if not is_open else current
            key = (committee["id"], year["id"])
            sequences[key] += 1
            pk = action_id + n
            if is_open and r.random() < 0.1:
                later = [m for m in c_meetings if m["date"] == due_on]
                due_back = later[0]["id"] if later else None
            batch_actions.append(
                {
                    "id": pk,
                    "committee_id": committee["id"],
                    "municipal_year_id": year["id"],
                    "sequence": sequences[key],
                    "reference": f"{committee['reference_prefix']} ({year['short']}) A{sequences[key]:02d}",
                    "title": f"Bench action {n}",
                    "owner_id": r.choice(owners),
                    "due_date": None if due_back else due_on,
                    "due_back_meeting_id": due_back,
                    "due_on_date": due_on,
                    "status": status,
                    "closed_on": None
                    if is_open
                    else min(due_on + dt.timedelta(days=r.randint(-10, 60)), self.today),
                    "created_at": now,
                    "next_reminder_on": hint,
                }
            )
            if stage is not None:
                sent = dt.datetime.combine(stage, dt.time(8, 5), tzinfo=LONDON)
                batch_reminders.append(
                    {
                        "id": reminder_id + len(batch_reminders),
                        "rule": "action_overdue",
                        "about": f"action:{pk}:overdue",
                        "for_date": stage,
                        "committee_id": committee["id"],
                        "recipient_email": "owner@bench.example",
                        "recipient_name": "Owner",
                        "cc": "[]",
                        "subject": f"Overdue: action {pk}",
                        "body_text": "Overdue.",
                        "body_html": "<p>Overdue.</p>",
                        "status": "sent",
                        "attempts": 1,
                        "next_attempt_at": sent,
                        "created_at": sent,
                        "sent_at": sent,
                    }
                )
            if len(batch_actions) >= 50_000:
                self.copier.write(Action, batch_actions)
                batch_actions = []
        self.copier.write(Action, batch_actions)
        self.copier.write(Reminder, batch_reminders)
        self.stdout.write(f"Sweep day {day}: {due_count} actions due a reminder that day.")

    @staticmethod
    def _first_on_weekday(stage: dt.date, weeks: int) -> dt.date:
        """A working day `weeks` (or a few more) whole weeks before `stage`."""
        first = stage - dt.timedelta(weeks=weeks)
        while not calendar.is_working_day(first):
            first -= dt.timedelta(weeks=1)
        return first
