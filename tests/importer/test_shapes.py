"""Shapes of minutes met in councils' published pages, each in minutes we wrote ourselves
(invented councils, people and topics): one test per shape the importer learned to read."""

import datetime as dt

from tracker.importer.parsing import propose
from tracker.importer.targets import Calendar


def proposal(text: str, days=("2025-04-10", "2025-06-12")):
    calendar = Calendar(
        meeting_dates=[dt.date.fromisoformat(d) for d in days],
        year_starts=[dt.date(2025, 5, 14)],
    )
    return propose(text, calendar=calendar).meetings[0]


def test_a_list_under_a_lead_in_does_not_steal_unnumbered_items():
    meeting = proposal(
        "Agenda and minutes\n\nHarbour Scrutiny Panel - Tuesday, 4th March, 2025 6.00 pm\n\n"
        "No. Item\n\n\nApologies\n\n\nNone were received.\n\n\n"
        "Ferry Timetable Review pdf icon PDF 90 KB\n\n\nThe Panel discussed the winter timetable.\n\n\n"
        "RESOLVED that the following topics be added to the work programme:-\n\n\n"
        "1)  Night crossings - to include staffing levels\n\n"
        "2)  Harbour lighting - for the June 2025 meeting\n\n"
        "3)  Ticket machines\n"
    )
    assert [i.title for i in meeting.items] == ["Apologies", "Ferry Timetable Review"]
    parts = meeting.items[1].resolutions
    assert [r.number for r in parts] == ["1", "2", "3"]
    assert parts[0].text == "Night crossings - to include staffing levels"
    topics = [w.topic for w in meeting.work_programme_requests]
    assert topics == ["Night crossings", "Harbour lighting", "Ticket machines"]
    assert meeting.work_programme_requests[1].target.month == "2025-06"


def test_title_case_numbered_items_win_over_numbered_agenda_text():
    meeting = proposal(
        "Meeting Details\n\nLakeside Scrutiny Committee\n12 Mar 2025 - 18:30\n\n"
        "Please note the meeting is streamed:\n\n"
        "1 Apologies for Absence\n\nNone.\n\n\n"
        "2 Minutes of Previous Meetings\n\n"
        "1. To approve the minutes of the meeting held on 3 February 2025.\n\n"
        "2. To approve the minutes of the meeting held on 17 February 2025.\n\n"
        "  1. The minutes of the meeting held on 3 February 2025 be agreed as a correct record.\n\n"
        "  2. The minutes of the meeting held on 17 February 2025 be agreed.\n\n\n"
        "3 Parks Maintenance Contract\n\nThe Head of Parks presented the report.\n"
    )
    assert [(i.number, i.title) for i in meeting.items] == [
        (1, "Apologies for Absence"),
        (2, "Minutes of Previous Meetings"),
        (3, "Parks Maintenance Contract"),
    ]
    assert [r.text for r in meeting.items[1].resolutions] == [
        "The minutes of the meeting held on 3 February 2025 be agreed as a correct record.",
        "The minutes of the meeting held on 17 February 2025 be agreed.",
    ]


def test_a_pipe_table_page_is_read_row_by_row():
    meeting = proposal(
        "Venue: Riverside Hall\nContact: A Clerk\nNo. | Item |\n---|---|\n"
        "Declarations of Interest To receive any declarations. Decision: None. Minutes: None. |\n|\n"
        "Library Opening Hours Additional documents: Decision: (a) That the revised hours be\n"
        "approved; and\n(b) That a review come back in six months. Minutes: The officer "
        "presented the report. |\n|\n"
        "Additional documents: Decision: That the update be noted. Minutes: |\n|\n"
        "Museum Storage To Follow Minutes: DEFERRED |\n"
    )
    assert [i.title for i in meeting.items] == [
        "Declarations of Interest",
        "Library Opening Hours",
        "(no title printed)",
        "Museum Storage",
    ]
    assert [r.text for r in meeting.items[1].resolutions] == [
        "That the revised hours be approved",
        "That a review come back in six months.",
    ]
    assert meeting.items[3].outcome == "deferred"
    assert any("has no title" in w for w in meeting.warnings)


def test_a_single_item_page_proposes_its_item():
    meeting = proposal(
        "Agenda item\n\nMarket Square Improvements\n\n"
        "To receive an update on the Market Square works.\n\nMinutes:\n\n"
        "4.1 The Town Centre Manager explained the paving delays to the Estates Committee.\n"
    )
    assert [i.title for i in meeting.items] == ["Market Square Improvements"]
    assert meeting.committee == "Estates Committee"
    assert any("no meeting header" in w for w in meeting.warnings)


def test_topics_identified_for_the_work_programme():
    meeting = proposal(
        "Civic Scrutiny Committee - Thursday, 6th March, 2025 2.00 pm\n\nItems\nNo. Item\n\n"
        "14.\n\nWork Programme 2025/26\n\nMinutes:\n\n"
        "The Committee identified the following for inclusion in the work programme:\n\n"
        "(a)  bus shelters - their upkeep and advertising;\n\n(b)  allotment waiting lists\n"
    )
    topics = [w.topic for w in meeting.work_programme_requests]
    assert topics == ["Bus shelters", "Allotment waiting lists"]


def test_decimal_parts_and_a_report_to_come_to_this_committee():
    meeting = proposal(
        "Civic Scrutiny Committee - Thursday, 6th March, 2025 2.00 pm\n\nItems\nNo. Item\n\n"
        "15.\n\nStreet Cleaning\n\nMinutes:\n\nRESOLVED:\n\n"
        "3.1 To note the street cleaning report.\n\n"
        "3.2 A report on litter bin sensors to come to this committee at its next meeting.\n"
    )
    parts = meeting.items[0].resolutions
    assert [(r.number, r.text) for r in parts] == [
        ("3.1", "To note the street cleaning report."),
        ("3.2", "A report on litter bin sensors to come to this committee at its next meeting."),
    ]
    assert len(meeting.report_back_requests) == 1
    assert meeting.report_back_requests[0].target.date == "2025-04-10"


def test_agenda_recommendation_above_minutes_is_not_a_decision():
    meeting = proposal(
        "Agenda and minutes\n\nItems\nNo. Item\n\n7.\n\nApologies\n\nMinutes:\n\nNone.\n\n"
        "8.\n\nMinutes of the Meeting Held on 2 January 2025\n\n"
        "RECOMMENDED that the minutes be signed as a correct record.\n\nMinutes:\n\n"
        "RESOLVED that the minutes be signed as a correct record, with one spelling corrected.\n"
    )
    assert [i.number for i in meeting.items] == [7, 8]
    assert [r.text for r in meeting.items[1].resolutions] == [
        "That the minutes be signed as a correct record, with one spelling corrected."
    ]
