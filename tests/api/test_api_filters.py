"""The API's filters, with the exact rows each returns, and a 400 naming the filter for a value
it cannot use. Time-dependent filters run with the clock moved, never by waiting.

Beside the shared world (see test_api_world.py), Health has an action due back at its March
meeting, and Children's Services has one from July 2018, the first meeting of 2018/19. The
Placement Stability item is deferred twice: to February, and from there to March.
"""

import datetime as dt

import pytest
from django.utils import timezone

from actions.models import Action
from committees import deferrals
from committees.models import LONDON, AgendaItem, Authority, Meeting
from tests.builders import build_world, client_as, walk, world_built_once_per_module

# Also run on SQLite by make test: the busiest lists run SQL compiled by the API itself.
pytestmark = pytest.mark.sqlite

D = dt.date


@pytest.fixture
def clock(monkeypatch):
    """Set "now" to 09:00 London time on a given day; `committees.models.today()` follows."""

    def move_to(day: dt.date):
        moment = dt.datetime.combine(day, dt.time(9), tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    move_to(D(2018, 1, 20))
    return move_to


def build_filter_world():
    w = build_world()
    w.march = Meeting.objects.create(committee=w.committee, date=D(2018, 3, 13))
    w.july = Meeting.objects.create(committee=w.committee, date=D(2018, 7, 10))
    w.health_march = Meeting.objects.create(committee=w.health, date=D(2018, 3, 15))
    w.health_item = AgendaItem.objects.create(
        meeting=w.health_meeting, number=7, title="Sexual health services"
    )
    w.health_action = Action.objects.create(
        agenda_item=w.health_item,
        title="Report back on clinic waiting times",
        owner=w.dev,
        due_back_meeting=w.health_march,
    )
    w.july_item = AgendaItem.objects.create(meeting=w.july, number=1, title="Work programme")
    w.next_year_action = Action.objects.create(
        agenda_item=w.july_item,
        title="Draft the work programme for 2018/19",
        owner=w.dev,
        due_date=D(2018, 9, 1),
    )
    first = deferrals.defer_item(
        w.public_item, to_meeting=w.february, reason="The data was late.", by=w.priya.user
    )
    deferrals.defer_topic(
        first.topic,
        to_meeting=w.march,
        reason="Still waiting for the data.",
        decided_at=w.february,
        by=w.priya.user,
    )
    return w


world_as_built, world = world_built_once_per_module(build_filter_world)


def references(client, url):
    return [row["reference"] for row in walk(client, url)]


def titles(client, url):
    return [row["title"] for row in walk(client, url)]


# --- Actions -------------------------------------------------------------------------------


def test_overdue_actions_are_those_open_past_their_due_day(world, clock):
    staff = client_as(world, "staff")
    assert references(staff, "/api/actions/?overdue=true") == ["CS (17/18) A01", "CS (17/18) A04"]
    assert references(staff, "/api/actions/?overdue=false") == [
        "CS (17/18) A02",
        "CS (17/18) A03",
        "CS (18/19) A01",
        "HO (17/18) A01",
    ]


def test_an_action_becomes_overdue_the_day_after_it_was_due(world, clock):
    staff = client_as(world, "staff")
    clock(D(2018, 2, 1))
    assert references(staff, "/api/actions/?overdue=true") == ["CS (17/18) A01", "CS (17/18) A04"]
    clock(D(2018, 2, 2))
    assert references(staff, "/api/actions/?overdue=true") == [
        "CS (17/18) A01",
        "CS (17/18) A02",
        "CS (17/18) A04",
    ]


def test_an_action_due_back_at_a_meeting_is_overdue_once_the_meeting_has_passed(world, clock):
    staff = client_as(world, "staff")
    clock(D(2018, 3, 15))
    assert "HO (17/18) A01" not in references(staff, "/api/actions/?overdue=true")
    clock(D(2018, 3, 16))
    assert "HO (17/18) A01" in references(staff, "/api/actions/?overdue=true")


def test_the_public_sees_only_the_overdue_actions_it_may_read(world, clock):
    public = client_as(world, "anonymous")
    assert references(public, "/api/actions/?overdue=true") == ["CS (17/18) A01"]


def test_actions_by_committee_year_meeting_and_status(world):
    staff = client_as(world, "staff")
    assert references(staff, "/api/actions/?committee=health") == ["HO (17/18) A01"]
    assert references(staff, "/api/actions/?municipal_year=2018/19") == ["CS (18/19) A01"]
    assert references(staff, "/api/actions/?municipal_year=2017&committee=childrens-services") == [
        "CS (17/18) A01",
        "CS (17/18) A02",
        "CS (17/18) A03",
        "CS (17/18) A04",
    ]
    assert references(staff, f"/api/actions/?meeting={world.july.pk}") == ["CS (18/19) A01"]
    assert references(staff, f"/api/actions/?due_back_meeting={world.health_march.pk}") == [
        "HO (17/18) A01"
    ]
    assert references(staff, "/api/actions/?status=completed") == ["CS (17/18) A03"]


def test_actions_by_owner_and_by_me(world):
    expected = ["CS (17/18) A01", "CS (18/19) A01", "HO (17/18) A01"]
    assert references(client_as(world, "staff"), f"/api/actions/?owner={world.dev.pk}") == expected
    assert references(client_as(world, "owner"), "/api/actions/?owner=me") == expected
    assert references(client_as(world, "staff"), "/api/actions/?owner=me") == ["CS (17/18) A04"]
    assert references(client_as(world, "anonymous"), "/api/actions/?owner=me") == []


def test_actions_by_the_rag_of_their_latest_update(world):
    staff = client_as(world, "staff")
    assert references(staff, "/api/actions/?rag=AMBER") == ["CS (17/18) A01"]
    assert references(staff, "/api/actions/?rag=RED") == ["CS (17/18) A04"]
    assert references(staff, "/api/actions/?rag=COMPLETED") == ["CS (17/18) A03"]
    assert references(client_as(world, "anonymous"), "/api/actions/?rag=RED") == []


def test_a_newer_update_changes_the_rag_an_action_is_found_by(world):
    owner = client_as(world, "owner")
    added = owner.post(
        "/api/action-updates/",
        {
            "action": world.dev_action.pk,
            "text": "Figures are in.",
            "rag": "GREEN",
            "as_of": "2018-01-02",
        },
        format="json",
    )
    assert added.status_code == 201
    assert references(owner, "/api/actions/?rag=AMBER") == []
    assert references(owner, "/api/actions/?rag=GREEN") == ["CS (17/18) A01"]


def test_actions_due_before_and_after_a_day(world):
    staff = client_as(world, "staff")
    assert references(staff, "/api/actions/?due_before=2018-01-10") == ["CS (17/18) A04"]
    assert references(staff, "/api/actions/?due_before=2018-01-11") == [
        "CS (17/18) A01",
        "CS (17/18) A04",
    ]
    # Due back at a meeting counts as due that day.
    assert references(staff, "/api/actions/?due_after=2018-02-01") == [
        "CS (18/19) A01",
        "HO (17/18) A01",
    ]
    assert references(staff, "/api/actions/?due_after=2018-01-01&due_before=2018-03-01") == [
        "CS (17/18) A01",
        "CS (17/18) A02",
        "CS (17/18) A04",
    ]


def test_actions_exempt_or_not(world):
    staff = client_as(world, "staff")
    assert references(staff, "/api/actions/?exempt=true") == ["CS (17/18) A04"]
    assert references(staff, "/api/actions/?exempt=false&committee=childrens-services") == [
        "CS (17/18) A01",
        "CS (17/18) A02",
        "CS (17/18) A03",
        "CS (18/19) A01",
    ]


def test_actions_text_search_covers_titles_and_resolution_text(world):
    staff = client_as(world, "staff")
    assert references(staff, "/api/actions/?search=placement") == ["CS (17/18) A01"]
    assert references(staff, "/api/actions/?search=FOSTER-CARE") == ["CS (17/18) A01"]
    assert references(staff, "/api/actions/?search=clinic waiting") == ["HO (17/18) A01"]
    assert references(staff, "/api/actions/?search=clinic placement") == []


def test_actions_ordered_by_the_day_they_are_due(world):
    staff = client_as(world, "staff")
    soonest = references(staff, "/api/actions/?status=open&ordering=due_on_date")
    assert soonest == [
        "CS (17/18) A04",
        "CS (17/18) A01",
        "CS (17/18) A02",
        "HO (17/18) A01",
        "CS (18/19) A01",
    ]
    assert references(staff, "/api/actions/?status=open&ordering=-due_on_date") == soonest[::-1]


# --- Agenda items, topics, meetings, resolutions --------------------------------------------


def test_items_deferred_at_least_n_times(world):
    staff = client_as(world, "staff")
    assert titles(staff, "/api/agenda-items/?deferred_min=2") == ["Placement Stability Update"]
    assert titles(staff, "/api/agenda-items/?deferred_min=1") == [
        "Placement Stability Update",
        "ZEBRA-QUARTZ termination of the Oakfield House contract",
    ]
    assert titles(staff, "/api/agenda-items/?deferred_min=3") == []


def test_a_shell_is_not_found_by_what_its_shell_hides(world):
    """The public sees no outcome or deferral count on the exempt item, so cannot filter by them."""
    public = client_as(world, "anonymous")
    assert titles(public, "/api/agenda-items/?deferred_min=1") == ["Placement Stability Update"]
    assert titles(public, "/api/agenda-items/?outcome=deferred") == ["Placement Stability Update"]
    assert titles(client_as(world, "staff"), "/api/agenda-items/?outcome=deferred") == [
        "Placement Stability Update",
        "ZEBRA-QUARTZ termination of the Oakfield House contract",
    ]


def test_items_by_committee_year_meeting_and_exemption(world):
    public = client_as(world, "anonymous")
    assert titles(public, "/api/agenda-items/?committee=health") == ["Sexual health services"]
    assert titles(public, "/api/agenda-items/?municipal_year=2018/19") == ["Work programme"]
    assert titles(public, f"/api/agenda-items/?meeting={world.december.pk}") == [
        "Placement Stability Update",
        "Residential care contract",
    ]
    assert titles(public, "/api/agenda-items/?exempt=true") == ["Residential care contract"]
    assert titles(public, "/api/agenda-items/?exempt=false&committee=childrens-services") == [
        "Placement Stability Update",
        "Work programme",
    ]
    assert titles(public, "/api/agenda-items/?search=under-fives") == ["Placement Stability Update"]


def test_topics_deferred_at_least_n_times_and_tbc(world):
    staff = client_as(world, "staff")
    assert titles(staff, "/api/topics/?deferred_min=2") == ["Placement Stability Update"]
    assert titles(staff, "/api/topics/?deferred_min=1&ordering=title") == [
        "Placement Stability Update",
        "Residential care contract",
        "Review of Children's Centres",
    ]
    assert titles(staff, "/api/topics/?tbc=true") == []
    deferrals.defer_topic(
        world.topic, to_text="the new municipal year", reason="Consultation extended."
    )
    assert titles(staff, "/api/topics/?tbc=true") == ["Review of Children's Centres"]


def test_meetings_upcoming_by_the_clock_and_by_year(world, clock):
    public = client_as(world, "anonymous")
    dates = lambda url: [row["date"] for row in walk(public, url)]  # noqa: E731
    assert dates("/api/meetings/?upcoming=true&committee=childrens-services") == [
        "2018-02-13",
        "2018-03-13",
        "2018-07-10",
    ]
    clock(D(2018, 3, 14))
    assert dates("/api/meetings/?upcoming=true&ordering=date") == ["2018-03-15", "2018-07-10"]
    assert dates("/api/meetings/?municipal_year=2018") == ["2018-07-10"]
    assert dates("/api/meetings/?date_after=2018-02-01&date_before=2018-03-13") == [
        "2018-02-13",
        "2018-03-13",
    ]


def test_resolutions_by_meeting_kind_and_search(world):
    staff = client_as(world, "staff")
    assert references(staff, "/api/resolutions/?kind=recommendation") == [
        "CS (17/18) 01",
        "CS (17/18) 02",
    ]
    assert references(staff, "/api/resolutions/?search=allowances") == ["CS (17/18) 02"]
    assert references(staff, "/api/resolutions/?exempt=true") == ["CS (17/18) 03"]
    assert references(client_as(world, "anonymous"), "/api/resolutions/?exempt=true") == []


# --- Values that cannot be used ------------------------------------------------------------

INVALID = [
    ("actions", "overdue=maybe", "overdue"),
    ("actions", "municipal_year=2017/19", "municipal_year"),
    ("actions", "due_before=notadate", "due_before"),
    ("actions", "due_after=2018-02-30", "due_after"),
    ("agenda-items", "deferred_min=0", "deferred_min"),
    ("agenda-items", "deferred_min=two", "deferred_min"),
    ("topics", "deferred_min=-1", "deferred_min"),
    ("actions", "status=bogus", "status"),
    ("actions", "committee=no-such-slug", "committee"),
    ("agenda-items", "committee=no-such-slug", "committee"),
    ("actions", "meeting=abc", "meeting"),
    ("actions", "due_back_meeting=-1", "due_back_meeting"),
    ("agenda-items", "meeting=99999999999999999999", "meeting"),
    ("agenda-items", "meeting=0", "meeting"),
    ("actions", "owner=abc", "owner"),
    ("actions", "rag=PURPLE", "rag"),
    ("actions", "ordering=title", "ordering"),
    ("agenda-items", "exempt=yes", "exempt"),
    ("agenda-items", "ordering=minutes", "ordering"),
    ("meetings", "municipal_year=last", "municipal_year"),
    ("meetings", "upcoming=1", "upcoming"),
    ("resolutions", "kind=wish", "kind"),
    ("topics", "tbc=maybe", "tbc"),
]


@pytest.mark.parametrize(("endpoint", "query", "name"), INVALID)
def test_a_value_that_cannot_be_used_is_a_400_naming_the_filter(world, endpoint, query, name):
    refused = client_as(world, "staff").get(f"/api/{endpoint}/?{query}")
    assert refused.status_code == 400
    assert list(refused.data) == [name]


def test_a_draft_committee_is_no_such_slug_to_the_public(world):
    world.health.is_published = False
    world.health.save()
    assert client_as(world, "anonymous").get("/api/actions/?committee=health").status_code == 400
    assert references(client_as(world, "other_chair"), "/api/actions/?committee=health") == [
        "HO (17/18) A01"
    ]


def test_a_draft_meeting_is_no_such_meeting_to_the_public_on_every_read(world):
    """The meeting a filter names is looked up with a query compiled once for each reader:
    the same answer as the first read, and a change of the meeting is seen at once."""
    public = client_as(world, "anonymous")
    path = f"/api/agenda-items/?meeting={world.health_meeting.pk}"
    assert titles(public, path) == titles(public, path) == ["Sexual health services"]
    world.health_meeting.is_published = False
    world.health_meeting.save()
    for _ in range(2):
        refused = public.get(path)
        assert refused.status_code == 400
        assert list(refused.data) == ["meeting"]
    assert titles(client_as(world, "staff"), path) == ["Sexual health services"]


def test_page_size_pages_and_is_capped_at_200(world):
    staff = client_as(world, "staff")
    first = staff.get("/api/actions/?page_size=2")
    assert (first.data["count"], len(first.data["results"])) == (6, 2)
    assert first.data["next"] == "http://testserver/api/actions/?page=2&page_size=2"
    assert len(walk(staff, "/api/actions/?page_size=2")) == 6
    assert staff.get("/api/actions/?page=9").status_code == 404
    Authority.objects.bulk_create(
        Authority(name=f"Council number {n}", slug=f"council-{n}") for n in range(205)
    )
    capped = staff.get("/api/authorities/?page_size=5000")
    assert (capped.data["count"], len(capped.data["results"])) == (207, 200)
