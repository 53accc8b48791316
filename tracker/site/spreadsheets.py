"""The action tracker of a committee, as printed into the next agenda pack.

`tracker_rows` is the one source of the rows: the CSV, the XLSX and the printable page all
format what it returns, and it reads only `Action.objects.visible_to(user)`, so an export
never holds more than its reader may see. With `since`, the tracker holds the actions still
open plus those closed on or after that day (what the committee should hear about at its
next meeting); without it, every action.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from actions.models import RAG, Action, ActionUpdate
from committees.models import Committee


@dataclass(frozen=True)
class TrackerRow:
    reference: str
    raised: dt.date | None
    item: str
    action: str
    owner: str
    due: str
    due_date: dt.date | None
    due_at_meeting: bool
    status: str
    rag: str
    latest_update: str
    latest_update_on: dt.date | None
    days_late: int
    exempt: bool
    url: str


COLUMNS = (
    ("reference", "Reference"),
    ("raised", "Meeting raised"),
    ("item", "Agenda item"),
    ("action", "Action"),
    ("owner", "Owner"),
    ("due", "Due"),
    ("status", "Status"),
    ("rag", "RAG"),
    ("latest_update", "Latest update"),
    ("latest_update_on", "Update as of"),
    ("days_late", "Days late"),
    ("exempt", "Part 2 (exempt)"),
)


def tracker_rows(
    committee: Committee, user, *, since: dt.date | None = None, on: dt.date
) -> list[TrackerRow]:
    """The committee's actions `user` may see, oldest reference first, in three queries."""
    actions = (
        Action.objects.visible_to(user)
        .with_latest_rag()
        .filter(committee=committee)
        .select_related("owner", "due_back_meeting", "agenda_item__meeting", "municipal_year")
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=ActionUpdate.objects.order_by("as_of", "recorded_at", "pk"),
                to_attr="timeline",
            )
        )
        .order_by("municipal_year__start_date", "sequence")
    )
    if since:
        actions = actions.filter(Q(status=Action.Status.OPEN) | Q(closed_on__gte=since))
    rows = []
    for action in actions:
        latest = action.timeline[-1] if action.timeline else None
        item = action.agenda_item
        if action.due_date:
            due = f"{action.due_date:%-d %B %Y}"
        elif action.due_back_meeting_id:
            due = f"Meeting of {action.due_back_meeting.date:%-d %B %Y}"
        else:
            due = "No date set"
        rows.append(
            TrackerRow(
                reference=action.reference,
                raised=item.meeting.date if item else None,
                item=(f"{item.number}. " if item and item.number else "")
                + (item.display_title if item else ""),
                action=action.title,
                owner=str(action.owner) if action.owner_id else "",
                due=due,
                due_date=action.due_on,
                due_at_meeting=not action.due_date and bool(action.due_back_meeting_id),
                status=action.get_status_display(),
                # A withdrawn action's last RAG no longer says anything: its status does.
                rag=RAG(action.latest_rag).label
                if action.latest_rag and action.status != Action.Status.WITHDRAWN
                else "",
                latest_update=latest.text if latest else "",
                latest_update_on=latest.as_of if latest else None,
                days_late=action.days_late(on),
                exempt=action.is_exempt,
                url=action.get_absolute_url(),
            )
        )
    return rows


# A cell of text starting with one of these is read by Excel, LibreOffice and Google Sheets as
# a formula (or DDE command); OWASP's "CSV injection" advice is to prefix it with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value):
    """`value` as a spreadsheet may safely hold it: text that a spreadsheet would interpret as a
    formula gets a leading single quote; numbers, dates and other text are left as they are.
    Every CSV and XLSX export writes its cells through this."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(row: TrackerRow, key: str):
    value = getattr(row, key)
    if key == "exempt":
        return "Yes" if value else "No"
    return value


def _append_xlsx_row(sheet, values) -> None:
    """One row of cells; text is stored as text (a string cell), so nothing is interpreted."""
    sheet.append([spreadsheet_text(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def filename(committee: Committee, since: dt.date | None, extension: str) -> str:
    suffix = f"-since-{since:%Y-%m-%d}" if since else ""
    return f"action-tracker-{committee.slug}{suffix}.{extension}"


def as_csv(rows: list[TrackerRow], name: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_text(label) for _, label in COLUMNS])
    for row in rows:
        writer.writerow(
            [
                f"{value:%Y-%m-%d}" if isinstance(value, dt.date) else spreadsheet_text(value)
                for value in (_csv_cell(row, key) for key, _ in COLUMNS)
            ]
        )
    # A byte-order mark so that Excel, which officers open CSVs in, reads the text as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv_cell(row: TrackerRow, key: str):
    """A CSV cell: every date in ISO form, the due date included ("Meeting of 2018-02-13")."""
    if key == "due" and row.due_date:
        return f"Meeting of {row.due_date:%Y-%m-%d}" if row.due_at_meeting else row.due_date
    return _cell(row, key)


def as_xlsx(rows: list[TrackerRow], name: str, title: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "Action tracker"
    _append_xlsx_row(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=14)
    _append_xlsx_row(sheet, [label for _, label in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        _append_xlsx_row(sheet, [_cell(row, key) for key, _ in COLUMNS])
    widths = {"A": 16, "B": 14, "C": 30, "D": 45, "E": 22, "F": 24, "I": 60}
    for index in range(1, len(COLUMNS) + 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(letter, 14)
        for cell in sheet[letter][2:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, dt.date):
                cell.number_format = "d mmmm yyyy"
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
