"""Minutes in other councils' styles (invented councils and people), and hostile input.

The importer is judged on minutes it has never seen, so these keep the parser honest about
the family of formats: CMIS pages with lettered <ol> lists, "RESOLVED - (1) ... (2) ...",
"Resolved - That (a) ... (b) ...", "AGREED:" and "The Committee RESOLVED that:" with
bullets, items numbered "5/24", "Item 7" and "42.", deferrals phrased in other ways.
"""

import datetime as dt
import random
from pathlib import Path

import pytest

from tracker.importer.parsing import propose
from tracker.importer.reading import MinutesError, read_minutes
from tracker.importer.targets import Calendar, place

MINUTES = Path(__file__).parent / "minutes"


def proposal_of(name: str, calendar: Calendar | None = None) -> dict:
    path = MINUTES / name
    text = read_minutes(path.read_bytes(), path.name)
    return propose(text, calendar=calendar or Calendar()).as_json()["meetings"][0]


def items(meeting: dict) -> list:
    return [(i["number"], i["title"], i["outcome"]) for i in meeting["items"]]


def test_it_splits_lettered_resolutions_of_a_cmis_page():
    meeting = proposal_of("westbrook_cmis.html", Calendar(meeting_dates=[dt.date(2024, 6, 11)]))
    assert (meeting["committee"], meeting["date"], meeting["time"], meeting["venue"]) == (
        "Children and Young People Scrutiny Panel",
        "2024-03-05",
        "18:30",
        "Council Chamber, Westbrook Town Hall",
    )
    assert items(meeting) == [
        (5, "Minutes of the previous meeting", "resolved"),
        (6, "Youth Justice Plan 2024/25", "resolved"),
        (7, "Home to School Transport Review", "deferred"),
        (8, "Work Programme", "resolved"),
    ]
    assert meeting["items"][1]["resolutions"] == [
        {"number": "a", "text": "The Youth Justice Plan be noted"},
        {
            "number": "b",
            "text": "The Head of Youth Justice arrange a visit to the Youth Hub for Members",
        },
        {
            "number": "c",
            "text": "A progress report be presented to the June 2024 meeting of the Panel.",
        },
    ]
    assert meeting["items"][2]["deferred_to"] == {"text": "the next meeting", "date": "2024-06-11"}
    assert meeting["items"][3]["resolutions"] == [
        {
            "number": "a",
            "text": "The item on Elective Home Education be added to the work programme for July 2024",
        },
        {"number": "b", "text": "The work programme be otherwise noted."},
    ]
    assert meeting["work_programme_requests"] == [
        {"topic": "Elective Home Education", "target": {"text": "July 2024", "month": "2024-07"}}
    ]
    assert meeting["report_back_requests"] == [
        {
            "item": "6",
            "text": "A progress report be presented to the June 2024 meeting of the Panel.",
            "target": {"text": "the June 2024 meeting", "month": "2024-06"},
        }
    ]
    assert meeting["undertakings"] == [
        {"item": "6", "text": "The Director agreed to circulate the figures to Members."}
    ]
    assert meeting["warnings"] == [
        'Item 8: work-programme request "Elective Home Education" for "July 2024": no meeting of '
        "the committee is scheduled in July 2024; kept as text for the officer."
    ]


def test_it_reads_inline_numbered_and_lettered_resolved_blocks():
    meeting = proposal_of("northgate_printed.txt")
    assert items(meeting) == [
        (7, "Apologies for Absence", "none"),
        (8, "Minutes", "resolved"),
        (9, "Leisure Centre Contract", "resolved"),
        (10, "Community Safety Partnership Annual Report", "deferred"),
        (11, "Work Programme", "resolved"),
    ]
    assert meeting["items"][1]["resolutions"] == [
        {
            "number": "1",
            "text": "That the minutes of the meeting held on 15 November 2023 be approved as a correct record.",
        },
        {"number": "2", "text": "That the Chair sign them."},
    ]
    assert [r["number"] for r in meeting["items"][2]["resolutions"]] == ["a", "b", "c"]
    assert meeting["items"][3]["deferred_to"] == {"text": "the March meeting", "date": None}
    assert meeting["report_back_requests"][0]["target"] == {
        "text": "in six months' time",
        "month": "2024-07",
    }


def test_it_reads_agreed_and_committee_resolved_that_with_bullets():
    meeting = proposal_of("eastmoor_agreed.txt")
    assert (meeting["committee"], meeting["date"], meeting["time"], meeting["venue"]) == (
        "Adult Social Care and Health Scrutiny Committee",
        "2024-02-08",
        "10:00",
        "Room 2, County Hall, Eastmoor",
    )
    assert items(meeting) == [
        (42, "DECLARATIONS OF INTEREST", "none"),
        (43, "CARE MARKET SUSTAINABILITY", "resolved"),
        (44, "DIGITAL CARE RECORDS", "withdrawn"),
        (45, "WORK PROGRAMME", "resolved"),
    ]
    assert meeting["items"][1]["resolutions"] == [
        {"number": "", "text": "The report be noted"},
        {
            "number": "",
            "text": "Officers write to the Department of Health and Social Care about workforce funding for the county",
        },
        {"number": "", "text": "A further update be presented at the next meeting."},
    ]
    assert [r["number"] for r in meeting["items"][3]["resolutions"]] == ["i", "ii"]
    assert meeting["work_programme_requests"] == [
        {
            "topic": "Hospital Discharge",
            "target": {"text": "the June 2024 meeting", "month": "2024-06"},
        },
        {
            "topic": "Carers Strategy and the Respite Review",
            "target": {"text": "the autumn 2024 committee", "month": None},
        },
    ]
    assert meeting["report_back_requests"] == [
        {
            "item": "43",
            "text": "A further update be presented at the next meeting.",
            "target": {"text": "the next meeting", "month": None},
        }
    ]
    assert meeting["undertakings"] == [
        {"item": "43", "text": "The Director agreed to circulate the figures to Members."}
    ]


def test_a_resolved_block_without_numbers_is_split_at_paragraphs_with_a_warning():
    text = (
        "Harbour Scrutiny Committee - Monday, 4th March, 2024 6.00 pm\n\n"
        "12. Harbour Dredging\n\nMembers discussed silt levels.\n\nRESOLVED\n\n"
        "That the report be noted.\n\nThat officers publish the survey.\n\n"
        "13. Any Other Business\n\nNone.\n"
    )
    meeting = propose(text).as_json()["meetings"][0]
    assert [r["text"] for r in meeting["items"][0]["resolutions"]] == [
        "That the report be noted.",
        "That officers publish the survey.",
    ]
    assert meeting["warnings"] == [
        "Item 12: the RESOLVED block has no numbering; it was split at its paragraphs into 2 "
        "decisions: check them."
    ]


def test_deferred_without_a_target_is_flagged():
    text = (
        "Harbour Scrutiny Committee - Monday, 4th March, 2024 6.00 pm\n\n"
        "14. Mooring Fees\n\nThis item was deferred.\n"
    )
    meeting = propose(text).as_json()["meetings"][0]
    assert meeting["items"][0]["outcome"] == "deferred"
    assert meeting["items"][0]["deferred_to"] == {"text": "", "date": None}
    assert meeting["warnings"] == [
        "Item 14: the minutes say it was deferred but not to when; set the meeting it goes to."
    ]


@pytest.mark.parametrize(
    ("text", "month", "meeting"),
    [
        ("February 2017", "2017-02", dt.date(2017, 2, 14)),
        ("autumn 2016", "2016-10", dt.date(2016, 10, 4)),
        ("the next meeting", "2016-10", dt.date(2016, 10, 4)),
        ("the next meeting in the new municipal year", "2017-07", dt.date(2017, 7, 11)),
        ("the March meeting", "2017-03", None),
        ("the New Year", None, None),
    ],
)
def test_targets_land_on_the_committee_calendar(text, month, meeting):
    calendar = Calendar(
        meeting_dates=[dt.date(2016, 10, 4), dt.date(2017, 2, 14), dt.date(2017, 7, 11)]
    )
    placement = place(text, held_on=dt.date(2016, 7, 12), calendar=calendar)
    assert (placement.month, placement.meeting_date) == (month, meeting)


def test_random_bytes_give_a_clear_error_never_a_crash():
    generator = random.Random(20240305)
    for _ in range(20):
        data = bytes(generator.randrange(256) for _ in range(generator.randrange(1, 5000)))
        try:
            text = read_minutes(data, "upload.bin")
            propose(text)
        except MinutesError as error:
            assert str(error)


def test_deeply_nested_html_gives_a_proposal_or_a_clear_error():
    body = (
        "<h1>Harbour Scrutiny Committee - Monday, 4th March, 2024 6.00 pm</h1>"
        "<p>12. Harbour Dredging</p><p>RESOLVED: That the report be noted.</p>"
    )
    for depth in (5_000, 80_000):
        markup = "<html><body>" + "<div><span>" * depth + body + "</span></div>" * depth
        try:
            meeting = propose(read_minutes(markup.encode(), "minutes.html")).as_json()["meetings"][
                0
            ]
        except MinutesError as error:
            assert str(error)
        else:
            assert meeting["date"] == "2024-03-04"
            assert meeting["items"][0]["resolutions"] == [
                {"number": "", "text": "That the report be noted."}
            ]


def test_files_over_five_megabytes_are_refused_by_size():
    with pytest.raises(MinutesError, match="minutes over 5 MB are not read"):
        read_minutes(b"a" * (20 * 1024 * 1024), "pack.txt")


HOSTILE_LINE = (
    "Harbour Scrutiny Committee - Monday, 4th March, 2024 6.00 pm\n\n"
    + ("1. " + "That the " * 20_000 + "\n" + "RESOLVED " + "(a) " * 5_000 + "\n") * 3
)


def test_a_hostile_line_is_read_through():
    """Catastrophic backtracking would hang here; its time is measured in bench.importer."""
    proposal = propose(HOSTILE_LINE)
    assert [m.committee for m in proposal.meetings] == ["Harbour Scrutiny Committee"]
