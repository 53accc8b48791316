"""Reading a tracker file into rows of cell values: Excel workbooks (.xlsx) and CSV.

Workbooks are read with calamine (Rust; some ten times faster than openpyxl on a large sheet)
when the sheet holds plain values. A sheet with formulas or error cells (#N/A), one too large
to hold whole, or a workbook calamine cannot read is read with openpyxl in read-only mode
instead, values as Excel last saved them (`data_only`: a formula gives its result, never its
text): a formula Excel never calculated (a workbook written by a program) has no result, and
its cell is marked so that a row that needs it is refused rather than read as empty; damage
is named by openpyxl's reading. Both give the same values: whole numbers as int, dates as
datetime. CSV is read as UTF-8 (with or without the byte-order
mark Excel writes) or, failing that, as Windows-1252, Excel's "CSV" in the UK.
"""

import csv
import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import python_calamine
from defusedxml.ElementTree import fromstring as parse_xml
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

MAX_COLUMNS = 60  # a tracker has a dozen; past this we stop reading a row
MAX_ROWS = 250_000  # a sheet longer than this is not a tracker (or is a workbook bomb)
MAX_SHEET_XML = 200 * 1024 * 1024  # the merged cells are looked for in a sheet up to this size
HEADER_SEARCH_ROWS = 40  # the header sits in the first rows, under titles and notes


class WorkbookError(Exception):
    """The file cannot be read as a tracker; the message says why. Nothing was saved.
    `about_sheet` is true when the sheet asked for is the problem, not the file."""

    def __init__(self, message: str, *, about_sheet: bool = False):
        super().__init__(message)
        self.about_sheet = about_sheet


# What a damaged workbook makes openpyxl raise while it reads a part: XML that is not
# well-formed or is cut short, a zip entry that does not inflate, a value no cell can hold.
DAMAGE = (ParseError, ValueError, TypeError, KeyError, IndexError, OverflowError, EOFError)
DAMAGE += (zipfile.BadZipFile, zlib.error, OSError)
UNREADABLE = "This file cannot be read as a spreadsheet: "
SAVE_AGAIN = " Save it again from Excel as .xlsx, or as CSV."


class UncalculatedFormula(str):
    """A formula cell with no saved result: its text, kept to name it in the problem."""


@dataclass
class Sheet:
    """One sheet's rows, numbered as the spreadsheet numbers them (from 1)."""

    name: str
    rows: Iterator[tuple[int, list]]
    sheet_names: list[str]
    # Merged ranges in the header zone: (min_col, min_row, max_col, max_row), 1-based.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def read_sheet(
    data: bytes, filename: str, sheet: str | None = None, *, max_rows: int = MAX_ROWS
) -> Sheet:
    """The rows of `sheet` (the first sheet when None) of an .xlsx or .csv file; reading
    past `max_rows` rows stops with a WorkbookError."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        if sheet and sheet != "CSV":
            raise WorkbookError(
                "A CSV file has one sheet: leave the sheet name out.", about_sheet=True
            )
        return Sheet(name="CSV", rows=_capped(_csv_rows(data), max_rows), sheet_names=["CSV"])
    if name.endswith((".xlsx", ".xlsm")):
        found = _xlsx_sheet(data, sheet)
        found.rows = _capped(found.rows, max_rows)
        return found
    if name.endswith(".xls"):
        raise WorkbookError(
            "This is an old Excel 97-2003 (.xls) file: open it in Excel and save it as an "
            "Excel Workbook (.xlsx), or as CSV, then import that."
        )
    raise WorkbookError("Give an Excel workbook (.xlsx) or a CSV file (.csv).")


def _capped(rows: Iterator[tuple[int, list]], max_rows: int) -> Iterator[tuple[int, list]]:
    for number, cells in rows:
        if number > max_rows:
            raise WorkbookError(
                f"The sheet has more than {max_rows:,} rows; nothing was imported. Split it, "
                "or use python manage.py import_tracker for a large one."
            )
        yield number, cells


def decode_csv(data: bytes) -> str:
    """CSV text: UTF-8 (a byte-order mark dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise WorkbookError(
            "The CSV file is neither UTF-8 nor Windows-1252 text: save it from Excel as "
            '"CSV UTF-8 (Comma delimited)" and import that.'
        ) from None


def _csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    text = decode_csv(data)
    if "\x00" in text:
        raise WorkbookError("This does not look like a CSV file (it holds binary data).")
    # Excel's quoting always; the separator is a comma, or a semicolon or tab where the
    # heading lines use more of those (Excel in a locale with decimal commas).
    sample = "\n".join(text[:8192].splitlines()[:HEADER_SEARCH_ROWS])
    delimiter = max(",;\t", key=lambda mark: (sample.count(mark), mark == ","))
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)

    def rows():
        try:
            for number, row in enumerate(reader, start=1):
                yield number, [cell.strip() or None for cell in row[:MAX_COLUMNS]]
        except csv.Error as error:
            raise WorkbookError(f"The CSV file cannot be read: {error}.") from None

    return rows()


def _xlsx_sheet(data: bytes, sheet: str | None) -> Sheet:
    return _calamine_sheet(data, sheet) or _openpyxl_sheet(data, sheet)


def _chosen(names: list[str], sheet: str | None) -> str | None:
    if sheet is None:
        return names[0] if names else None
    return next((n for n in names if n == sheet), None) or next(
        (n for n in names if n.strip().lower() == sheet.strip().lower()), None
    )


# What calamine would read otherwise than openpyxl: a formula (an uncalculated one reads as
# empty), an error cell (#N/A reads as empty), a number that is not plainly digits (NaN reads
# as a number, or as 30/12/1899 in a date cell, where openpyxl finds the cell damaged).
OPENPYXL_NEEDED = re.compile(rb'<(?:\w+:)?f[\s>/]|\st="e"|<(?:\w+:)?v>[^<]*?[^0-9.Ee+\-<]')
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the path of its XML in the workbook's zip."""
    book = parse_xml(archive.read("xl/workbook.xml"))
    rels = parse_xml(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(PACKAGE_RELS)}
    paths = {}
    for element in book.iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet":
            target = targets.get(element.get(f"{{{OFFICE_RELS}}}id")) or ""
            if target.startswith("/"):
                paths[element.get("name")] = target.lstrip("/")
            else:
                paths[element.get("name")] = posixpath.normpath(posixpath.join("xl", target))
    return paths


def _calamine_sheet(data: bytes, sheet: str | None) -> Sheet | None:
    """The sheet read by calamine, or None when openpyxl must read it: a sheet with formulas
    (calamine cannot tell an uncalculated one from an empty cell) or error cells (calamine
    reads them as empty), a sheet too large to hold whole, anything missing or damaged
    (openpyxl's reading names the damage)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        chosen = _chosen(names, sheet)
        if chosen is None:
            return None
        kinds = {meta.name: meta.typ for meta in book.sheets_metadata}
        path = _sheet_paths(archive).get(chosen)
        if kinds.get(chosen) != python_calamine.SheetTypeEnum.WorkSheet or path is None:
            return None
        if archive.getinfo(path).file_size > MAX_SHEET_XML:
            return None
        raw = archive.read(path)
        if OPENPYXL_NEEDED.search(raw):
            return None
        merged = _merged_ranges(raw, chosen)
        grid = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
        rows = [
            (number, [_calamine_value(value) for value in row[:MAX_COLUMNS]])
            for number, row in enumerate(grid, start=1)
        ]
    except WorkbookError:
        raise
    except Exception:  # whatever calamine or the zip raise: openpyxl reads it and names it
        return None
    return Sheet(name=chosen, rows=iter(rows), sheet_names=names, merged=merged)


def _calamine_value(value):
    """A cell as openpyxl gives it: calamine reads every number as a float and a date
    without a time as a date; openpyxl gives whole numbers as int and dates as datetime."""
    if type(value) is float:
        return int(value) if value.is_integer() else value
    if type(value) is str:
        value = value.strip()
        return value or None
    if type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _openpyxl_sheet(data: bytes, sheet: str | None) -> Sheet:
    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ParseError as error:
        raise WorkbookError(
            UNREADABLE + "its list of sheets, styles or shared text is not well-formed XML "
            f"({error}).{SAVE_AGAIN}"
        ) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise WorkbookError(
            f"The file cannot be opened as an Excel workbook ({type(error).__name__}); "
            "save it again from Excel as .xlsx, or as CSV."
        ) from None
    names = list(values.sheetnames)
    if not names:
        raise WorkbookError(UNREADABLE + f"the workbook holds no sheets.{SAVE_AGAIN}")
    chosen = _chosen(names, sheet)
    if chosen is None:
        raise WorkbookError(
            f'The workbook has no sheet called "{sheet}"; its sheets are: '
            + ", ".join(f'"{n}"' for n in names)
            + ".",
            about_sheet=True,
        )
    worksheet = values[chosen]
    raw = _sheet_xml(worksheet)
    merged = _merged_ranges(raw, chosen)
    formulas = None
    if raw is None or b"<f" in raw:
        # Only a sheet with formulas is read a second time, for the formulas' text.
        try:
            formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)[chosen]
        except DAMAGE as error:
            raise WorkbookError(
                UNREADABLE + f"its formulas cannot be read ({error}).{SAVE_AGAIN}"
            ) from None

    # The width Excel recorded for the sheet (its <dimension>), so rows are not padded to
    # MAX_COLUMNS; a sheet that records none is read MAX_COLUMNS wide.
    recorded = worksheet.max_column if isinstance(worksheet.max_column, int) else 0
    width = min(recorded, MAX_COLUMNS) if recorded >= 1 else MAX_COLUMNS

    def rows():
        value_rows = worksheet.iter_rows(values_only=True, max_col=width)
        formula_rows = formulas.iter_rows(values_only=True, max_col=width) if formulas else None
        number = 0
        while True:
            # The sheet's XML is parsed as its rows are read: damage further down shows here.
            try:
                row = next(value_rows, None)
                written = next(formula_rows, ()) if formula_rows is not None else ()
            except DAMAGE as error:
                raise WorkbookError(_damage(chosen, number, error)) from None
            if row is None:
                break
            number += 1
            cells = [_clean(value) for value in row]
            for index, (value, text) in enumerate(zip(cells, written, strict=False)):
                if value is None and isinstance(text, str) and text.startswith("="):
                    cells[index] = UncalculatedFormula(text)
            yield number, cells
        values.close()
        if formulas is not None:
            formulas.parent.close()

    return Sheet(name=chosen, rows=rows(), sheet_names=names, merged=merged)


def _damage(sheet: str, rows_read: int, error: Exception) -> str:
    where = f"after row {rows_read}" if rows_read else "in its first row"
    if isinstance(error, ParseError):
        what = f'the sheet "{sheet}" is not well-formed XML {where} ({error})'
    else:
        what = f'the sheet "{sheet}" has a cell {where} that cannot be read ({error})'
    return UNREADABLE + what + "." + SAVE_AGAIN


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _sheet_xml(worksheet) -> bytes | None:
    """The sheet's XML as stored in the workbook, to find its merged cells (read-only mode
    does not report them); None when it cannot be had."""
    try:
        archive, path = worksheet.parent._archive, worksheet._worksheet_path
        if archive.getinfo(path).file_size > MAX_SHEET_XML:
            return None
        with archive.open(path) as source:
            return source.read()
    except (AttributeError, KeyError, OSError):
        return None


MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(raw: bytes | None, sheet: str) -> list[tuple[int, int, int, int]]:
    if not raw:
        return []
    tail = raw[raw.rfind(b"</sheetData>") :] if b"</sheetData>" in raw else raw
    ranges = []
    for match in MERGE.finditer(tail):
        cells = match.group(1).decode()
        try:
            min_col, min_row, max_col, max_row = range_boundaries(cells)
        except ValueError:
            raise WorkbookError(
                UNREADABLE + f'the sheet "{sheet}" merges the cells {cells[:40]}, which lie '
                f"outside any sheet.{SAVE_AGAIN}"
            ) from None
        if min_row <= HEADER_SEARCH_ROWS:
            ranges.append((min_col, min_row, max_col, max_row))
    return ranges
