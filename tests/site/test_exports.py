"""The action tracker as CSV, XLSX and a printable page; the iCalendar feeds."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from actions.progress import sign_off
from committees.models import Meeting
from tests.site import page_world as support
from tests.site.page_world import SECRET, login
from tracker.site.calendar_feeds import person_token

clock, sam, world = support.clock, support.sam, support.world

pytestmark = pytest.mark.django_db
TRACKER = "/committees/childrens-services/tracker"
HEADER = [
    "Reference",
    "Meeting raised",
    "Agenda item",
    "Action",
    "Owner",
    "Due",
    "Status",
    "RAG",
    "Latest update",
    "Update as of",
    "Days late",
    "Part 2 (exempt)",
]


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_tracker_for_the_public_holds_only_public_actions(client, world):
    response = client.get(TRACKER + ".csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="action-tracker-childrens-services.csv"'
    )
    assert csv_rows(response) == [
        HEADER,
        [
            "CS (17/18) A01",
            "2017-12-12",
            "Placement Stability Update",
            "Provide figures on placement moves for under-fives",
            "Dev Okafor",
            "2018-01-10",
            "Open",
            "",
            "",
            "",
            "12",
            "No",
        ],
        [
            "CS (17/18) A02",
            "2017-12-12",
            "21. Placement Sufficiency Strategy",
            "Report recruitment figures for foster carers",
            "Dev Okafor",
            "Meeting of 2018-03-13",
            "Open",
            "Green",
            "Figures requested from the fostering team.",
            "2018-01-22",
            "0",
            "No",
        ],
    ]
    assert SECRET not in response.content.decode()


def test_csv_tracker_for_an_officer_includes_part_2_actions(client, world, priya):
    login(client, priya)
    rows = csv_rows(client.get(TRACKER + ".csv"))
    assert [row[0] for row in rows[1:]] == ["CS (17/18) A01", "CS (17/18) A02", "CS (17/18) A03"]
    assert rows[3][2] == "22. Case review (exempt)" and rows[3][-1] == "Yes"
    assert rows[3][3] == f"{SECRET} action for Child Q"


def test_tracker_since_a_date_keeps_open_actions_and_those_closed_since(client, world, alan):
    sign_off(world["figures"], text="Figures received.", by=alan.user)
    after = csv_rows(client.get(TRACKER + ".csv?since=2018-01-23"))
    assert [row[0] for row in after[1:]] == ["CS (17/18) A01"]
    since = csv_rows(client.get(TRACKER + ".csv?since=2018-01-22"))
    assert [row[0] for row in since[1:]] == ["CS (17/18) A01", "CS (17/18) A02"]
    assert since[2][6:9] == ["Completed", "Completed", "Figures received."]
    response = client.get(TRACKER + ".csv?since=2018-01-22")
    assert (
        'filename="action-tracker-childrens-services-since-2018-01-22.csv"'
        in (response["Content-Disposition"])
    )


def test_xlsx_tracker_has_a_title_a_header_and_a_row_per_action(client, world):
    response = client.get(TRACKER + ".xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Action tracker"
    assert sheet["A1"].value == (
        "Children's Services Overview and Scrutiny Committee: action tracker at 22 January 2018"
    )
    assert [cell.value for cell in sheet[2]] == HEADER
    assert [cell.value for cell in sheet[3]][:7] == [
        "CS (17/18) A01",
        dt.datetime(2017, 12, 12),
        "Placement Stability Update",
        "Provide figures on placement moves for under-fives",
        "Dev Okafor",
        "10 January 2018",
        "Open",
    ]
    assert sheet["K3"].value == 12 and sheet["L3"].value == "No"
    assert sheet["H4"].value == "Green" and sheet["J4"].value == dt.datetime(2018, 1, 22)
    assert sheet.max_row == 4


def test_printable_tracker_is_laid_out_for_the_agenda_pack(client, world):
    response = client.get(TRACKER + "/print/?since=2018-01-01")
    html = response.content.decode()
    assert "At 22 January 2018: actions still open, and those closed since 1 January 2018." in html
    assert "12 days late" in html and "CS (17/18) A02" in html
    assert "@media print" not in html  # the print layout lives in the stylesheet
    assert SECRET not in html


def events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def test_committee_feed_lists_published_meetings_and_report_deadlines(
    client, world, december, february
):
    Meeting.objects.filter(pk=december.pk).update(is_published=False)
    found = events(client.get("/committees/childrens-services/calendar.ics"))
    summaries = [(str(e["summary"]), e.decoded("dtstart")) for e in found]
    london = ZoneInfo("Europe/London")
    assert summaries == [
        ("Children's Services O&S", dt.datetime(2018, 2, 13, 19, 0, tzinfo=london)),
        ("Report deadline: Children's Services O&S, 13 February", dt.date(2018, 1, 30)),
        ("Children's Services O&S", dt.datetime(2018, 3, 13, 19, 0, tzinfo=london)),
        ("Report deadline: Children's Services O&S, 13 March", dt.date(2018, 2, 27)),
    ]
    assert str(found[0]["location"]) == "Committee Room 1, Civic Offices"
    assert str(found[0]["url"]) == f"https://scrutiny.example.test/meetings/{february.pk}/"
    assert SECRET not in client.get("/committees/childrens-services/calendar.ics").content.decode()


def test_person_feed_holds_their_deadlines_and_actions_by_public_title(client, world, sam, dev):
    found = events(client.get(f"/calendar/{person_token(sam)}.ics"))
    summaries = sorted(str(e["summary"]) for e in found)
    assert summaries == [
        "Action due: CS (17/18) A03 Part 2 item: Case review (exempt)",
        "Children's Services O&S",
        "Children's Services O&S",
        "Report due: Case review (exempt) (Children's Services O&S)",
        "Report due: Commercial matter (exempt) (Children's Services O&S)",
    ]
    assert SECRET not in client.get(f"/calendar/{person_token(sam)}.ics").content.decode()
    devs = {str(e["summary"]): e for e in events(client.get(f"/calendar/{person_token(dev)}.ics"))}
    assert devs["Report due: Youth Offending Service Inspection (Children's Services O&S)"].decoded(
        "dtstart"
    ) == dt.date(2018, 1, 30)
    assert devs[
        "Action due: CS (17/18) A01 Provide figures on placement moves for under-fives"
    ].decoded("dtstart") == dt.date(2018, 1, 10)


def test_a_forged_or_tampered_feed_token_answers_404(client, world, sam):
    token = person_token(sam)
    assert client.get(f"/calendar/{token[:-2]}xx.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
