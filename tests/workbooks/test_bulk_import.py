"""Rows saved in bulk leave the database exactly as rows saved one by one through the services
leave it: the same meetings, items, resolutions with the same references and positions,
actions, updates, responses, people, municipal years, and the same history rows (what was
created, then changed, by whom), and the same report; a re-import of the same file changes
nothing and an edited file changes the same things."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionUpdate, ExecutiveResponse, Resolution
from committees.models import (
    AgendaItem,
    Authority,
    Committee,
    Meeting,
    MunicipalYear,
    Person,
)
from tests.workbooks.conftest import xlsx
from tracker.workbooks.recording import record
from tracker.workbooks.rows import read_rows
from tracker.workbooks.sheets import read_sheet

D = dt.date
# Also run on SQLite by make test: a spreadsheet's rows are saved in bulk with SQL of each database's own.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

HEADINGS = [
    "Ref",
    "Meeting date",
    "Item",
    "Recommendation",
    "Lead officer",
    "Portfolio holder",
    "Executive response",
    "Response date",
    "Due date",
    "RAG",
    "Latest update",
    "Update date",
]


def row(ref, meeting, item, text, lead=None, holder=None, response=None, responded=None,
        due=None, rag=None, update=None, updated=None):  # fmt: skip
    return [ref, meeting, item, text, lead, holder, response, responded, due, rag, update, updated]


# Two municipal years, meetings the committee has and has not, items named and not, rows with
# and without references, people known, new (in two spellings) and not a person, and rows the
# rules refuse at each step.
ROWS = [
    row("R1", "12/12/2017", "Placement Stability Update", "Report placement moves", "Dev Okafor",
        due="31/01/2018", rag="Amber", update="Figures being gathered", updated="15/01/2018"),
    row("R2", "12/12/2017", None, "Circulate the delivery plan", "Head of Children's Social Care",
        rag="Complete", update="Circulated", updated="16/01/2018"),
    row("R3", "14/11/2017", "Social work", "Cabinet to fund two posts", "Cllr Alan Marsh",
        response="Partially accepted: one post", responded="20/12/2017"),
    row("R4", "14/11/2017", "Social work", "Cabinet to publish the strategy", None,
        response="Rejected", responded="20/12/2017"),
    row("R5", "14/11/2017", None, "Report on agency costs", "Jo Bell, Finance Business Partner",
        due="March 2018", rag="3"),
    row("R6", "14/11/2017", None, "Report on agency pay", "Jo Bell", rag="Red",
        update="Delayed by the audit", updated="10/01/2018"),
    row(None, "12/12/2017", "Placement Stability Update", "Visit the children's homes",
        "Finance team", rag="Green", update="Two visits done", updated="12/01/2018"),
    row(None, "12/12/2017", "Placement Stability Update", "Visit the children's homes",
        "Dev Okafor", rag="Green", update="Third visit done", updated="19/01/2018"),
    row("R7", "12/12/2017", None, "Update dated before the meeting", "Dev Okafor",
        rag="Red", update="Early", updated="01/12/2017"),
    row("R8", "12/02/2018", None, "Meeting still to come", "Dev Okafor"),
    row("R9", "12/12/2017", "Placement Stability Update", "Answered before it was asked",
        holder="Cllr Kim Osei", response="Accepted", responded="01/12/2017"),
    row("R10", "12/12/2017", None, "Done before the meeting", "Sam Lee", rag="Completed",
        update="Done", updated="30/11/2017"),
    row("R11", "13/03/2017", "Last year", "Last year's recommendation", "Sam Lee",
        holder="Cllr Kim Osei", response="Accepted", responded="20/04/2017", rag="Green",
        update="Going well", updated="01/06/2017"),
    row("R12", "13/03/2017", "Last year", "Last year's other one", "Head of Finance",
        rag="Complete", update="Finished", updated="02/06/2017"),
    row("R13", "12/12/2017", "Placement Stability Update", "After the refused ones",
        "Kim Osei", due="28/02/2018", rag="Amber", update="Started", updated="18/01/2018"),
]  # fmt: skip


def workbook(rows) -> bytes:
    return xlsx(("2017-18", [["Recommendation tracker"], HEADINGS, *rows]))


def edited(rows):
    """The sheet a month later: texts, owners, due dates and statuses changed, a decision
    given, and rows added (one without a reference)."""
    rows = [list(r) for r in rows]
    rows[0][3] = "Report placement moves, by age"  # R1's text
    rows[0][8] = "28/02/2018"  # and its due date
    rows[0][9], rows[0][10], rows[0][11] = "Green", "Figures sent", "20/01/2018"
    rows[4][4] = "Dev Okafor"  # R5 changes owner
    rows[5][9], rows[5][10], rows[5][11] = "Completed", "Reported", "21/01/2018"
    rows[2][6] = "Accepted"  # already decided: left, with a note
    rows.append(
        row("R14", "12/12/2017", "Placement Stability Update", "New in January", "Pat Quinn",
            rag="Amber", update="Begun", updated="19/01/2018")
    )  # fmt: skip
    rows.append(row(None, "16/01/2018", None, "From the January meeting", "Pat Quinn"))
    return rows


def natural(obj):
    """What identifies a row whatever its primary key."""
    match obj:
        case None:
            return None
        case Meeting():
            return ("meeting", obj.committee.slug, obj.date)
        case AgendaItem():
            return ("item", obj.meeting.date, obj.position, obj.title)
        case Resolution() | Action():
            return obj.reference
        case ActionUpdate():
            return ("update", obj.action.reference, obj.as_of, obj.text)
        case ExecutiveResponse():
            return ("response", obj.resolution.reference)
        case Person():
            return ("person", obj.name, obj.organisation)
        case MunicipalYear():
            return ("year", obj.start_date)
        case Committee() | Authority():
            return obj.slug
    return ("user", obj.username)


UNSTABLE = {"id", "history_id", "history_date", "recorded_at", "created_at"}
MODELS = [MunicipalYear, Meeting, AgendaItem, Resolution, Action, ActionUpdate, ExecutiveResponse]


def state() -> dict:
    """Every row the import can write, and every history row, by value."""
    tables = {}
    for model in [*MODELS, *(m.history.model for m in MODELS if hasattr(m, "history")), Person]:
        rows = []
        for obj in model.objects.all() if model is not Person else Person.objects.all():
            values = []
            for f in model._meta.concrete_fields:
                if f.name in UNSTABLE:
                    continue
                if f.is_relation:
                    values.append((f.name, natural(getattr(obj, f.name))))
                else:
                    values.append((f.name, getattr(obj, f.attname)))
            rows.append(tuple(values))
        tables[model.__name__] = sorted(rows, key=repr)
    return tables


def differences(one: dict, other: dict) -> str:
    """The rows only one side has, table by table (the assertion's message)."""
    lines = []
    for table in one:
        for row_ in one[table]:
            if row_ not in other[table]:
                lines.append(f"only first, {table}: {row_}")
        for row_ in other[table]:
            if row_ not in one[table]:
                lines.append(f"only second, {table}: {row_}")
    return "\n".join(lines)


def report(outcome) -> dict:
    return {
        "summary": outcome.summary(),
        "rows": [str(r) for r in outcome.rows],
        "notes": outcome.notes,
        "refused": [str(p) for p in outcome.refused],
        "people": [(p.name, p.job_title, p.organisation, p.is_councillor) for p in outcome.people],
    }


def imports(committee, sheets, *, in_bulk, by=None) -> list[tuple[dict, dict]]:
    """Import each sheet in turn, then undo them all: what each left and reported."""
    results = []
    with transaction.atomic():
        for data in sheets:
            outcome = record(
                read_rows(read_sheet(data, "t.xlsx")), committee, by=by, in_bulk=in_bulk
            )
            results.append((state(), report(outcome)))
        transaction.set_rollback(True)
    return results


@pytest.fixture
def world(committee, dev, priya, make_item, december):
    """What the committee already has: December's meeting with an item and a resolution, a
    2017/18 year numbered to 03, and a councillor of another council called Kim Osei besides
    ours."""
    item = make_item(title="Placement Stability Update", position=4)
    Resolution.objects.create(agenda_item=item, text="Earlier", position=2)
    Resolution.objects.create(agenda_item=item, text="Earlier still", position=7)
    other = make_item(title="Other business", position=9)
    Resolution.objects.create(agenda_item=other, text="Noted")
    Person.objects.create(name="Kim Osei", organisation="Lakeside Council", is_councillor=True)
    Person.objects.create(
        name="Kim Osei", organisation=committee.authority.name, is_councillor=True
    )
    return committee


def test_a_first_import_in_bulk_leaves_what_saving_row_by_row_leaves(world, priya):
    data = workbook(ROWS)
    [(alone, alone_report)] = imports(world, [data], in_bulk=False, by=priya.user)
    [(bulk, bulk_report)] = imports(world, [data], in_bulk=True, by=priya.user)

    assert bulk == alone, differences(bulk, alone)
    assert bulk_report == alone_report
    # What both did, as the officer would read it: the refused rows' numbers given again.
    assert bulk_report["refused"] == [
        "Row 11: as of: The reporting date cannot be before CS (17/18) A08 was raised, on "
        "12 December 2017.",
        "Row 12: the meeting date 12 February 2018 is after today, and Children's Services "
        "Overview and Scrutiny Committee has no meeting that day: a tracker's recommendations "
        "come from meetings already held",
        "Row 13: responded on: The response cannot come before the recommendation was received.",
        "Row 14: as of: The reporting date cannot be before CS (17/18) A08 was raised, on "
        "12 December 2017.",
    ]
    # Jo Bell named twice, Sam Lee first by a refused row: each added once.
    assert bulk_report["people"] == [
        ("Jo Bell", "Finance Business Partner", "Riverside Borough Council", False),
        ("Sam Lee", "", "Riverside Borough Council", False),
    ]
    assert bulk_report["summary"] == (
        "Saved for Children's Services Overview and Scrutiny Committee: 2 meetings created, "
        "2 people added to the council's people, 10 recommendations and 10 actions created, "
        "7 updates recorded, 2 actions signed off, 3 executive responses started and 3 "
        "decisions recorded, 1 row changed what an earlier import saved, 0 rows unchanged, "
        "4 rows refused."
    )
    assert bulk_report["notes"] == [
        'Row 9: nobody in the tracker is called "Finance team"; the action is left without an '
        "owner (the name is kept in its description).",
        'Row 16: nobody in the tracker is called "Head of Finance"; the action is left without '
        "an owner (the name is kept in its description).",
    ]
    assert bulk_report["rows"][-3:] == [
        "Row 15 (CS (16/17) 01 and CS (16/17) A01): created; update of 1 June 2017 recorded; "
        "executive response: accepted",
        "Row 16 (CS (16/17) 02 and CS (16/17) A02): created; signed off as completed",
        "Row 17 (CS (17/18) 11 and CS (17/18) A08): created; update of 18 January 2018 recorded",
    ]
    # Positions continue what each item had, with a gap where a refused row was.
    placement = ("item", D(2017, 12, 12), 4, "Placement Stability Update")
    imported = (
        "item",
        D(2017, 12, 12),
        10,
        "Recommendations and actions from the tracker spreadsheet",
    )
    positions = {
        dict(r)["text"]: (dict(r)["reference"], dict(r)["agenda_item"], dict(r)["position"])
        for r in bulk["Resolution"]
    }
    assert [positions[text] for text in ("Report placement moves", "Visit the children's homes",
                                         "After the refused ones", "Circulate the delivery plan")] == [
        ("CS (17/18) 04", placement, 8),  # after the 2 and 7 it had
        ("CS (17/18) 10", placement, 9),
        ("CS (17/18) 11", placement, 11),  # 10 went to row 13, refused
        ("CS (17/18) 05", imported, 1),  # a new item, after the 4 and 9 on the agenda
    ]  # fmt: skip
    # The Kim Osei of the committee's council, of the two.
    owners = {dict(a)["reference"]: dict(a)["owner"] for a in bulk["Action"]}
    assert owners["CS (17/18) A08"] == ("person", "Kim Osei", "Riverside Borough Council")
    # A signed-off action was created open, then closed, by the officer, as one by one.
    history = [
        (dict(h)["history_type"], dict(h)["status"], dict(h)["history_user"])
        for h in bulk["HistoricalAction"]
        if dict(h)["reference"] == "CS (17/18) A02"
    ]
    assert sorted(history) == [
        ("+", "open", ("user", "priya")),
        ("~", "completed", ("user", "priya")),
    ]


def test_importing_again_changes_nothing_and_an_edited_file_the_same_things(world, priya):
    # Without the second unreferenced row of the same text at the same meeting: it finds the
    # first one's resolution, so each import moves that action's owner and adds an update
    # (both ways alike, as the first test shows).
    rows = ROWS[:7] + ROWS[8:]
    sheets = [workbook(rows), workbook(rows), workbook(edited(rows))]
    alone = imports(world, sheets, in_bulk=False, by=priya.user)
    bulk = imports(world, sheets, in_bulk=True, by=priya.user)

    for (bulk_state, bulk_report), (alone_state, alone_report) in zip(bulk, alone, strict=True):
        assert bulk_state == alone_state, differences(bulk_state, alone_state)
        assert bulk_report == alone_report
    (first, _), (again, again_report), (after_edit, edit_report) = bulk
    assert again == first
    assert again_report["summary"].endswith(
        "0 rows changed what an earlier import saved, 10 rows unchanged, 4 rows refused."
    )
    assert [r for r in edit_report["rows"] if not r.endswith("unchanged")] == [
        "Row 3 (CS (17/18) 04 and CS (17/18) A01): text changed; action's title, due date "
        "changed; update of 20 January 2018 recorded",
        "Row 7 (CS (17/18) 08 and CS (17/18) A04): owner changed",
        "Row 8 (CS (17/18) 09 and CS (17/18) A05): signed off as completed",
        "Row 17 (CS (17/18) 12 and CS (17/18) A08): created; update of 19 January 2018 recorded",
        "Row 18 (CS (17/18) 13 and CS (17/18) A09): created",
    ]
    assert edit_report["notes"] == [
        "Row 5: the executive's decision on CS (17/18) 06 is recorded as partly accepted on "
        "20 December 2017; the spreadsheet's accepted is not recorded over it."
    ]
    assert edit_report["people"] == [("Pat Quinn", "", "Riverside Borough Council", False)]
    owners = {dict(a)["reference"]: dict(a)["owner"] for a in after_edit["Action"]}
    assert owners["CS (17/18) A04"] == ("person", "Dev Okafor", "")
    assert owners["CS (17/18) A09"] == ("person", "Pat Quinn", "Riverside Borough Council")


def test_a_re_import_of_a_large_sheet_is_a_few_queries_whatever_its_length(world):
    def sheet(count):
        return workbook(
            [
                row(f"N{n}", "12/12/2017", None, f"Recommendation {n}", "Dev Okafor",
                    response="Accepted" if n % 3 == 0 else None, responded="20/12/2017",
                    rag=("Amber", "Completed", "3")[n % 3], update=f"Going {n}",
                    updated="15/01/2018")
                for n in range(count)
            ]
        )  # fmt: skip

    counts = []
    for count in (20, 120):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as first:
                outcome = record(read_rows(read_sheet(sheet(count), "t.xlsx")), world)
            assert len(outcome.rows) == count and outcome.refused == []
            with CaptureQueriesContext(connection) as again:
                unchanged = record(read_rows(read_sheet(sheet(count), "t.xlsx")), world)
            assert unchanged.unchanged == count
            counts.append((len(first), len(again)))
            transaction.set_rollback(True)
    # A hundred more rows cost no query each to save (a few more INSERTs, as SQLite takes
    # fewer rows per INSERT than PostgreSQL), and none at all to import again.
    assert counts[1][0] - counts[0][0] < 10
    assert counts[1][1] == counts[0][1]


@pytest.mark.django_db(transaction=True)
def test_saving_in_bulk_tells_the_api_cache_once_it_is_committed(committee, dev):
    from tracker.api.data_version import DataVersion

    def version():
        return DataVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0

    before = version()
    outcome = record(read_rows(read_sheet(workbook(ROWS[:6]), "t.xlsx")), committee)
    assert len(outcome.rows) == 6
    assert version() == before + 1  # cached API answers are not served past the import


def test_a_batch_the_database_refuses_is_saved_row_by_row_instead(world, priya, monkeypatch):
    from django.db import IntegrityError

    from actions.bulk_resolutions import NewResolutions

    data = workbook(ROWS)
    [(alone, alone_report)] = imports(world, [data], in_bulk=False, by=priya.user)
    refusals = []

    def refused(batch):
        refusals.append(len(batch.added))
        raise IntegrityError("duplicate key value violates unique constraint (as a race may)")

    monkeypatch.setattr(NewResolutions, "save", refused)
    [(bulk, bulk_report)] = imports(world, [data], in_bulk=True, by=priya.user)

    assert refusals == [7, 3]  # the runs before and after row 10, which matches row 9's
    assert bulk == alone, differences(bulk, alone)
    assert bulk_report == alone_report
