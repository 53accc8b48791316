"""A committee's world for the page, export and browser tests (fixtures only, no tests).

Monday 22 January 2018 in Riverside: December's meeting has been held, February's and
March's are coming. One exempt item carries the marker text ZEBRA-CONFIDENTIAL in its
report, minutes, resolution, action and deferral reason; no one without access may see it.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from actions.models import Action, ExecutiveResponse, Resolution
from actions.progress import record_update
from committees.deferrals import defer_item
from committees.models import (
    AgendaItem,
    Attendance,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
)

SECRET = "ZEBRA-CONFIDENTIAL"
FROZEN = dt.datetime(2018, 1, 22, 10, 0, tzinfo=dt.UTC)
ON = dt.date(2018, 1, 22)


@pytest.fixture
def clock(monkeypatch):
    """Monday 22 January 2018, 10:00: every "today" and "days late" counts from here."""
    monkeypatch.setattr(timezone, "now", lambda: FROZEN)
    return ON


@pytest.fixture
def sam(db):
    """An officer with no login, who owns the exempt item's action."""
    return Person.objects.create(name="Sam Ruiz", email="sam.ruiz@riverside.example")


@pytest.fixture
@transaction.atomic  # one commit, not one per save, for a live server's (transactional) tests
def world(clock, committee, december, february, march, dev, alan, priya, sam, overdue_action):
    """The committee's business as of 22 January 2018."""
    public_item = AgendaItem.objects.create(
        meeting=december,
        number=21,
        position=2,
        title="Placement Sufficiency Strategy",
        report_author=dev,
        report_summary="More foster carers are needed in the east of the borough.",
        minutes="Members asked about recruitment of foster carers.",
        outcome=AgendaItem.Outcome.RESOLVED,
    )
    recommendation = Resolution.objects.create(
        agenda_item=public_item,
        number="1",
        text="That the Cabinet fund two more placement support workers.",
        kind=Resolution.Kind.RECOMMENDATION,
    )
    response = ExecutiveResponse.objects.create(
        resolution=recommendation, referred_on=dt.date(2018, 1, 15)
    )
    report_back = Resolution.objects.create(
        agenda_item=public_item,
        number="2",
        position=2,
        text="That the recruitment figures come back in March.",
        kind=Resolution.Kind.REPORT_BACK,
    )
    figures = Action.objects.create(
        resolution=report_back,
        title="Report recruitment figures for foster carers",
        owner=dev,
        due_back_meeting=march,
    )
    record_update(figures, text="Figures requested from the fostering team.", rag="GREEN", by=None)

    exempt_item = AgendaItem.objects.create(
        meeting=december,
        number=22,
        position=3,
        title=f"Child Q: case review {SECRET}",
        public_title="Case review (exempt)",
        is_exempt=True,
        exempt_paragraph=AgendaItem.ExemptParagraph.INDIVIDUAL,
        report_summary=f"{SECRET} summary of the case.",
        minutes=f"{SECRET} minutes of the discussion.",
        outcome=AgendaItem.Outcome.RESOLVED,
        lead_officer=sam,
    )
    exempt_resolution = Resolution.objects.create(
        agenda_item=exempt_item, number="1", text=f"{SECRET} resolution about Child Q."
    )
    exempt_action = Action.objects.create(
        resolution=exempt_resolution,
        title=f"{SECRET} action for Child Q",
        owner=sam,
        due_date=dt.date(2018, 1, 5),
    )
    record_update(exempt_action, text=f"{SECRET} update.", rag="RED", by=None)

    later_exempt = AgendaItem.objects.create(
        meeting=february,
        number=30,
        title=f"Contract dispute {SECRET}",
        public_title="Commercial matter (exempt)",
        is_exempt=True,
        exempt_paragraph=AgendaItem.ExemptParagraph.FINANCIAL,
        lead_officer=sam,
    )
    defer_item(later_exempt, reason=f"{SECRET} reason for deferring.", to_meeting=march)

    programme = WorkProgramme.for_meeting(february)
    youth = WorkProgrammeTopic.objects.create(
        work_programme=programme,
        title="Youth Offending Service Inspection",
        lead_officer=dev,
        target_meeting=february,
        origin="Requested under item 20",
        requested_at=december,
    )
    send = WorkProgrammeTopic.objects.create(
        work_programme=programme,
        title="SEND Transport",
        lead_officer_text="Transport team",
        origin="Resolution CS (17/18) 02",
    )
    Attendance.objects.create(meeting=december, person=alan, capacity="Chair")
    Attendance.objects.create(meeting=december, person=priya, kind=Attendance.Kind.OFFICER)
    return {
        "public_item": public_item,
        "recommendation": recommendation,
        "response": response,
        "figures": figures,
        "exempt_item": exempt_item,
        "exempt_resolution": exempt_resolution,
        "exempt_action": exempt_action,
        "later_exempt": later_exempt,
        "programme": programme,
        "youth": youth,
        "send": send,
    }


def login(client, person):
    client.force_login(person.user)
    return client
