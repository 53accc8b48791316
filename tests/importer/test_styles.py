"""Minutes in the styles of councils the importer has never seen (invented councils, people
and topics, our own words), each checked against the whole proposal it should give.

Styles: printed county minutes ("12/23 TITLE", "RESOLVED to" then "(1) ... (2) ..."); a
modern.gov board page (committee line, then a date line, "<h2>45 Title</h2>", "RESOLVED
&ndash; That", `<ol type="a">`); "Committee / Date: / Time: / Venue:" labels with "Item 7:",
"The Committee agreed:" and "1)" parts, "RECOMMENDED to Cabinet that:"; "Minutes of the X
Committee - 3 May 2024" with "Minute 45", inline "RESOLVED - (1) ...; (2) ..." and "(i)/(ii)";
"Meeting of X, held on Monday 3rd June 2024 at 2pm in the Council Chamber" with "(12)" items,
"It was RESOLVED that:" and "a." parts; an HTML table "Date | Time | Venue" with "ASC/24/18"
items, "AGREED:" over a `<ul>`, "That Cabinet be recommended to" and a Part 2 item after an
exclusion of the press and public; a text "Date | Time | Venue" table with "7." capitals,
"The Panel NOTED:", "Resolved that" then "1.", and an exempt item; unnumbered capital
headings under a committee line and a date line; a header nobody prints (guessed, with a
warning); a Word document and a PDF built here from our own text.
"""

import contextlib
import datetime as dt
import zipfile
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from tracker.importer.parsing import propose
from tracker.importer.reading import MinutesError, read_minutes
from tracker.importer.targets import Calendar

MINUTES = Path(__file__).parent / "minutes"
YEAR_STARTS = [dt.date(2025, 5, 14)]


def calendar(days: list[str]) -> Calendar:
    return Calendar(
        meeting_dates=[dt.date.fromisoformat(day) for day in days], year_starts=YEAR_STARTS
    )


def proposal_of(name: str, days: list[str]):
    path = MINUTES / name
    return propose(read_minutes(path.read_bytes(), path.name), calendar=calendar(days))


# Each file: the committee's scheduled meetings, and the whole proposal, checked by reading
# the minutes. Warnings are only where the text itself leaves something open.
CASES = {
    "calderdale_county_printed.txt": (
        ["2023-06-13", "2023-07-11", "2023-09-12"],
        {
            "committee": "Adult Social Care Scrutiny Committee",
            "date": "2023-03-14",
            "time": "10:00",
            "venue": "County Hall, Matlock",
            "items": [
                {
                    "number": 12,
                    "title": "APOLOGIES FOR ABSENCE",
                    "outcome": "none",
                    "resolutions": [],
                    "deferred_to": None,
                },
                {
                    "number": 13,
                    "title": "MINUTES",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That the minutes of the meeting held on 10 January "
                            "2023 be confirmed as a correct record and signed "
                            "by the Chairman.",
                        }
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 14,
                    "title": "HOME CARE COMMISSIONING",
                    "outcome": "resolved",
                    "resolutions": [
                        {"number": "1", "text": "Note the report"},
                        {
                            "number": "2",
                            "text": "Request a further report on the outcome of the "
                            "procurement to the September 2023 meeting of the "
                            "Committee.",
                        },
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 15,
                    "title": "CARERS STRATEGY",
                    "outcome": "deferred",
                    "resolutions": [],
                    "deferred_to": {"text": "the July 2023 meeting", "date": "2023-07-11"},
                },
                {
                    "number": 16,
                    "title": "WORK PROGRAMME",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That the work programme be noted and that an item "
                            "on Direct Payments be added to the work programme "
                            "for June 2023.",
                        }
                    ],
                    "deferred_to": None,
                },
            ],
            "work_programme_requests": [
                {"topic": "Direct Payments", "target": {"text": "June 2023", "month": "2023-06"}}
            ],
            "report_back_requests": [
                {
                    "item": "14",
                    "text": "Request a further report on the outcome of the "
                    "procurement to the September 2023 meeting of the "
                    "Committee.",
                    "target": {"text": "the September 2023 meeting", "month": "2023-09"},
                }
            ],
            "undertakings": [
                {
                    "item": "14",
                    "text": "The Director agreed to circulate the latest waiting list "
                    "figures to Members after the meeting.",
                }
            ],
            "warnings": [],
        },
    ),
    "lowfield_moderngov_board.html": (
        ["2023-02-16", "2023-03-16", "2023-04-20"],
        {
            "committee": "Scrutiny Board (Environment, Housing and Communities)",
            "date": "2023-01-19",
            "time": None,
            "venue": None,
            "items": [
                {
                    "number": 45,
                    "title": "Declarations of Interests",
                    "outcome": "none",
                    "resolutions": [],
                    "deferred_to": None,
                },
                {
                    "number": 46,
                    "title": "Minutes - 15 December 2022",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That the minutes of the meeting held on 15 "
                            "December 2022 be approved as a correct record.",
                        }
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 47,
                    "title": "Fly-tipping Inquiry",
                    "outcome": "resolved",
                    "resolutions": [
                        {"number": "a", "text": "That the report be noted."},
                        {
                            "number": "b",
                            "text": "That a progress report be brought back to the "
                            "Board in April 2023.",
                        },
                        {
                            "number": "c",
                            "text": "That the Board's recommendations be referred to "
                            "the Executive Board.",
                        },
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 48,
                    "title": "Housing Repairs Performance",
                    "outcome": "deferred",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That consideration of this item be deferred until "
                            "the next meeting of the Board.",
                        }
                    ],
                    "deferred_to": {"text": "the next meeting of the Board", "date": "2023-02-16"},
                },
                {
                    "number": 49,
                    "title": "Work Schedule",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That the work schedule be approved, subject to the "
                            "addition of a session on damp and mould in the "
                            "March 2023 meeting.",
                        }
                    ],
                    "deferred_to": None,
                },
            ],
            "work_programme_requests": [
                {
                    "topic": "Damp and mould",
                    "target": {"text": "the March 2023 meeting", "month": "2023-03"},
                }
            ],
            "report_back_requests": [
                {
                    "item": "47",
                    "text": "That a progress report be brought back to the Board in April 2023.",
                    "target": {"text": "April 2023", "month": "2023-04"},
                }
            ],
            "undertakings": [
                {
                    "item": "47",
                    "text": "The Chief Officer undertook to provide Members with a "
                    "breakdown of fines issued by ward.",
                }
            ],
            "warnings": [],
        },
    ),
    "ashworth_labelled.txt": (
        ["2024-06-12", "2024-07-10", "2024-09-18"],
        {
            "committee": "Housing and Neighbourhoods Scrutiny Committee",
            "date": "2024-04-17",
            "time": "18:30",
            "venue": "Committee Room 1, Ashworth Civic Centre",
            "items": [
                {
                    "number": 7,
                    "title": "Apologies for Absence",
                    "outcome": "none",
                    "resolutions": [],
                    "deferred_to": None,
                },
                {
                    "number": 8,
                    "title": "Minutes of the Previous Meeting",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That the minutes of the meeting held on 13 March "
                            "2024 be approved as a correct record.",
                        }
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 9,
                    "title": "Temporary Accommodation Costs",
                    "outcome": "resolved",
                    "resolutions": [
                        {"number": "1", "text": "That the report be noted"},
                        {
                            "number": "2",
                            "text": "That officers review the procurement of "
                            "nightly-paid accommodation",
                        },
                        {
                            "number": "3",
                            "text": "That a further report be submitted to the September meeting.",
                        },
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 10,
                    "title": "Empty Homes Strategy",
                    "outcome": "resolved",
                    "resolutions": [
                        {"number": "a", "text": "The draft Empty Homes Strategy be adopted"},
                        {
                            "number": "b",
                            "text": "The council tax premium on long-term empty homes "
                            "be reviewed annually.",
                        },
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 11,
                    "title": "Private Rented Sector Licensing",
                    "outcome": "deferred",
                    "resolutions": [],
                    "deferred_to": {"text": "12 June 2024", "date": "2024-06-12"},
                },
                {
                    "number": 12,
                    "title": "Work Programme",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That a report on Disabled Facilities Grants be "
                            "added to the work programme for July 2024.",
                        }
                    ],
                    "deferred_to": None,
                },
            ],
            "work_programme_requests": [
                {
                    "topic": "Disabled Facilities Grants",
                    "target": {"text": "July 2024", "month": "2024-07"},
                }
            ],
            "report_back_requests": [
                {
                    "item": "9",
                    "text": "That a further report be submitted to the September meeting.",
                    "target": {"text": "the September meeting", "month": "2024-09"},
                }
            ],
            "undertakings": [
                {
                    "item": "9",
                    "text": "The Head of Housing Options would send Members the number of "
                    "families placed in hotels since January.",
                }
            ],
            "warnings": [],
        },
    ),
    "brackley_minutes_dash.txt": (
        ["2024-06-05", "2024-11-06", "2025-06-04"],
        {
            "committee": "Communities Overview and Scrutiny Committee",
            "date": "2024-05-03",
            "time": None,
            "venue": None,
            "items": [
                {
                    "number": 45,
                    "title": "Declarations of Interest",
                    "outcome": "none",
                    "resolutions": [],
                    "deferred_to": None,
                },
                {
                    "number": 46,
                    "title": "Library Service Review",
                    "outcome": "resolved",
                    "resolutions": [
                        {"number": "1", "text": "That the review be noted"},
                        {
                            "number": "2",
                            "text": "That the Committee's comments be passed to the Cabinet Member",
                        },
                        {
                            "number": "3",
                            "text": "That an update be provided at the first meeting of "
                            "the new municipal year.",
                        },
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 47,
                    "title": "Community Grants Scheme",
                    "outcome": "withdrawn",
                    "resolutions": [],
                    "deferred_to": None,
                },
                {
                    "number": 48,
                    "title": "Anti-social Behaviour Policy",
                    "outcome": "resolved",
                    "resolutions": [
                        {"number": "i", "text": "The draft policy be endorsed"},
                        {
                            "number": "ii",
                            "text": "The Community Safety Manager report back to the "
                            "Committee in six months.",
                        },
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 49,
                    "title": "Work Programme",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That allotment provision be included in the "
                            "Committee's work programme for 2024/25.",
                        }
                    ],
                    "deferred_to": None,
                },
            ],
            "work_programme_requests": [
                {"topic": "Allotment provision", "target": {"text": "2024/25", "month": None}}
            ],
            "report_back_requests": [
                {
                    "item": "46",
                    "text": "That an update be provided at the first meeting of "
                    "the new municipal year.",
                    "target": {
                        "text": "the first meeting of the new municipal year",
                        "month": "2025-06",
                    },
                },
                {
                    "item": "48",
                    "text": "The Community Safety Manager report back to the "
                    "Committee in six months.",
                    "target": {"text": "in six months", "month": "2024-11"},
                },
            ],
            "undertakings": [
                {
                    "item": "48",
                    "text": "The Community Safety Manager agreed to circulate the case "
                    "review procedure to Members.",
                }
            ],
            "warnings": [
                'Item 49: work-programme request "Allotment provision" for "2024/25": it '
                "names the municipal year 2024/25, not a month or meeting; kept as text "
                "for the officer."
            ],
        },
    ),
    "fenmoor_meeting_of.txt": (
        ["2024-09-09", "2024-10-14"],
        {
            "committee": "Health and Wellbeing Scrutiny Panel",
            "date": "2024-06-03",
            "time": "14:00",
            "venue": "Council Chamber",
            "items": [
                {
                    "number": 12,
                    "title": "APOLOGIES",
                    "outcome": "none",
                    "resolutions": [],
                    "deferred_to": None,
                },
                {
                    "number": 13,
                    "title": "GP ACCESS IN RURAL AREAS",
                    "outcome": "resolved",
                    "resolutions": [
                        {"number": "a", "text": "The presentation be noted"},
                        {
                            "number": "b",
                            "text": "The Integrated Care Board be asked to attend again "
                            "when the access recovery plan is published",
                        },
                        {
                            "number": "c",
                            "text": "A further report be submitted to the September meeting.",
                        },
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 14,
                    "title": "LEISURE CENTRE HEALTH REFERRALS",
                    "outcome": "deferred",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That consideration be deferred to a future meeting.",
                        }
                    ],
                    "deferred_to": {"text": "a future meeting", "date": None},
                },
                {
                    "number": 15,
                    "title": "PANEL WORK PROGRAMME",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That mental health support for young people be "
                            "scheduled for the October meeting.",
                        }
                    ],
                    "deferred_to": None,
                },
            ],
            "work_programme_requests": [
                {
                    "topic": "Mental health support for young people",
                    "target": {"text": "the October meeting", "month": "2024-10"},
                }
            ],
            "report_back_requests": [
                {
                    "item": "13",
                    "text": "A further report be submitted to the September meeting.",
                    "target": {"text": "the September meeting", "month": "2024-09"},
                }
            ],
            "undertakings": [
                {
                    "item": "13",
                    "text": "The Primary Care Lead would forward the practice-level "
                    "appointment data to Members.",
                }
            ],
            "warnings": [
                'Item 14: deferred to "a future meeting": it names no date, month or '
                "meeting the importer can place; kept as text for the officer."
            ],
        },
    ),
    "harrowgate_table.html": (
        [],
        {
            "committee": "Adult Care Scrutiny Sub-Committee",
            "date": "2024-07-11",
            "time": "10:30",
            "venue": "Room 4, Harrowgate House",
            "items": [
                {
                    "number": 18,
                    "title": "Minutes",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That the minutes of the meeting on 6 June 2024 be "
                            "signed as a correct record.",
                        }
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 19,
                    "title": "Day Opportunities Review",
                    "outcome": "resolved",
                    "resolutions": [
                        {"number": "", "text": "That the review be noted."},
                        {
                            "number": "",
                            "text": "That Cabinet be recommended to delay the closure "
                            "of the Elm Street centre until the consultation "
                            "has been evaluated.",
                        },
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 20,
                    "title": "Exclusion of the Press and Public",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That the press and public be excluded from the "
                            "meeting for the following item of business on the "
                            "grounds that it involves the likely disclosure of "
                            "exempt information as defined in paragraph 3 of "
                            "Part 1 of Schedule 12A to the Local Government Act "
                            "1972.",
                        }
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 21,
                    "title": "Residential Care Contract Award",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That the recommendation in the exempt report be supported.",
                        }
                    ],
                    "deferred_to": None,
                },
            ],
            "work_programme_requests": [],
            "report_back_requests": [],
            "undertakings": [
                {
                    "item": "19",
                    "text": "The Assistant Director undertook to provide Members with a "
                    "list of the centres affected.",
                }
            ],
            "warnings": [
                "Item 21: a line that reads like a decision was not under RESOLVED and was "
                "not proposed: [exempt text not shown]",
                "Item 21: exempt (Part 2; paragraph 3 of Part 1 of Schedule 12A). It is "
                "proposed as an exempt item with its printed title as the public title; "
                "check what the public may see.",
            ],
        },
    ),
    "kirkhope_pipe_table.txt": (
        ["2024-03-19", "2024-08-20"],
        {
            "committee": "Children's Services Scrutiny Panel",
            "date": "2024-02-20",
            "time": "17:00",
            "venue": "Kirkhope Town Hall",
            "items": [
                {
                    "number": 7,
                    "title": "DECLARATIONS OF INTEREST",
                    "outcome": "none",
                    "resolutions": [],
                    "deferred_to": None,
                },
                {
                    "number": 8,
                    "title": "SCHOOL PLACE PLANNING",
                    "outcome": "noted",
                    "resolutions": [
                        {"number": "i", "text": "The forecast for secondary places to 2030"},
                        {"number": "ii", "text": "The proposed expansion of Hill Top Academy."},
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 9,
                    "title": "SPECIAL EDUCATIONAL NEEDS TRANSPORT",
                    "outcome": "resolved",
                    "resolutions": [
                        {"number": "1", "text": "The report be noted"},
                        {
                            "number": "2",
                            "text": "The Head of Transport report back to the Panel in six months.",
                        },
                    ],
                    "deferred_to": None,
                },
                {
                    "number": 10,
                    "title": "CHILDREN'S CENTRES",
                    "outcome": "deferred",
                    "resolutions": [],
                    "deferred_to": {"text": "the March meeting", "date": "2024-03-19"},
                },
                {
                    "number": 11,
                    "title": "PART 2 - EXEMPT ITEM: FOSTERING AGENCY FEES",
                    "outcome": "resolved",
                    "resolutions": [
                        {
                            "number": "",
                            "text": "That the fee proposal from Meadowlark Fostering be rejected.",
                        }
                    ],
                    "deferred_to": None,
                },
            ],
            "work_programme_requests": [],
            "report_back_requests": [
                {
                    "item": "9",
                    "text": "The Head of Transport report back to the Panel in six months.",
                    "target": {"text": "in six months", "month": "2024-08"},
                }
            ],
            "undertakings": [],
            "warnings": [
                "Item 11: exempt (Part 2; paragraph 3 of Part 1 of Schedule 12A). It is "
                "proposed as an exempt item with its printed title as the public title; "
                "check what the public may see."
            ],
        },
    ),
    "millbrook_unnumbered.txt": (
        ["2024-09-10"],
        {
            "committee": "Overview and Scrutiny Management Board",
            "date": "2024-07-09",
            "time": "18:30",
            "venue": None,
            "items": [
                {
                    "number": None,
                    "title": "APOLOGIES FOR ABSENCE",
                    "outcome": "none",
                    "resolutions": [],
                    "deferred_to": None,
                },
                {
                    "number": None,
                    "title": "BUDGET MONITORING QUARTER 1",
                    "outcome": "resolved",
                    "resolutions": [
                        {"number": "", "text": "That the report be noted."},
                        {
                            "number": "",
                            "text": "That a further report be submitted to the September meeting.",
                        },
                    ],
                    "deferred_to": None,
                },
                {
                    "number": None,
                    "title": "CUSTOMER SERVICES STRATEGY",
                    "outcome": "deferred",
                    "resolutions": [
                        {"number": "", "text": "That the item be deferred to the next meeting."}
                    ],
                    "deferred_to": {"text": "the next meeting", "date": "2024-09-10"},
                },
            ],
            "work_programme_requests": [],
            "report_back_requests": [
                {
                    "item": "BUDGET MONITORING QUARTER 1",
                    "text": "That a further report be submitted to the September meeting.",
                    "target": {"text": "the September meeting", "month": "2024-09"},
                }
            ],
            "undertakings": [
                {
                    "item": "BUDGET MONITORING QUARTER 1",
                    "text": "The Director of Finance presented the report and agreed to "
                    "circulate the reserves forecast to Members.",
                }
            ],
            "warnings": [],
        },
    ),
    "tarnside_guessed.txt": (
        ["2024-04-08"],
        {
            "committee": "Environment Scrutiny Committee (remote meeting)",
            "date": "2024-03-04",
            "time": None,
            "venue": None,
            "items": [
                {
                    "number": 1,
                    "title": "Flood Risk Management Plan",
                    "outcome": "resolved",
                    "resolutions": [{"number": "", "text": "That the plan be endorsed."}],
                    "deferred_to": None,
                },
                {
                    "number": 2,
                    "title": "Street Lighting Energy Savings",
                    "outcome": "deferred",
                    "resolutions": [
                        {"number": "", "text": "That the item be deferred to the next meeting."}
                    ],
                    "deferred_to": {"text": "the next meeting", "date": "2024-04-08"},
                },
            ],
            "work_programme_requests": [],
            "report_back_requests": [],
            "undertakings": [],
            "warnings": [
                "The minutes' header was not recognised: the committee (\"Environment "
                'Scrutiny Committee (remote meeting)") and the date (4 March 2024) were '
                "guessed from the first lines that name them; check both."
            ],
        },
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_whole_proposal_is_as_read_from_the_minutes(name):
    days, want = CASES[name]
    got = proposal_of(name, days).as_json()["meetings"]
    assert len(got) == 1
    got = got[0]
    for key in ("committee", "date", "time", "venue"):
        assert got[key] == want[key], key
    assert [(i["number"], i["title"], i["outcome"]) for i in got["items"]] == [
        (i["number"], i["title"], i["outcome"]) for i in want["items"]
    ]
    for got_item, want_item in zip(got["items"], want["items"], strict=True):
        assert got_item == want_item, f"item {want_item['number'] or want_item['title']}"
    for key in ("work_programme_requests", "report_back_requests", "undertakings", "warnings"):
        assert got[key] == want[key], key


def kinds(name: str, days: list[str], number) -> list[str]:
    meeting = proposal_of(name, days).meetings[0]
    item = next(i for i in meeting.items if i.number == number)
    return [r.kind for r in item.resolutions]


def test_recommendations_to_cabinet_are_recommendations():
    assert kinds("ashworth_labelled.txt", [], 10) == ["recommendation", "recommendation"]
    assert kinds("harrowgate_table.html", [], 19)[1] == "recommendation"
    assert kinds("lowfield_moderngov_board.html", [], 47)[2] == "recommendation"
    assert kinds("calderdale_county_printed.txt", [], 14)[1] == "report_back"


def test_part_2_items_are_proposed_as_exempt_without_echoing_their_text():
    for name, number, secret in (
        ("harrowgate_table.html", 21, ("Brightwater", "812")),
        ("kirkhope_pipe_table.txt", 11, ("Meadowlark", "940")),
    ):
        meeting = proposal_of(name, []).meetings[0]
        exempt = [(i.number, i.exempt_paragraph) for i in meeting.items if i.exempt]
        assert exempt == [(number, 3)], name
        for warning in meeting.warnings:
            assert not any(word in warning for word in secret), warning
    # the exclusion resolution itself is public business
    meeting = proposal_of("harrowgate_table.html", []).meetings[0]
    assert not meeting.items[2].exempt


def test_a_header_without_items_is_refused_but_items_without_a_header_are_proposed():
    text = "Licensing Panel\nHeld in the Annexe; the meeting was on 2 April 2024.\n\nNo business.\n"
    with pytest.raises(MinutesError, match="no agenda items"):
        propose(text, calendar=Calendar())
    meeting = propose("Licensing Panel\n\n1. Taxi Fares\n\nRESOLVED: That fares rise.\n").meetings[
        0
    ]
    assert (meeting.committee, meeting.date) == ("Licensing Panel", None)
    assert [(i.number, i.title, [r.text for r in i.resolutions]) for i in meeting.items] == [
        (1, "Taxi Fares", ["That fares rise."])
    ]
    assert (
        'The text has no meeting header: the committee ("Licensing Panel") was taken from the '
        "text; the date could not be found: set it; check the proposal."
    ) in meeting.warnings


# --- Word and PDF, built here from our own text ----------------------------------------------

PAPER = """Ormsby Town Council
Planning and Transport Scrutiny Panel
Date: Wednesday 5 June 2024
Time: 7.00 pm
Venue: The Guildhall, Ormsby
1. Declarations of Interest
None.
2. Bus Service Improvement Plan
The Transport Manager agreed to circulate the patronage figures to Members.
RESOLVED:
a) That the plan be noted.
b) That a further report be submitted to the September meeting.
3. Parking Charges Review
RESOLVED: That the item be deferred to the next meeting."""


def docx_bytes(text: str) -> bytes:
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
        for line in text.split("\n")
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF with a text layer, written by hand (no PDF library needed to make it)."""
    lines = text.split("\n")
    shown = " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*"
        for line in lines
    )
    stream = f"BT /F1 10 Tf 14 TL 40 800 Td {shown} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_word_and_pdf_minutes_give_the_same_proposal(kind):
    if kind == "pdf":
        pytest.importorskip("pypdf")
        data = pdf_bytes(PAPER)
    else:
        data = docx_bytes(PAPER)
    text = read_minutes(data, f"ormsby.{kind}")
    got = propose(text, calendar=calendar(["2024-07-03", "2024-09-11"])).as_json()["meetings"][0]
    assert (got["committee"], got["date"], got["time"], got["venue"]) == (
        "Planning and Transport Scrutiny Panel",
        "2024-06-05",
        "19:00",
        "Guildhall, Ormsby",
    )
    assert [(i["number"], i["title"], i["outcome"]) for i in got["items"]] == [
        (1, "Declarations of Interest", "none"),
        (2, "Bus Service Improvement Plan", "resolved"),
        (3, "Parking Charges Review", "deferred"),
    ]
    assert got["items"][1]["resolutions"] == [
        {"number": "a", "text": "That the plan be noted."},
        {"number": "b", "text": "That a further report be submitted to the September meeting."},
    ]
    assert got["items"][2]["deferred_to"] == {"text": "the next meeting", "date": "2024-07-03"}
    assert got["report_back_requests"] == [
        {
            "item": "2",
            "text": "That a further report be submitted to the September meeting.",
            "target": {"text": "the September meeting", "month": "2024-09"},
        }
    ]
    assert got["undertakings"] == [
        {
            "item": "2",
            "text": "The Transport Manager agreed to circulate the patronage figures to Members.",
        }
    ]
    assert got["warnings"] == []


# --- Speed ---------------------------------------------------------------------------------------


NEAR_MISSES = [
    "Minutes of the meeting of the Scrutiny Committee held at County Hall County Hall County\n",
    "RESOLVED to (1) (2) (3) that that that that the the the the be be be\n",
    "12/23 12/23 12/23 APOLOGIES 12/23 \n",
    "That the item be deferred to the the the next next next next next next next meeting\n",
    "the addition of a session on damp and mould and damp and mould in the in the in the\n",
    "Date | Time | Venue | Date | Time\n",
    "(45) (45) (45) Panel Board Committee Sub-Committee Cabinet\n",
    "support for young people for young people be scheduled for for for the\n",
    "Monday 3rd June 2024 at 2pm in the Council Chamber Monday 3rd June 2024 at 2pm in\n",
]


def five_megabytes_of_near_matches() -> str:
    body = "".join(NEAR_MISSES)
    head = "Adult Social Care Scrutiny Committee\nTuesday 9 July 2024\n\n"
    return head + body * (5_000_000 // len(body))


def test_five_megabytes_of_near_matches_are_read_through():
    """Catastrophic backtracking would hang here; its time is measured in bench.importer."""
    with contextlib.suppress(MinutesError):
        propose(five_megabytes_of_near_matches(), calendar=Calendar())
