"""Workbooks damaged inside (XML cut short or not XML, a date cell holding NaN, a merge
outside any sheet, no sheets at all): the page answers with a form error and the command with
a CommandError naming the problem, never a crash, and nothing is saved."""

import datetime as dt
import html
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from actions.models import Resolution
from tests.workbooks.conftest import HEADINGS, xlsx
from tracker.workbooks.rows import read_rows
from tracker.workbooks.sheets import WorkbookError, read_sheet

# Also run on SQLite by make test: a spreadsheet's rows are saved in bulk with SQL of each database's own.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

SHEET = "xl/worksheets/sheet1.xml"
SAVE_AGAIN = " Save it again from Excel as .xlsx, or as CSV."


def valid() -> bytes:
    rows = [
        HEADINGS,
        ["CS1", dt.date(2017, 12, 12), "Report placement moves", None, None, None, "Amber"],
        ["CS2", dt.date(2017, 12, 12), "Circulate the plan", None, None, None, "Done"],
    ]
    return xlsx(("2017-18", rows), merges={"2017-18": ["J1:K1"]})


def rewritten(part: str, change) -> bytes:
    """The valid workbook with one part of its zip changed (or left out when `change` gives
    None)."""
    source = zipfile.ZipFile(io.BytesIO(valid()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                content = change(content)
                if content is None:
                    continue
            target.writestr(info, content)
    return out.getvalue()


def nan_date(content: bytes) -> bytes:
    changed = re.sub(rb'(<c r="B2"[^>]*>)<v>[^<]*</v>', rb"\1<v>NaN</v>", content)
    assert changed != content
    return changed


DAMAGED = {
    "unclosed_row": (
        lambda: rewritten(SHEET, lambda c: c.replace(b"</sheetData>", b"<row><c>")),
        'the sheet "2017-18" is not well-formed XML after row 3 (mismatched tag: line 1, '
        "column {column})",
    ),
    "cut_in_half": (
        lambda: rewritten(SHEET, lambda c: c[: len(c) // 2]),
        'the sheet "2017-18" is not well-formed XML {where} ({why}: line 1, column {column})',
    ),
    "workbook_not_xml": (
        lambda: rewritten("xl/workbook.xml", lambda c: b"<<<not xml"),
        "its list of sheets, styles or shared text is not well-formed XML (not well-formed "
        "(invalid token): line 1, column 1)",
    ),
    "nan_date": (
        lambda: rewritten(SHEET, nan_date),
        'the sheet "2017-18" has a cell after row 1 that cannot be read (invalid literal for '
        "int() with base 10: 'NaN')",
    ),
    "merge_outside_any_sheet": (
        lambda: rewritten(SHEET, lambda c: c.replace(b'ref="J1:K1"', b'ref="ZZZZZ1:A99999999999"')),
        'the sheet "2017-18" merges the cells ZZZZZ1:A99999999999, which lie outside any sheet',
    ),
    "no_sheet_part": (
        lambda: rewritten(SHEET, lambda c: None),
        "the workbook holds no sheets",
    ),
    "no_sheets_listed": (
        lambda: rewritten(
            "xl/workbook.xml", lambda c: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", c)
        ),
        "the workbook holds no sheets",
    ),
}


def expected(message: str) -> str:
    return "This file cannot be read as a spreadsheet: " + message + "." + SAVE_AGAIN


def problem_of(data: bytes) -> str:
    with pytest.raises(WorkbookError) as refused:
        read_rows(read_sheet(data, "tracker.xlsx"))
    return str(refused.value)


def matches(name: str, said: str) -> bool:
    """The message said for the damage `name`; where the XML parser stopped in a cut file
    (its column, or the reason it gives) is filled in as the parser reports it."""
    pattern = re.escape(expected(DAMAGED[name][1]))
    for hole in ("column", "where", "why"):
        pattern = pattern.replace(re.escape("{" + hole + "}"), ".+?")
    return re.fullmatch(pattern, said) is not None


@pytest.mark.parametrize("name", list(DAMAGED))
def test_a_damaged_workbook_is_refused_with_the_problem_named(name):
    said = problem_of(DAMAGED[name][0]())
    assert matches(name, said), said


def test_the_exact_messages_for_fixed_damage():
    assert problem_of(DAMAGED["nan_date"][0]()) == (
        'This file cannot be read as a spreadsheet: the sheet "2017-18" has a cell after row '
        "1 that cannot be read (invalid literal for int() with base 10: 'NaN')." + SAVE_AGAIN
    )
    assert problem_of(DAMAGED["merge_outside_any_sheet"][0]()) == (
        'This file cannot be read as a spreadsheet: the sheet "2017-18" merges the cells '
        "ZZZZZ1:A99999999999, which lie outside any sheet." + SAVE_AGAIN
    )
    assert problem_of(DAMAGED["no_sheet_part"][0]()) == (
        "This file cannot be read as a spreadsheet: the workbook holds no sheets." + SAVE_AGAIN
    )
    assert problem_of(DAMAGED["workbook_not_xml"][0]()) == (
        "This file cannot be read as a spreadsheet: its list of sheets, styles or shared text "
        "is not well-formed XML (not well-formed (invalid token): line 1, column 1)." + SAVE_AGAIN
    )


@pytest.mark.parametrize("name", list(DAMAGED))
def test_the_page_shows_a_form_error_for_a_damaged_workbook(client, priya, committee, name):
    client.force_login(priya.user)
    upload = SimpleUploadedFile("tracker.xlsx", DAMAGED[name][0]())
    response = client.post("/import/tracker/", {"file": upload, "committee": committee.pk})
    assert response.status_code == 400
    page = response.content.decode()
    errors = re.findall(
        r'id="id_file-error"><span class="visually-hidden">Error:</span> ([^<]+)<', page
    )
    assert len(errors) == 1
    assert matches(name, html.unescape(errors[0])), errors
    assert "There is a problem" in page
    assert Resolution.objects.count() == 0


@pytest.mark.parametrize("name", list(DAMAGED))
def test_the_command_refuses_a_damaged_workbook_without_a_traceback(committee, write, name):
    path = write("tracker.xlsx", DAMAGED[name][0]())
    with pytest.raises(CommandError) as refused:
        call_command("import_tracker", path, committee="childrens-services")
    said = str(refused.value)
    assert said.endswith(" Nothing was imported.")
    assert matches(name, said.removesuffix(" Nothing was imported.")), said
    assert Resolution.objects.count() == 0
