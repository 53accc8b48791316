"""The server-rendered pages, through Django's test client, on 22 January 2018."""

import datetime as dt
import html as htmllib
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from actions.models import Action, ActionUpdate
from committees.models import Committee, Meeting, WorkProgrammeTopic
from tests.site import page_world as support
from tests.site.page_world import SECRET, login

# The shared world of the page tests (fixtures).
clock, sam, world = support.clock, support.sam, support.world

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page as a reader hears it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    out = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return out


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Home and committee page ---------------------------------------------------------------


def test_home_lists_published_committees_with_open_actions(client, world, other_committee):
    Committee.objects.filter(pk=other_committee.pk).update(is_published=False)
    page = text_of(client.get("/"))
    # The public sees A01 and A02 open; A03 is on an exempt item, so not counted.
    assert "Children's Services Overview and Scrutiny Committee Committee Priya Shah 2" in page
    assert "Health Overview" not in page


def test_home_filters_and_sorts_committees(client, world, other_committee, priya):
    login(client, priya)
    page = text_of(client.get("/?q=health"))
    assert "Health Overview and Scrutiny Committee" in page
    assert "Children's Services Overview" not in page
    assert "No committee matches these filters" in text_of(client.get("/?q=planning"))
    rows = re.findall(
        r'<td><a href="/committees/([\w-]+)/"', client.get("/?sort=open").content.decode()
    )
    assert rows == ["childrens-services", "health"]


def test_committee_page_lists_overdue_actions_first_with_days_late(client, world, clock):
    response = client.get("/committees/childrens-services/")
    assert response.status_code == 200
    page = text_of(response)
    assert (
        "Overdue (1) Reference Action Owner Due Late CS (17/18) A01 Provide figures on placement "
        "moves for under-fives Dev Okafor 10 January 2018 12 days late No RAG yet"
    ) in page
    assert "Green (1)" in page and "CS (17/18) A02 Report recruitment figures" in page
    assert "Meeting of 13 March 2018" in page


def test_committee_page_shows_meetings_members_deferrals_and_recommendations(
    client, world, clock, priya
):
    login(client, priya)
    page = text_of(client.get("/committees/childrens-services/"))
    assert ("Tuesday 13 February 2018 7pm, Committee Room 1, Civic Offices 30 January 2018") in page
    assert "Councillor Alan Marsh Chair" in page
    assert "Commercial matter (exempt) Sam Ruiz 13 March 2018 1" in page
    assert (
        "CS (17/18) 01 That the Cabinet fund two more placement support workers. Cabinet "
        "received 15 January 2018 15 March 2018"
    ) in page
    assert (
        f'id="response-{world["response"].pk}"'
        in client.get("/committees/childrens-services/").content.decode()
    )


def test_committee_page_lists_its_last_five_past_meetings_latest_first(
    client, world, clock, make_meeting, december
):
    older = [make_meeting(dt.date(2017, month, 10)) for month in (6, 7, 9, 10, 11)]
    make_meeting(dt.date(2017, 11, 20), status=Meeting.Status.CANCELLED)
    html = client.get("/committees/childrens-services/").content.decode()
    past = html.split('id="past-meetings"')[1].split("<h2")[0]
    links = re.findall(r'<a href="(/meetings/\d+/)">([^<]+)</a>', past)
    cancelled = Meeting.objects.get(date=dt.date(2017, 11, 20))
    assert links == [
        (december.get_absolute_url(), "Tuesday 12 December 2017"),
        (cancelled.get_absolute_url(), "Monday 20 November 2017"),
        (older[4].get_absolute_url(), "Friday 10 November 2017"),
        (older[3].get_absolute_url(), "Tuesday 10 October 2017"),
        (older[2].get_absolute_url(), "Sunday 10 September 2017"),
    ]
    page = text_of(client.get("/committees/childrens-services/"))
    assert "Monday 20 November 2017 Cancelled Friday 10 November 2017" in page
    assert "The last 5 meetings, latest first." in page
    # The upcoming ones are still there, soonest first.
    assert "Upcoming meetings Upcoming meetings and report deadlines Meeting" in page
    assert "Tuesday 13 February 2018 7pm" in page


def test_a_committee_with_no_upcoming_meeting_still_leads_to_its_meetings(
    client, clock, other_committee, health_meeting
):
    page = text_of(client.get("/committees/health/"))
    assert (
        "Upcoming meetings No meetings are scheduled yet. "
        "Past meetings Thursday 14 December 2017 Outstanding actions"
    ) in page
    html = client.get("/committees/health/").content.decode()
    assert f'<a href="{health_meeting.get_absolute_url()}">Thursday 14 December 2017</a>' in html
    assert "The last 5 meetings" not in page


def test_a_committee_with_no_meetings_says_so(client, clock, other_committee):
    page = text_of(client.get("/committees/health/"))
    assert "Past meetings No meetings have been held yet." in page


def test_login_leads_to_the_sign_in_page(client):
    response = client.get("/login/")
    assert (response.status_code, response.url) == (302, "/accounts/login/")
    response = client.get("/login/?next=/my-work/")
    assert (response.status_code, response.url) == (302, "/accounts/login/?next=/my-work/")
    assert client.get(response.url).status_code == 200


def test_the_public_never_sees_exempt_business_on_the_committee_page(client, world, clock):
    page = client.get("/committees/childrens-services/").content.decode()
    assert SECRET not in page
    assert "CS (17/18) A03" not in page
    # The deferral was decided on an exempt item: not even its count is shown.
    assert "Commercial matter (exempt)" not in page


def test_chairs_and_officers_see_exempt_actions(client, world, clock, alan):
    login(client, alan)
    page = text_of(client.get("/committees/childrens-services/"))
    assert "CS (17/18) A03" in page and "17 days late" in page


def test_unpublished_committee_answers_404_to_the_public(client, world):
    Committee.objects.update(is_published=False)
    assert client.get("/committees/childrens-services/").status_code == 404
    assert client.get(world["figures"].get_absolute_url()).status_code == 404
    assert client.get("/committees/childrens-services/tracker.csv").status_code == 404
    assert client.get("/committees/childrens-services/calendar.ics").status_code == 404


# --- Actions list: filters, sorting, pagination --------------------------------------------


def test_committee_actions_filters_by_status_owner_and_rag(client, world, clock, priya):
    login(client, priya)
    url = "/committees/childrens-services/actions/"
    refs = lambda response: re.findall(r"CS \(17/18\) A\d\d", text_of(response))  # noqa: E731
    assert refs(client.get(url)) == ["CS (17/18) A03", "CS (17/18) A01", "CS (17/18) A02"]
    assert refs(client.get(url + "?status=overdue&sort=reference")) == [
        "CS (17/18) A01",
        "CS (17/18) A03",
    ]
    assert refs(client.get(url + "?owner=okafor&sort=reference")) == [
        "CS (17/18) A01",
        "CS (17/18) A02",
    ]
    assert refs(client.get(url + "?rag=RED")) == ["CS (17/18) A03"]
    assert "No action matches these filters" in text_of(client.get(url + "?status=closed"))


def test_committee_actions_says_what_is_wrong_with_a_filter(client, world, priya):
    login(client, priya)
    url = "/committees/childrens-services/actions/"
    page = text_of(client.get(url + "?since_day=31&since_month=2&since_year=2018"))
    assert "There is a problem Open on or after must be a real date." in page
    page = text_of(client.get(url + "?since_day=1&since_year=2018"))
    assert "There is a problem Open on or after must include a month." in page
    page = text_of(client.get(url + "?since=31-02-2018"))
    assert "There is a problem Open on or after must be a real date." in page


def test_committee_actions_are_paged(client, committee, december_item, dev, priya):
    for n in range(30):
        Action.objects.create(committee=committee, agenda_item=december_item, title=f"Task {n}")
    login(client, priya)
    first = text_of(client.get("/committees/childrens-services/actions/?sort=reference"))
    second = text_of(client.get("/committees/childrens-services/actions/?sort=reference&page=2"))
    assert "30 actions." in first and "Page 1 of 2" in first and "CS (17/18) A25" in first
    assert "CS (17/18) A26" in second and "CS (17/18) A25" not in second


# --- Action page ---------------------------------------------------------------------------


def test_action_page_shows_origin_due_and_rag_timeline(client, world, clock, dev):
    login(client, dev)
    page = text_of(client.get(world["figures"].get_absolute_url()))
    assert "Action CS (17/18) A02 Report recruitment figures for foster carers" in page
    assert "Resolution CS (17/18) 02 : That the recruitment figures come back in March." in page
    assert "Due Meeting of 13 March 2018" in page
    assert "22 January 2018 Green Figures requested from the fostering team." in page
    assert "Add an update" in page
    assert "Sign off as completed" not in page


def test_owner_records_an_update_with_a_flash_message(client, world, clock, dev):
    login(client, dev)
    url = world["figures"].get_absolute_url()
    response = client.post(url, {"text": "Half the figures are in.", "rag": "AMBER"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#timeline")
    page = text_of(response)
    assert "Your update to CS (17/18) A02 is recorded." in page
    assert "22 January 2018 Amber Half the figures are in." in page
    update = ActionUpdate.objects.get(text="Half the figures are in.")
    assert update.recorded_by == dev.user and update.as_of == dt.date(2018, 1, 22)


def test_update_form_keeps_input_and_says_what_is_wrong(client, world, clock, dev):
    login(client, dev)
    response = client.post(
        world["figures"].get_absolute_url(),
        {"text": "", "rag": "RED", "as_of_day": "1", "as_of_month": "2", "as_of_year": "2018"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert (
        "There is a problem Say what has happened since the last update. "
        "The reporting date cannot be in the future."
    ) in page
    html = response.content.decode()
    assert '<option value="RED" selected>' in html
    assert 'name="as_of_day" value="1"' in html
    assert 'name="as_of_month" value="2"' in html
    assert 'name="as_of_year" value="2018"' in html
    assert not ActionUpdate.objects.filter(rag="RED", action=world["figures"]).exists()


def test_only_the_committee_chair_signs_off(client, world, clock, dev, alan):
    url = world["figures"].get_absolute_url()
    login(client, dev)
    assert client.post(url + "sign-off/", {"text": "Done"}).status_code == 403
    login(client, alan)
    assert "Sign off as completed" in text_of(client.get(url))
    response = client.post(url + "sign-off/", {"text": "Figures received in full."}, follow=True)
    page = text_of(response)
    assert "CS (17/18) A02 is signed off as completed." in page
    assert "Completed on 22 January 2018" in page
    assert "22 January 2018 Completed Figures received in full." in page
    assert "Add an update" not in page
    action = Action.objects.get(pk=world["figures"].pk)
    assert action.status == Action.Status.COMPLETED and action.closed_on == dt.date(2018, 1, 22)


def test_sign_off_needs_a_note(client, world, alan):
    login(client, alan)
    response = client.post(world["figures"].get_absolute_url() + "sign-off/", {"text": " "})
    assert response.status_code == 400
    assert "Say what was done, so the tracker explains why it closed." in text_of(response)


def test_the_public_reads_public_actions_but_cannot_update_them(client, world):
    url = world["figures"].get_absolute_url()
    page = text_of(client.get(url))
    assert "Add an update" not in page and "Sign in to record progress" in page
    assert client.post(url, {"text": "Sneaky"}).status_code == 403


def test_exempt_action_and_resolution_answer_404_to_those_who_may_not_read_them(
    client, world, dev, priya
):
    exempt_action = world["exempt_action"].get_absolute_url()
    resolution = f"/resolutions/{world['exempt_resolution'].pk}/"
    for who in (None, dev):
        if who:
            login(client, who)
        assert client.get(exempt_action).status_code == 404
        assert client.get(resolution).status_code == 404
    login(client, priya)
    assert SECRET in text_of(client.get(exempt_action))
    assert SECRET in text_of(client.get(resolution))


# --- Meeting page --------------------------------------------------------------------------


def test_meeting_page_lists_items_outcomes_resolutions_and_attendance(client, world, december):
    page = text_of(client.get(december.get_absolute_url()))
    assert "Meeting of Tuesday 12 December 2017" in page
    assert (
        "21. Placement Sufficiency Strategy Report author: Dev Okafor. Outcome: Resolved "
        "More foster carers are needed in the east of the borough."
    ) in page
    assert (
        "CS (17/18) 01 That the Cabinet fund two more placement support workers. "
        "(Recommendation to the executive: awaiting response)"
    ) in page
    assert "Present Councillor Alan Marsh (Chair) Officer in attendance Priya Shah" in page
    assert "Next meeting: 13 February 2018" in page and "No earlier meeting" in page


def test_meeting_page_shows_an_exempt_item_only_as_a_shell_to_the_public(
    client, world, december, priya
):
    page = text_of(client.get(december.get_absolute_url()))
    assert (
        "22. Case review (exempt) Exempt (Part 2) Exempt under paragraph 1 of Schedule 12A to "
        "the Local Government Act 1972 (information relating to any individual)."
    ) in page
    assert SECRET not in page
    login(client, priya)
    assert f"{SECRET} summary of the case." in text_of(client.get(december.get_absolute_url()))


def test_meeting_page_shows_what_it_expects_to_receive(client, world, march, priya):
    page = text_of(client.get(march.get_absolute_url()))
    assert "Reports and actions due back CS (17/18) A02 Report recruitment figures" in page
    assert "Nothing has been deferred to this meeting." in page
    login(client, priya)
    page = text_of(client.get(march.get_absolute_url()))
    assert f"Commercial matter (exempt), from 13 February 2018 : {SECRET} reason" in page
    assert "Previous meeting: 13 February 2018" in page


def test_unpublished_meeting_answers_404_to_the_public(client, world, december):
    Meeting.objects.filter(pk=december.pk).update(is_published=False)
    assert client.get(december.get_absolute_url()).status_code == 404


# --- Work programme ------------------------------------------------------------------------


def test_work_programme_lists_topics_by_meeting_tbc_and_origin(client, world, clock):
    response = client.get("/committees/childrens-services/work-programme/")
    assert response.status_code == 302
    page = text_of(client.get(response.url))
    assert "Work programme 2017/18" in page
    assert (
        "Tuesday 13 February 2018 Reports due by 30 January 2018. Topics Topic Lead Came from Status "
        "Youth Offending Service Inspection Dev Okafor Requested under item 20 Requested at the "
        "meeting of 12 December 2017 Planned"
    ) in page
    assert (
        "To be confirmed (tbc) Topics Topic Lead Came from Status SEND Transport Transport team"
        in page
    )
    assert "Move" not in page and "Add a topic" not in page
    assert SECRET not in page


def test_officer_defers_a_topic_and_the_author_is_emailed(
    client, world, clock, priya, march, django_capture_on_commit_callbacks
):
    login(client, priya)
    youth = world["youth"]
    form = text_of(client.get(f"/topics/{youth.pk}/defer/"))
    assert "Defer to" in form and "12 December 2017" not in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/topics/{youth.pk}/defer/",
            {"to_meeting": march.pk, "reason": "The inspection report is not yet published."},
            follow=True,
        )
    assert flashes(response) == [
        "“Youth Offending Service Inspection” is deferred to the meeting of 13 March 2018. "
        "The report author and lead officer have been emailed."
    ]
    assert "Deferred 1 time" in text_of(response)
    [email] = mail.outbox
    assert email.to == ["dev.okafor@riverside.example"]
    assert email.subject == (
        "Deferred to 13 March 2018: Youth Offending Service Inspection (Children's Services O&S)"
    )
    assert (
        f"https://scrutiny.example.test/work-programmes/{youth.work_programme_id}/#topic-{youth.pk}"
        in email.body
    )


def test_deferring_needs_a_reason_and_keeps_the_choice(client, world, clock, priya, march):
    login(client, priya)
    response = client.post(f"/topics/{world['youth'].pk}/defer/", {"to_meeting": march.pk})
    assert response.status_code == 400
    assert "Say why it is deferred: the report author is told the reason." in text_of(response)
    assert f'<option value="{march.pk}" selected>' in response.content.decode()


def test_moving_a_tbc_topic_to_a_meeting_is_not_a_deferral(
    client, world, clock, priya, february, django_capture_on_commit_callbacks
):
    login(client, priya)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/topics/{world['send'].pk}/move/", {"to_meeting": february.pk}, follow=True
        )
    assert flashes(response) == ["“SEND Transport” is moved to the meeting of 13 February 2018."]
    assert mail.outbox == []
    assert WorkProgrammeTopic.objects.get(pk=world["send"].pk).target_meeting == february


def test_officer_adds_and_merges_topics(client, world, clock, priya, february):
    login(client, priya)
    programme = world["programme"]
    response = client.post(
        f"/work-programmes/{programme.pk}/add/",
        {"title": "Child Exploitation", "target_meeting": february.pk, "origin": "Chair's request"},
        follow=True,
    )
    assert flashes(response) == ["“Child Exploitation” is added to the work programme."]
    added = WorkProgrammeTopic.objects.get(title="Child Exploitation")
    response = client.post(f"/topics/{world['youth'].pk}/merge/", {"merge": added.pk}, follow=True)
    assert flashes(response) == [
        "“Child Exploitation” is merged into “Youth Offending Service Inspection”."
    ]
    added.refresh_from_db()
    assert added.status == "merged" and added.merged_into == world["youth"]
    merged_page = text_of(client.get(f"/work-programmes/{programme.pk}/?status=closed"))
    assert "Child Exploitation" in merged_page and "Merged into Youth Offending" in merged_page


def test_adding_a_topic_says_what_is_wrong(client, world, priya):
    login(client, priya)
    response = client.post(
        f"/work-programmes/{world['programme'].pk}/add/", {"title": "", "origin": "kept"}
    )
    assert response.status_code == 400
    assert "Enter the topic's title." in text_of(response)
    assert 'value="kept"' in response.content.decode()


def test_only_steering_users_change_the_programme(client, world, dev):
    login(client, dev)
    assert client.get(f"/topics/{world['youth'].pk}/defer/").status_code == 403
    assert client.get(f"/work-programmes/{world['programme'].pk}/add/").status_code == 403
    client.logout()
    assert client.post(f"/topics/{world['youth'].pk}/move/").status_code == 403


# --- My work -------------------------------------------------------------------------------


def test_my_work_needs_a_sign_in(client):
    response = client.get("/my-work/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/my-work/"


def test_signing_in_leads_to_my_work(client, dev):
    response = client.post("/accounts/login/", {"username": "dev", "password": "dev-pass"})
    assert response.url == "/my-work/"
    wrong = client.post("/accounts/login/", {"username": "dev", "password": "nope"})
    assert "Enter a correct username and password" in text_of(wrong)


def test_my_work_shows_an_authors_actions_reports_and_deferrals(
    client, world, clock, dev, march, django_capture_on_commit_callbacks
):
    from committees.deferrals import defer_topic

    defer_topic(world["youth"], reason="Waiting for Ofsted.", to_meeting=march)
    login(client, dev)
    page = text_of(client.get("/my-work/"))
    assert (
        "My open actions Reference Action Committee Due RAG CS (17/18) A01 Provide figures on "
        "placement moves for under-fives Children's Services O&S 10 January 2018 12 days late "
        "No RAG yet CS (17/18) A02 Report recruitment figures for foster carers Children's "
        "Services O&S Meeting of 13 March 2018 Green"
    ) in page
    assert (
        "Youth Offending Service Inspection Children's Services O&S, 13 March 2018 27 February 2018"
    ) in page
    assert (
        "Youth Offending Service Inspection Children's Services O&S 13 February 2018 13 March 2018 reports due 27 February 2018 Waiting for Ofsted."
        in page
    )
    assert "To chase this week" not in page
    assert "http://testserver/calendar/" in client.get("/my-work/").content.decode()


def test_my_work_for_an_officer_lists_what_to_chase_this_week(
    client, world, clock, priya, monkeypatch
):
    login(client, priya)
    page = text_of(client.get("/my-work/"))
    assert "up to Monday 29 January 2018" in page
    assert "No report deadlines fall this week." in page
    # Two days on, February's deadline (30 January) falls within the week.
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: dt.datetime(2018, 1, 24, 10, tzinfo=dt.UTC)
    )
    page = text_of(client.get("/my-work/"))
    assert "To chase this week" in page
    assert "CS (17/18) A03" in page and "19 days late" in page
    assert "CS (17/18) A01" in page and "14 days late" in page
    assert (
        "Youth Offending Service Inspection Dev Okafor Children's Services O&S, 13 February 2018 30 January 2018"
        in page
    )


def test_author_records_a_report_as_sent(client, world, clock, dev):
    login(client, dev)
    youth = world["youth"]
    response = client.post(f"/reports/topic/{youth.pk}/received/", follow=True)
    assert flashes(response) == [
        "The report for “Youth Offending Service Inspection” is recorded as received."
    ]
    youth.refresh_from_db()
    assert youth.report_submitted_at is not None
    assert client.post(f"/reports/topic/{world['send'].pk}/received/").status_code == 403


# --- A fixed number of queries whatever the number of rows ---------------------------------


def grow(world, n, committee, december, february, dev, sam):
    """n more actions with updates, topics with deferrals, items with resolutions."""
    from actions.models import Resolution
    from committees.deferrals import defer_topic
    from committees.models import AgendaItem

    for i in range(n):
        item = AgendaItem.objects.create(
            meeting=december, number=100 + i, position=10 + i, title=f"Item {i}", report_author=dev
        )
        resolution = Resolution.objects.create(agenda_item=item, text=f"Resolved {i}")
        action = Action.objects.create(
            resolution=resolution, title=f"Action {i}", owner=dev, due_date=dt.date(2018, 1, 1)
        )
        ActionUpdate.objects.create(action=action, text="Started", rag="AMBER")
        topic = WorkProgrammeTopic.objects.create(
            work_programme=world["programme"],
            title=f"Topic {i}",
            target_meeting=february,
            lead_officer=dev,
        )
        if i % 2:
            defer_topic(topic, reason="Not ready", to_meeting=None, to_text="the new year")
        AgendaItem.objects.create(
            meeting=february, number=200 + i, title=f"Coming {i}", report_author=dev
        )


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("priya", "committee"),
        (None, "committee"),
        ("priya", "programme"),
        (None, "programme"),
        ("priya", "meeting"),
        ("dev", "meeting"),
        (None, "meeting"),
        ("dev", "my-work"),
        ("priya", "my-work"),
    ],
)
def test_pages_run_a_fixed_number_of_queries(
    client,
    world,
    clock,
    committee,
    december,
    february,
    dev,
    priya,
    sam,
    rows,
    who,
    page,
    django_assert_max_num_queries,
):
    grow(world, rows, committee, december, february, dev, sam)
    if who:
        login(client, {"priya": priya, "dev": dev}[who])
    url = {
        "committee": "/committees/childrens-services/",
        "programme": f"/work-programmes/{world['programme'].pk}/",
        "meeting": december.get_absolute_url(),
        "my-work": "/my-work/",
    }[page]
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = client.get(url)
    assert response.status_code == 200
    assert f"Item {rows - 1}" in text_of(response) or page in ("committee", "programme", "my-work")


# The meeting page also reads where its deferred items went (one query for all of them).
# The committee page's 13th is its last five past meetings (one query, however many rows).
MAX_QUERIES = {"committee": 13, "programme": 8, "meeting": 14, "my-work": 13}
