"""The clerk's controls on the meeting and action pages, on 22 January 2018: outcomes,
deferrals, new items, attendance, owners and due dates, through the same services as the API.
Chairs, authors and the public see no controls, and their requests are refused."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from actions.models import Action
from committees.models import (
    AgendaItem,
    Attendance,
    Deferral,
    Meeting,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
)
from tests.site import page_world as support
from tests.site.page_world import login
from tests.site.test_pages import flashes, text_of

clock, sam, world = support.clock, support.sam, support.world

pytestmark = pytest.mark.django_db


@pytest.fixture
def youth_item(world, february, dev):
    """February's undecided item for the Youth Offending topic, Dev's report."""
    return AgendaItem.objects.create(
        meeting=february,
        number=31,
        position=1,
        title="Youth Offending Service Inspection",
        topic=world["youth"],
        report_author=dev,
    )


def control_requests(world, youth_item, december, march):
    return [
        ("get", f"/items/{youth_item.pk}/outcome/", {}),
        ("post", f"/items/{youth_item.pk}/outcome/", {"outcome": "noted"}),
        ("get", f"/items/{youth_item.pk}/defer/", {}),
        ("post", f"/items/{youth_item.pk}/defer/", {"to_meeting": march.pk, "reason": "Late."}),
        ("get", f"/meetings/{december.pk}/items/add/", {}),
        ("post", f"/meetings/{december.pk}/items/add/", {"title": "Forged item"}),
        ("get", f"/meetings/{december.pk}/attendance/", {}),
        ("post", f"/meetings/{december.pk}/attendance/", {"person": "1", "kind": "present"}),
        ("get", f"{world['figures'].get_absolute_url()}owner/", {}),
        ("post", f"{world['figures'].get_absolute_url()}owner/", {"owner": ""}),
    ]


def test_only_the_officer_sees_the_meeting_controls(client, world, youth_item, priya, alan, dev):
    url = youth_item.meeting.get_absolute_url()
    controls = ("Record outcome", "Defer this item", "Add an item to the agenda", "attendance")
    login(client, priya)
    page = text_of(client.get(url))
    # February's meeting is still to come: its outcomes wait for it, its items may be deferred.
    assert [word in page for word in controls] == [False, True, True, True]
    assert "Change the owner or due date" in text_of(
        client.get(world["figures"].get_absolute_url())
    )
    december_page = client.get(world["public_item"].meeting.get_absolute_url()).content.decode()
    assert f'href="/actions/{world["figures"].pk}/owner/"' in december_page
    assert "Record outcome" in december_page
    for person in (alan, dev, None):
        client.logout()
        if person:
            login(client, person)
        page = text_of(client.get(url))
        assert [word in page for word in controls[:3]] == [False, False, False]
        assert "Record or change attendance" not in page
        action_page = text_of(client.get(world["figures"].get_absolute_url()))
        assert "Change the owner or due date" not in action_page
        december_page = client.get(world["public_item"].meeting.get_absolute_url())
        assert "/owner/" not in december_page.content.decode()


@pytest.mark.parametrize("who", ["alan", "dev", "anonymous"])
def test_a_chair_author_or_visitor_is_refused_every_control(
    client, world, youth_item, december, march, alan, dev, who
):
    if who != "anonymous":
        login(client, {"alan": alan, "dev": dev}[who])
    before = (AgendaItem.objects.count(), Deferral.objects.count(), Attendance.objects.count())
    for method, url, data in control_requests(world, youth_item, december, march):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    youth_item.refresh_from_db()
    assert youth_item.outcome == "none"
    after = (AgendaItem.objects.count(), Deferral.objects.count(), Attendance.objects.count())
    assert after == before
    assert Action.objects.get(pk=world["figures"].pk).owner == dev


def test_an_outcome_waits_until_the_meeting_has_taken_place(client, world, youth_item, priya):
    login(client, priya)
    page = client.get(youth_item.meeting.get_absolute_url())
    assert "Record outcome" not in page.content.decode()
    assert (
        "The meeting of 13 February 2018 has not taken place yet: record what happened there "
        "on the day or after. Defer this item"
    ) in text_of(page)
    response = client.post(f"/items/{youth_item.pk}/outcome/", {"outcome": "noted"})
    assert response.status_code == 400
    assert (
        "There is a problem The meeting of 13 February 2018 has not taken place yet: record "
        "what happened there on the day or after."
    ) in text_of(response)
    youth_item.refresh_from_db()
    assert youth_item.outcome == "none"


def test_the_officer_records_an_outcome_and_the_topic_follows(
    client, world, youth_item, priya, monkeypatch
):
    evening = dt.datetime(2018, 2, 13, 21, tzinfo=dt.UTC)  # the meeting has been held
    monkeypatch.setattr(timezone, "now", lambda: evening)
    login(client, priya)
    response = client.post(f"/items/{youth_item.pk}/outcome/", {"outcome": "noted"})
    assert response.status_code == 302
    assert response["Location"] == youth_item.get_absolute_url()
    assert flashes(response) == [
        "Item 31, “Youth Offending Service Inspection”: the outcome is recorded as noted."
    ]
    youth_item.refresh_from_db()
    assert youth_item.outcome == "noted"
    assert WorkProgrammeTopic.objects.get(pk=world["youth"].pk).status == "considered"
    # Undone: the topic is planned again.
    client.post(f"/items/{youth_item.pk}/outcome/", {"outcome": "none"})
    assert WorkProgrammeTopic.objects.get(pk=world["youth"].pk).status == "planned"


def test_an_outcome_the_service_refuses_is_shown_with_its_words(client, world, priya):
    login(client, priya)
    deferred = world["later_exempt"]  # deferred to March in the world
    response = client.post(f"/items/{deferred.pk}/outcome/", {"outcome": "resolved"})
    assert response.status_code == 400
    page = text_of(response)
    assert (
        "There is a problem This item was deferred, and its deferral is kept as history: its "
        "outcome stays Deferred."
    ) in page
    response = client.post(f"/items/{deferred.pk}/outcome/", {"outcome": "deferred"})
    assert "Choose noted, resolved, withdrawn or no outcome yet; to defer the item, use" in (
        text_of(response)
    )
    assert AgendaItem.objects.get(pk=deferred.pk).outcome == "deferred"


def test_the_officer_defers_an_item_and_its_author_is_emailed(
    client, world, youth_item, priya, march, django_capture_on_commit_callbacks
):
    login(client, priya)
    page = client.get(f"/items/{youth_item.pk}/defer/").content.decode()
    # Only later meetings of the committee still to come, or none yet.
    assert f'<option value="{march.pk}">13 March 2018</option>' in page
    assert "12 December 2017</option>" not in page and "13 February 2018</option>" not in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/items/{youth_item.pk}/defer/",
            {"to_meeting": march.pk, "reason": "The inspection report is not yet published."},
        )
    assert response.status_code == 302
    assert flashes(response) == [
        "Item 31, “Youth Offending Service Inspection” is deferred to the meeting of 13 March 2018."
    ]
    youth_item.refresh_from_db()
    assert youth_item.outcome == "deferred"
    deferral = Deferral.objects.get(agenda_item=youth_item)
    assert (deferral.to_meeting, deferral.reason, deferral.created_by) == (
        march,
        "The inspection report is not yet published.",
        priya.user,
    )
    assert [email.to for email in mail.outbox] == [["dev.okafor@riverside.example"]]
    page = text_of(client.get(youth_item.meeting.get_absolute_url()))
    assert "Outcome: Deferred to the meeting of 13 March 2018" in page
    assert "Why: The inspection report is not yet published." in page


def test_deferring_says_what_is_missing_and_refuses_another_committee_s_meeting(
    client, world, youth_item, priya, health_meeting
):
    login(client, priya)
    url = f"/items/{youth_item.pk}/defer/"
    cases = [
        ({}, ["Choose the meeting to defer it to, or “No meeting set yet”.", "Say why it is"]),
        (
            {"to_meeting": health_meeting.pk, "reason": "x"},
            ["Choose one of this committee's later meetings, or “No meeting set yet”."],
        ),
        (
            {"to_meeting": "not-known", "reason": "Waiting for the Ofsted report."},
            ["Say where it goes when no meeting is set yet, for example the new municipal year."],
        ),
    ]
    for data, expected in cases:
        response = client.post(url, data)
        assert response.status_code == 400
        page = text_of(response)
        for words in expected:
            assert words in page
    assert not Deferral.objects.filter(agenda_item=youth_item).exists()
    response = client.post(
        url,
        {"to_meeting": "not-known", "to_text": "the new municipal year", "reason": "Ofsted."},
    )
    assert flashes(response) == [
        "Item 31, “Youth Offending Service Inspection” is deferred to the new municipal year "
        "(no meeting set yet)."
    ]


def test_the_officer_adds_an_item_for_a_planned_topic(client, world, february, priya, dev):
    login(client, priya)
    url = f"/meetings/{february.pk}/items/add/"
    page = client.get(url).content.decode()
    assert f'<option value="{world["youth"].pk}">Youth Offending Service Inspection</option>' in (
        page
    )
    response = client.post(
        url,
        {
            "number": "31",
            "title": "Youth Offending Service Inspection",
            "topic": world["youth"].pk,
            "report_author": dev.pk,
        },
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=february, number=31)
    assert response["Location"] == item.get_absolute_url()
    assert (item.topic, item.report_author, item.outcome) == (world["youth"], dev, "none")
    assert item.position == 1  # after the exempt item already on February's agenda (0)
    assert flashes(response) == [
        "Item 31, “Youth Offending Service Inspection” is added to the agenda."
    ]
    # The topic now has its item: it is not offered again.
    assert "Youth Offending Service Inspection</option>" not in client.get(url).content.decode()


def test_adding_an_item_says_what_is_wrong_and_saves_nothing(
    client, world, february, priya, health_meeting
):
    login(client, priya)
    url = f"/meetings/{february.pk}/items/add/"
    other_topic = WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(health_meeting), title="Other"
    )
    cases = [
        ({"title": ""}, "Enter the item's title."),
        ({"title": "Twin", "number": "30"}, "This meeting already has an item with that number."),
        ({"title": "Elsewhere", "topic": other_topic.pk}, "Choose one of the topics planned"),
        ({"title": "Huge", "number": "99999999999"}, "Enter an item number of 9999 or less."),
        (
            {"title": "Secret", "is_exempt": "on", "public_title": "Commercial matter"},
            "An exempt item must say which paragraph of Schedule 12A applies.",
        ),
        (
            {"title": "Half", "exempt_paragraph": "3"},
            "Tick “Exempt (Part 2)” to give a Schedule 12A paragraph and a public title",
        ),
    ]
    before = AgendaItem.objects.count()
    for data, words in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert words in text_of(response), data
    assert AgendaItem.objects.count() == before
    # The number's refusal is shown beside the number box, and the summary links to it.
    html = client.post(url, {"title": "Twin", "number": "30"}).content.decode()
    assert '<a href="#id_number">This meeting already has an item with that number.</a>' in html


def test_the_officer_adds_an_exempt_item_through_the_exemption_service(client, february, priya):
    login(client, priya)
    client.post(
        f"/meetings/{february.pk}/items/add/",
        {
            "title": "Contract for foster care agency",
            "is_exempt": "on",
            "exempt_paragraph": "3",
            "public_title": "Commercial matter",
        },
    )
    item = AgendaItem.objects.get(title="Contract for foster care agency")
    assert (item.is_exempt, item.exempt_paragraph, item.public_title) == (
        True,
        3,
        "Commercial matter",
    )
    assert item.history.first().history_user == priya.user


def test_the_officer_records_and_changes_attendance(
    client, world, december, february, priya, dev, alan, monkeypatch
):
    login(client, priya)
    url = f"/meetings/{february.pk}/attendance/"
    page = text_of(client.get(url))
    assert "Attendance has not been recorded." in page
    assert (
        "Members not yet recorded Alan Marsh Present for Alan Marsh Apologies for Alan Marsh"
        in page
    )
    # Apologies come ahead of the meeting; who was present only once it has been held.
    response = client.post(url, {"person": alan.pk, "kind": "apologies"})
    assert flashes(response) == ["Alan Marsh: apologies is recorded."]
    early = client.post(url, {"person": alan.pk, "kind": "present", "capacity": "Chair"})
    assert (
        "The meeting of 13 February 2018 has not taken place yet: record what happened there "
        "on the day or after."
    ) in text_of(early)
    evening = dt.datetime(2018, 2, 13, 21, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: evening)
    login(client, priya)
    client.post(url, {"person": alan.pk, "kind": "present", "capacity": "Chair"})
    [row] = Attendance.objects.filter(meeting=february)
    assert (row.person, row.kind, row.capacity) == (alan, "present", "Chair")
    response = client.post(url, {"kind": "present"})
    assert "Choose who attended or sent apologies." in text_of(response)
    response = client.post(url, {"person": "999999", "kind": "present"})
    assert "Choose one of the people listed." in text_of(response)
    # A row of another meeting is not this page's to remove.
    december_row = Attendance.objects.get(meeting=december, person=alan)
    assert client.post(f"{url}{december_row.pk}/remove/").status_code == 404
    response = client.post(f"{url}{row.pk}/remove/")
    assert flashes(response) == ["Alan Marsh is taken off the attendance."]
    assert not Attendance.objects.filter(meeting=february).exists()
    assert Attendance.objects.filter(meeting=december).count() == 2


def test_the_officer_names_an_owner_and_a_due_meeting(
    client, world, priya, sam, february, health_meeting
):
    login(client, priya)
    figures = world["figures"]
    url = f"{figures.get_absolute_url()}owner/"
    response = client.post(
        url,
        {
            "owner": sam.pk,
            "due_date_day": "9",
            "due_date_month": "2",
            "due_date_year": "2018",
            "due_back_meeting": february.pk,
        },
    )
    assert response.status_code == 302
    assert flashes(response) == [
        "CS (17/18) A02 is saved: Sam Ruiz, due 9 February 2018 and back to the meeting of "
        "13 February 2018."
    ]
    figures.refresh_from_db()
    assert (figures.owner, figures.due_date, figures.due_back_meeting) == (
        sam,
        dt.date(2018, 2, 9),
        february,
    )
    cases = [
        ({"due_back_meeting": health_meeting.pk}, "Choose one of this committee's meetings"),
        ({"due_date_day": "31", "due_date_month": "2", "due_date_year": "2018"}, "real date"),
        ({"due_date_day": "1", "due_date_year": "2018"}, "Due date must include a"),
        (
            {"due_date_day": "1", "due_date_month": "1", "due_date_year": "9999"},
            "Give a date no later than 22 January 2118: the tracker plans at most 100 years ahead.",
        ),
    ]
    for data, words in cases:
        response = client.post(url, {"owner": sam.pk, **data})
        assert response.status_code == 400, data
        assert words in text_of(response), data
    figures.refresh_from_db()
    assert figures.due_date == dt.date(2018, 2, 9)


def test_a_closed_action_keeps_its_owner(client, world, priya):
    login(client, priya)
    action = world["figures"]
    Action.objects.filter(pk=action.pk).update(status="withdrawn", closed_on=dt.date(2018, 1, 20))
    response = client.post(f"{action.get_absolute_url()}owner/", {"owner": ""})
    assert response.status_code == 302
    assert flashes(response) == [
        "CS (17/18) A02 is withdrawn: only an open action's owner and due date can be changed."
    ]
    assert Action.objects.get(pk=action.pk).owner == Person.objects.get(name="Dev Okafor")


def test_the_committee_page_leads_the_officer_to_each_meeting_s_controls(
    client, world, december, february, priya, alan
):
    login(client, priya)
    html = client.get("/committees/childrens-services/").content.decode()
    for meeting in (december, february):
        assert f'href="/meetings/{meeting.pk}/items/add/"' in html
        assert f'href="/meetings/{meeting.pk}/attendance/"' in html
    login(client, alan)
    html = client.get("/committees/childrens-services/").content.decode()
    assert "/items/add/" not in html and "/attendance/" not in html


def test_a_cancelled_meeting_takes_no_new_item_and_no_attendance(
    client, world, february, priya, alan
):
    Meeting.objects.filter(pk=february.pk).update(status=Meeting.Status.CANCELLED)
    login(client, priya)
    added = client.post(f"/meetings/{february.pk}/items/add/", {"title": "Late addition"})
    assert added.status_code == 400
    assert (
        "The meeting of 13 February 2018 is cancelled; put the item on a scheduled meeting."
    ) in text_of(added)
    apologies = client.post(
        f"/meetings/{february.pk}/attendance/", {"person": alan.pk, "kind": "apologies"}
    )
    assert (
        "The meeting of 13 February 2018 is cancelled: nothing was decided or attended there."
        in (text_of(apologies))
    )
    assert not AgendaItem.objects.filter(title="Late addition").exists()
    assert not Attendance.objects.filter(meeting=february).exists()


def test_the_same_add_item_form_sent_twice_adds_the_item_once(client, world, march, priya):
    login(client, priya)
    url = f"/meetings/{march.pk}/items/add/"
    page = client.get(url).content.decode()
    [token] = re.findall(r'name="submission" value="([^"]+)"', page)
    form = {"submission": token, "title": "Budget scrutiny", "is_exempt": "on"}
    form |= {"exempt_paragraph": "3", "public_title": "Budget matter"}
    first, again = client.post(url, form), client.post(url, form)
    [item] = AgendaItem.objects.filter(meeting=march, public_title="Budget matter")
    assert (first.status_code, first["Location"]) == (302, item.get_absolute_url())
    assert (again.status_code, again["Location"]) == (302, item.get_absolute_url())
    assert flashes(again)[-1] == (
        "This item was added when the form was first sent; it is added once."
    )
    # A new form (a new token) adds another item, as the officer means it to.
    fresh = client.get(url).content.decode()
    [other] = re.findall(r'name="submission" value="([^"]+)"', fresh)
    assert other != token
    client.post(url, form | {"submission": other})
    assert AgendaItem.objects.filter(meeting=march, public_title="Budget matter").count() == 2
