"""Owners and portfolio holders the sheet names whom the tracker does not know: shown in the
review as the people the import will add, added once to the committee's council (no email),
matched by their name on the next import, and never a post, a team or several people."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from actions.models import Action, ExecutiveResponse
from committees.models import Person
from tests.workbooks.conftest import HEADINGS, xlsx
from tests.workbooks.test_tracker_review_page import text_of, token_of
from tracker.workbooks.recording import record
from tracker.workbooks.rows import read_rows
from tracker.workbooks.sheets import read_sheet

# Also run on SQLite by make test: a spreadsheet's rows are saved in bulk with SQL of each database's own.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

COUNCIL_HEADINGS = [*HEADINGS, "Portfolio holder"]


def row(ref, text, lead, holder=None, response=None):
    return [ref, "12/12/2017", text, lead, response, None, "Amber", "Going", "15/01/2018", holder]


ROWS = [
    row("CS1", "Report placement moves", "Jo Bell, Finance Business Partner"),
    row("CS2", "Report agency costs", "jo  bell"),  # the same person, written otherwise
    row("CS3", "Fund two posts", "Dev Okafor", holder="Cllr Kim Osei", response="Accepted"),
    row("CS4", "Review the budget", "Finance team"),  # a team, not a person
    row("CS5", "Report on pay", "Head of HR"),  # a post
    row("CS6", "Report on staffing", "Jo Bell / Sam Lee"),  # two people
]


def sheet(rows=ROWS) -> bytes:
    return xlsx(("2017-18", [COUNCIL_HEADINGS, *rows]))


def save(committee, data, **options):
    return record(read_rows(read_sheet(data, "t.xlsx")), committee, **options)


def test_the_review_lists_the_people_it_will_add_and_saves_nothing(client, priya, committee, dev):
    client.force_login(priya.user)
    response = client.post(
        "/import/tracker/",
        {"file": SimpleUploadedFile("t.xlsx", sheet()), "committee": committee.pk},
    )

    text = text_of(response)
    assert (
        "New people this import will add The spreadsheet names them and the tracker does not "
        "know them yet: each is added once to Riverside Borough Council's people, without an "
        "email address (their reminders go to the committee's officer until one is recorded "
        "in the admin). Jo Bell, Finance Business Partner Kim Osei (councillor) Check these"
    ) in text
    assert not Person.objects.filter(name__in=["Jo Bell", "Kim Osei"]).exists()

    client.post(
        "/import/tracker/review/",
        {
            "token": token_of(response),
            "sheet": "2017-18",
            "mapped_sheet": "2017-18",
            "kind": "auto",
            "do": "save",
            **{
                f"column-{index}": key
                for index, key in enumerate(
                    [
                        "reference",
                        "meeting_date",
                        "text",
                        "lead",
                        "response",
                        "due_date",
                        "status",
                        "update",
                        "update_date",
                        "portfolio_holder",
                    ]
                )
            },
        },
    )
    jo = Person.objects.get(name="Jo Bell")
    kim = Person.objects.get(name="Kim Osei")
    assert (jo.job_title, jo.organisation, jo.email, jo.is_councillor) == (
        "Finance Business Partner",
        "Riverside Borough Council",
        "",
        False,
    )
    assert (kim.organisation, kim.email, kim.is_councillor) == (
        "Riverside Borough Council",
        "",
        True,
    )
    owners = dict(Action.objects.values_list("resolution__spreadsheet_reference", "owner__name"))
    assert owners == {
        "CS1": "Jo Bell",
        "CS2": "Jo Bell",
        "CS3": "Dev Okafor",
        "CS4": None,
        "CS5": None,
        "CS6": None,
    }
    assert ExecutiveResponse.objects.get().responsible == kim


def test_a_re_import_finds_them_by_name_within_the_council(committee, dev):
    first = save(committee, sheet())
    assert [p.name for p in first.people] == ["Jo Bell", "Kim Osei"]
    assert [n for n in first.notes if "nobody" in n] == [
        'Row 5: nobody in the tracker is called "Finance team"; the action is left without an '
        "owner (the name is kept in its description).",
        'Row 6: nobody in the tracker is called "Head of HR"; the action is left without an '
        "owner (the name is kept in its description).",
        'Row 7: nobody in the tracker is called "Jo Bell / Sam Lee"; the action is left '
        "without an owner (the name is kept in its description).",
    ]
    # A namesake in another organisation does not stop ours being found.
    Person.objects.create(name="Jo Bell", organisation="Lakeside NHS Trust")
    again = save(committee, sheet([*ROWS, row("CS7", "Report on training", "Cllr. JO BELL")]))

    assert again.people == []
    assert (
        Person.objects.filter(name="Jo Bell", organisation="Riverside Borough Council").count() == 1
    )
    assert Action.objects.get(resolution__spreadsheet_reference="CS7").owner.organisation == (
        "Riverside Borough Council"
    )
    assert again.unchanged == 6


def test_the_command_lists_the_people_it_adds(committee, dev, write, capsys):
    call_command(
        "import_tracker", write("t.xlsx", sheet()), "--committee", committee.slug, "--dry-run"
    )
    out = capsys.readouterr().out
    assert re.search(
        r"People to be added to Riverside Borough Council's people \(2\):\n"
        r"  Jo Bell, Finance Business Partner\n  Kim Osei\n",
        out,
    ), out
    assert not Person.objects.filter(name="Jo Bell").exists()


@pytest.mark.parametrize(
    "cell",
    [
        "Housing",
        "Public Health",
        "NHS England",
        "Environment Agency",
        "Children's Social Care",
        "Police",
        "Various",
        "Bell, Jo",  # surname first: which is the name is a guess
        "Smith, John - Head of Housing",
        "Cllr Jo Bell, Cllr Al Lee",  # two people
    ],
)
def test_a_body_a_name_last_or_two_names_adds_nobody(committee, dev, cell):
    result = save(committee, sheet([row("CS1", "Report on staffing", cell)]))

    assert result.people == []
    assert Action.objects.get().owner is None
    assert f"Lead in the council's tracker spreadsheet: {cell}" in Action.objects.get().description


def test_two_names_on_two_lines_of_one_cell_add_nobody(committee, dev):
    result = save(committee, sheet([row("CS1", "Report on staffing", "Jo Bell\nAl Lee")]))

    assert result.people == []
    assert "spreadsheet: Jo Bell; Al Lee" in Action.objects.get().description


def test_a_namesake_of_another_council_is_not_made_the_owner(committee, dev):
    hillside = Person.objects.create(name="Jo Bell", organisation="Hillside District Council")

    result = save(committee, sheet([row("CS1", "Report on staffing", "Jo Bell")]))

    owner = Action.objects.get().owner
    assert owner != hillside
    assert (owner.name, owner.organisation) == ("Jo Bell", "Riverside Borough Council")
    assert [p.name for p in result.people] == ["Jo Bell"]
