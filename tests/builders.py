"""The builders every test module shares (the cast and places of tests/conftest.py are its
fixtures). Chiefly the small world the API and door tests walk: one published committee with
its business, a second committee with its own chair, and one person for every role the API
tells apart, built by `build_world()`. Everything confidential about the exempt item carries the marker SECRET, so
a test can search every response for it.
"""

import copy
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from actions import progress, responses
from actions.models import RAG, Action, Resolution
from committees import deferrals
from committees.models import (
    AgendaItem,
    Authority,
    Committee,
    Meeting,
    Membership,
    MunicipalYear,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
)
from tracker.reminders.ledger import Reminder

D = dt.date
SECRET = "ZEBRA-QUARTZ"

# The roles of the authorization matrix, in the order its rows give their expectations.
ROLES = ("anonymous", "staff", "chair", "other_chair", "owner", "stranger")

# The real minutes beside the project (present in CI); tests that need them skip without.
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def person(username: str, name: str, *, is_staff=False, **fields) -> Person:
    user = get_user_model().objects.create_user(
        username, f"{username}@riverside.example", f"{username}-pass", is_staff=is_staff
    )
    return Person.objects.create(
        name=name, email=f"{username}@riverside.example", user=user, **fields
    )


def build_world() -> SimpleNamespace:
    """Everything the matrix, the exempt walk and the query counts need, by name."""
    w = SimpleNamespace()
    w.authority = Authority.objects.create(name="Riverside Borough Council", slug="riverside")
    w.spare_authority = Authority.objects.create(name="Hillside District Council", slug="hillside")

    w.priya = person(
        "priya", "Priya Shah", is_staff=True, job_title="Senior Democratic Services Officer"
    )
    w.alan = person("alan", "Alan Marsh", is_councillor=True)
    w.rosa = person("rosa", "Rosa Quinn", is_councillor=True)
    w.dev = person("dev", "Dev Okafor", job_title="Head of Children's Social Care")
    w.sam = person("sam", "Sam Ellis", job_title="Planning Officer")
    w.kim = Person.objects.create(name="Kim Ward", is_councillor=True)
    w.spare_person = Person.objects.create(name="Lee Hart", email="lee.hart@riverside.example")

    w.committee = Committee.objects.create(
        authority=w.authority,
        name="Children's Services Overview and Scrutiny Committee",
        slug="childrens-services",
        short_name="Children's Services O&S",
        reference_prefix="CS",
        officer=w.priya,
    )
    w.health = Committee.objects.create(
        authority=w.authority,
        name="Health Overview and Scrutiny Committee",
        slug="health",
        short_name="Health O&S",
        reference_prefix="HO",
        officer=w.priya,
    )
    w.alan_chairs = Membership.objects.create(
        committee=w.committee, person=w.alan, role="chair", start_date=D(2017, 5, 20)
    )
    w.kim_sits = Membership.objects.create(
        committee=w.committee, person=w.kim, role="member", start_date=D(2017, 5, 20)
    )
    Membership.objects.create(
        committee=w.health, person=w.rosa, role="chair", start_date=D(2017, 5, 20)
    )

    def meeting(day, committee=w.committee):
        return Meeting.objects.create(
            committee=committee, date=day, start_time=dt.time(19), venue="Committee Room 1"
        )

    w.december = meeting(D(2017, 12, 12))
    w.february = meeting(D(2018, 2, 13))
    w.health_meeting = meeting(D(2017, 12, 14), w.health)
    w.year_1718 = w.december.municipal_year
    w.year_1819 = MunicipalYear.containing(w.authority, D(2018, 7, 10))

    w.public_item = AgendaItem.objects.create(
        meeting=w.december,
        number=20,
        position=1,
        title="Placement Stability Update",
        description="Moves of children in care between placements.",
        report_author=w.dev,
        report_summary="Placement moves fell by a tenth over the year.",
        minutes="Members asked about moves of under-fives.",
    )
    w.exempt_item = AgendaItem.objects.create(
        meeting=w.december,
        number=21,
        position=2,
        title=f"{SECRET} termination of the Oakfield House contract",
        description=f"{SECRET} description of the provider's failings.",
        is_exempt=True,
        exempt_paragraph=AgendaItem.ExemptParagraph.FINANCIAL,
        public_title="Residential care contract",
        report_summary=f"{SECRET} report: the provider owes the council money.",
        minutes=f"{SECRET} minutes: members discussed the penalty clause.",
        public_interest_reason=f"{SECRET} commercial negotiations are under way.",
    )

    w.recommendation = Resolution.objects.create(
        agenda_item=w.public_item,
        position=1,
        number="1",
        text="That Cabinet fund two more foster-care support workers.",
        kind=Resolution.Kind.RECOMMENDATION,
    )
    w.spare_recommendation = Resolution.objects.create(
        agenda_item=w.public_item,
        position=2,
        number="2",
        text="That Cabinet review the fostering allowances.",
        kind=Resolution.Kind.RECOMMENDATION,
    )
    w.exempt_resolution = Resolution.objects.create(
        agenda_item=w.exempt_item,
        position=1,
        number="1",
        text=f"{SECRET} that the contract be terminated on 31 March.",
        kind=Resolution.Kind.ACTION,
    )

    w.dev_action = Action.objects.create(
        resolution=w.recommendation,
        title="Provide figures on placement moves for under-fives",
        owner=w.dev,
        due_date=D(2018, 1, 10),
    )
    w.dev_update = progress.record_update(
        w.dev_action,
        text="Figures requested from the data team.",
        rag=RAG.AMBER,
        as_of=D(2017, 12, 20),
        by=w.dev.user,
    )
    w.spare_action = Action.objects.create(
        agenda_item=w.public_item, title="Circulate the delivery plan", due_date=D(2018, 2, 1)
    )
    w.closed_action = Action.objects.create(
        agenda_item=w.public_item, title="Write to the regional adoption agency"
    )
    progress.sign_off(w.closed_action, text="Letter sent.", as_of=D(2017, 12, 18), by=w.priya.user)
    w.exempt_action = Action.objects.create(
        resolution=w.exempt_resolution,
        title=f"{SECRET} serve notice on the provider",
        description=f"{SECRET} legal will draft the notice.",
        owner=w.priya,
        due_date=D(2018, 1, 5),
    )
    w.exempt_update = progress.record_update(
        w.exempt_action,
        text=f"{SECRET} notice drafted by legal.",
        rag=RAG.RED,
        as_of=D(2017, 12, 22),
        by=w.priya.user,
    )

    w.programme = WorkProgramme.objects.create(committee=w.committee, municipal_year=w.year_1718)
    w.topic = WorkProgrammeTopic.objects.create(
        work_programme=w.programme,
        title="Review of Children's Centres",
        lead_officer=w.dev,
        target_meeting=w.december,
    )
    w.topic_deferral = deferrals.defer_topic(
        w.topic,
        to_meeting=w.february,
        reason="Awaiting the consultation results.",
        decided_at=w.december,
        by=w.priya.user,
    )
    w.exempt_deferral = deferrals.defer_item(
        w.exempt_item,
        to_meeting=w.february,
        reason=f"{SECRET} the provider asked for time to respond.",
        by=w.priya.user,
    )
    w.exempt_item.refresh_from_db()

    w.response = responses.refer_to_executive(
        w.recommendation, referred_on=D(2018, 1, 15), responsible=w.kim, by=w.priya.user
    )
    w.reminder = Reminder.objects.create(
        rule=Reminder.Rule.ACTION_OVERDUE,
        recipient=w.dev,
        recipient_email=w.dev.email,
        recipient_name=w.dev.name,
        about=f"action:{w.dev_action.pk}:p{w.dev.pk}",
        for_date=D(2018, 1, 11),
        committee=w.committee,
        subject="CS (17/18) A01 is overdue",
        body_text="It was due on 10 January 2018.",
        body_html="<p>It was due on 10 January 2018.</p>",
        status=Reminder.Status.SENT,
        sent_at=dt.datetime(2018, 1, 11, 8, tzinfo=dt.UTC),
    )

    w.users = {
        "anonymous": None,
        "staff": w.priya.user,
        "chair": w.alan.user,
        "other_chair": w.rosa.user,
        "owner": w.dev.user,
        "stranger": w.sam.user,
    }
    w.tokens = {role: Token.objects.create(user=user).key for role, user in w.users.items() if user}
    return w


def world_built_once_per_module(build, *, frozen_at: dt.datetime | None = None):
    """The `world` fixture of a test module whose world costs more to build than its tests
    take to run: `build()` runs once per module inside a transaction that is rolled back when
    the module ends, and each test gets a deep copy of it, its own changes rolled back to it
    after the test (as Django's TestCase.setUpTestData). With `frozen_at`, the clock stands at
    that moment while the world is built and during each test."""

    @pytest.fixture(scope="module", name="world_as_built")
    def world_as_built(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
            if frozen_at:
                patch.setattr(timezone, "now", lambda: frozen_at)
            with transaction.atomic():
                yield build()
                transaction.set_rollback(True)

    @pytest.fixture(name="world")
    def world(world_as_built, db, monkeypatch):
        if frozen_at:
            monkeypatch.setattr(timezone, "now", lambda: frozen_at)
        return copy.deepcopy(world_as_built)

    return world_as_built, world


def client_as(world, role: str) -> APIClient:
    """A client that presents `role`'s API token (none for the anonymous public)."""
    client = APIClient()
    if role != "anonymous":
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
    return client


def walk(client, url: str) -> list[dict]:
    """Every row of a list, following `next` links to the end."""
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        rows.extend(response.data["results"])
        url = response.data["next"]
    return rows


def from_a_shell(*args: str) -> subprocess.CompletedProcess:
    """`manage.py ARGS` as typed at a shell: a fresh process, a clean environment, DEBUG on."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ["PATH"], "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
