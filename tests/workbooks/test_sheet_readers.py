"""The two readers of a workbook give the same rows: calamine for a sheet of plain values,
openpyxl for one with formulas, error cells or numbers that are not plain digits (where
calamine would read otherwise), and the import cannot tell which read it."""

import datetime as dt
import io
import re
import zipfile

import pytest

from tests.workbooks.conftest import HEADINGS, xlsx
from tracker.workbooks.sheets import (
    UncalculatedFormula,
    _calamine_sheet,
    _openpyxl_sheet,
    read_sheet,
)

# Also run on SQLite by make test: a spreadsheet's rows are saved in bulk with SQL of each database's own.
pytestmark = pytest.mark.sqlite


def trimmed(rows):
    """Rows without the empty cells past their last value (openpyxl pads a row to the
    sheet's recorded width, calamine to the last column holding a value)."""
    out = []
    for number, cells in rows:
        cells = list(cells)
        while cells and cells[-1] is None:
            cells.pop()
        out.append((number, cells))
    return out


def shaped() -> bytes:
    rows = [
        [],
        [None, "Children's Services tracker"],
        HEADINGS,
        ["CS1", dt.date(2017, 12, 12), "  Report placement moves  ", 12, 12.5, 43112, "Amber"],
        [],
        ["CS2", dt.datetime(2017, 12, 12, 18, 30), "   ", True, False, -3, 5, None, None, "far"],
    ]
    return xlsx(("2017-18", rows), merges={"2017-18": ["B2:E2"]})


def test_both_readers_give_the_same_rows_and_merged_headings():
    data = shaped()
    fast = _calamine_sheet(data, None)
    slow = _openpyxl_sheet(data, None)
    assert fast is not None
    assert (fast.name, fast.sheet_names, fast.merged) == ("2017-18", ["2017-18"], [(2, 2, 5, 2)])
    assert (slow.name, slow.sheet_names, slow.merged) == (fast.name, fast.sheet_names, fast.merged)
    rows = trimmed(fast.rows)
    assert rows == trimmed(slow.rows)
    assert rows == [
        (1, []),
        (2, [None, "Children's Services tracker"]),
        (3, HEADINGS),
        (
            4,
            [
                "CS1",
                dt.datetime(2017, 12, 12),
                "Report placement moves",
                12,
                12.5,
                43112,
                "Amber",
            ],
        ),
        (5, []),
        (
            6,
            ["CS2", dt.datetime(2017, 12, 12, 18, 30), None, True, False, -3, 5, None, None, "far"],
        ),
    ]
    assert [type(cells[3]) for _, cells in rows[3:4]] == [int]


def test_a_sheet_is_chosen_by_its_name_with_spaces_around_by_either_reader():
    data = xlsx(("Notes", [["nothing here"]]), ("2017-18", [HEADINGS]))
    assert read_sheet(data, "t.xlsx", " 2017-18 ").name == "2017-18"
    assert _calamine_sheet(data, "2017-18 ").name == "2017-18"
    assert _calamine_sheet(data, None).name == "Notes"


def changed_sheet(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info, content)
    return out.getvalue()


def with_formula() -> bytes:
    return xlsx(("2017-18", [HEADINGS, ["CS1", "=TODAY()", "Report"]]))


def with_error_cell() -> bytes:
    data = xlsx(("2017-18", [HEADINGS, ["CS1", "#N/A", "Report"]]))
    return data


def with_nan() -> bytes:
    data = xlsx(("2017-18", [HEADINGS, ["CS1", 43112, "Report"]]))
    return changed_sheet(data, lambda c: re.sub(rb"<v>43112</v>", b"<v>NaN</v>", c))


@pytest.mark.parametrize("build", [with_formula, with_error_cell, with_nan])
def test_what_calamine_would_read_otherwise_is_left_to_openpyxl(build):
    assert _calamine_sheet(build(), None) is None


def test_an_uncalculated_formula_is_still_marked():
    rows = dict(read_sheet(with_formula(), "t.xlsx").rows)
    assert rows[2][1] == "=TODAY()"
    assert isinstance(rows[2][1], UncalculatedFormula)


def test_an_error_cell_is_read_as_excel_shows_it():
    rows = dict(read_sheet(with_error_cell(), "t.xlsx").rows)
    assert rows[2][:3] == ["CS1", "#N/A", "Report"]
