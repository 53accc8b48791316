"""Saving a tracker: meetings by date, resolutions, actions, the latest update and executive
responses, through the services; nothing saved by a dry run; the same file twice changes
nothing; an edited file changes what was edited, matched on the reference."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from actions.models import RAG, Action, ActionUpdate, ExecutiveResponse, Resolution
from committees.models import AgendaItem, Meeting
from tests.workbooks.conftest import HEADINGS, xlsx
from tracker.workbooks.recording import IMPORTED_ITEM, Kinds, record
from tracker.workbooks.rows import read_rows
from tracker.workbooks.sheets import read_sheet

D = dt.date
# Also run on SQLite by make test: a spreadsheet's rows are saved in bulk with SQL of each database's own.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

ROWS = [
    # Ref, meeting, recommendation, lead, response, due, RAG, update, update date
    [
        "CS1",
        "12/12/2017",
        "Report placement moves for under-fives",
        "Dev Okafor",
        None,
        "31/01/2018",
        "Amber",
        "Figures being gathered",
        "15/01/2018",
    ],
    [
        "CS2",
        "12 December 2017",
        "Circulate the delivery plan",
        "Head of Children's Social Care",
        None,
        "tbc",
        "Complete",
        "Circulated to members",
        "16-Jan-18",
    ],
    [
        "CS3",
        43081,
        "Cabinet to fund two more social workers",
        "Cllr Alan Marsh",
        "Partially accepted: one post funded",
        None,
        None,
        None,
        None,
    ],
    [
        "CS4",
        "14/11/2017",
        "Cabinet to publish the sufficiency strategy",
        None,
        "Rejected",
        None,
        None,
        None,
        None,
    ],
    [
        "CS5",
        "14/11/2017",
        "Report on agency staff costs",
        "Somebody Unknown",
        None,
        "March 2018",
        "3",
        None,
        None,
    ],
]


def tracker(rows=ROWS) -> bytes:
    return xlsx(("2017-18", [["Recommendation tracker 2017/18"], [], HEADINGS, *rows]))


def save(committee, data: bytes, *, by=None, dry_run=False, kind=Kinds.AUTO, name="t.xlsx"):
    return record(read_rows(read_sheet(data, name)), committee, by=by, kind=kind, dry_run=dry_run)


def snapshot():
    """Everything an import writes, as plain values, to compare before and after."""
    return {
        "meetings": sorted(Meeting.objects.values_list("date", "status")),
        "items": sorted(AgendaItem.objects.values_list("meeting__date", "title", "outcome")),
        "resolutions": sorted(
            Resolution.objects.values_list("reference", "spreadsheet_reference", "kind", "text")
        ),
        "actions": sorted(
            Action.objects.values_list(
                "reference", "title", "owner__name", "due_date", "status", "closed_on"
            )
        ),
        "updates": sorted(
            ActionUpdate.objects.values_list(
                "action__reference", "as_of", "text", "rag", "progress", "closes_action"
            )
        ),
        "responses": sorted(
            ExecutiveResponse.objects.values_list(
                "resolution__reference",
                "referred_on",
                "responsible__name",
                "decision",
                "responded_on",
                "response_text",
            )
        ),
    }


def test_it_saves_meetings_resolutions_actions_updates_and_responses(committee, dev, priya):
    outcome = save(committee, tracker(), by=priya.user)
    assert outcome.refused == []
    assert outcome.summary() == (
        "Saved for Children's Services Overview and Scrutiny Committee: 2 meetings created, "
        "1 person added to the council's people, 5 recommendations and 4 actions created, 2 updates recorded, 1 action signed off, "
        "2 executive responses started and 2 decisions recorded, 0 rows changed what an "
        "earlier import saved, 0 rows unchanged, 0 rows refused."
    )
    assert snapshot() == {
        "meetings": [(D(2017, 11, 14), "held"), (D(2017, 12, 12), "held")],
        "items": [
            (D(2017, 11, 14), IMPORTED_ITEM, "resolved"),
            (D(2017, 12, 12), IMPORTED_ITEM, "resolved"),
        ],
        "resolutions": [
            ("CS (17/18) 01", "CS1", "action", "Report placement moves for under-fives"),
            ("CS (17/18) 02", "CS2", "action", "Circulate the delivery plan"),
            ("CS (17/18) 03", "CS3", "recommendation", "Cabinet to fund two more social workers"),
            (
                "CS (17/18) 04",
                "CS4",
                "recommendation",
                "Cabinet to publish the sufficiency strategy",
            ),
            ("CS (17/18) 05", "CS5", "action", "Report on agency staff costs"),
        ],
        "actions": [
            (
                "CS (17/18) A01",
                "Report placement moves for under-fives",
                "Dev Okafor",
                D(2018, 1, 31),
                "open",
                None,
            ),
            (
                "CS (17/18) A02",
                "Circulate the delivery plan",
                "Dev Okafor",
                None,
                "completed",
                D(2018, 1, 16),
            ),
            (
                "CS (17/18) A03",
                "Cabinet to fund two more social workers",
                "Alan Marsh",
                None,
                "open",
                None,
            ),
            (
                "CS (17/18) A04",
                "Report on agency staff costs",
                "Somebody Unknown",
                D(2018, 3, 31),
                "open",
                None,
            ),
        ],
        "updates": [
            ("CS (17/18) A01", D(2018, 1, 15), "Figures being gathered", RAG.AMBER, None, False),
            ("CS (17/18) A02", D(2018, 1, 16), "Circulated to members", RAG.COMPLETED, None, True),
            (
                "CS (17/18) A04",
                D(2018, 1, 22),
                "Status in the council's tracker spreadsheet: progress 3.",
                "",
                3,
                False,
            ),
        ],
        "responses": [
            (
                "CS (17/18) 03",
                D(2017, 12, 12),
                "Alan Marsh",
                "partly_accepted",
                D(2018, 1, 22),
                "Partially accepted: one post funded",
            ),
            ("CS (17/18) 04", D(2017, 11, 14), None, "rejected", D(2018, 1, 22), "Rejected"),
        ],
    }
    # The lead the tracker did not know is added to the council's people, with no email.
    assert outcome.notes == []
    [added] = outcome.people
    assert (added.name, added.organisation, added.email, added.is_councillor) == (
        "Somebody Unknown",
        committee.authority.name,
        "",
        False,
    )
    owned = Action.objects.get(reference="CS (17/18) A04")
    assert (owned.owner, owned.description) == (added, "")
    signed = ActionUpdate.objects.get(action__reference="CS (17/18) A02")
    assert signed.recorded_by == priya.user


def test_a_dry_run_reports_the_same_and_saves_nothing(committee, dev, priya):
    dry = save(committee, tracker(), by=priya.user, dry_run=True)
    assert snapshot() == {k: [] for k in snapshot()}
    assert Resolution.history.count() == 0
    real = save(committee, tracker(), by=priya.user)
    assert dry.summary().replace("Nothing saved (dry run)", "Saved") == real.summary()
    assert [str(row) for row in dry.rows] == [str(row) for row in real.rows]


def test_importing_the_same_file_again_changes_nothing(committee, dev, priya):
    save(committee, tracker(), by=priya.user)
    before = snapshot()
    history = Action.history.count() + Resolution.history.count() + ActionUpdate.history.count()
    again = save(committee, tracker(), by=priya.user)
    assert snapshot() == before
    assert (
        Action.history.count() + Resolution.history.count() + ActionUpdate.history.count()
        == history
    )
    assert again.summary().endswith(
        "0 rows changed what an earlier import saved, 5 rows unchanged, 0 rows refused."
    )
    assert [str(row) for row in again.rows][:2] == [
        "Row 4 (CS (17/18) 01 and CS (17/18) A01): unchanged",
        "Row 5 (CS (17/18) 02 and CS (17/18) A02): unchanged",
    ]


def test_an_edited_file_updates_what_changed_matched_on_the_reference(committee, dev, priya):
    save(committee, tracker(), by=priya.user)
    edited = [list(row) for row in ROWS]
    edited[0][2] = "Report placement moves for under-fives and under-tens"  # text
    edited[0][6], edited[0][7], edited[0][8] = "Green", "Figures sent to members", "19/01/2018"
    edited[2][2] = "Cabinet to fund two more social workers"  # unchanged
    edited[4][5] = "30/04/2018"  # due date
    edited[4][6] = "Completed"
    edited[1][6] = "Amber"  # CS2 was signed off: the spreadsheet cannot reopen it
    edited.append(
        ["CS6", "12/12/2017", "A new recommendation", "Dev Okafor", None, None, None, None, None]
    )
    outcome = save(committee, tracker(list(reversed(edited))), by=priya.user)
    assert outcome.refused == []
    assert [str(row) for row in outcome.changed_rows] == [
        "Row 4 (CS (17/18) 06 and CS (17/18) A05): created",
        "Row 5 (CS (17/18) 05 and CS (17/18) A04): due date changed; signed off as completed",
        "Row 9 (CS (17/18) 01 and CS (17/18) A01): text changed; action's title changed; update of 19 January 2018 recorded",
    ]
    assert outcome.notes == [
        "Row 8: CS (17/18) A02 was completed on 16 January 2018; the spreadsheet's newer status "
        "is not recorded. Reopen the action on its page if the work goes on."
    ]
    first = Action.objects.get(reference="CS (17/18) A01")
    assert first.title == "Report placement moves for under-fives and under-tens"
    assert [(u.as_of, u.rag, u.text) for u in first.updates.order_by("as_of")] == [
        (D(2018, 1, 15), RAG.AMBER, "Figures being gathered"),
        (D(2018, 1, 19), RAG.GREEN, "Figures sent to members"),
    ]
    fifth = Action.objects.get(reference="CS (17/18) A04")
    assert (fifth.status, fifth.due_date, fifth.closed_on) == (
        "completed",
        D(2018, 4, 30),
        D(2018, 1, 22),
    )
    assert Resolution.objects.count() == 6


def test_references_restart_each_year_without_matching_last_years(committee, dev):
    """Sheets numbered afresh each year: "1" of 2016/17 and "1" of 2017/18 are two rows."""
    older = xlsx(
        (
            "2016-17",
            [HEADINGS, ["1", "13/12/2016", "Older one", None, None, None, None, None, None]],
        )
    )
    newer = xlsx(
        (
            "2017-18",
            [HEADINGS, ["1", "12/12/2017", "Newer one", None, None, None, None, None, None]],
        )
    )
    save(committee, older)
    save(committee, newer)
    assert sorted(Resolution.objects.values_list("reference", "spreadsheet_reference", "text")) == [
        ("CS (16/17) 01", "1", "Older one"),
        ("CS (17/18) 01", "1", "Newer one"),
    ]


def test_rows_without_a_reference_are_matched_by_meeting_and_text(committee):
    data = xlsx(
        ("T", [["Meeting date", "Action", "Status"], ["12/12/2017", "Send the figures", "Red"]])
    )
    save(committee, data)
    again = save(committee, data)
    assert (Resolution.objects.count(), Action.objects.count(), ActionUpdate.objects.count()) == (
        1,
        1,
        1,
    )
    assert again.unchanged == 1


def test_it_links_rows_to_the_meeting_of_that_date_and_its_item(committee, december, make_item):
    item = make_item(5, "Placement Stability Update")
    data = xlsx(
        (
            "T",
            [
                ["Ref", "Meeting date", "Item", "Recommendation"],
                ["P1", "12/12/2017", "Placement Stability Update", "Bring the figures back"],
            ],
        )
    )
    save(committee, data)
    resolution = Resolution.objects.get()
    assert (resolution.agenda_item, Meeting.objects.count(), AgendaItem.objects.count()) == (
        item,
        1,
        1,
    )


def test_rows_the_rules_refuse_are_listed_and_leave_nothing_behind(committee, dev):
    rows = [
        [
            "CS1",
            "12/12/2017",
            "Update dated before the meeting",
            "Dev Okafor",
            None,
            None,
            "Red",
            "Early",
            "01/12/2017",
        ],
        ["CS2", "12/02/2018", "Meeting still to come", None, None, None, None, None, None],
        [
            "CS3",
            "12/12/2017",
            "Update dated after today",
            None,
            None,
            None,
            "Green",
            "Later",
            "30/01/2018",
        ],
        ["CS4", "12/12/2017", "Fine", None, None, None, "Green", "Done well", "15/01/2018"],
        [
            "CS5",
            "12/12/2017",
            "Answered before it was asked",
            None,
            "Accepted",
            None,
            None,
            None,
            None,
        ],
    ]
    rows[4][4] = "Accepted"
    rows.append(
        [
            "CS6",
            "14/11/2017",
            "Response dated before",
            "Dev Okafor",
            "Accepted",
            None,
            None,
            None,
            None,
        ]
    )
    data = xlsx(
        (
            "T",
            [
                [
                    "Ref",
                    "Meeting date",
                    "Recommendation",
                    "Lead officer",
                    "Executive response",
                    "Due date",
                    "RAG",
                    "Latest update",
                    "Update date",
                    "Response date",
                ],
                *[[*r, None] for r in rows[:-1]],
                [*rows[-1], "01/11/2017"],
            ],
        )
    )
    outcome = save(committee, data)
    assert [str(p) for p in outcome.refused] == [
        "Row 2: as of: The reporting date cannot be before CS (17/18) A01 was raised, on 12 December 2017.",
        "Row 3: the meeting date 12 February 2018 is after today, and Children's Services "
        "Overview and Scrutiny Committee has no meeting that day: a tracker's recommendations "
        "come from meetings already held",
        "Row 4: as of: The reporting date cannot be in the future.",
        "Row 7: responded on: The response cannot come before the recommendation was received.",
    ]
    assert sorted(Resolution.objects.values_list("spreadsheet_reference", flat=True)) == [
        "CS4",
        "CS5",
    ]
    assert not Meeting.objects.filter(date=D(2018, 2, 12)).exists()
    assert not Meeting.objects.filter(date=D(2017, 11, 14)).exists()


def test_progress_five_is_left_for_the_chair_to_sign_off(committee, dev):
    data = xlsx(
        (
            "T",
            [
                ["Ref", "Meeting date", "Action", "Progress"],
                ["S1", "12/12/2017", "Embed the new practice model", 5],
            ],
        )
    )
    save(committee, data)
    action = Action.objects.get()
    assert action.status == "open"
    assert list(action.updates.values_list("progress", "rag", "closes_action")) == [(5, "", False)]


def test_the_kind_of_rows_can_be_chosen(committee):
    data = xlsx(
        (
            "T",
            [
                ["Ref", "Meeting date", "Recommendation"],
                ["R1", "12/12/2017", "Cabinet to review fees"],
            ],
        )
    )
    save(committee, data, kind=Kinds.RECOMMENDATION)
    resolution = Resolution.objects.get()
    assert resolution.kind == "recommendation"
    assert (resolution.executive_response.referred_on, resolution.executive_response.decision) == (
        D(2017, 12, 12),
        "pending",
    )


def test_the_command_imports_a_sheet_and_its_dry_run_saves_nothing(committee, dev, write, capsys):
    data = xlsx(("2016-17", [HEADINGS]), ("2017-18", [["Tracker"], HEADINGS, *ROWS[:2]]))
    path = write("tracker.xlsx", data)
    call_command(
        "import_tracker", path, committee="childrens-services", sheet="2017-18", dry_run=True
    )
    printed = capsys.readouterr().out
    assert Resolution.objects.count() == 0
    assert printed.splitlines()[:13] == [
        'Sheet "2017-18"',
        "Headings on row 2; columns read:",
        "  A Ref: Reference",
        "  B Meeting date: Meeting date",
        "  C Recommendation: Recommendation or action",
        "  D Lead officer: Lead officer (owner)",
        "  E Executive response: Executive response",
        "  F Due date: Due date",
        "  G RAG: Status or RAG",
        "  H Latest update: Latest update",
        "  I Update date: Date of the latest update",
        "2 rows read, 0 passed over as notes or titles, 0 blank.",
        "Rows that would change (2):",
    ]
    assert printed.splitlines()[-1].startswith("Nothing saved (dry run) for Children's Services")
    call_command("import_tracker", path, committee="childrens-services", sheet="2017-18")
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Saved for Children's Services Overview and Scrutiny Committee: 1 meeting created, "
        "2 recommendations and 2 actions created, 1 update recorded, 1 action signed off, "
        "0 executive responses started and 0 decisions recorded, 0 rows changed what an "
        "earlier import saved, 0 rows unchanged, 0 rows refused."
    )


def test_the_command_takes_a_changed_mapping_and_refuses_what_it_cannot_use(committee, write):
    data = xlsx(
        (
            "T",
            [
                ["Ref", "Meeting date", "Agreed", "Comments"],
                ["X1", "12/12/2017", "Send the figures", "Chased"],
            ],
        )
    )
    path = write("t.xlsx", data)
    with pytest.raises(CommandError) as refused:
        call_command("import_tracker", path, committee="childrens-services")
    assert str(refused.value) == (
        "Choose the column that holds the recommendation or action. Use --column LETTER=FIELD "
        "to say which column holds it. Nothing was imported."
    )
    call_command("import_tracker", path, committee="childrens-services", column=["C=text", "D="])
    action = Action.objects.get()
    assert (action.title, action.updates.count()) == ("Send the figures", 0)
    with pytest.raises(CommandError) as refused:
        call_command("import_tracker", path, committee="childrens-services", column=["C=colour"])
    assert str(refused.value).startswith('"colour" is not a field; the fields are: reference,')
    with pytest.raises(CommandError) as refused:
        call_command("import_tracker", path, committee="nowhere")
    assert str(refused.value) == 'No committee has the slug "nowhere"; nothing was imported.'
    with pytest.raises(CommandError) as refused:
        call_command("import_tracker", write("t.txt", b"hello"), committee="childrens-services")
    assert str(refused.value) == (
        "Give an Excel workbook (.xlsx) or a CSV file (.csv). Nothing was imported."
    )


def test_an_older_update_already_recorded_is_not_recorded_again(committee, dev):
    first = [
        [
            "CS1",
            "12/12/2017",
            "Send the figures",
            "Dev Okafor",
            None,
            None,
            "Amber",
            "Gathering",
            "15/01/2018",
        ]
    ]
    later = [
        [
            "CS1",
            "12/12/2017",
            "Send the figures",
            "Dev Okafor",
            None,
            None,
            "Green",
            "Sent",
            "19/01/2018",
        ]
    ]
    save(committee, tracker(first))
    save(committee, tracker(later))
    again = save(committee, tracker(first))
    assert again.unchanged == 1
    assert list(ActionUpdate.objects.order_by("as_of").values_list("as_of", "text")) == [
        (D(2018, 1, 15), "Gathering"),
        (D(2018, 1, 19), "Sent"),
    ]


def test_a_row_that_changes_nothing_costs_no_query(committee, dev):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rows(count):
        return [
            [
                f"N{n}",
                "12/12/2017",
                f"Recommendation {n}",
                "Dev Okafor",
                "Accepted" if n % 2 else None,
                None,
                "Amber",
                "Going",
                "15/01/2018",
            ]
            for n in range(count)
        ]

    counts = []
    for count in (5, 10):
        save(committee, tracker(rows(count)))
        with CaptureQueriesContext(connection) as queries:
            again = save(committee, tracker(rows(count)))
        assert again.unchanged == count
        counts.append(len(queries))
    # Not even a savepoint: a row opens one only before its first write.
    assert counts[1] - counts[0] == 0
