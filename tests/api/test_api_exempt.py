"""Exempt (Part 2) business never reaches someone without access through the API.

The world's exempt item carries the marker ZEBRA-QUARTZ in its real title, description,
report summary, minutes, public-interest reason, resolution, action, action update and
deferral reason. The walk reads every list endpoint a page of one row at a time, every
detail address it finds, the searches, the filters and the counts, as JSON and as the
browsable HTML, and the marker must appear nowhere. Priya (staff) and Alan (the item's
committee chair) do see it.
"""

import pytest

from tests.builders import SECRET, client_as, walk
from tracker.api.urls import router

OUTSIDERS = ["anonymous", "owner", "other_chair", "stranger"]
INSIDERS = ["staff", "chair"]


def list_endpoints():
    return [prefix for prefix, _viewset, _basename in router.registry]


def detail_key(endpoint: str, row: dict):
    return row["slug"] if endpoint == "committees" else row["id"]


def every_response(client, w):
    """(url, body) for every page, detail, search, filter and count a reader can ask for."""
    bodies = []

    def get(url):
        response = client.get(url)
        bodies.append((url, response.status_code, response.content.decode()))
        return response

    for endpoint in list_endpoints():
        url = f"/api/{endpoint}/?page_size=1"
        while url:
            response = get(url)
            if response.status_code != 200:
                break
            for row in response.data["results"]:
                get(f"/api/{endpoint}/{detail_key(endpoint, row)}/")
                get(f"/api/{endpoint}/{detail_key(endpoint, row)}/?format=api")
            url = response.data["next"]
        get(f"/api/{endpoint}/?format=api")

    searchable = ["committees", "people", "agenda-items", "topics", "resolutions", "actions"]
    for endpoint in searchable:
        for words in ("ZEBRA", SECRET, "Oakfield", "penalty clause", "notice"):
            get(f"/api/{endpoint}/?search={words}")
    for endpoint in ("agenda-items", "resolutions", "actions"):
        get(f"/api/{endpoint}/?exempt=true")
        get(f"/api/{endpoint}/?exempt=true&format=api")
    hidden = {
        "resolutions": f"agenda_item={w.exempt_item.pk}",
        "actions": f"agenda_item={w.exempt_item.pk}",
        "deferrals": f"agenda_item={w.exempt_item.pk}",
        "action-updates": f"action={w.exempt_action.pk}",
        "agenda-items": "deferred_min=1",
    }
    for endpoint, query in hidden.items():
        get(f"/api/{endpoint}/?{query}")
    # Addressed directly, as someone who guessed the ids would.
    for url in (
        f"/api/agenda-items/{w.exempt_item.pk}/",
        f"/api/resolutions/{w.exempt_resolution.pk}/",
        f"/api/actions/{w.exempt_action.pk}/",
        f"/api/action-updates/{w.exempt_update.pk}/",
        f"/api/deferrals/{w.exempt_deferral.pk}/",
    ):
        get(url)
        get(url + "?format=api")
    return bodies


@pytest.mark.parametrize("role", OUTSIDERS)
def test_the_exempt_text_appears_in_no_response(world, role):
    bodies = every_response(client_as(world, role), world)
    assert len(bodies) > 60
    assert [url for url, _status, body in bodies if SECRET in body or "Oakfield" in body] == []
    assert [url for url, status, _body in bodies if status >= 500] == []


@pytest.mark.parametrize("role", OUTSIDERS)
def test_searches_and_filters_count_no_hidden_rows(world, role):
    client = client_as(world, role)
    counts = {
        url: client.get(url).data["count"]
        for url in (
            "/api/agenda-items/?search=ZEBRA",
            "/api/agenda-items/?search=Oakfield",
            "/api/resolutions/?search=ZEBRA",
            "/api/actions/?search=ZEBRA",
            "/api/topics/?search=ZEBRA",
            "/api/topics/?search=Oakfield",
            "/api/resolutions/?exempt=true",
            "/api/actions/?exempt=true",
        )
    }
    assert set(counts.values()) == {0}
    # The shell is still listed, and found by its public title.
    assert client.get("/api/agenda-items/?exempt=true").data["count"] == 1
    assert client.get("/api/agenda-items/?search=Residential").data["count"] == 1
    assert client.get("/api/resolutions/").data["count"] == 2
    assert client.get("/api/deferrals/").data["count"] == 1


HIDDEN_CHOICES = [
    ("resolutions", "agenda_item", "exempt_item"),
    ("actions", "agenda_item", "exempt_item"),
    ("actions", "resolution", "exempt_resolution"),
    ("deferrals", "agenda_item", "exempt_item"),
    ("action-updates", "action", "exempt_action"),
]


@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize(("endpoint", "name", "hidden"), HIDDEN_CHOICES)
def test_filtering_by_a_hidden_thing_answers_as_for_one_that_does_not_exist(
    world, role, endpoint, name, hidden
):
    client = client_as(world, role)
    by_hidden = client.get(f"/api/{endpoint}/?{name}={getattr(world, hidden).pk}")
    by_missing = client.get(f"/api/{endpoint}/?{name}=987654")
    assert by_hidden.status_code == by_missing.status_code == 400
    assert list(by_hidden.data) == [name]
    assert by_hidden.data == by_missing.data


@pytest.mark.parametrize("role", INSIDERS)
def test_filtering_by_the_exempt_item_finds_its_rows_for_those_who_may_read_it(world, role):
    client = client_as(world, role)
    found = client.get(f"/api/resolutions/?agenda_item={world.exempt_item.pk}")
    assert [row["reference"] for row in found.data["results"]] == ["CS (17/18) 03"]
    deferred = client.get(f"/api/deferrals/?agenda_item={world.exempt_item.pk}")
    assert [row["id"] for row in deferred.data["results"]] == [world.exempt_deferral.pk]


def test_a_topic_made_from_an_exempt_item_says_where_it_came_from_by_its_public_title(world):
    topic = client_as(world, "chair").get(f"/api/topics/{world.exempt_item.topic_id}/").data
    assert (topic["title"], topic["origin"]) == (
        "Residential care contract",
        "Agenda item 21. Residential care contract of 12 December 2017",
    )
    # The topic is exempt with its item: the public reads its public title alone.
    shell = client_as(world, "anonymous").get(f"/api/topics/{world.exempt_item.topic_id}/").data
    assert (shell["title"], shell["readable"], shell["origin"]) == (
        "Residential care contract",
        False,
        None,
    )


def test_the_public_sees_the_exempt_item_as_a_shell(world):
    shell = client_as(world, "anonymous").get(f"/api/agenda-items/{world.exempt_item.pk}/")
    assert shell.status_code == 200
    assert shell.data == {
        "id": world.exempt_item.pk,
        "meeting": world.december.pk,
        "number": 21,
        "position": 2,
        "title": "Residential care contract",
        "readable": False,
        "is_exempt": True,
        "exempt_paragraph": 3,
        "public_title": "Residential care contract",
        "description": None,
        "topic": None,
        "report_author": None,
        "lead_officer": None,
        "report_summary": None,
        "minutes": None,
        "outcome": None,
        "report_submitted_at": None,
        "public_interest_reason": None,
        "deferral_count": None,
        "resolutions": [],
    }


def test_the_shell_is_the_same_in_the_list_as_at_its_own_address(world):
    client = client_as(world, "owner")
    listed = [row for row in walk(client, "/api/agenda-items/?page_size=1") if row["is_exempt"]]
    alone = client.get(f"/api/agenda-items/{world.exempt_item.pk}/").data
    assert listed == [alone]


@pytest.mark.parametrize("role", INSIDERS)
def test_staff_and_the_items_chair_read_everything(world, role):
    client = client_as(world, role)
    item = client.get(f"/api/agenda-items/{world.exempt_item.pk}/").data
    assert item["readable"] is True
    assert item["title"] == "ZEBRA-QUARTZ termination of the Oakfield House contract"
    assert item["minutes"] == "ZEBRA-QUARTZ minutes: members discussed the penalty clause."
    assert [r["text"] for r in item["resolutions"]] == [
        "ZEBRA-QUARTZ that the contract be terminated on 31 March."
    ]
    assert client.get("/api/agenda-items/?search=ZEBRA").data["count"] == 1
    assert [row["reference"] for row in walk(client, "/api/actions/?search=ZEBRA")] == [
        "CS (17/18) A04"
    ]
    assert [row["reason"] for row in walk(client, "/api/deferrals/?page_size=1")] == [
        "Awaiting the consultation results.",
        "ZEBRA-QUARTZ the provider asked for time to respond.",
    ]
    assert [
        row["text"] for row in walk(client, f"/api/action-updates/?action={world.exempt_action.pk}")
    ] == ["ZEBRA-QUARTZ notice drafted by legal."]


def test_an_insiders_walk_does_find_the_text(world):
    """The walk itself can see the marker when it is there to be seen."""
    bodies = every_response(client_as(world, "chair"), world)
    assert len([url for url, _status, body in bodies if SECRET in body]) > 10
