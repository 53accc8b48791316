"""The three busiest lists, uncached: a fixed number of queries whatever the page size, and
the same JSON from their plain-row pages (tracker/api/list_pages.py) as from the model
serializers they stand in for.

The lists: the outstanding actions of one committee, every overdue action, and a meeting's
agenda items with their resolutions, read by staff, a chair (who opens the exempt item),
a stranger and the public (who see it as a shell).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions import progress
from actions.models import RAG, Action, Resolution
from committees.models import LONDON, AgendaItem
from tests.builders import build_world, client_as, world_built_once_per_module
from tracker.api import list_pages, serializers
from tracker.api.views import ActionViewSet, AgendaItemViewSet

# Also run on SQLite by make test: the busiest lists run SQL compiled by the API itself.
pytestmark = pytest.mark.sqlite

LISTS = {
    "outstanding actions of one committee": "/api/actions/?committee=childrens-services&status=open",
    "all overdue actions": "/api/actions/?overdue=true",
    "a meeting with its items and resolutions": "/api/agenda-items/?meeting={meeting}",
}
ROLES = ("staff", "chair", "stranger", "anonymous")


BUSY_DAY = dt.datetime(2018, 3, 1, 10, tzinfo=LONDON)


def build_busy_world():
    """The API world, then sixty open actions of the committee, all overdue, half with RAG
    updates, owned by the stranger's colleague; twelve more items on the December agenda
    (four exempt), each with two resolutions. Built once for the module."""
    world = build_world()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: BUSY_DAY)
        for i in range(12):
            item = AgendaItem.objects.create(
                meeting=world.december,
                number=30 + i,
                position=3 + i,
                title=f"Item {i}",
                description=f"About item {i}.",
                report_author=world.dev,
                is_exempt=i % 3 == 0,
                exempt_paragraph=AgendaItem.ExemptParagraph.FINANCIAL if i % 3 == 0 else None,
                public_title=f"Public title {i}" if i % 3 == 0 else "",
            )
            for n in (1, 2):
                Resolution.objects.create(
                    agenda_item=item, position=n, number=str(n), text=f"Resolved {i}.{n}."
                )
        for i in range(60):
            action = Action.objects.create(
                agenda_item=world.public_item,
                title=f"Busy action {i}",
                owner=world.dev if i % 2 else None,
                due_date=dt.date(2018, 1, 1) + dt.timedelta(days=i % 20) if i % 4 else None,
                due_back_meeting=None if i % 4 else world.february,
            )
            if i % 2:
                progress.record_update(
                    action, text=f"Update {i}.", rag=(RAG.RED, RAG.AMBER)[i % 4 // 2], by=None
                )
    return world


world_as_built, world = world_built_once_per_module(build_busy_world)


@pytest.fixture
def busy(world, set_clock):
    """The busy world on 1 March 2018 at 10:00."""
    set_clock(BUSY_DAY)
    return world


def path_of(name: str, world) -> str:
    return LISTS[name].format(meeting=world.december.pk)


def queries(client, path: str, page_size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{path}&page_size={page_size}")
    assert response.status_code == 200, response.content[:300]
    return len(captured), len(response.data["results"])


# Queries of one uncached read, the same at page sizes 5 and 50: the token (none for the
# public), the filter's committee or meeting, the page with the list's total on each row,
# and for agenda items the page's resolutions. A non-staff reader's visibility rules are
# subqueries of those, not queries of their own.
EXPECTED_QUERIES = {
    ("outstanding actions of one committee", "staff"): 3,
    ("outstanding actions of one committee", "chair"): 3,
    ("outstanding actions of one committee", "stranger"): 3,
    ("outstanding actions of one committee", "anonymous"): 2,
    ("all overdue actions", "staff"): 2,
    ("all overdue actions", "chair"): 2,
    ("all overdue actions", "stranger"): 2,
    ("all overdue actions", "anonymous"): 1,
    ("a meeting with its items and resolutions", "staff"): 4,
    ("a meeting with its items and resolutions", "chair"): 4,
    ("a meeting with its items and resolutions", "stranger"): 4,
    ("a meeting with its items and resolutions", "anonymous"): 3,
}


@override_settings(API_CACHE_SECONDS=0)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(LISTS))
def test_the_busy_lists_run_the_same_queries_for_5_rows_as_for_50(busy, name, role):
    client = client_as(busy, role)
    path = path_of(name, busy)
    small, small_rows = queries(client, path, 5)
    large, large_rows = queries(client, path, 50)

    assert small_rows == 5
    assert large_rows > 5
    assert (small, large) == (EXPECTED_QUERIES[name, role],) * 2


@override_settings(API_CACHE_SECONDS=0)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "query",
    [
        *LISTS.values(),
        "/api/actions/?ordering=-due_on_date",
        "/api/actions/?status=completed",
        "/api/actions/?rag=RED&ordering=due_date",
        "/api/actions/?page=2&page_size=20",
        "/api/agenda-items/?committee=childrens-services",
        "/api/agenda-items/?search=Item&deferred_min=1",
        "/api/agenda-items/?exempt=true",
        "/api/actions/?page=last&page_size=7",
        "/api/actions/?page=2&page_size=30",
        "/api/actions/?committee=childrens-services&status=withdrawn",
        # Each item's two resolutions match: a DISTINCT list, counted before its page.
        "/api/agenda-items/?search=Resolved&page_size=5",
    ],
)
def test_plain_row_pages_give_the_serializers_json(busy, monkeypatch, role, query):
    client = client_as(busy, role)
    path = query.format(meeting=busy.december.pk)
    plain = client.get(path)
    again = client.get(path)  # read with the page query compiled by the first
    # The same request through the model serializers (the view's fallback).
    monkeypatch.setattr(list_pages.PlainRows, "matches", lambda self, serializer: False)
    modelled = client.get(path)

    assert plain.status_code == again.status_code == modelled.status_code == 200
    assert plain.json() == modelled.json()
    assert plain.content == again.content == modelled.content  # keys and values alike


def test_the_plain_rows_write_every_field_of_their_serializers():
    assert ActionViewSet.plain_rows.matches(serializers.ActionSerializer)
    assert AgendaItemViewSet.plain_rows.matches(serializers.AgendaItemSerializer)


@override_settings(API_CACHE_SECONDS=0)
@pytest.mark.parametrize(
    "query",
    [
        "/api/actions/?page=99",
        "/api/actions/?page=0",
        "/api/actions/?page=-1",
        "/api/actions/?page=2.5",
        "/api/actions/?page=two",
        "/api/actions/?committee=childrens-services&status=withdrawn&page=2",
        "/api/agenda-items/?meeting={meeting}&page=3&page_size=10",
        "/api/actions/?committee=no-such-committee",
        "/api/actions/?overdue=yes",
        "/api/actions/?page=99999999999999999999",
        "/api/actions/?page=9223372036854775807",
        "/api/actions/?page=1&page=99999999999999999999",
        "/api/agenda-items/?meeting={meeting}&page=99999999999999999999",
    ],
)
def test_plain_row_pages_refuse_what_the_serializers_refuse(busy, monkeypatch, query):
    client = client_as(busy, "staff")
    path = query.format(meeting=busy.december.pk)
    plain, again = client.get(path), client.get(path)
    monkeypatch.setattr(list_pages.PlainRows, "matches", lambda self, serializer: False)
    modelled = client.get(path)

    assert plain.status_code == again.status_code == modelled.status_code
    assert plain.status_code in (400, 404)
    assert plain.content == again.content == modelled.content


@override_settings(API_CACHE_SECONDS=0)
def test_a_page_counts_the_whole_list(busy):
    client = client_as(busy, "staff")
    path = "/api/actions/?committee=childrens-services&status=open&page_size=25"
    first, third = client.get(path).json(), client.get(f"{path}&page=3").json()
    empty = client.get("/api/actions/?committee=childrens-services&status=withdrawn").json()

    total = Action.objects.filter(committee__slug="childrens-services", status="open").count()
    assert total > 50
    assert (first["count"], len(first["results"])) == (total, 25)
    assert (third["count"], len(third["results"])) == (total, total - 50)
    assert third["next"] is None
    assert (empty["count"], empty["results"], empty["next"]) == (0, [], None)


def plain_and_modelled(client, path: str, monkeypatch) -> tuple:
    plain = client.get(path)
    with monkeypatch.context() as serializers_only:
        serializers_only.setattr(list_pages.PlainRows, "matches", lambda self, serializer: False)
        modelled = client.get(path)
    return plain, modelled


@override_settings(API_CACHE_SECONDS=0)
@pytest.mark.parametrize("name", list(LISTS))
def test_a_page_compiled_for_one_reader_is_not_read_for_another(busy, monkeypatch, name):
    path = path_of(name, busy)
    seen = {}
    for role in (*ROLES, *reversed(ROLES)):
        plain, modelled = plain_and_modelled(client_as(busy, role), path, monkeypatch)
        assert plain.status_code == modelled.status_code
        assert plain.content == modelled.content, role
        seen[role] = plain.content
    # The readers do see different lists (a chair opens the exempt items the public sees as
    # shells; the public sees no action of an exempt item).
    assert len(set(seen.values())) > 1


@override_settings(API_CACHE_SECONDS=0)
def test_a_compiled_page_reads_the_data_as_it_is_now_and_the_day_it_is(
    busy, monkeypatch, set_clock
):
    client = client_as(busy, "staff")
    path = "/api/actions/?overdue=true&page_size=100"
    Action.objects.create(
        agenda_item=busy.public_item, title="Due in a fortnight", due_date=dt.date(2018, 3, 15)
    )
    before = client.get(path).json()
    Action.objects.create(
        agenda_item=busy.public_item, title="Late from the start", due_date=dt.date(2018, 2, 1)
    )
    plain, modelled = plain_and_modelled(client, path, monkeypatch)
    assert plain.json()["count"] == before["count"] + 1
    assert plain.content == modelled.content

    set_clock(dt.datetime(2018, 4, 2, 10, tzinfo=LONDON))  # a month on: more are late, later
    plain, modelled = plain_and_modelled(client, path, monkeypatch)
    assert plain.json()["count"] == before["count"] + 2
    assert plain.content == modelled.content


@override_settings(API_CACHE_SECONDS=0)
def test_a_compiled_page_follows_a_filter_to_what_it_names_now(busy, monkeypatch):
    """The committee a slug names is looked up on every read: a page kept for it is read
    only while the same committee, visible to the reader, has that slug."""
    client = client_as(busy, "anonymous")
    path = "/api/actions/?committee=childrens-services&status=open"
    first, _ = plain_and_modelled(client, path, monkeypatch)
    assert first.status_code == 200
    busy.committee.is_published = False
    busy.committee.save()
    plain, modelled = plain_and_modelled(client, path, monkeypatch)
    assert plain.status_code == modelled.status_code == 400
    assert plain.content == modelled.content

    # The slug now names the other committee: its actions, not the first one's.
    busy.committee.slug = "childrens-services-old"
    busy.committee.save()
    busy.health.slug = "childrens-services"
    busy.health.save()
    Action.objects.create(committee=busy.health, title="Health's own action")
    plain, modelled = plain_and_modelled(client, path, monkeypatch)
    assert [row["title"] for row in plain.json()["results"]] == ["Health's own action"]
    assert plain.content == modelled.content


def test_compiled_pages_keep_only_the_most_recently_used():
    pages = list_pages.CompiledPages(size=2)
    first, second, third = object(), object(), object()
    pages.keeper("first")(first)
    pages.keeper("second")(second)
    assert pages.get("first") is first  # now the most recently used
    pages.keeper("third")(third)

    assert (pages.get("first"), pages.get("second"), pages.get("third")) == (first, None, third)
    assert pages.get(None) is None and pages.keeper(None) is None


@override_settings(API_CACHE_SECONDS=0)
@pytest.mark.parametrize("ordering", ["due_on_date", "-due_on_date", "created_at"])
def test_pages_of_actions_equal_in_the_order_asked_come_by_id_and_never_twice(
    busy, monkeypatch, ordering
):
    """Sixty actions share twenty due dates (and one creation moment): the pages, read as
    plain rows or through the serializers, hold every action once, equals by id."""
    client = client_as(busy, "staff")
    read, page = [], 1
    while page:
        path = f"/api/actions/?status=open&ordering={ordering}&page_size=9&page={page}"
        plain, modelled = plain_and_modelled(client, path, monkeypatch)
        assert plain.content == modelled.content
        answer = plain.json()
        read += [(row["due_on"], row["created_at"], row["id"]) for row in answer["results"]]
        page = page + 1 if answer["next"] else None
    field = {"due_on_date": 0, "-due_on_date": 0, "created_at": 1}[ordering]
    expected = sorted(read, key=lambda row: (row[field] or "", row[2]))
    if ordering.startswith("-"):
        expected = sorted(
            sorted(read, key=lambda row: row[2]), key=lambda row: row[field] or "", reverse=True
        )
    assert read == expected
    assert len(read) == len({row[2] for row in read}) == Action.objects.open().count()


def prepared_statements() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: only there is a page's statement prepared on the server",
)


@needs_postgresql
@override_settings(API_CACHE_SECONDS=0)
@pytest.mark.parametrize("name", list(LISTS))
def test_on_postgresql_a_pages_statement_is_prepared_once_and_still_counted(busy, name):
    client = client_as(busy, "staff")
    path = path_of(name, busy)
    first = client.get(path)
    prepared = prepared_statements()
    with CaptureQueriesContext(connection) as captured:
        again = client.get(path)
    assert again.content == first.content
    assert len(captured) == EXPECTED_QUERIES[name, "staff"]
    assert prepared_statements() == prepared >= 1


@needs_postgresql
@override_settings(API_CACHE_SECONDS=0)
def test_behind_a_pooler_in_transaction_mode_nothing_is_prepared(busy, monkeypatch):
    """Told it sits behind PgBouncer in transaction mode (Django's DISABLE_SERVER_SIDE_CURSORS),
    where a prepared statement would not outlive its transaction."""
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    client = client_as(busy, "staff")
    before = prepared_statements()
    for page_size in (7, 7, 8):
        assert client.get(f"/api/actions/?overdue=true&page_size={page_size}").status_code == 200
    assert prepared_statements() == before
