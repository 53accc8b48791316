"""Cached API reads: fast repeats, never stale after a committed change, never shared
between readers who may see different things."""

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from actions.models import Action, Resolution
from committees.models import AgendaItem
from tracker.api.data_version import DataVersion


@pytest.fixture
def caching(settings, db):
    settings.API_CACHE_SECONDS = 300
    DataVersion.objects.get_or_create(pk=1)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def exempt_item(december):
    item = AgendaItem.objects.create(
        meeting=december,
        number=9,
        title="Sale of the Riverside depot to Marlow Homes",
        public_title="Property matter",
        is_exempt=True,
        exempt_paragraph=3,
        minutes="The bid from Marlow Homes was the highest.",
    )
    Resolution.objects.create(agenda_item=item, text="That the sale to Marlow Homes proceed.")
    return item


def signed_in(person):
    client = APIClient()
    client.force_login(person.user)
    return client


def test_it_answers_a_repeated_read_from_the_cache(
    caching, overdue_action, priya, django_assert_num_queries
):
    client = signed_in(priya)
    first = client.get("/api/actions/")
    # Again: the session, the user and the data version; no action queries.
    with django_assert_num_queries(3):
        again = client.get("/api/actions/")
    assert again.json() == first.json()
    assert [a["reference"] for a in again.json()["results"]] == ["CS (17/18) A01"]


def test_a_committed_change_is_seen_at_once(
    caching, overdue_action, priya, django_capture_on_commit_callbacks
):
    client = signed_in(priya)
    assert client.get(f"/api/actions/{overdue_action.pk}/").json()["title"] == (
        "Provide figures on placement moves for under-fives"
    )
    with django_capture_on_commit_callbacks(execute=True):
        changed = client.patch(
            f"/api/actions/{overdue_action.pk}/",
            {"title": "Figures for under-fives"},
            format="json",
        )
    assert changed.status_code == 200
    assert (
        client.get(f"/api/actions/{overdue_action.pk}/").json()["title"]
        == "Figures for under-fives"
    )


def test_a_change_made_outside_the_api_is_seen_too(
    caching, overdue_action, priya, django_capture_on_commit_callbacks
):
    client = signed_in(priya)
    assert client.get("/api/actions/?status=open").json()["count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        Action.objects.filter(pk=overdue_action.pk).update(due_date=dt.date(2018, 3, 1))
    assert client.get("/api/actions/?status=open").json()["results"][0]["due_date"] == "2018-03-01"


def test_the_public_is_never_served_what_staff_were(caching, exempt_item, priya):
    staff_view = signed_in(priya).get(f"/api/agenda-items/{exempt_item.pk}/").json()
    assert staff_view["minutes"] == "The bid from Marlow Homes was the highest."
    public_view = APIClient().get(f"/api/agenda-items/{exempt_item.pk}/").json()
    assert (public_view["title"], public_view["minutes"], public_view["resolutions"]) == (
        "Property matter",
        None,
        [],
    )
    assert "Marlow" not in APIClient().get("/api/agenda-items/").content.decode()


def test_one_chair_is_never_served_what_another_was(caching, committee, exempt_item, alan, dev):
    from committees.models import Membership

    assert "Marlow" in signed_in(alan).get("/api/agenda-items/").content.decode()
    # Dev sits on the committee but does not chair it: he sees the shell only.
    Membership.objects.create(committee=committee, person=dev, start_date=dt.date(2017, 5, 20))
    assert "Marlow" not in signed_in(dev).get("/api/agenda-items/").content.decode()
