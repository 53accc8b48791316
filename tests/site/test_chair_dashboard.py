"""My work for a chair (issue 14, part 1): for each committee they chair or vice-chair, what
needs them, on Monday 22 January 2018 unless the clock is moved."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from actions.progress import record_update
from committees.models import AgendaItem, Membership, Person
from tests.site import page_world as support
from tests.site.page_world import SECRET, login
from tests.site.test_pages import grow, text_of

clock, sam, world = support.clock, support.sam, support.world

pytestmark = pytest.mark.django_db


def test_chair_sees_overdue_actions_the_next_meeting_deferrals_and_responses(
    client, world, alan, overdue_action
):
    login(client, alan)
    page = text_of(client.get("/my-work/"))
    assert (
        "Children's Services O&S: for the chair What needs you as chair or vice-chair of the "
        "Children's Services Overview and Scrutiny Committee , as of 22 January 2018."
    ) in page
    # Overdue, most late first; the chair may read the committee's exempt action.
    assert (
        "Overdue actions Overdue actions of Children's Services O&S, most late first Reference "
        "Action Owner Due Late What to do "
        f"CS (17/18) A03 {SECRET} action for Child Q Sam Ruiz 5 January 2018 17 days late "
        "Record progress : CS (17/18) A03 "
        "CS (17/18) A01 Provide figures on placement moves for under-fives Dev Okafor "
        "10 January 2018 12 days late Record progress : CS (17/18) A01"
    ) in page
    assert "No actions await your sign-off." in page
    assert (
        "What the next meeting expects Next meeting: Tuesday 13 February 2018 ; reports due "
        "30 January 2018. Reports expected at the meeting of 13 February 2018 Report From "
        "Status Youth Offending Service Inspection Dev Okafor Not received Actions due back "
        "No open actions are due back to this meeting."
    ) in page
    assert (
        "Deferred topics Deferred topics of Children's Services O&S, most often deferred first "
        "Topic Lead Now planned for Times deferred What to do Commercial matter (exempt) "
        "Sam Ruiz 13 March 2018 1 Move : Commercial matter (exempt)"
    ) in page
    assert (
        "Executive responses awaited Executive responses awaited by Children's Services O&S "
        "Recommendation From Response due CS (17/18) 01 Cabinet 15 March 2018 My open actions"
    ) in page
    html = client.get("/my-work/").content.decode()
    assert f'href="{overdue_action.get_absolute_url()}#update"' in html
    assert f'href="/resolutions/{world["recommendation"].pk}/"' in html
    assert f'href="/topics/{world["later_exempt"].topic.pk}/move/"' in html


def test_chair_signs_off_what_the_latest_update_says_is_done(
    client, world, alan, overdue_action, set_clock
):
    figures, late = world["figures"], overdue_action
    record_update(figures, text="All figures reported.", rag="GREEN", progress=5, by=None)
    record_update(late, text="Figures sent, but not checked.", rag="RED", progress=5, by=None)
    login(client, alan)
    page = text_of(client.get("/my-work/"))
    assert (
        "Actions awaiting your sign-off An open action awaits sign-off when its latest update "
        "reports progress 5 (completed and sustained) with a Green RAG or none."
    ) in page
    assert (
        "Reference Action Owner Reported done What to do CS (17/18) A02 Report recruitment "
        "figures for foster carers Dev Okafor 22 January 2018 Sign off : CS (17/18) A02 "
        "What the next meeting expects"
    ) in page
    html = client.get("/my-work/").content.decode()
    assert f'href="/actions/{figures.pk}/#sign-off"' in html
    # A later update that says it is not done after all takes it off the list.
    set_clock(dt.datetime(2018, 1, 23, 10, tzinfo=dt.UTC))
    record_update(figures, text="One figure is wrong.", progress=4, by=None)
    assert "No actions await your sign-off." in text_of(client.get("/my-work/"))
    # Signed off, it is no longer open, so not listed either.
    record_update(figures, text="Corrected.", progress=5, by=None)
    assert "Sign off : CS (17/18) A02" in text_of(client.get("/my-work/"))
    client.post(f"/actions/{figures.pk}/sign-off/", {"text": "Done."})
    figures.refresh_from_db()
    assert figures.status == "completed"
    assert "No actions await your sign-off." in text_of(client.get("/my-work/"))


def test_after_february_the_next_meeting_is_march_with_what_comes_back(
    client, world, alan, february, march, set_clock
):
    AgendaItem.objects.create(
        meeting=march,
        number=40,
        position=1,
        title="Annual Fostering Report",
        report_submitted_at=dt.datetime(2018, 2, 16, 9, tzinfo=dt.UTC),
    )
    set_clock(dt.datetime(2018, 2, 20, 10, tzinfo=dt.UTC))
    login(client, alan)
    page = text_of(client.get("/my-work/"))
    assert (
        "Next meeting: Tuesday 13 March 2018 ; reports due 27 February 2018. Reports expected "
        "at the meeting of 13 March 2018 Report From Status Annual Fostering Report Not named "
        "Received Commercial matter (exempt) Exempt (Part 2) Sam Ruiz Not received "
        "Actions due back CS (17/18) A02 Report recruitment figures for foster carers "
        "(Dev Okafor) Green"
    ) in page
    # Three weeks on, the figures are late too and the March deadline has passed.
    set_clock(dt.datetime(2018, 3, 1, 10, tzinfo=dt.UTC))
    page = text_of(client.get("/my-work/"))
    assert "reports due 27 February 2018 Deadline passed ." in page
    assert "CS (17/18) A01 Provide figures on placement moves for under-fives" in page
    assert "50 days late" in page


def test_executive_response_shows_overdue_after_its_two_months(client, world, alan, set_clock):
    set_clock(dt.datetime(2018, 3, 16, 10, tzinfo=dt.UTC))
    login(client, alan)
    page = text_of(client.get("/my-work/"))
    assert "CS (17/18) 01 Cabinet 15 March 2018 Overdue My open actions" in page


def test_a_chair_of_another_committee_sees_none_of_this_committees_business(
    client, world, other_committee, health_meeting
):
    user = get_user_model().objects.create_user("rosa", password="rosa-pass")
    rosa = Person.objects.create(name="Rosa Lee", user=user, is_councillor=True)
    Membership.objects.create(
        committee=other_committee,
        person=rosa,
        role=Membership.Role.VICE_CHAIR,
        start_date=dt.date(2017, 5, 20),
    )
    login(client, rosa)
    page = text_of(client.get("/my-work/"))
    assert "Health O&S: for the chair" in page
    assert "Children's Services O&S: for the chair" not in page
    assert SECRET not in page and "Commercial matter" not in page and "CS (17/18)" not in page
    assert "No actions are overdue." in page and "No meeting is scheduled yet." in page


def test_a_former_chair_and_the_author_see_no_chair_dashboard(client, world, alan, dev):
    login(client, dev)
    page = text_of(client.get("/my-work/"))
    assert "for the chair" not in page and SECRET not in page
    Membership.objects.filter(person=alan).update(end_date=dt.date(2018, 1, 1))
    login(client, alan)
    page = text_of(client.get("/my-work/"))
    assert "for the chair" not in page and SECRET not in page


@pytest.mark.parametrize("rows", [3, 30])
def test_the_chair_dashboard_runs_a_fixed_number_of_queries(
    client,
    world,
    committee,
    december,
    february,
    dev,
    sam,
    alan,
    overdue_action,
    rows,
    django_assert_max_num_queries,
):
    grow(world, rows, committee, december, february, dev, sam)
    for action in world["figures"], overdue_action:
        record_update(action, text="Done.", rag="GREEN", progress=5, by=None)
    login(client, alan)
    with django_assert_max_num_queries(CHAIR_MAX_QUERIES):
        response = client.get("/my-work/")
    page = text_of(response)
    assert f"Coming {rows - 1} Dev Okafor Not received" in page
    assert "Sign off : CS (17/18) A01" in page


# Measured at 17 with 3 rows and with 30: the dashboard reads its committees, overdue actions,
# actions awaiting sign-off, next meetings, their reports, topics and actions due back, deferred
# topics and their deferrals, and executive responses once each, whatever the number of rows.
CHAIR_MAX_QUERIES = 17
