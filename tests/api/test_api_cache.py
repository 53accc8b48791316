"""Cached API reads: fast repeats, never stale after a committed change, never shared
between readers who may see different things."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from rest_framework.test import APIClient

from actions.models import Action, Resolution
from committees.models import AgendaItem
from tracker.api.caching import _bump
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


# These commit for real (transaction=True): the data version moves when a change commits, and
# inside a test's own transaction nothing ever does.
@pytest.mark.django_db(transaction=True)
def test_a_committed_change_is_seen_at_once(caching, overdue_action, priya):
    client = signed_in(priya)
    assert client.get(f"/api/actions/{overdue_action.pk}/").json()["title"] == (
        "Provide figures on placement moves for under-fives"
    )
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


@pytest.mark.django_db(transaction=True)
def test_a_change_made_outside_the_api_is_seen_too(caching, overdue_action, priya):
    client = signed_in(priya)
    assert client.get("/api/actions/?status=open").json()["count"] == 1
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


def version() -> int:
    return DataVersion.objects.get(pk=1).number


def pending_bumps() -> int:
    return sum(callback is _bump for _, callback, _ in connection.run_on_commit)


class Refused(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_transaction_of_many_rows_and_savepoints_bumps_the_version_once(caching, overdue_action):
    before = version()
    with transaction.atomic():
        for n in range(30):
            with transaction.atomic():
                Action.objects.filter(pk=overdue_action.pk).update(title=f"Figures, take {n}")
                overdue_action.refresh_from_db()
                overdue_action.save()
        assert pending_bumps() == 1
    assert version() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_change_after_a_rolled_back_savepoint_still_bumps_the_version(caching, overdue_action):
    before = version()
    with transaction.atomic():
        try:
            with transaction.atomic():
                overdue_action.title = "Refused row"
                overdue_action.save()
                raise Refused
        except Refused:
            pass
        assert pending_bumps() == 0  # dropped with the savepoint, as its change was
        overdue_action.title = "Figures for under-fives"
        overdue_action.save()
        assert pending_bumps() == 1
    assert version() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_bump_from_the_outer_transaction_outlives_a_rolled_back_savepoint(
    caching, overdue_action
):
    before = version()
    with transaction.atomic():
        overdue_action.title = "Figures for under-fives"
        overdue_action.save()
        try:
            with transaction.atomic():
                overdue_action.title = "Refused row"
                overdue_action.save()
                assert pending_bumps() == 1
                raise Refused
        except Refused:
            pass
        assert pending_bumps() == 1
    assert version() == before + 1
    assert Action.objects.get(pk=overdue_action.pk).title == "Figures for under-fives"


@pytest.mark.django_db(transaction=True)
def test_a_transaction_rolled_back_whole_leaves_the_version_alone(caching, overdue_action):
    before = version()
    with pytest.raises(Refused), transaction.atomic():
        overdue_action.save()
        raise Refused
    assert version() == before
