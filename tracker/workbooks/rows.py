"""A sheet read into tracker rows under a column mapping, each with what is wrong with it.

A row is one recommendation or action. Blank rows are passed over; a row with no
recommendation text and no meeting date is a note, a section title or a RAG key, and is
listed as passed over; a row that names a recommendation but cannot be used (no meeting
date, a date in the year 9999, a formula never calculated) is listed with its row number
and why. What a row says is kept as read; `recording` decides what it changes.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import chain, islice

from openpyxl.utils import get_column_letter

from tracker.workbooks.cells import Status, read_date, read_decision, read_status
from tracker.workbooks.columns import LABELS, Header, check_mapping, find_header, propose_mapping
from tracker.workbooks.sheets import HEADER_SEARCH_ROWS, Sheet, UncalculatedFormula

MAX_TEXT = 20_000  # characters of one cell we keep; a longer one is a paste gone wrong


@dataclass
class TrackerRow:
    number: int
    reference: str = ""
    meeting_date: dt.date | None = None
    subject: str = ""
    text: str = ""
    lead: str = ""
    portfolio_holder: str = ""
    response: str = ""
    decision: str = ""
    response_date: dt.date | None = None
    due_date: dt.date | None = None
    status: Status = field(default_factory=Status)
    update: str = ""
    update_date: dt.date | None = None
    notes: list[str] = field(default_factory=list)  # read, with something left out


@dataclass
class RowProblem:
    number: int
    why: str
    skipped: bool = False  # a note or title row passed over, not a mistake

    def __str__(self):
        return f"Row {self.number}: {self.why}"


@dataclass
class Reading:
    """What a sheet holds under a mapping: the rows to record and the rows left out."""

    sheet: str
    sheet_names: list[str]
    header: Header | None
    mapping: dict[int, str]
    rows: list[TrackerRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    blank_rows: int = 0
    mapping_problems: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[RowProblem]:
        return [p for p in self.problems if not p.skipped]

    @property
    def rows_read(self) -> int:
        """Rows of the tracker below the header: those to record and those refused."""
        return len(self.rows) + len(self.refused)

    @property
    def passed_over(self) -> list[RowProblem]:
        return [p for p in self.problems if p.skipped]

    @property
    def columns(self) -> list[tuple[int, str, str, str | None]]:
        """(index, letter, heading, field) for every column of the header."""
        if self.header is None:
            return []
        return [
            (index, get_column_letter(index + 1), heading, self.mapping.get(index))
            for index, heading in enumerate(self.header.headings)
        ]


class CellReader:
    """The readers of `cells`, remembering what each value read as: a tracker repeats its
    meeting dates, update dates and statuses thousands of times. One per sheet read (a date
    is read against today)."""

    def __init__(self):
        self.seen: dict[tuple, object] = {}

    def _remembered(self, reader, value, *args):
        key = (reader, type(value), value, *args)
        try:
            return self.seen[key]
        except KeyError:
            found = self.seen[key] = reader(value, *args)
            return found

    def date(self, value, *, month_ends: bool = False):
        return self._remembered(_date, value, month_ends)

    def status(self, value):
        return self._remembered(read_status, value)

    def decision(self, value):
        return self._remembered(read_decision, value)


def _date(value, month_ends: bool):
    return read_date(value, month_ends=month_ends)


def read_rows(sheet: Sheet, mapping: dict[int, str] | None = None) -> Reading:
    """Find the header, propose (or take) the mapping, and read every row below it."""
    top = list(islice(sheet.rows, HEADER_SEARCH_ROWS))
    header = find_header(top, sheet.merged)
    reading = Reading(
        sheet=sheet.name, sheet_names=sheet.sheet_names, header=header, mapping=mapping or {}
    )
    if header is None:
        reading.mapping_problems.append(
            "No row near the top of the sheet has headings naming two of the tracker's fields "
            '(such as "Ref", "Meeting date", "Recommendation" or "Status"): check the sheet '
            "chosen, or add a heading row."
        )
        return reading
    if mapping is None:
        reading.mapping = propose_mapping(header.headings)
    reading.mapping_problems = check_mapping(reading.mapping)
    if reading.mapping_problems:
        return reading
    below = ((n, cells) for n, cells in top if n > header.row)
    seen: dict[str, int] = {}
    section_date = None  # from a title row such as "Meeting of 13 February 2018"
    reader = CellReader()
    for number, cells in chain(below, sheet.rows):
        if all(value is None for value in cells):
            reading.blank_rows += 1
            continue
        row, problem = read_row(number, cells, reading.mapping, section_date, reader)
        if problem is not None and problem.skipped:
            section_date = _date_in_title(cells) or section_date
        if problem is None and row.reference:
            key = row.reference.lower()
            if key in seen:
                problem = RowProblem(
                    number,
                    f'the reference "{row.reference}" is also on row {seen[key]}; each '
                    "recommendation needs its own",
                )
            else:
                seen[key] = number
        if problem:
            reading.problems.append(problem)
        else:
            reading.rows.append(row)
    return reading


def _names(value) -> str:
    """A lead or portfolio holder cell on one line; names on lines of their own stay apart
    ("Jo Bell; Al Lee"), so that two people are never read as one."""
    lines = (" ".join(line.split()) for line in _text(value).splitlines())
    return "; ".join(line for line in lines if line)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value).strip()[:MAX_TEXT]


SPELLED_DATE = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\s+\d{4}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"
)


def _date_in_title(cells: list) -> dt.date | None:
    """The date a section title row names ("Meeting of 13 February 2018", or a lone date)."""
    values = [value for value in cells if value is not None]
    if len(values) != 1:
        return None
    day, _ = read_date(values[0])
    if day is None and isinstance(values[0], str):
        found = SPELLED_DATE.search(values[0])
        day = read_date(found.group(0))[0] if found else None
    return day


def read_row(
    number: int,
    cells: list,
    mapping: dict[int, str],
    section_date: dt.date | None = None,
    reader: CellReader | None = None,
) -> tuple[TrackerRow, RowProblem | None]:
    """One row under the mapping; a row with no meeting date of its own takes the date of
    the section title above it, if any."""
    reader = reader or CellReader()
    values = {key: (cells[index] if index < len(cells) else None) for index, key in mapping.items()}
    for key, value in values.items():
        if isinstance(value, UncalculatedFormula):
            return TrackerRow(number), RowProblem(
                number,
                f"the {LABELS[key].lower()} is a formula ({value[:40]}) with no saved result: "
                "open the workbook in Excel and save it again, so its results are kept",
            )
    row = TrackerRow(
        number=number,
        reference=" ".join(_text(values.get("reference")).split())[:40],
        subject=" ".join(_text(values.get("subject")).split())[:300],
        text=_text(values.get("text")),
        lead=_names(values.get("lead"))[:200],
        portfolio_holder=_names(values.get("portfolio_holder"))[:200],
        response=_text(values.get("response")),
        update=_text(values.get("update")),
    )
    meeting_day, meeting_problem = reader.date(values.get("meeting_date"))
    if not row.text:
        if meeting_problem is None and meeting_day is None:
            return row, RowProblem(
                number,
                "passed over: no recommendation or action in it (a note or title)",
                skipped=True,
            )
        return row, RowProblem(number, "no recommendation or action text")
    if meeting_problem:
        return row, RowProblem(number, f"meeting date: {meeting_problem}")
    meeting_day = meeting_day or section_date
    if meeting_day is None:
        return row, RowProblem(
            number, "no meeting date: the tracker files each recommendation under its meeting"
        )
    row.meeting_date = meeting_day
    for key, month_ends in (("due_date", True), ("update_date", False), ("response_date", False)):
        day, problem = reader.date(values.get(key), month_ends=month_ends)
        if problem:
            return row, RowProblem(number, f"{LABELS[key].lower()}: {problem}")
        setattr(row, key, day)
    status, note = reader.status(values.get("status"))
    if note:
        row.notes.append(f"{note}; recorded without it")
    row.decision = reader.decision(row.response) or status.decision
    row.status = status
    if row.response and not row.decision:
        row.notes.append(
            "the executive response names no decision (accepted, partially accepted or "
            "rejected): it is recorded as awaited, its text kept on the action"
        )
    return row, None
