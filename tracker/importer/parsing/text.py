"""Lines, paragraphs and sentences of minutes text, and the page furniture dropped from them."""

import re

MAX_LINE = 20_000  # longer "lines" are cut: no real paragraph of minutes is that long

_PAGE_FURNITURE = re.compile(
    r"^(?:page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d+\s*$)$|.*\s[-\u2013]\s\d{1,2}\.\d{1,2}\.\d{2,4}$",
    re.I,
)

_LONE_NUMBER = re.compile(
    r"^\s*(?:(?:item|minute)\s+)?(?P<number>\d{1,4})(?P<suffix>/\d{2,4})?\.?\s*$", re.I
)

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(])")


UNTITLED = "(no title printed)"


class _Lines(list):
    """The lines of the text, and which of them are titles read from the rows of a table."""

    row_titles: frozenset = frozenset()
    # Where each line starts in the text read (and the text), when the lines are its own lines;
    # empty when a table was rebuilt, since its lines no longer match the text.
    offsets: tuple = ()
    raw: str = ""
    # what the header's readings found in a line, kept so that each asks once (header.py)
    dates: dict | None = None


# A table flattened to text with "|" between its cells: "No. | Item |", then one row per item
# ("Title  Additional documents: Decision: ... Minutes: ... |"), a row's cell spanning lines.
_TABLE_HEAD = re.compile(r"^\s*(?:no\.?\s*\|\s*)?item\s*\|\s*(?:\S.*)?$", re.I)
_ROW_MARKER = re.compile(
    r"\s*\b(?P<marker>Additional\s+documents\s*:|Decision\s*:|Decisions\s*:|Minutes\s*:|To\s+Follow\b)\s*"
    r"|\s+\u00b7\s+"
    # the agenda's description after the title: "To receive ...", "For the Committee to ..."
    r"|(?<=\S)\s+(?=(?:To|For|Any|This)\s+(?:the\s+)?[a-z]{2,})"
)


def _table_rows(lines: list[str]) -> _Lines | None:
    head = next(
        (i for i, line in enumerate(lines[:80]) if "|" in line and _TABLE_HEAD.match(line)), None
    )
    if head is None:
        return None
    body = "\n".join(lines[head + 1 :])
    rows = [row.strip() for row in re.split(r"\|", body)]
    rows = [row for row in rows if row and not re.fullmatch(r"[-\s]*", row)]
    if len(rows) < 2:
        return None
    out = _Lines(lines[:head])
    titles = set()
    for row in rows:
        cut = _ROW_MARKER.search(row)
        title = " ".join((row[: cut.start()] if cut else row).split())
        rest = row[cut.start() :] if cut else ""
        rest = re.sub(
            r"\s*\b(Additional\s+documents\s*:|Decisions?\s*:|Minutes\s*:)\s*",
            lambda m: "\n" + " ".join(m.group(1).split()) + "\n",
            rest,
        )
        rest = re.sub(r"(?<=Decision:)\n|(?<=Decisions:)\n", " ", rest)
        # a cell's hard line breaks inside a sentence, and its inline "·" bullets
        rest = re.sub(r"^\s*To\s+Follow\b", "", rest)
        rest = re.sub(
            r"(?<=[^.:;!?\s])[ \t]*\n[ \t]*(?!\(?[a-zA-Z0-9]{1,4}[.)]\s|RESOLVED|AGREED|[\u00b7\u2022])",
            " ",
            rest,
        )
        rest = re.sub(r"\s+\u00b7\s+", "\n\u00b7 ", rest)
        title = title.strip(" .\u00b7") or UNTITLED
        out.extend(["", ""])
        titles.add(len(out))
        out.append(title)
        out.append("")
        out.extend(line.strip() for line in rest.split("\n") if line.strip())
    out.row_titles = frozenset(titles)
    return out


# A table with one row per line and cells between "|": "| 41 | Apologies | Apologies were
# received ... |", under a header row naming its columns ("Minute | Subject | Decision").
_CELL_ROW = re.compile(r"^\|.*\|$")
_CELL_HEAD = re.compile(r"\b(?:minute|item|no\.?|number|subject|title|decision|resolved)\b", re.I)
_CELL_NUMBER = re.compile(
    r"^(?:(?:item|minute)\s+)?(?:[A-Z]{2,8}/)?(\d{1,4})(?:/\d{2,4})?\.?$", re.I
)


def _cell_table(lines: list[str]) -> _Lines | None:
    """Each row as a numbered heading ("41. Apologies") over its other cells, one a line."""
    rows = [i for i, line in enumerate(lines) if _CELL_ROW.match(line)]
    if len(rows) < 3:
        return None
    head = rows[0]
    if not _CELL_HEAD.search(lines[head]):
        return None
    out = _Lines(lines[:head])
    found = 0
    for index in range(head + 1, len(lines)):
        line = lines[index]
        if not _CELL_ROW.match(line):
            out.append(line)
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if all(re.fullmatch(r"[-:\s]*", cell) for cell in cells):
            continue  # the |---|---| rule under the header
        number = _CELL_NUMBER.match(cells[0]) if cells else None
        rest = [cell for cell in cells[1:] if cell]
        if number and rest:
            found += 1
            out.extend(["", "", f"{number.group(1)}. {rest[0]}", ""])
            out.extend(rest[1:])
        else:
            out.extend(cell for cell in cells if cell)  # a cell run on from the row above
    return out if found >= 2 else None


def _prepare_lines(text: str) -> list[str]:
    lines = [line.strip()[:MAX_LINE] for line in text.split("\n")]
    if "|" in text:
        table = _table_rows(lines) or _cell_table(lines)
        if table is not None:
            lines = table
    # Running headers and footers printed on every page of a PDF break paragraphs apart.
    counts: dict[str, int] = {}
    for line in lines:
        if line and len(line) < 160:
            counts[line] = counts.get(line, 0) + 1
    furniture = {
        line
        for line, count in counts.items()
        if count >= 2 and _PAGE_FURNITURE.match(line) and not _LONE_NUMBER.match(line)
    }
    kept = _Lines("" if line in furniture else line for line in lines)
    kept.row_titles = getattr(lines, "row_titles", frozenset())
    kept.dates = {}
    if not isinstance(lines, _Lines):
        starts, at = [], 0
        for raw_line in text.split("\n"):
            starts.append(at)
            at += len(raw_line) + 1
        kept.offsets, kept.raw = tuple(starts), text
    return kept


def _paragraphs(body: list[str]) -> list[str]:
    paragraphs, current = [], []
    for line in body:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(paragraph) if s.strip()]


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
