"""Which row holds the headings, and which column holds which field of the tracker.

Councils' trackers put a title, a date printed, a RAG key or notes above the headings, and
sometimes group headings over two rows ("Executive response" merged over "Decision" and
"Date"). The header is the row, among the first rows, whose headings name the most fields;
a group heading merged over a column is read together with the heading under it. The
mapping proposed from the headings is a proposal: the officer may change it on the review
page (or the command's `--map`), and `check_mapping` says what a usable one needs.
"""

import re
from dataclasses import dataclass

from tracker.workbooks.sheets import HEADER_SEARCH_ROWS


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    names: tuple[str, ...]  # headings that name it, normalised (see `normalise`)


FIELDS = (
    Field(
        "reference",
        "Reference",
        (
            "ref",
            "reference",
            "ref no",
            "ref number",
            "reference number",
            "rec no",
            "rec ref",
            "recommendation no",
            "recommendation number",
            "recommendation ref",
            "action no",
            "action ref",
            "action number",
            "no",
            "number",
            "id",
        ),
    ),
    Field(
        "meeting_date",
        "Meeting date",
        (
            "meeting date",
            "date of meeting",
            "meeting",
            "committee date",
            "date of committee",
            "date raised",
            "date agreed",
            "date of recommendation",
            "date made",
            "date",
        ),
    ),
    Field(
        "subject",
        "Item or subject",
        ("item", "subject", "topic", "agenda item", "report", "title", "review"),
    ),
    Field(
        "text",
        "Recommendation or action",
        (
            "recommendation",
            "recommendations",
            "action",
            "actions",
            "action required",
            "action agreed",
            "resolution",
            "recommendation action",
            "action recommendation",
            "description",
            "what was agreed",
            "scrutiny recommendation",
        ),
    ),
    Field(
        "lead",
        "Lead officer (owner)",
        (
            "lead officer",
            "responsible officer",
            "officer",
            "owner",
            "action owner",
            "lead",
            "responsible",
            "responsibility",
            "who",
            "service lead",
            "lead officer service",
        ),
    ),
    Field(
        "portfolio_holder",
        "Portfolio holder (to respond)",
        ("portfolio holder", "cabinet member", "executive member", "lead member", "portfolio"),
    ),
    Field(
        "response",
        "Executive response",
        (
            "executive response",
            "cabinet response",
            "response",
            "executive decision",
            "cabinet decision",
            "decision",
            "accepted rejected",
            "response to recommendation",
        ),
    ),
    Field(
        "response_date",
        "Date of the executive response",
        (
            "response date",
            "date of response",
            "date responded",
            "cabinet date",
            "executive response date",
            "decision date",
        ),
    ),
    Field(
        "due_date",
        "Due date",
        (
            "due date",
            "due",
            "deadline",
            "target date",
            "date due",
            "timescale",
            "target completion date",
            "completion date",
            "by when",
            "due by",
        ),
    ),
    Field(
        "status",
        "Status or RAG",
        (
            "status",
            "rag",
            "rag status",
            "rag rating",
            "rating",
            "current status",
            "progress",
            "progress rating",
            "progress score",
            "brag",
        ),
    ),
    Field(
        "update",
        "Latest update",
        (
            "latest update",
            "update",
            "progress update",
            "latest position",
            "progress to date",
            "comments",
            "commentary",
            "current position",
            "latest progress",
            "officer update",
            "notes",
        ),
    ),
    Field(
        "update_date",
        "Date of the latest update",
        (
            "update date",
            "date of update",
            "last updated",
            "date updated",
            "as at",
            "updated",
            "date of last update",
            "latest update date",
        ),
    ),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)
LABELS = {f.key: f.label for f in FIELDS}
REQUIRED = ("text",)  # a meeting date may come from section titles ("Meeting of ...")


def normalise(heading) -> str:
    text = str(heading or "").lower().replace("&", " and ").replace("\n", " ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _score(heading: str, name: str) -> int:
    """How well a heading names a field: exact 3, ends with the name 2, contains it 1."""
    if heading == name:
        return 3
    if heading.endswith(" " + name):
        return 2
    if re.search(rf"(^| ){re.escape(name)}( |$)", heading):
        return 1
    return 0


def field_for(heading) -> tuple[str | None, tuple[int, int]]:
    """The field a heading names and how strongly: (key, (score, length of the name))."""
    text = normalise(heading)
    if not text:
        return None, (0, 0)
    best, strength = None, (0, 0)
    for candidate in FIELDS:
        for name in candidate.names:
            score = _score(text, name)
            if score and (score, len(name)) > strength:
                best, strength = candidate.key, (score, len(name))
    return best, strength


def propose_mapping(headings: list[str]) -> dict[int, str]:
    """Column index -> field key, each field taken by the column that names it best
    (the leftmost on a tie); columns naming nothing are left out."""
    claims: dict[str, tuple[tuple[int, int], int]] = {}
    for index, heading in enumerate(headings):
        key, strength = field_for(heading)
        if key and (key not in claims or strength > claims[key][0]):
            claims[key] = (strength, index)
    return {index: key for key, (_, index) in sorted(claims.items(), key=lambda c: c[1][1])}


@dataclass
class Header:
    row: int  # the spreadsheet's row number of the (lower) heading row
    headings: list[str]  # one per column, group headings joined on: "Executive response Date"

    @property
    def width(self) -> int:
        return len(self.headings)


def find_header(top: list[tuple[int, list]], merged=()) -> Header | None:
    """The heading row among the sheet's first rows: the one whose headings name the most
    fields, the recommendation's text above all; None when no row names two fields."""
    grid = {number: list(cells) for number, cells in top[:HEADER_SEARCH_ROWS]}
    width = max((len(cells) for cells in grid.values()), default=0)
    used = max(
        (
            i + 1
            for cells in grid.values()
            for i, value in enumerate(cells)
            if value is not None and str(value).strip()
        ),
        default=0,
    )
    spans: dict[tuple[int, int], int] = {}  # (row, col) -> columns its merged range spans
    for min_col, min_row, max_col, max_row in merged:
        value = grid.get(min_row, [None] * width)
        value = value[min_col - 1] if min_col - 1 < len(value) else None
        for row in range(min_row, max_row + 1):
            if row not in grid:
                continue
            cells = grid[row]
            cells.extend([None] * (max_col - len(cells)))
            for col in range(min_col, max_col + 1):
                cells[col - 1] = value
                spans[(row, col)] = max_col - min_col + 1
    best: Header | None = None
    best_score = (0, 0)
    for number, cells in grid.items():
        headings = []
        for col, value in enumerate(cells, start=1):
            heading = "" if value is None else " ".join(str(value).split())
            above = grid.get(number - 1)
            span = spans.get((number - 1, col), 1)
            if above and 1 < span < used and col - 1 < len(above):
                group = above[col - 1]
                if group is not None and str(group).strip() and str(group).strip() != heading:
                    heading = f"{' '.join(str(group).split())} {heading}".strip()
            headings.append(heading)
        while headings and not headings[-1]:
            headings.pop()
        if sum(1 for h in headings if h) < 2:
            continue
        # A heading row holds words, not dates or numbers: a data row must not win.
        if any(value is not None and not isinstance(value, str) for value in cells):
            continue
        mapping = propose_mapping(headings)
        fields = set(mapping.values())
        score = (len(fields) + (2 if "text" in fields else 0), -number)
        if len(fields) >= 2 and score > best_score:
            best, best_score = Header(row=number, headings=headings), score
    return best


def check_mapping(mapping: dict[int, str]) -> list[str]:
    """What keeps a mapping from being used, in words (empty when it can be used)."""
    problems = []
    fields = list(mapping.values())
    for key in REQUIRED:
        if key not in fields:
            problems.append(f"Choose the column that holds the {LABELS[key].lower()}.")
    for key in sorted({k for k in fields if fields.count(k) > 1}, key=FIELD_KEYS.index):
        problems.append(f"Only one column may hold the {LABELS[key].lower()}.")
    return problems
