"""`load_demo` loads the demo data from the seed minutes, once, through the service functions."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from actions.models import RAG, Action, ActionUpdate, ExecutiveResponse, Resolution
from committees.models import (
    LONDON,
    AgendaItem,
    Attendance,
    Committee,
    Deferral,
    Meeting,
    Membership,
    WorkProgrammeTopic,
)
from tests.builders import world_built_once_per_module
from tracker.demo.loader import DEMO_ACCOUNTS, row_counts

# Also run on SQLite by make test: `make run` loads the demo into SQLite.
pytestmark = pytest.mark.sqlite

THURROCK = "thurrock-childrens-services"
TODAY = dt.date(2026, 11, 22)  # the day the demo's current-year slice was written for


def load(today: dt.date = TODAY) -> str:
    out = io.StringIO()
    call_command("load_demo", f"--today={today.isoformat()}", stdout=out)
    return out.getvalue()


# Loading the demo costs seconds; the tests that only read it share one load per module.
demo_as_built, world = world_built_once_per_module(load)


@pytest.fixture
def demo(world):
    """What `load_demo` printed, with its data in the database."""
    return world


def meeting(day: str, slug: str = THURROCK) -> Meeting:
    return Meeting.objects.get(committee__slug=slug, date=dt.date.fromisoformat(day))


def test_load_demo_creates_the_three_committees_of_the_seed_minutes(demo):
    committees = {
        c.slug: (c.authority.name, c.name, c.kind, c.reference_prefix, str(c.officer or ""))
        for c in Committee.objects.select_related("authority", "officer")
    }

    assert committees == {
        THURROCK: (
            "Thurrock Council",
            "Children's Services Overview and Scrutiny Committee",
            "committee",
            "CS",
            "Wendy Le",
        ),
        "havering-children-learning": (
            "London Borough of Havering",
            "Children & Learning Overview & Scrutiny Sub-Committee",
            "sub_committee",
            "CL",
            "Taiwo Adeoye",
        ),
        "slough-education-childrens-services": (
            "Slough Borough Council",
            "Education and Children's Services Scrutiny Panel",
            "panel",
            "ECS",
            "",
        ),
    }
    assert "Demo data loaded" in demo
    logins = demo.split("Demo logins", 1)[1].splitlines()
    for username, password, role in DEMO_ACCOUNTS:
        assert any(line.split() == [username, password, *role.split()] for line in logins)


def test_thurrock_membership_follows_the_agenda_pack_and_the_resignation(demo):
    committee = Committee.objects.get(slug=THURROCK)
    current = {
        (m.person.name, m.role, m.representing)
        for m in committee.memberships.current(dt.date(2018, 2, 13)).select_related("person")
    }

    assert current == {
        ("Bukky Okunade", "chair", ""),
        ("Graham Snell", "vice_chair", ""),
        ("Gary Collins", "member", ""),
        ("David Potter", "member", ""),
        ("Joycelyn Redsell", "member", ""),
        ("Luke Spillman", "member", ""),
        ("Lynda Pritchard", "co_opted_voting", "Church of England Representative"),
        ("Myra Potter", "co_opted_voting", "Parent Governor Representative"),
        ("Kim James", "co_opted_non_voting", "HealthWatch Thurrock"),
        ("Tom Kelly", "substitute", ""),
        ("Jane Potheary", "substitute", ""),
        ("Sue Sammons", "substitute", ""),
    }
    resigned = Membership.objects.get(committee=committee, person__name="Anne Sentence")
    assert (resigned.start_date, resigned.end_date) == (dt.date(2016, 5, 1), dt.date(2016, 12, 20))
    assert [p.name for p in committee.chairs(TODAY)] == ["Bukky Okunade", "Graham Snell"]


def test_december_2017_meeting_has_its_items_attendance_and_resolutions(demo):
    december = meeting("2017-12-12")

    assert list(december.items.order_by("position").values_list("number", flat=True)) == list(
        range(64, 78)
    )
    assert december.start_time == dt.time(19, 0)
    assert december.status == Meeting.Status.HELD
    kinds = {
        kind: sorted(december.attendance.filter(kind=kind).values_list("person__name", flat=True))
        for kind in Attendance.Kind.values
    }
    assert kinds["present"] == [
        "Bukky Okunade",
        "David Potter",
        "Gary Collins",
        "Graham Snell",
        "Joycelyn Redsell",
        "Luke Spillman",
        "Lynda Pritchard",
    ]
    assert kinds["apologies"] == ["Myra Potter"]
    assert kinds["also_present"] == ["George Wright", "Gill Burns", "James Halden", "Sharon Hall"]
    assert len(kinds["officer"]) == 8 and "Wendy Le" in kinds["officer"]

    item_69 = december.items.get(number=69)
    assert item_69.outcome == AgendaItem.Outcome.RESOLVED
    assert [(r.reference, r.kind) for r in item_69.resolutions.order_by("position")] == [
        ("CS (17/18) 01", "note"),
        ("CS (17/18) 02", "note"),
        ("CS (17/18) 03", "note"),
        ("CS (17/18) 04", "report_back"),
    ]


def test_february_2018_meeting_has_exactly_the_expected_reports_due_back(demo):
    february = meeting("2018-02-13")

    due_back = set(Action.objects.filter(due_back_meeting=february).values_list("title", flat=True))
    assert due_back == {
        "Bring the LSCB Annual Report 2016-17 to the committee",
        "Report on the new safeguarding partnership arrangements",
        "Bring options for exempting care leavers from council tax",
    }
    lscb = Action.objects.get(title="Bring the LSCB Annual Report 2016-17 to the committee")
    assert (lscb.status, lscb.closed_on, lscb.owner.name) == (
        Action.Status.COMPLETED,
        dt.date(2018, 2, 13),
        "Alan Cotgrove",
    )
    assert lscb.agenda_item.number == 67 and lscb.agenda_item.meeting.date == dt.date(2017, 12, 12)

    deferrals = Deferral.objects.filter(to_meeting=february).select_related("agenda_item")
    assert sorted(
        (d.agenda_item.number, d.agenda_item.title, d.from_meeting.date, d.decided_at.date)
        for d in deferrals
    ) == [
        (75, "Children's Social Care Performance", dt.date(2017, 12, 12), dt.date(2017, 12, 12)),
        (
            76,
            "Ofsted Inspection Action Plan - Update",
            dt.date(2017, 12, 12),
            dt.date(2017, 12, 12),
        ),
    ]
    assert all(d.agenda_item.outcome == AgendaItem.Outcome.DEFERRED for d in deferrals)
    # The deferred performance report is item 8 of the February agenda, under the same topic.
    performance = deferrals.get(agenda_item__number=75).topic
    assert list(performance.items.values_list("meeting__date", "number")) == [
        (dt.date(2017, 12, 12), 75),
        (dt.date(2018, 2, 13), 8),
    ]
    assert list(february.items.values_list("number", flat=True)) == list(range(1, 12))


def test_two_reports_went_to_the_new_municipal_year_one_to_a_meeting_one_as_text(demo):
    december = meeting("2017-12-12")
    moved = {
        d.topic.title: (d.from_meeting.date, d.to_meeting and d.to_meeting.date, d.to_text)
        for d in Deferral.objects.filter(agenda_item__isnull=True, decided_at=december)
    }

    assert moved == {
        "Fostering Recruitment": (dt.date(2018, 2, 13), dt.date(2018, 7, 10), ""),
        "Brighter Futures Service": (
            dt.date(2018, 2, 13),
            None,
            "the next meeting in the new municipal year (2018/19)",
        ),
    }
    fostering = WorkProgrammeTopic.objects.get(title="Fostering Recruitment")
    assert fostering.work_programme.municipal_year.label == "2018/19"
    assert WorkProgrammeTopic.objects.get(title="Brighter Futures Service").target_meeting is None


def test_work_programme_2017_18_holds_the_seed_topics_with_lead_officers(demo):
    topics = WorkProgrammeTopic.objects.filter(
        work_programme__committee__slug=THURROCK,
        work_programme__municipal_year__start_date=dt.date(2017, 5, 1),
    )

    # 30 topics in the programme; Fostering Recruitment moved on to the 2018/19 programme.
    assert topics.count() == 29
    assert set(
        topics.filter(target_meeting__date=dt.date(2018, 2, 13)).values_list("title", flat=True)
    ) == {
        "Youth Cabinet Update",
        "LSCB Annual Report 2016 \N{EN DASH} 17",
        "Children's Social Care Development Plan 2018 \N{EN DASH} 19",
        "Social Care Performance",
        "Children Missing Education",
        "SEND Peer Review Action Plan and Progress Update",
        "Social Care Update on Post Ofsted Action Plan",
    }
    lscb = topics.get(title="LSCB Annual Report 2016 \N{EN DASH} 17")
    assert (lscb.lead_officer.name, lscb.requested_at.date) == (
        "Alan Cotgrove",
        dt.date(2017, 12, 12),
    )
    assert set(topics.unscheduled().values_list("title", flat=True)) == {
        "Serious Case Review Report - Harry",
        "Looked after Children",
        "Brighter Futures Service",  # deferred to "the new municipal year", no meeting yet
    }
    merged = WorkProgrammeTopic.objects.get(title="Anti-Bullying Prevention at Primary Schools")
    assert (merged.status, merged.merged_into.title) == ("merged", "Anti-Bullying Policy")


def test_exempt_item_shows_the_public_only_its_public_title(demo):
    item = AgendaItem.objects.get(is_exempt=True)

    assert item.public_title == "Placement Commissioning: Contract Award"
    assert item.display_title == "Placement Commissioning: Contract Award"
    assert item.exempt_paragraph == 3
    assert "Marrowbeck" in item.title and "Marrowbeck" in item.report_summary
    assert item.public_interest_reason
    assert (item.meeting.date, item.number) == (dt.date(2026, 11, 10), 27)
    assert [r.kind for r in item.resolutions.order_by("position")] == ["note", "action"]
    action = item.actions.get()
    assert "Marrowbeck" in action.title and action.due_back_meeting.date == dt.date(2027, 3, 11)
    assert item.topic.title == item.public_title  # the work programme is public

    anonymous = AnonymousUser()
    assert not AgendaItem.objects.visible_to(anonymous).filter(pk=item.pk).exists()
    assert not Resolution.objects.visible_to(anonymous).filter(text__contains="Marrowbeck").exists()
    assert not Action.objects.visible_to(anonymous).filter(title__contains="Marrowbeck").exists()


def test_current_year_slice_gives_reminders_something_to_do(demo):
    upcoming = list(
        Meeting.objects.filter(committee__slug=THURROCK)
        .upcoming(TODAY)
        .values_list("date", flat=True)
    )
    assert upcoming == [dt.date(2027, 1, 14), dt.date(2027, 3, 11)]
    assert set(
        meeting("2027-01-14").items.awaiting_report().values_list("title", "report_author__name")
    ) == {
        ("Sufficiency of Foster Placements", "Sheila Murphy"),
        ("Care Leavers' Accommodation: Occupancy and Move-on Outcomes", "Sheila Murphy"),
        ("Children's Social Care Performance: Quarter 3 2026/27", "Iqbal Vaza"),
        ("School Place Sufficiency 2027-2031", "Roger Edwardson"),
    }

    overdue = Action.objects.overdue(on=TODAY)
    assert set(overdue.values_list("reference", "title")) == {
        (
            "CS (26/27) A01",
            "Send members the exit interview analysis for social workers who left in 2025/26",
        ),
    }
    exit_interviews = overdue.get(reference="CS (26/27) A01")
    assert [(u.as_of, u.rag, u.progress) for u in exit_interviews.updates.rag_history()] == [
        (dt.date(2026, 10, 2), RAG.GREEN, 2),
        (dt.date(2026, 10, 29), RAG.AMBER, 2),
        (dt.date(2026, 11, 16), RAG.RED, 1),
    ]
    due_in_january = Action.objects.open().filter(due_back_meeting__date=dt.date(2027, 1, 14))
    assert list(due_in_january.values_list("title", "owner__name")) == [
        ("Report on Head Start Housing occupancy and move-on outcomes", "Sheila Murphy")
    ]

    foster = WorkProgrammeTopic.objects.get(title="Sufficiency of Foster Placements")
    assert foster.target_meeting.date == dt.date(2027, 1, 14)
    assert list(WorkProgrammeTopic.objects.deferred_at_least(2)) == [foster]

    responses = {
        (r.decision, r.referred_on, r.response_due) for r in ExecutiveResponse.objects.all()
    }
    assert responses == {
        ("accepted", dt.date(2016, 3, 21), dt.date(2016, 5, 21)),
        ("accepted", dt.date(2026, 9, 23), dt.date(2026, 11, 23)),
        ("pending", dt.date(2026, 11, 18), dt.date(2027, 1, 18)),
    }


def test_demo_accounts_log_in_with_their_documented_passwords(demo, client):
    assert [username for username, _, _ in DEMO_ACCOUNTS] == ["officer", "chair", "author"]
    for username, password, _ in DEMO_ACCOUNTS:
        assert client.login(username=username, password=password), username
        client.logout()


def test_demo_accounts_have_their_roles(demo, django_user_model):
    accounts = {u.username: u for u in django_user_model.objects.select_related("person")}

    assert {name: (u.person.name, u.is_staff, u.is_superuser) for name, u in accounts.items()} == {
        "officer": ("Wendy Le", True, True),
        "chair": ("Bukky Okunade", False, False),
        "author": ("Sheila Murphy", False, False),
    }
    assert list(Committee.objects.chaired_by(accounts["chair"]).values_list("slug", flat=True)) == [
        THURROCK
    ]
    author = accounts["author"].person
    assert author.reports_authored.exists() and author.actions_owned.open().exists()
    for username, password, _ in DEMO_ACCOUNTS:
        validate_password(password, accounts[username])


def test_second_run_changes_no_row_in_any_table(demo):
    before = row_counts()

    output = load()

    assert row_counts() == before
    assert "nothing to create" in output


def test_historic_actions_and_recommendations_are_closed_as_they_were(demo):
    historic = Action.objects.filter(agenda_item__meeting__date__lt=dt.date(2026, 1, 1))

    assert not historic.open().exists()
    council_tax = Action.objects.get(reference="CS (17/18) A03")
    assert (council_tax.status, council_tax.closed_on) == (
        Action.Status.COMPLETED,
        dt.date(2018, 7, 10),
    )
    assert not Resolution.objects.recommendations().filter(executive_response__isnull=True)
    slough = ExecutiveResponse.objects.get(resolution__committee__reference_prefix="ECS")
    assert (slough.referred_on, slough.decision, slough.responded_on, slough.implemented_on) == (
        dt.date(2016, 3, 21),
        "accepted",
        dt.date(2016, 4, 18),
        dt.date(2016, 6, 30),
    )


def test_every_update_is_recorded_on_the_day_it_speaks_for(demo):
    recorded = {
        (u.action.reference, u.as_of, u.recorded_at.astimezone(LONDON).date())
        for u in ActionUpdate.objects.select_related("action")
    }

    assert all(as_of == day for _, as_of, day in recorded)
    assert ("CS (17/18) A03", dt.date(2018, 1, 8), dt.date(2018, 1, 8)) in recorded
    assert ActionUpdate.history.filter(history_date__year=2018).count() == 11
