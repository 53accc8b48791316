"""`load_demo` on other days than the one its current-year slice was written for: each test
loads into an empty database (tests/test_demo_data.py shares one load per module)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from actions.models import RAG, Action, ActionUpdate, ExecutiveResponse
from committees.models import LONDON, Meeting, WorkProgrammeTopic
from committees.models import today as london_today
from tests.test_demo_data import THURROCK, load, meeting
from tracker.demo.loader import row_counts

# Also run on SQLite by make test: `make run` loads the demo into SQLite.
pytestmark = pytest.mark.sqlite


def set_clock(monkeypatch, day: dt.date):
    """The real clock at 10am London time on `day`."""
    moment = dt.datetime.combine(day, dt.time(10, 0), tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_the_current_slice_moves_by_whole_weeks_to_the_day_it_is_loaded(db, monkeypatch):
    set_clock(monkeypatch, dt.date(2029, 3, 7))
    load(dt.date(2029, 3, 7))  # 119 weeks and 3 days after the day the slice was written for

    thurrock = Meeting.objects.filter(committee__slug=THURROCK, date__year__gte=2028)
    assert list(thurrock.values_list("date", "status")) == [
        (dt.date(2028, 12, 26), "held"),
        (dt.date(2029, 2, 20), "held"),
        (dt.date(2029, 4, 26), "scheduled"),
        (dt.date(2029, 6, 21), "scheduled"),
    ]
    assert not Meeting.objects.filter(date__year__in=[2026, 2027]).exists()
    overdue = Action.objects.overdue(on=dt.date(2029, 3, 7))
    assert [(a.reference, a.title, a.due_date) for a in overdue] == [
        (
            "CS (28/29) A01",
            "Send members the exit interview analysis for social workers who left in 2027/28",
            dt.date(2029, 2, 9),
        )
    ]
    assert [(u.as_of, u.rag) for u in overdue[0].updates.rag_history()] == [
        (dt.date(2029, 1, 12), RAG.GREEN),
        (dt.date(2029, 2, 8), RAG.AMBER),
        (dt.date(2029, 2, 26), RAG.RED),
    ]
    foster = meeting("2029-04-26").items.get(title="Sufficiency of Foster Placements")
    assert foster.description == (
        "Deferred from 26 December 2028 (item 16), then from 20 February 2029 (item 25)."
    )
    assert set(meeting("2029-04-26").items.values_list("title", flat=True)) == {
        "Sufficiency of Foster Placements",
        "Care Leavers' Accommodation: Occupancy and Move-on Outcomes",
        "Children's Social Care Performance: Quarter 3 2028/29",
        "School Place Sufficiency 2029-2033",
    }
    pending = ExecutiveResponse.objects.get(decision="pending")
    assert (pending.referred_on, pending.response_due) == (
        dt.date(2029, 2, 28),
        dt.date(2029, 4, 28),
    )
    youth_justice = WorkProgrammeTopic.objects.get(title="Youth Justice Plan Refresh")
    assert youth_justice.work_programme.municipal_year.label == "2028/29"
    assert not mail.outbox


def test_loading_again_weeks_later_finds_the_slice_where_it_was_placed(db, monkeypatch):
    set_clock(monkeypatch, dt.date(2029, 3, 7))
    load(dt.date(2029, 3, 7))
    before = row_counts()

    set_clock(monkeypatch, dt.date(2029, 5, 30))
    output = load(dt.date(2029, 5, 30))

    assert row_counts() == before
    assert "nothing to create" in output
    assert meeting("2029-04-26").status == "scheduled"


def test_loading_today_puts_the_last_meeting_weeks_ago_and_the_next_weeks_ahead(db):
    call_command("load_demo", stdout=io.StringIO())
    today = london_today()

    thurrock = Meeting.objects.filter(committee__slug=THURROCK)
    last = thurrock.filter(status="held").latest("date").date
    upcoming = list(thurrock.upcoming(today).values_list("date", flat=True))
    assert 12 <= (today - last).days <= 18
    # The slice moves by whole weeks, so today is 0 to 6 days past the day it was written for.
    assert [47 <= (upcoming[0] - today).days <= 53, 103 <= (upcoming[1] - today).days <= 109] == [
        True,
        True,
    ]
    assert len(upcoming) == 2
    overdue = Action.objects.overdue(on=today)
    assert [23 <= (today - a.due_date).days <= 29 for a in overdue] == [True]
    assert not ActionUpdate.objects.filter(as_of__gt=today).exists()
    assert not mail.outbox
