"""Rows refused while reading (impossible dates, a reference used twice) and rows refused
while saving are one list with one count: on the review page, in its summary, in the message
after saving and from the command; and a file whose rows are all refused is never said to be
already recorded."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from actions.models import Resolution

# Also run on SQLite by make test: a spreadsheet's rows are saved in bulk with SQL of each database's own.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

HEAD = "Ref,Meeting date,Recommendation,RAG\r\n"
ALL_REFUSED = HEAD + (
    "R1,31/02/2018,Thirty-first of February,Green\r\n"
    "R2,01/01/9999,The year 9999,Green\r\n"
    "R3,0/0/0,Day nought,Green\r\n"
    "R4,31/02/2018,February again,Amber\r\n"
    "R5,0/0/0,Nought again,Red\r\n"
)
TWICE = HEAD + (
    "R1,12/12/2017,Circulate the delivery plan,Green\r\n"
    "R1,12/12/2017,Report placement moves,Amber\r\n"
)


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def upload(client, committee, data: str):
    file = SimpleUploadedFile("tracker.csv", data.encode())
    return client.post("/import/tracker/", {"file": file, "committee": committee.pk})


def counted(text: str) -> tuple[str, str]:
    found = re.search(r"Rows read (\d+) Rows refused (\d+)", text)
    return found.group(1), found.group(2)


def test_a_file_whose_rows_are_all_refused_says_so_everywhere(client, priya, committee):
    client.force_login(priya.user)
    response = upload(client, committee, ALL_REFUSED)
    assert response.status_code == 200
    text = text_of(response)
    assert (
        "Nothing saved (dry run) for Children's Services Overview and Scrutiny Committee: "
        "0 meetings created, 0 recommendations and 0 actions created, 0 updates recorded, "
        "0 actions signed off, 0 executive responses started and 0 decisions recorded, "
        "0 rows changed what an earlier import saved, 0 rows unchanged, 5 rows refused." in text
    )
    assert counted(text) == ("5", "5")
    assert re.findall(r"Row (\d): ", text) == ["2", "3", "4", "5", "6"]
    assert "already recorded" not in text
    assert "Saving would change nothing: none of the rows can be imported." in text


def test_a_reference_used_twice_is_counted_once_in_the_summary_and_after_saving(
    client, priya, committee
):
    client.force_login(priya.user)
    response = upload(client, committee, TWICE)
    text = text_of(response)
    assert 'Row 3: the reference "R1" is also on row 2; each recommendation needs its own' in text
    assert "0 rows unchanged, 1 row refused." in text
    assert counted(text) == ("2", "1")
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    mapping = {"column-0": "reference", "column-1": "meeting_date", "column-2": "text"}
    saved = client.post(
        "/import/tracker/review/",
        {"token": token, "mapped_sheet": "CSV", "kind": "auto", "do": "save", **mapping}
        | {"column-3": "status"},
        follow=True,
    )
    assert "0 rows unchanged, 1 row refused." in text_of(saved)
    assert list(Resolution.objects.values_list("spreadsheet_reference", flat=True)) == ["R1"]
    again = text_of(upload(client, committee, TWICE))
    assert "0 rows changed what an earlier import saved, 1 row unchanged, 1 row refused." in again
    assert "already recorded" in again
    assert (
        "Saving would change nothing: the rows that can be imported are already recorded, and "
        "the rows above that cannot be imported would be left out." in again
    )
    assert "everything in the spreadsheet is already recorded" not in again


def test_the_command_lists_and_counts_every_refused_row_once(committee, write, capsys):
    call_command("import_tracker", write("t.csv", TWICE.encode()), committee=committee.slug)
    printed = capsys.readouterr().out.splitlines()
    assert "2 rows read, 0 passed over as notes or titles, 0 blank." in printed
    assert (
        printed.count(
            '  Row 3: the reference "R1" is also on row 2; each recommendation needs its own'
        )
        == 1
    )
    assert "Rows refused (1):" in printed
    assert printed[-1].endswith("0 rows unchanged, 1 row refused.")


def test_the_command_lists_the_kinds_as_plain_values(committee, write):
    path = write("t.csv", TWICE.encode())
    with pytest.raises(CommandError) as refused:
        call_command("import_tracker", path, "--committee", committee.slug, "--kind", "weird")
    assert str(refused.value) == (
        "Error: argument --kind: invalid choice: 'weird' (choose from 'auto', "
        "'recommendation', 'action')"
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_tracker", path, committee=committee.slug, kind="weird")
    assert str(refused.value) == (
        '"weird" is not a kind of row; the kinds are: auto, recommendation, action.'
    )
    assert Resolution.objects.count() == 0
