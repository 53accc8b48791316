"""Every list endpoint runs the same number of queries for a few rows as for many.

Each test reads every list once over the small world (a few rows of everything), then adds
27 more of everything (committees, members, meetings, public and exempt items with their
resolutions, actions with RAG updates, topics with deferrals, executive responses, reminders)
and reads them again: a query per row (an N+1) shows as a difference.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions import progress, responses
from actions.models import RAG, Action, Resolution
from committees import deferrals
from committees.models import (
    AgendaItem,
    Authority,
    Committee,
    Meeting,
    Membership,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
)
from tests.builders import client_as
from tracker.api.urls import router
from tracker.reminders.ledger import Reminder

D = dt.date
MORE = 27


def grow(w, n: int) -> None:
    for i in range(n):
        Authority.objects.create(name=f"Council {i}", slug=f"council-{i}")
        member = Person.objects.create(name=f"Member {i}", email=f"member{i}@riverside.example")
        panel = Committee.objects.create(
            authority=w.authority,
            name=f"Task and finish group {i}",
            slug=f"group-{i}",
            kind="task_and_finish",
            reference_prefix=f"T{i}",
        )
        Membership.objects.create(
            committee=panel, person=member, role="chair", start_date=D(2017, 6, 1)
        )
        Membership.objects.create(
            committee=w.committee, person=member, role="member", start_date=D(2017, 6, 1)
        )
        programme = WorkProgramme.objects.create(committee=panel, municipal_year=w.year_1718)
        topic = WorkProgrammeTopic.objects.create(
            work_programme=programme, title=f"Topic {i}", lead_officer=member
        )
        deferrals.defer_topic(topic, to_text="the new municipal year", reason=f"Reason {i}.")

        meeting = Meeting.objects.create(
            committee=w.committee, date=D(2018, 1, 1) + dt.timedelta(days=i)
        )
        public = AgendaItem.objects.create(
            meeting=meeting, number=1, title=f"Public item {i}", report_author=member, topic=None
        )
        exempt = AgendaItem.objects.create(
            meeting=meeting,
            number=2,
            title=f"Exempt item {i}",
            is_exempt=True,
            exempt_paragraph=1,
            public_title=f"Staffing matter {i}",
        )
        recommendation = Resolution.objects.create(
            agenda_item=public, text=f"Recommendation {i}.", kind=Resolution.Kind.RECOMMENDATION
        )
        secret = Resolution.objects.create(agenda_item=exempt, text=f"Secret {i}.")
        for resolution, rag in ((recommendation, RAG.GREEN), (secret, RAG.RED)):
            action = Action.objects.create(
                resolution=resolution,
                title=f"Action {i}",
                owner=member,
                due_back_meeting=w.february,
            )
            progress.record_update(action, text=f"Progress {i}.", rag=rag, as_of=meeting.date)
        responses.refer_to_executive(recommendation, referred_on=D(2018, 1, 15))
        Reminder.objects.create(
            rule=Reminder.Rule.REPORT_DUE_SOON,
            recipient=member,
            recipient_email=member.email,
            about=f"item:{public.pk}:due:3:p{member.pk}",
            for_date=D(2018, 1, 2),
            committee=w.committee,
            subject=f"Report due {i}",
            body_text="Due.",
            body_html="<p>Due.</p>",
        )


def queries_per_list(client) -> dict[str, tuple[int, int]]:
    """(queries, rows) for each list endpoint, all rows on one page."""
    counted = {}
    for prefix, _viewset, _basename in router.registry:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/{prefix}/?page_size=200")
        rows = len(response.data["results"]) if response.status_code == 200 else None
        counted[prefix] = (len(queries), rows)
    return counted


@pytest.mark.parametrize("role", ["staff", "chair", "anonymous"])
def test_every_list_runs_a_fixed_number_of_queries(world, role):
    client = client_as(world, role)
    client.get("/api/authorities/")  # first-request work (the token's user) out of the way
    small = queries_per_list(client)
    grow(world, MORE)
    large = queries_per_list(client)

    assert {prefix: q for prefix, (q, _rows) in large.items()} == {
        prefix: q for prefix, (q, _rows) in small.items()
    }
    # The lists did grow, so the equal counts mean something.
    grew = {
        prefix
        for prefix in small
        if small[prefix][1] is not None and large[prefix][1] >= small[prefix][1] + MORE
    }
    expected = {
        "authorities",
        "committees",
        "people",
        "memberships",
        "meetings",
        "agenda-items",
        "work-programmes",
        "topics",
        "deferrals",
        "resolutions",
        "actions",
        "action-updates",
        "executive-responses",
    }
    if role == "staff":
        expected.add("reminders")
    assert grew == expected


def test_the_nested_lists_carry_their_rows(world):
    """The counts above include the agenda items' resolutions and the actions' latest RAG."""
    grow(world, 3)
    staff = client_as(world, "staff")
    items = staff.get("/api/agenda-items/?page_size=200&search=Public").data["results"]
    assert [[r["text"] for r in item["resolutions"]] for item in items] == [
        ["Recommendation 0."],
        ["Recommendation 1."],
        ["Recommendation 2."],
    ]
    actions = staff.get("/api/actions/?page_size=200&search=Action").data["results"]
    assert [a["latest_rag"] for a in actions] == ["GREEN", "RED"] * 3
