"""More shapes of published minutes, each in minutes we wrote ourselves (invented councils,
people and topics): lead-ins, run-on parts, narrative deferrals, lettered and labelled item
numbers, headings printed as agenda sentences and requests for future business."""

import datetime as dt

import pytest

from tracker.importer.parsing import propose
from tracker.importer.targets import Calendar

HEADER = "Agenda and minutes\n\nRiverside Scrutiny Board - Tuesday, 4th March, 2025 6.00 pm\n\n"


def proposal(text: str, days=("2025-04-10", "2025-06-12")):
    calendar = Calendar(
        meeting_dates=[dt.date.fromisoformat(d) for d in days],
        year_starts=[dt.date(2025, 5, 14)],
    )
    return propose(text, calendar=calendar).meetings[0]


def texts(item):
    return [r.text for r in item.resolutions]


def test_a_lead_in_over_dates_is_the_decision_itself():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n4.\n\nMinutes of Earlier Meetings\n\nMinutes:\n\n"
        "RESOLVED - That the minutes of the following meetings be signed as a true record: -\n\n"
        "a)   12 Jan\n\nb)   9 February 2025\n"
    )
    assert texts(meeting.items[0]) == [
        "That the minutes of the following meetings be signed as a true record: -",
        "12 Jan",
        "9 February 2025",
    ]


def test_a_lead_in_over_the_rows_of_a_table_keeps_the_rows_with_it():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n5.\n\nSubstitute Members\n\nMinutes:\n\n"
        "RESOLVED: To note that the following substitute attended in place of a member:-\n\n"
        "Member\n\nSubstitute\n\nCouncillor Ada Fenwick\n\nCouncillor Tom Birch\n"
    )
    assert texts(meeting.items[0]) == [
        "To note that the following substitute attended in place of a member:- Member Substitute "
        "Councillor Ada Fenwick Councillor Tom Birch"
    ]


def test_a_lead_in_over_topics_is_still_left_out():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n6.\n\nWork Programme\n\nMinutes:\n\n"
        "RESOLVED that the following be added to the work programme:-\n\n"
        "(a) Flood defences\n\n(b) Library opening hours\n"
    )
    assert texts(meeting.items[0]) == ["Flood defences", "Library opening hours"]


def test_a_condition_ending_in_a_dash_is_no_decision():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n7.\n\nPanels and their Terms of Reference\n\nMinutes:\n\n"
        "Councillor Reed suggested that approving the report be postponed until the legal "
        "position was known.\n\n"
        "RESOLVED - pending confirmation from the Monitoring Officer -\n"
        "i) That the two panels be set up as the report proposes;\n"
        "ii) That their terms of reference be approved.\n"
    )
    item = meeting.items[0]
    assert texts(item) == [
        "That the two panels be set up as the report proposes",
        "That their terms of reference be approved.",
    ]
    assert item.outcome == "resolved"
    assert item.deferred_to is None


def test_a_listed_part_run_on_into_the_next_decision_is_split():
    meeting = proposal(
        "Venue: Town Hall\nContact: A Clerk\nNo. | Item |\n---|---|\n"
        "Declarations of Interest Decision: None. Minutes: None. |\n|\n"
        "Future Scrutiny Topics Additional documents: Decision: Members agreed to add the following topic to the "
        "work programme: · Street Lighting Upgrade. Members noted the work programme. |\n"
    )
    assert texts(meeting.items[1]) == [
        "Members agreed to add the following topic to the work programme:",
        "Street Lighting Upgrade.",
        "Members noted the work programme.",
    ]


def test_minutes_to_be_agreed_at_the_next_meeting_are_deferred():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n3.\n\nMinutes of the Previous Meeting\n\nMinutes:\n\n"
        "A member asked for a correction to the previous minutes.\n\n"
        "It was agreed that the minutes of the meeting held on 3rd February would be agreed at "
        "the next meeting together with these minutes.\n"
    )
    item = meeting.items[0]
    assert item.outcome == "deferred"
    assert item.deferred_to.date == "2025-04-10"


def test_items_numbered_with_a_section_letter_keep_it_as_printed():
    meeting = proposal(
        "At a Meeting of the Parks Scrutiny Committee held at the Guildhall on Monday 3 March "
        "2025 at 2.00 p.m.\n\nCouncillor A Moss in the Chair\n\n"
        "A1 Minutes\n\nThe Minutes of the meeting held on 3 February 2025 were confirmed.\n\n"
        "A2 Declarations of Interest\n\nThere were none.\n\n"
        "A3 Tree Planting\n\nThe Committee heard about the planting season.\n\n"
        "B1 Play Areas\n\nRESOLVED that the play area survey be noted.\n"
    )
    assert [(i.number, i.printed, i.title) for i in meeting.items] == [
        (None, "A1", "Minutes"),
        (None, "A2", "Declarations of Interest"),
        (None, "A3", "Tree Planting"),
        (None, "B1", "Play Areas"),
    ]
    assert [i["number"] for i in meeting_json_items(meeting)] == ["A1", "A2", "A3", "B1"]
    assert meeting.items[3].label == "B1"


def meeting_json_items(meeting):
    from tracker.importer.parsing.proposal import meeting_json

    return meeting_json(meeting)["items"]


def test_a_lone_lettered_line_is_not_an_item():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n1.\n\nApologies\n\nMinutes:\n\nNone.\n\n"
        "2.\n\nQuarterly Figures\n\nMinutes:\n\n"
        "Q3 Figures for the year were presented.\n\nRESOLVED that the figures be noted.\n"
    )
    assert [(i.number, i.printed) for i in meeting.items] == [(1, ""), (2, "")]


def test_recommendations_printed_above_the_numbered_minutes_are_items():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\nPART I - RECOMMENDATIONS\n\n"
        "RECOMMENDATION I - Scrutiny Protocol\n\nMinutes:\n\n"
        "Members considered a revised protocol. It was\n\nResolved to RECOMMEND: (to Council)\n\n"
        "That the revised protocol be adopted.\n\nPART II - MINUTES\n\n"
        "61.\n\nApologies\n\nMinutes:\n\nNone.\n\n"
        "62.\n\nDeclarations of Interest\n\nMinutes:\n\nNone were made.\n"
    )
    assert [(i.number, i.printed, i.title) for i in meeting.items] == [
        (None, "RECOMMENDATION I", "Scrutiny Protocol"),
        (61, "", "Apologies"),
        (62, "", "Declarations of Interest"),
    ]
    assert texts(meeting.items[0]) == ["That the revised protocol be adopted."]
    assert meeting.items[0].resolutions[0].kind == "recommendation"
    assert not any("outside any item" in w for w in meeting.warnings)


def test_a_set_apart_title_may_end_in_a_full_stop():
    meeting = proposal(
        "Agenda and minutes\n\nVenue: Town Hall\n\nNo. Item\n\n\n"
        "Welcome and Introductions\n\n\n\n The Chair welcomed everyone.\n\n\n\n"
        "Apologies for absence.\n\n\n\n Apologies were received from Councillor Lane.\n\n\n\n"
        "Minutes of the last meeting. pdf icon PDF 120 KB\n\n\n\n"
        " RESOLVED that the minutes be agreed.\n\n\n\n"
        "None were declared.\n\n\n\n"
    )
    assert [i.title for i in meeting.items] == [
        "Welcome and Introductions",
        "Apologies for absence.",
        "Minutes of the last meeting.",
    ]


def requests_of(meeting):
    return (
        [w.topic for w in meeting.work_programme_requests],
        [(r.text, r.target.text, r.target.date) for r in meeting.report_back_requests],
    )


def test_matters_asked_for_in_future_reports_are_reports_back():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n8.\n\nQuarter 2 Performance\n\nMinutes:\n\nRESOLVED:\n\n"
        "(1) That the Board noted the performance report.\n\n"
        "(2) That figures on staff turnover be explored for inclusion in future reports.\n\n"
        "(3) That the rise in overtime be explained in the next quarterly update.\n"
    )
    wp, rb = requests_of(meeting)
    assert wp == []
    assert rb == [
        (
            "That figures on staff turnover be explored for inclusion in future reports.",
            "future reports",
            None,
        ),
        (
            "That the rise in overtime be explained in the next quarterly update.",
            "the next quarterly update",
            None,
        ),
    ]
    assert [r.kind for r in meeting.items[0].resolutions] == ["note", "report_back", "report_back"]
    assert sum("asked for with no date" in w for w in meeting.warnings) == 2


def test_a_member_asking_for_a_report_before_the_committee_is_a_report_back():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n9.\n\nWork Programme\n\nMinutes:\n\n"
        "Councillor Vale requested that an interim report on the leisure trust is brought "
        "before the Board. Members agreed to replace the parking report with the bus "
        "lanes review.\n"
    )
    wp, rb = requests_of(meeting)
    assert wp == ["Bus lanes review"]
    assert rb == [
        (
            "Councillor Vale requested that an interim report on the leisure trust is brought "
            "before the Board.",
            "the Board",
            None,
        )
    ]


def test_an_invitation_to_come_back_a_moved_report_and_a_referral_taken_on():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n10.\n\nForward Plan\n\nMinutes:\n\n"
        "A referral from the Housing Panel to consider damp in council homes was agreed.\n\n"
        "Councillor Pike asked that her report on river pollution be moved from April to "
        "the June 2025 meeting.\n\n"
        "AGREED\n\n· The Portfolio Holder would be invited to attend a future meeting.\n"
    )
    wp, rb = requests_of(meeting)
    assert wp == ["Damp in council homes"]
    assert rb == [
        (
            "The Portfolio Holder would be invited to attend a future meeting.",
            "",
            None,
        ),
        (
            "Councillor Pike asked that her report on river pollution be moved from April to "
            "the June 2025 meeting.",
            "the June 2025 meeting",
            "2025-06-12",
        ),
    ]


def test_a_review_continued_by_the_committee_joins_its_work_programme():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n11.\n\nMinutes of the Task Group\n\nMinutes:\n\n"
        "RESOLVED that the allotments review begun by the task group be continued by the Board."
        "\n"
    )
    wp, _rb = requests_of(meeting)
    assert wp == ["Allotments review begun by the task group"]


def test_a_topic_added_for_a_named_months_meeting_joins_the_work_programme_for_it():
    meeting = proposal(
        "Children's Services Scrutiny Committee\nThursday 10 April 2025\n\n"
        "16. WORK PROGRAMME\n\n"
        "RESOLVED that youth homelessness be added for the June 2025 meeting.\n"
    )
    assert [(w.topic, w.target.text, w.target.date) for w in meeting.work_programme_requests] == [
        ("Youth homelessness", "the June 2025 meeting", "2025-06-12")
    ]


def test_headings_printed_as_agenda_sentences_are_found_by_their_gap():
    gap, paragraph = "\n\n\n\n", "\n\n\n"
    meeting = proposal(
        "Meetings of the council are streamed online and recordings are kept for a year.\n\n"
        "Apologies for absence"
        + paragraph
        + "Councillor Oak sent apologies."
        + gap
        + "To approve the minutes of the previous meeting pdf icon PDF 90 KB"
        + paragraph
        + "The minutes of the meeting held on 5 May 2025 were agreed."
        + gap
        + "To declare any interests members may have in the business on this agenda. Members "
        "must say what the interest is."
        + paragraph
        + "None were declared."
        + gap
        + "Call in - Cabinet decision 7: sale of the old depot"
        + paragraph
        + "The Chair of the Harbour Scrutiny Committee has called in the decision."
        + paragraph
        + "Members asked about the valuation and the timetable."
        + gap
        + "Any other business which the Chair decides is urgent."
        + paragraph
        + "The Chair said he would be reporting back to the next Harbour Scrutiny Committee "
        "meeting, held on Thursday 12 June 2025, on the depot.\n"
    )
    assert [i.title for i in meeting.items] == [
        "Apologies for absence",
        "To approve the minutes of the previous meeting",
        "To declare any interests members may have in the business on this agenda. Members "
        "must say what the interest is.",
        "Call in - Cabinet decision 7: sale of the old depot",
        "Any other business which the Chair decides is urgent.",
    ]
    assert meeting.committee == "Harbour Scrutiny Committee"
    [request] = meeting.report_back_requests
    assert request.target.text == (
        "the next Harbour Scrutiny Committee meeting, held on Thursday 12 June 2025"
    )
    assert request.target.date == "2025-06-12"


def test_paragraphs_set_apart_like_headings_are_not_items_without_standing_business():
    meeting = proposal(
        "Harbour Scrutiny Committee\nThursday 6 March 2025\n\n"
        "1. Ferry Fares\n\nThe Committee discussed fares."
        + "\n\n\n\n"
        + "Members asked about concessions."
        + "\n\n\n\n"
        + "The Chair thanked the officers.\n\n"
        "2. Harbour Walls\n\nRESOLVED that the survey be noted.\n"
    )
    assert [(i.number, i.title) for i in meeting.items] == [
        (1, "Ferry Fares"),
        (2, "Harbour Walls"),
    ]


def test_the_item_asking_whether_business_is_exempt_is_itself_public():
    meeting = proposal(
        "Harbour Scrutiny Committee\nThursday 6 March 2025\n\n"
        "1 Apologies for Absence\n\nNone.\n\n\n"
        "2 Matters to be Considered in Private\n"
        "To decide whether any item holds information exempt from publication under Part 1 of "
        "Schedule 12A to the Local Government Act 1972.\n\n\n"
        "RESOLVED: That every item be taken in public.\n\n\n"
        "3 Ferry Fares\n\nRESOLVED: That the fares report be noted.\n"
    )
    assert [(i.number, i.exempt) for i in meeting.items] == [(1, False), (2, False), (3, False)]
    assert not any("exempt" in w for w in meeting.warnings)


def test_a_jump_in_the_item_numbers_is_named_in_a_warning():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n21.\n\nApologies\n\nMinutes:\n\nNone.\n\n"
        "22.\n\nDeclarations of Interest\n\nMinutes:\n\nNone.\n\n"
        "25.\n\nParking Charges\n\nMinutes:\n\nRESOLVED that the report be noted.\n"
    )
    assert [i.number for i in meeting.items] == [21, 22, 25]
    assert [w for w in meeting.warnings if "jump" in w] == [
        'The item numbers jump from 22 to 25 (line 18 ("Declarations of Interest") and line 26 '
        '("Parking Charges")): items 23 to 24 may be missing from the proposal, or were not '
        "printed; check the text."
    ]


def test_a_lead_in_over_decisions_in_paragraphs_leaves_them_apart():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n12.\n\nBudget Scrutiny\n\nMinutes:\n\n"
        "RESOLVED - That the following recommendations be approved:-\n\n"
        "That the savings plan be noted.\n\n"
        "That officers report the reserves position to the next meeting.\n"
    )
    assert texts(meeting.items[0]) == [
        "That the savings plan be noted.",
        "That officers report the reserves position to the next meeting.",
    ]


def test_a_committee_line_over_a_held_on_line_is_the_header():
    meeting = proposal(
        "MINUTES OF THE LIBRARIES SCRUTINY COMMITTEE\n"
        "Held on Tuesday 14 January 2025 at 10.00 am in the Reading Room, Central Library\n\n"
        "LSC/25/1  APOLOGIES FOR ABSENCE\nNone were received.\n\n"
        "LSC/25/2  MOBILE LIBRARY ROUTES\nRESOLVED: That the revised routes be noted.\n"
    )
    assert (meeting.committee, meeting.date, meeting.time, meeting.venue) == (
        "Libraries Scrutiny Committee",
        "2025-01-14",
        "10:00",
        "Reading Room, Central Library",
    )
    assert not any("not recognised" in w for w in meeting.warnings)
    assert [(i.number, i.title) for i in meeting.items] == [
        (1, "APOLOGIES FOR ABSENCE"),
        (2, "MOBILE LIBRARY ROUTES"),
    ]


def test_paragraphs_numbered_after_their_item_are_not_headings():
    meeting = proposal(
        "Cabinet Scrutiny Panel\nMinutes of the meeting held on 9 April 2025\n\n"
        "31.  Apologies\nCouncillor Field sent apologies.\n\n"
        "32.  Bus Shelter Repairs\n32.1  The Head of Highways introduced the report.\n"
        "32.2  Members asked about vandalism.\n32.3  AGREED:\n(a) to note the report;\n"
        "(b) that a list of shelters awaiting repair be circulated to Members.\n\n"
        "33.  Date of Next Meeting\nThe next meeting is on 11 June 2025.\n"
    )
    assert [(i.number, i.title) for i in meeting.items] == [
        (31, "Apologies"),
        (32, "Bus Shelter Repairs"),
        (33, "Date of Next Meeting"),
    ]
    assert texts(meeting.items[1]) == [
        "To note the report",
        "That a list of shelters awaiting repair be circulated to Members.",
    ]


def test_a_title_in_capitals_with_its_minute_run_on_after_a_dash():
    meeting = proposal(
        "WESTSHIRE COUNCIL\n\nPLACE SCRUTINY COMMITTEE\n\n"
        "Minutes of a meeting held at Shire Hall on Thursday 6 March 2025 at 2.00 pm\n\n"
        "1.  APOLOGIES \u2013 Apologies were received from Councillor Cole.\n\n"
        "2.  PAVEMENT REPAIRS \u2013 The Committee considered a report on pavement repairs. Members "
        "asked about the backlog. Resolved \u2013 (a) That the report be noted, (b) that the "
        "Director circulate repair times by ward, and (c) that dropped kerbs be added to the "
        "work programme.\n\n"
        "3.  FLOOD RISK STRATEGY \u2013 Consideration of this item was deferred to the next meeting "
        "at the request of the Environment Agency.\n"
    )
    assert [(i.number, i.title) for i in meeting.items] == [
        (1, "APOLOGIES"),
        (2, "PAVEMENT REPAIRS"),
        (3, "FLOOD RISK STRATEGY"),
    ]
    assert texts(meeting.items[1]) == [
        "That the report be noted",
        "That the Director circulate repair times by ward",
        "That dropped kerbs be added to the work programme.",
    ]
    assert [w.topic for w in meeting.work_programme_requests] == ["Dropped kerbs"]
    assert meeting.items[2].outcome == "deferred"
    assert meeting.items[2].deferred_to.date == "2025-04-10"


def test_a_title_case_list_under_a_lead_in_stays_a_list():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n14.\n\nCouncil Plan Performance\n\nMinutes:\n\n"
        "RESOLVED that the following issues be added to the work programmes shown:-\n\n"
        "1)  Town Centres \u2013 To include footfall figures and the vacancy rate - this "
        "committee\n\n"
        "2)  Air Quality \u2013 To consider further indicators at the autumn meeting\n\n"
        "15.\n\nAny Other Business\n\nMinutes:\n\nNone.\n"
    )
    assert [(i.number, i.title) for i in meeting.items] == [
        (14, "Council Plan Performance"),
        (15, "Any Other Business"),
    ]
    assert [w.topic for w in meeting.work_programme_requests] == ["Town Centres", "Air Quality"]


def test_a_headerless_page_takes_its_date_from_the_meeting_day_printed_without_a_year():
    gap, paragraph = "\n\n\n\n", "\n\n\n"
    meeting = proposal(
        "Apologies for absence"
        + paragraph
        + "None were received."
        + gap
        + "To approve the minutes of the previous meeting"
        + paragraph
        + "The minutes of the Harbour Scrutiny Committee held on 5 February 2025 were agreed."
        + gap
        + "Call in - sale of the old depot"
        + paragraph
        + "The Chair of the Harbour Scrutiny Committee called the decision in for the meeting "
        "on Thursday 6 March, 6pm." + gap + "Any other business" + paragraph + "There was none.\n"
    )
    assert (meeting.committee, meeting.date) == ("Harbour Scrutiny Committee", "2025-03-06")
    assert any("the date (6 March 2025) were taken from the text" in w for w in meeting.warnings)


def test_a_weekday_that_fits_no_year_in_the_text_gives_no_date():
    gap, paragraph = "\n\n\n\n", "\n\n\n"
    meeting = proposal(
        "Apologies for absence"
        + paragraph
        + "None were received."
        + gap
        + "To approve the minutes of the previous meeting"
        + paragraph
        + "The minutes of the Harbour Scrutiny Committee held on 5 February 2025 were agreed."
        + gap
        + "Any other business"
        + paragraph
        + "The item was taken at the meeting on Saturday 6 March.\n"
    )
    assert meeting.date is None


HEADER_FORMS = [
    ("Minutes of the Leisure Scrutiny Panel meeting held on 4 March 2025", None, None),
    ("Meeting of the Leisure Scrutiny Panel, Tuesday 4 March 2025", None, None),
    ("LEISURE SCRUTINY PANEL\n\n4 March 2025", None, None),
    (
        "Leisure Scrutiny Panel\nMinutes\nTuesday 4th March 2025, 7pm, Council Chamber",
        "19:00",
        "Council Chamber",
    ),
    ("Leisure Scrutiny Panel 4 March 2025", None, None),
    (
        "MINUTES of the LEISURE SCRUTINY PANEL held in the Council Chamber, Town Hall on "
        "4 March 2025 at 7.00 pm",
        "19:00",
        "Council Chamber, Town Hall",
    ),
    (
        "Public Minutes of the Leisure Scrutiny Panel held on Tuesday 4 March 2025 at 7.00 pm",
        "19:00",
        None,
    ),
    ("Leisure Scrutiny Panel held on Tuesday, 4 March 2025", None, None),
]


@pytest.mark.parametrize(("header", "time", "venue"), HEADER_FORMS)
def test_printed_header_forms_name_the_committee_and_date(header, time, venue):
    meeting = proposal(
        header + "\n\n1. Apologies\n\nNone.\n\n2. Swimming Pools\n\n"
        "RESOLVED that the pools report be noted.\n"
    )
    assert (meeting.committee, meeting.date, meeting.time, meeting.venue) == (
        "Leisure Scrutiny Panel",
        "2025-03-04",
        time,
        venue,
    )
    assert not any("header" in w for w in meeting.warnings)
    assert [i.title for i in meeting.items] == ["Apologies", "Swimming Pools"]


def test_a_sentence_about_the_last_meetings_minutes_is_no_header():
    meeting = proposal(
        "Venue: Town Hall\n\n1. Minutes\n\nThe minutes of the Leisure Scrutiny Panel held on "
        "4 February 2025 were agreed.\n\n2. Swimming Pools\n\nRESOLVED that the report be noted.\n"
    )
    assert meeting.date is None


def test_a_report_deferred_to_a_later_meeting_is_no_report_back():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n16.\n\nWaste Strategy\n\nMinutes:\n\n"
        "It was agreed to defer consideration of the report to the June 2025 meeting.\n"
    )
    item = meeting.items[0]
    assert (item.outcome, item.deferred_to.date) == ("deferred", "2025-06-12")
    assert meeting.report_back_requests == []


def test_a_lead_in_on_its_own_line_over_lettered_parts_is_left_out():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n17.\n\nTenant Satisfaction\n\nMinutes:\n\nRESOLVED:\n\n"
        "That the Board:\n\n"
        "a) noted the survey results;\n"
        "b) requested a briefing on repairs satisfaction by June 2025.\n"
    )
    assert texts(meeting.items[0]) == [
        "Noted the survey results",
        "Requested a briefing on repairs satisfaction by June 2025.",
    ]


def test_parts_numbered_inline_with_full_stops_are_split():
    meeting = proposal(
        HEADER + "Items\nNo. Item\n\n18.\n\nEmpty Homes\n\nMinutes:\n\n"
        "RESOLVED - 1. That the empty homes report be noted. 2. That the Cabinet Member be "
        "asked to review the council tax premium.\n"
    )
    assert [(r.number, r.text) for r in meeting.items[0].resolutions] == [
        ("1", "That the empty homes report be noted."),
        ("2", "That the Cabinet Member be asked to review the council tax premium."),
    ]


def test_plain_requests_for_future_business_without_a_date():
    meeting = proposal(
        "Place Scrutiny Committee\nThursday 13 March 2025\n\n"
        "5. Bus Services\nRESOLVED that a report on bus subsidies be brought to a future "
        "meeting.\n\n"
        "6. Schools\nMembers agreed that school exclusions would be considered at a future "
        "meeting.\n\n"
        "7. Local Plan\nThe Committee asked for an update on the Local Plan at its June "
        "meeting.\n\n"
        "8. Work Programme\nIt was agreed that the Chair and officers would scope a review of "
        "social isolation for the work programme.\n\n"
        "9. Climate\nRESOLVED that the Committee receive an annual update on the Climate Action "
        "Plan.\n\n"
        "10. Libraries\nRESOLVED that the report be received and noted.\n"
    )
    wp, rb = requests_of(meeting)
    assert wp == ["School exclusions", "Social isolation"]
    assert rb == [
        (
            "That a report on bus subsidies be brought to a future meeting.",
            "a future meeting",
            None,
        ),
        (
            "The Committee asked for an update on the Local Plan at its June meeting.",
            "its June meeting",
            "2025-06-12",
        ),
        (
            "That the Committee receive an annual update on the Climate Action Plan.",
            "annual",
            None,
        ),
    ]


def test_a_lone_word_cut_off_from_its_sentence_is_no_title():
    meeting = proposal(
        "Agenda and minutes\n\nVenue: Town Hall\n\nNo. Item\n\n\n"
        "Declarations of Interest\n\n\nThere were none.\n\n\n"
        "Minutes of the Previous Meeting pdf icon PDF 120 KB\n\n\n"
        "RESOLVED that the minutes be agreed.\n\n\nThe\n\n\n"
    )
    assert [i.title for i in meeting.items] == [
        "Declarations of Interest",
        "Minutes of the Previous Meeting",
    ]


def test_unnumbered_headings_with_no_blank_lines_are_found_by_their_shape():
    meeting = proposal(
        "Adult Social Care Scrutiny Panel\nTuesday 11 March 2025\n"
        "Present: Councillors Avery (Chair), Bell and Craig.\n"
        "Apologies for Absence\nApologies were received from Councillor Dunn.\n"
        "Declarations of Interest\nThere were none.\n"
        "Minutes of the Previous Meeting\n"
        "RESOLVED that the minutes of the meeting held on 11 February 2025 be approved.\n"
        "Home Care Commissioning\nThe Head of Commissioning presented the report. Members "
        "asked about staff retention.\nRESOLVED that the report be noted.\n"
        "Carers Strategy\nConsideration of this item was deferred to the next meeting.\n"
    )
    assert [(i.title, i.outcome) for i in meeting.items] == [
        ("Apologies for Absence", "none"),
        ("Declarations of Interest", "none"),
        ("Minutes of the Previous Meeting", "resolved"),
        ("Home Care Commissioning", "resolved"),
        ("Carers Strategy", "deferred"),
    ]


def test_dense_text_without_standing_business_is_not_cut_into_headings():
    meeting = proposal(
        "Adult Social Care Scrutiny Panel\nTuesday 11 March 2025\n"
        "1. Home Care\nThe Head of Commissioning presented the report.\n"
        "Care Workers Pay\nMembers asked about pay rates.\n"
        "2. Carers\nRESOLVED that the carers report be noted.\n"
    )
    assert [(i.number, i.title) for i in meeting.items] == [(1, "Home Care"), (2, "Carers")]


def test_a_table_with_a_row_per_line_is_read_row_by_row():
    meeting = proposal(
        "Corporate Scrutiny Committee\n"
        "Minutes of the meeting held on Wednesday 5 March 2025 at 6.30 pm\n\n"
        "| Minute | Subject | Decision |\n|---|---|---|\n"
        "| 41 | Apologies for Absence | Councillor Price sent apologies. |\n"
        "| 42 | Council Tax Support | RESOLVED that the scheme be noted. |\n"
        "| | | RESOLVED that an update on take-up be brought to the June 2025 meeting. |\n"
        "| 43 | Any Other Business | None. |\n"
    )
    assert [(i.number, i.title) for i in meeting.items] == [
        (41, "Apologies for Absence"),
        (42, "Council Tax Support"),
        (43, "Any Other Business"),
    ]
    assert texts(meeting.items[1]) == [
        "That the scheme be noted.",
        "That an update on take-up be brought to the June 2025 meeting.",
    ]
    assert [r.target.date for r in meeting.report_back_requests] == ["2025-06-12"]


def test_item_numbers_with_the_committees_letters_or_a_nought_are_read():
    body = (
        "\n\nNone were received.\n\n{1}\n\nRESOLVED that the discharge report be noted.\n\n"
        "{2}\n\nRESOLVED that falls prevention be added to the work programme.\n"
    )
    head = "Health Scrutiny Panel\nTuesday 4 March 2025\n\n"
    prefixed = proposal(
        head
        + "HSP12 Apologies"
        + body.format(0, "HSP13 Hospital Discharge", "HSP14 Work Programme")
    )
    assert [(i.number, i.printed, i.title) for i in prefixed.items] == [
        (12, "HSP12", "Apologies"),
        (13, "HSP13", "Hospital Discharge"),
        (14, "HSP14", "Work Programme"),
    ]
    assert [i["number"] for i in meeting_json_items(prefixed)] == ["HSP12", "HSP13", "HSP14"]
    nought = proposal(
        head + "3.0 Apologies" + body.format(0, "4.0 Hospital Discharge", "5.0 Work Programme")
    )
    assert [(i.number, i.title) for i in nought.items] == [
        (3, "Apologies"),
        (4, "Hospital Discharge"),
        (5, "Work Programme"),
    ]


def test_noted_outcome_and_unanimously_resolved_decisions():
    meeting = proposal(
        "Health Scrutiny Panel\nTuesday 4 March 2025\n\n"
        "1. Dentistry Access\nThe Panel NOTED the update and asked for waiting list figures.\n\n"
        "2. Pharmacy Closures\nOutcome: The Panel agreed to hold a session on pharmacy closures."
        "\n\n3. Ambulance Handovers\nMembers RESOLVED unanimously to recommend to Cabinet that "
        "handover delays be raised with the Trust.\n"
    )
    assert [texts(i) for i in meeting.items] == [
        ["The Panel NOTED the update and asked for waiting list figures."],
        ["The Panel agreed to hold a session on pharmacy closures."],
        ["To recommend to Cabinet that handover delays be raised with the Trust."],
    ]
    assert meeting.items[2].resolutions[0].kind == "recommendation"
