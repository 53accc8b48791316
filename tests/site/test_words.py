"""One date and time style per medium: words on pages and in email, ISO in CSV; GOV.UK times."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from icalendar import Calendar

from actions.progress import sign_off, withdraw
from committees.deferrals import defer_item
from committees.models import AgendaItem, Meeting, Membership, Person
from tests.site import page_world as support
from tests.site.page_world import login
from tracker.reminders import outbox

clock, sam, world = support.clock, support.sam, support.world

pytestmark = pytest.mark.django_db
TRACKER = "/committees/childrens-services/tracker"


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_meeting_times_read_as_gov_uk_writes_them(client, world, february, march):
    Meeting.objects.filter(pk=march.pk).update(start_time=dt.time(10, 30))

    assert "<dt>Time</dt><dd>7pm</dd>" in client.get(f"/meetings/{february.pk}/").content.decode()
    assert "<dt>Time</dt><dd>10:30am</dd>" in client.get(f"/meetings/{march.pk}/").content.decode()
    committee_page = client.get("/committees/childrens-services/").content.decode()
    assert "7pm" in committee_page and "10:30am" in committee_page
    assert "p.m." not in committee_page and "a.m." not in committee_page


def test_csv_dates_are_all_iso(client, world):
    rows = csv_rows(client.get(TRACKER + ".csv"))

    assert [(row[0], row[1], row[5], row[9]) for row in rows[1:]] == [
        ("CS (17/18) A01", "2017-12-12", "2018-01-10", ""),
        ("CS (17/18) A02", "2017-12-12", "Meeting of 2018-03-13", "2018-01-22"),
    ]


def test_a_withdrawn_action_shows_withdrawn_not_its_last_rag(client, world, priya):
    withdraw(world["figures"], reason="No longer needed.", by=priya.user)
    login(client, priya)

    rows = csv_rows(client.get(TRACKER + ".csv"))
    assert rows[2][6:8] == ["Withdrawn", ""]
    page = client.get("/committees/childrens-services/actions/?status=closed").content.decode()
    assert "CS (17/18) A02" in page
    assert '<strong class="tag tag--grey">Withdrawn</strong>' in page
    assert "tag--green" not in page and "tag--amber" not in page
    printed = client.get(TRACKER + "/print/?since=2018-01-01").content.decode()
    assert "<td>Withdrawn</td>" in printed and "tag--green" not in printed


def test_a_completed_action_does_not_read_completed_twice(client, world, alan, priya):
    sign_off(world["figures"], text="Figures received.", by=alan.user)
    login(client, priya)

    printed = client.get(TRACKER + "/print/?since=2018-01-01").content.decode()
    assert "<td>Completed</td>" in printed and "tag--completed" not in printed
    page = client.get("/committees/childrens-services/actions/?status=closed").content.decode()
    assert "<td>Closed<br>" in page


def test_an_exempt_item_names_its_paragraph_of_schedule_12a(client, world, priya, december):
    login(client, priya)

    page = client.get(f"/meetings/{december.pk}/").content.decode()
    assert (
        "Exempt under paragraph 1 of Schedule 12A to the Local Government Act 1972 "
        "(information relating to any individual)." in page
    )
    assert "Exempt under 1:" not in page


def test_deferral_email_says_who_deferred_it_and_replies_to_the_officer(
    world, priya, dev, march, django_capture_on_commit_callbacks
):
    item = AgendaItem.objects.create(
        meeting=Meeting.objects.get(date=dt.date(2018, 2, 13)),
        number=31,
        title="Youth Offending Service Inspection",
        report_author=dev,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        defer_item(
            item, reason="Inspection report not yet published.", to_meeting=march, by=priya.user
        )
    outbox.deliver_due()

    message = next(m for m in mail.outbox if dev.email in m.to)
    assert "has been deferred by Priya Shah." in message.body
    assert "by the committee at its meeting" not in message.body
    assert message.reply_to == [priya.email]


def test_calendar_feeds_define_europe_london(client, world):
    calendar = Calendar.from_ical(client.get("/committees/childrens-services/calendar.ics").content)

    zones = list(calendar.walk("VTIMEZONE"))
    assert [str(zone["tzid"]) for zone in zones] == ["Europe/London"]
    assert sorted(c.name for c in zones[0].subcomponents) == ["DAYLIGHT", "STANDARD"]
    assert (
        b"DTSTART;TZID=Europe/London:20180213T190000"
        in client.get("/committees/childrens-services/calendar.ics").content
    )


def test_vice_chair_is_listed_right_after_the_chair(client, world, committee):
    for name, role in [
        ("Aaron Abbot", Membership.Role.SUBSTITUTE),
        ("Betty Blake", Membership.Role.MEMBER),
        ("Zoe Zhang", Membership.Role.VICE_CHAIR),
    ]:
        Membership.objects.create(
            committee=committee,
            person=Person.objects.create(name=name),
            role=role,
            start_date=dt.date(2017, 5, 20),
        )

    page = client.get("/committees/childrens-services/").content.decode()
    members = page.split('id="members"', 1)[1]
    order = [
        members.index(f"{name}</td>")
        for name in ("Alan Marsh", "Zoe Zhang", "Betty Blake", "Aaron Abbot")
    ]
    assert order == sorted(order)
    assert (
        members.index("<td>Vice-Chair")
        < members.index("<td>Member")
        < members.index("<td>Substitute")
    )
