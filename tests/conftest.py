"""Shared people and places for the tests.

The cast: Priya Shah clerks the Children's Services committee (democratic services,
staff); Councillor Alan Marsh chairs it; Dev Okafor writes reports for it. Everything is
invented; tests that need the real minutes read them from ../shared/seeds/.
"""

import datetime as dt
import gc

import pytest
from django.contrib.auth import get_user_model

from actions.models import Action
from committees.models import AgendaItem, Authority, Committee, Meeting, Membership, Person


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """The test database copied from one migrated once per set of migrations
    (tests/database_template.py), rather than migrated again in every test process."""
    from tests.database_template import setup_database, teardown_database

    with django_db_blocker.unblock():
        created = setup_database(verbosity=request.config.option.verbose)
    yield
    with django_db_blocker.unblock():
        teardown_database(created, verbosity=request.config.option.verbose)


@pytest.fixture
def authority(db):
    return Authority.objects.create(name="Riverside Borough Council", slug="riverside")


@pytest.fixture
def priya(db):
    """Democratic services officer: staff, sees everything."""
    user = get_user_model().objects.create_user(
        "priya", "priya.shah@riverside.example", "priya-pass", is_staff=True
    )
    return Person.objects.create(
        name="Priya Shah",
        email="priya.shah@riverside.example",
        job_title="Senior Democratic Services Officer",
        user=user,
    )


@pytest.fixture
def alan(db):
    """Chair of the Children's Services committee (not staff)."""
    user = get_user_model().objects.create_user("alan", "alan.marsh@riverside.example", "alan-pass")
    return Person.objects.create(
        name="Alan Marsh", email="alan.marsh@riverside.example", is_councillor=True, user=user
    )


@pytest.fixture
def dev(db):
    """Report author and action owner."""
    user = get_user_model().objects.create_user("dev", "dev.okafor@riverside.example", "dev-pass")
    return Person.objects.create(
        name="Dev Okafor",
        email="dev.okafor@riverside.example",
        job_title="Head of Children's Social Care",
        user=user,
    )


@pytest.fixture
def committee(authority, priya, alan):
    committee = Committee.objects.create(
        authority=authority,
        name="Children's Services Overview and Scrutiny Committee",
        slug="childrens-services",
        short_name="Children's Services O&S",
        reference_prefix="CS",
        officer=priya,
    )
    Membership.objects.create(
        committee=committee,
        person=alan,
        role=Membership.Role.CHAIR,
        start_date=dt.date(2017, 5, 20),
    )
    return committee


@pytest.fixture
def other_committee(authority, priya):
    return Committee.objects.create(
        authority=authority,
        name="Health Overview and Scrutiny Committee",
        slug="health",
        short_name="Health O&S",
        reference_prefix="HO",
        officer=priya,
    )


@pytest.fixture
def make_meeting(committee):
    def make(day: dt.date, *, on=None, **fields):
        fields.setdefault("start_time", dt.time(19, 0))
        fields.setdefault("venue", "Committee Room 1, Civic Offices")
        return Meeting.objects.create(committee=on or committee, date=day, **fields)

    return make


@pytest.fixture
def december(make_meeting):
    return make_meeting(dt.date(2017, 12, 12))


@pytest.fixture
def february(make_meeting):
    return make_meeting(dt.date(2018, 2, 13))


@pytest.fixture
def december_item(december):
    return AgendaItem.objects.create(
        meeting=december, position=1, title="Placement Stability Update"
    )


@pytest.fixture
def overdue_action(committee, december_item, dev):
    """An open action Dev owns, due Wednesday 10 January 2018."""
    return Action.objects.create(
        committee=committee,
        agenda_item=december_item,
        title="Provide figures on placement moves for under-fives",
        owner=dev,
        due_date=dt.date(2018, 1, 10),
    )


# --- Added for the domain-rule tests -------------------------------------------------------


@pytest.fixture
def march(make_meeting):
    return make_meeting(dt.date(2018, 3, 13))


@pytest.fixture
def july(make_meeting):
    """The first meeting of the 2018/19 municipal year."""
    return make_meeting(dt.date(2018, 7, 10))


@pytest.fixture
def health_meeting(make_meeting, other_committee):
    """A meeting of the other committee (Health), in the same week as December's."""
    return make_meeting(dt.date(2017, 12, 14), on=other_committee)


@pytest.fixture
def make_item(december):
    """An agenda item, on December's meeting unless told otherwise."""
    from committees.models import AgendaItem

    def make(number=None, title="Performance report", *, meeting=None, **fields):
        return AgendaItem.objects.create(
            meeting=meeting or december, number=number, title=title, **fields
        )

    return make


@pytest.fixture
def set_clock(monkeypatch):
    """Move the clock: `set_clock(dt.datetime(...))` makes every "now" and "today" that moment."""
    from django.utils import timezone

    def move(moment: dt.datetime) -> dt.datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return move


@pytest.fixture
def autumn_2017(set_clock):
    """Monday 20 November 2017, 10:00 London: December's meeting and everything after it are
    still to come, so topics can be planned and moved to them as on that day."""
    return set_clock(dt.datetime(2017, 11, 20, 10, 0, tzinfo=dt.UTC))


def pytest_collection_modifyitems(config, items):
    """Mark `services` the tests that share the machine's Redis and start real workers and
    beats: `make test` runs them one at a time, beside the parallel pool (pytest-xdist) of the
    rest, which never touches Redis. Browsers, hostile input and the bookmark scenarios need
    nothing shared, so they run in the pool."""
    for item in items:
        if item.get_closest_marker("redis") or "reminders/test_celery_worker.py" in item.nodeid:
            item.add_marker(pytest.mark.services)


def pytest_collection_finish(session):
    """Once every test module is imported, the collector leaves alone what is there (Django,
    REST framework, the project, the tests) and runs less often: about 6% of the suite's CPU
    went to scanning those same objects again and again."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
