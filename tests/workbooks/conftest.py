"""Workbooks in the shapes councils keep their trackers in, built with openpyxl in each test,
and the clock on Monday 22 January 2018 so every date below is in the past."""

import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

HEADINGS = [
    "Ref",
    "Meeting date",
    "Recommendation",
    "Lead officer",
    "Executive response",
    "Due date",
    "RAG",
    "Latest update",
    "Update date",
]


@pytest.fixture(autouse=True)
def january_2018(set_clock):
    return set_clock(dt.datetime(2018, 1, 22, 10, 0, tzinfo=dt.UTC))


def xlsx(*sheets: tuple[str, list[list]], merges=None) -> bytes:
    """A workbook of (sheet name, rows) as Excel would save it; `merges` maps a sheet name to
    ranges to merge ("A1:I1")."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(name, []):
            sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_saved_results(data: bytes, results: dict[str, str]) -> bytes:
    """The workbook as Excel saves it after calculating: each formula cell ("C5") keeps its
    result beside the formula (openpyxl writes formulas without results)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = content.decode()
                for cell, value in results.items():
                    text = re.sub(
                        rf'(<c r="{cell}"[^>]*>)<f>(.*?)</f><v\s*/?>(</v>)?',
                        lambda m, v=value: f"{m.group(1)}<f>{m.group(2)}</f><v>{v}</v>",
                        text,
                    )
                content = text.encode()
            target.writestr(info, content)
    return out.getvalue()


@pytest.fixture
def write(tmp_path):
    """Write bytes to a file in the test's folder and give its path."""

    def write_file(name: str, data: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write_file
