"""Reading trackers in the shapes councils keep them: titles and notes above the headings,
merged group headings, blank and note rows, one sheet per year, CSV from Excel in UTF-8 with
a byte-order mark or in Windows-1252, formulas, and the cells themselves (UK dates, Excel day
numbers, "tbc", status words, RAG and the 1 to 5 scale)."""

import datetime as dt

import pytest

from actions.models import RAG
from tests.workbooks.conftest import HEADINGS, with_saved_results, xlsx
from tracker.workbooks.cells import Status, read_date, read_status
from tracker.workbooks.rows import read_rows
from tracker.workbooks.sheets import WorkbookError, read_sheet

# Also run on SQLite by make test: a spreadsheet's rows are saved in bulk with SQL of each database's own.
pytestmark = pytest.mark.sqlite

D = dt.date
ROW = [
    "CS1",
    "12/12/2017",
    "Report placement moves",
    "Dev Okafor",
    None,
    "31/01/2018",
    "Amber",
    "Gathering figures",
    "15/01/2018",
]


def reading_of(data: bytes, name="tracker.xlsx", sheet=None, mapping=None):
    return read_rows(read_sheet(data, name, sheet), mapping)


def test_it_finds_the_headings_under_a_merged_title_and_notes():
    data = xlsx(
        (
            "Tracker",
            [
                ["Children's Services O&S recommendation tracker 2017/18"],
                ["Updated for the meeting of 13 February 2018"],
                [],
                ["Key: Red = off track, Amber = at risk, Green = on track"],
                HEADINGS,
                ROW,
            ],
        ),
        merges={"Tracker": ["A1:I1", "A4:I4"]},
    )
    reading = reading_of(data)
    assert reading.header.row == 5
    assert reading.mapping == {
        0: "reference",
        1: "meeting_date",
        2: "text",
        3: "lead",
        4: "response",
        5: "due_date",
        6: "status",
        7: "update",
        8: "update_date",
    }
    assert [
        (r.number, r.reference, r.meeting_date, r.due_date, r.status) for r in reading.rows
    ] == [(6, "CS1", D(2017, 12, 12), D(2018, 1, 31), Status(rag=RAG.AMBER))]


def test_it_reads_group_headings_merged_over_two_rows():
    """ "Executive response" merged over "Decision" and "Date"; "Ref" and "Recommendation"
    merged down both heading rows."""
    data = xlsx(
        (
            "Tracker",
            [
                ["Recommendation tracker"],
                ["Ref", "Date of meeting", "Recommendation", "Executive response", None, "Status"],
                [None, None, None, "Decision", "Date", None],
                [
                    "R1",
                    "12 December 2017",
                    "Publish the sufficiency strategy",
                    "Partially accepted",
                    "10/01/2018",
                    "Green",
                ],
            ],
        ),
        merges={"Tracker": ["A1:F1", "D2:E2", "A2:A3", "B2:B3", "C2:C3", "F2:F3"]},
    )
    reading = reading_of(data)
    assert reading.header.row == 3
    assert reading.header.headings == [
        "Ref",
        "Date of meeting",
        "Recommendation",
        "Executive response Decision",
        "Executive response Date",
        "Status",
    ]
    assert reading.mapping == {
        0: "reference",
        1: "meeting_date",
        2: "text",
        3: "response",
        4: "response_date",
        5: "status",
    }
    (row,) = reading.rows
    assert (row.decision, row.response_date, row.status.rag) == (
        "partly_accepted",
        D(2018, 1, 10),
        RAG.GREEN,
    )


def test_it_passes_over_blank_and_note_rows_and_lists_them():
    data = xlsx(
        (
            "Tracker",
            [
                HEADINGS,
                ROW,
                [],
                [None, None, None, None, None, None, None, None, None],
                ["Meeting of 13 February 2018"],
                ["CS2", "13/02/2018", "Invite the Lead Member", None, None, None, None, None, None],
            ],
        )
    )
    clock_after = reading_of(data)
    assert [row.reference for row in clock_after.rows] == ["CS1", "CS2"]
    assert clock_after.blank_rows == 2
    assert [str(p) for p in clock_after.passed_over] == [
        "Row 5: passed over: no recommendation or action in it (a note or title)"
    ]
    assert clock_after.refused == []


def test_it_lists_rows_it_cannot_read_with_their_number_and_why():
    data = xlsx(
        (
            "Tracker",
            [
                HEADINGS,
                ["CS1", "12/12/9999", "A slip of the keyboard", None, None, None, None, None, None],
                [
                    "CS2",
                    "12/12/1066",
                    "Long before the council",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ],
                ["CS3", None, "No meeting given", None, None, None, None, None, None],
                ["CS4", "sometime", "Meeting not a date", None, None, None, None, None, None],
                ["CS5", "12/12/2017", "Due in 9999", None, None, "31/12/9999", None, None, None],
                [
                    "CS6",
                    "12/12/2017",
                    "Month is not a meeting date",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ],
                ["CS6", "12/12/2017", "Same reference twice", None, None, None, None, None, None],
                ["CS7", "31/02/2018", "No such day", None, None, None, None, None, None],
                ["CS8", "January 2018", "Month alone", None, None, None, None, None, None],
            ],
        )
    )
    reading = reading_of(data)
    assert [str(p) for p in reading.refused] == [
        "Row 2: meeting date: the date 12/12/9999 is outside the years the tracker keeps (1900 to 2118)",
        "Row 3: meeting date: the date 12/12/1066 is outside the years the tracker keeps (1900 to 2118)",
        "Row 4: no meeting date: the tracker files each recommendation under its meeting",
        'Row 5: meeting date: "sometime" is not a date',
        "Row 6: due date: the date 31/12/9999 is outside the years the tracker keeps (1900 to 2118)",
        'Row 8: the reference "CS6" is also on row 7; each recommendation needs its own',
        'Row 9: meeting date: "31/02/2018" is not a date of the calendar (dates are read day first)',
        'Row 10: meeting date: "January 2018" is a month, not the date of a meeting',
    ]
    assert [row.number for row in reading.rows] == [7]


def test_one_sheet_per_year_is_read_by_name():
    data = xlsx(
        ("2016-17", [HEADINGS, ["A1", "13/12/2016", "Older", None, None, None, None, None, None]]),
        ("2017-18", [HEADINGS, ROW]),
    )
    assert [r.reference for r in reading_of(data).rows] == ["A1"]
    second = reading_of(data, sheet="2017-18")
    assert (second.sheet, second.sheet_names) == ("2017-18", ["2016-17", "2017-18"])
    assert [r.reference for r in second.rows] == ["CS1"]
    with pytest.raises(WorkbookError) as refused:
        reading_of(data, sheet="2018-19")
    assert str(refused.value) == (
        'The workbook has no sheet called "2018-19"; its sheets are: "2016-17", "2017-18".'
    )


CSV_TEXT = (
    "Ref,Meeting date,Recommendation,Lead officer,Status,Latest update\r\n"
    "CS1,12/12/2017,Review the children\u2019s centres \u2013 all five,Dev Okafor,Red,Costs £2m\r\n"
)


@pytest.mark.parametrize(
    "encoded",
    [CSV_TEXT.encode("utf-8-sig"), CSV_TEXT.encode("utf-8"), CSV_TEXT.encode("cp1252")],
    ids=["utf-8 with BOM", "utf-8", "cp1252"],
)
def test_csv_from_excel_is_read_in_each_encoding(encoded):
    reading = reading_of(encoded, name="tracker.csv")
    assert reading.mapping == {
        0: "reference",
        1: "meeting_date",
        2: "text",
        3: "lead",
        4: "status",
        5: "update",
    }
    (row,) = reading.rows
    assert (row.reference, row.text, row.update, row.status.rag) == (
        "CS1",
        "Review the children\u2019s centres \u2013 all five",
        "Costs £2m",
        RAG.RED,
    )


def test_formulas_are_read_as_excel_saved_their_results():
    """A date worked out by a formula reads as its result; one Excel never calculated is
    refused with its row; text that looks like a formula is kept as text."""
    book = xlsx(
        (
            "Tracker",
            [
                HEADINGS,
                ["CS1", "=DATE(2017,12,12)", "Calculated date", None, None, None, None, None, None],
                [
                    "CS2",
                    "=DATE(2017,12,12)",
                    "Never calculated",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ],
            ],
        )
    )
    saved = with_saved_results(book, {"B2": "43081"})
    reading = reading_of(saved)
    assert [(r.number, r.meeting_date) for r in reading.rows] == [(2, D(2017, 12, 12))]
    assert [str(p) for p in reading.refused] == [
        "Row 3: the meeting date is a formula (=DATE(2017,12,12)) with no saved result: open the "
        "workbook in Excel and save it again, so its results are kept"
    ]
    csv_text = 'Ref,Meeting date,Recommendation\r\nCS1,12/12/2017,"=HYPERLINK(""http://x"")"\r\n'
    (row,) = reading_of(csv_text.encode(), name="t.csv").rows
    assert row.text == '=HYPERLINK("http://x")'


def test_a_file_that_is_no_tracker_is_refused_with_why():
    with pytest.raises(WorkbookError) as refused:
        reading_of(b"PK\x03\x04 not really a workbook")
    assert str(refused.value).startswith("The file cannot be opened as an Excel workbook")
    with pytest.raises(WorkbookError) as refused:
        reading_of(b"\xd0\xcf\x11\xe0", name="old.xls")
    assert "Excel 97-2003" in str(refused.value)
    no_headings = reading_of(xlsx(("Sheet", [["Just a list"], ["of things"]])))
    assert no_headings.header is None
    assert no_headings.mapping_problems[0].startswith("No row near the top of the sheet")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12/01/2018", (D(2018, 1, 12), None)),
        ("12/1/18", (D(2018, 1, 12), None)),
        ("12 January 2018", (D(2018, 1, 12), None)),
        ("12th Jan 2018", (D(2018, 1, 12), None)),
        ("Friday 12 January 2018", (D(2018, 1, 12), None)),
        ("12-Jan-18", (D(2018, 1, 12), None)),
        ("12 Sept 2017", (D(2017, 9, 12), None)),
        ("2018-01-12", (D(2018, 1, 12), None)),
        (43112, (D(2018, 1, 12), None)),
        (43112.75, (D(2018, 1, 12), None)),
        ("43112", (D(2018, 1, 12), None)),
        (dt.datetime(2018, 1, 12, 0, 0), (D(2018, 1, 12), None)),
        ("tbc", (None, None)),
        ("TBC - after the review", (None, None)),
        ("To be confirmed", (None, None)),
        (None, (None, None)),
        (
            "31/12/9999",
            (None, "the date 31/12/9999 is outside the years the tracker keeps (1900 to 2118)"),
        ),
        (
            2958465,
            (None, "the date 31/12/9999 is outside the years the tracker keeps (1900 to 2118)"),
        ),
        (-3, (None, "the number -3 is not an Excel date")),
        ("soon", (None, '"soon" is not a date')),
    ],
)
def test_it_reads_uk_dates_excel_day_numbers_and_tbc(cell, expected):
    assert read_date(cell) == expected


def test_a_month_is_a_due_date_at_its_end():
    assert read_date("March 2018", month_ends=True) == (D(2018, 3, 31), None)


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("Red", Status(rag=RAG.RED)),
        ("AMBER", Status(rag=RAG.AMBER)),
        ("Green - on track", Status(rag=RAG.GREEN)),
        ("G", Status(rag=RAG.GREEN)),
        ("On track", Status(rag=RAG.GREEN)),
        ("Complete", Status(completed=True)),
        ("Completed", Status(completed=True)),
        ("Closed", Status(completed=True)),
        ("Not completed", Status()),
        ("Not started", Status(progress=1)),
        ("Ongoing", Status(progress=2)),
        (3, Status(progress=3)),
        ("4 - Achieved, impact to be sustained", Status(progress=4)),
        ("5: Completed and sustained", Status(progress=5)),
        ("5", Status(progress=5)),
        ("Accepted", Status(decision="accepted")),
        ("Partially accepted", Status(decision="partly_accepted")),
        ("Rejected", Status(decision="rejected")),
    ],
)
def test_it_maps_status_words_rag_and_the_progress_scale_to_ours(cell, status):
    assert read_status(cell) == (status, None)


def test_a_status_it_does_not_know_is_a_note_not_a_refusal():
    assert read_status("Pending review") == (
        Status(),
        'the status "Pending review" was not understood',
    )
    assert read_status(7) == (Status(), 'the progress "7" is not on the 1 to 5 scale')


def test_rows_under_a_meeting_title_take_its_date():
    data = xlsx(
        (
            "Tracker",
            [
                ["Ref", "Recommendation", "Lead officer", "RAG"],
                ["Meeting of 12 December 2017"],
                ["CS1", "Report placement moves", "Dev Okafor", "Amber"],
                ["CS2", "Circulate the plan", None, "Green"],
                [dt.datetime(2018, 1, 16)],
                ["CS3", "Invite the Lead Member", None, None],
            ],
        )
    )
    reading = reading_of(data)
    assert [(r.reference, r.meeting_date) for r in reading.rows] == [
        ("CS1", D(2017, 12, 12)),
        ("CS2", D(2017, 12, 12)),
        ("CS3", D(2018, 1, 16)),
    ]
    assert [p.number for p in reading.passed_over] == [2, 5]
