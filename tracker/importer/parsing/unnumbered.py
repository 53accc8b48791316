"""Unnumbered item titles: set apart by blank lines, by the gap the standing business shows,
or by their shape in text with no gaps. Imports: decisions, headings, text."""

import re

from tracker.importer.parsing.decisions import _BULLET, _DECISION_START, _PART_MARKER
from tracker.importer.parsing.headings import (
    _AGENDA_DESCRIPTION,
    _MARKER_LINES,
    _clean_title,
    _Heading,
    _looks_like_title,
    _title_case,
)
from tracker.importer.patterns import Guarded

# modern.gov's link to an item's papers, printed after its title
_PDF_ICON = Guarded(re.compile(r"pdf\s+icon\s+PDF", re.I), ("icon",))


def _unnumbered_headings(lines: list[str], start: int, end: int) -> list[_Heading]:
    """Titles of a page that prints no item numbers: a one-line paragraph after a gap of two
    or more blank lines (or carrying modern.gov's "pdf icon"), that does not read as a sentence."""
    headings = []
    for index in range(start, end):
        line = lines[index]
        if not line or _MARKER_LINES.match(line) or _DECISION_START.match(line):
            continue
        gap = index >= 2 and not lines[index - 1] and not lines[index - 2]
        after_blank = index + 1 >= end or not lines[index + 1]
        icon = _PDF_ICON.search(line)
        caps = (
            line.isupper() and len(line) < 120 and len(line.split()) <= 14 and not lines[index - 1]
        )
        set_apart = icon or (gap and after_blank) or (caps and after_blank)
        if not set_apart and not _minutes_follow(lines, index, end):
            continue
        if line[-1] in ".:;,?!" and not icon and not (set_apart and _full_stop_title(line)):
            continue
        if not _looks_like_title(line) or _PART_MARKER.match(line) or _BULLET.match(line):
            continue
        if not icon and (len(line) > 200 or (len(line.split()) > 12 and not _title_case(line))):
            continue
        headings.append(_Heading(index, None, _clean_title(line), index + 1))
    return headings


_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|can|could|did|do|does|should|may|"
    r"might|must|there|it|they|he|she|we|none|no)\b|\w{3,}ed\b",
    re.I,
)


def _full_stop_title(line: str) -> bool:
    """ "Apologies for absence.": a short heading that ends in a full stop, not a sentence
    (no verb, no second sentence), nor a table's cell ("Ward Councillor.")."""
    words = line.split()
    return (
        3 <= len(words) <= 8
        and line.endswith(".")
        and not line.endswith("..")
        and ". " not in line
        and line[0].isupper()
        and not _VERB.search(line)
    )


# The business every agenda carries, however a council words it: a page that prints no item
# numbers shows by these titles how it sets its headings apart.
_STANDING_TITLE = re.compile(
    r"^(?:apologies(?:\s+for\s+absence)?|declarations?\s+of\s+(?:\w+\s+)?interests?|to\s+declare\s+any\s+interests?"
    r"|(?:to\s+(?:sign|approve|confirm|agree|receive)\s+)?(?:the\s+)?minutes(?:\s+of\s+(?:the\s+)?(?:previous|last)\s+meeting)?"
    r"|any\s+other\s+(?:urgent\s+)?business|urgent\s+(?:business|items?)|chair(?:man|person)?['\u2019]?s\s+(?:announcements|business|communications)"
    r"|public\s+(?:questions?|participation|forum)|(?:forward\s+)?work\s+programme|date\s+of\s+(?:the\s+)?next\s+meeting"
    r"|exclusion\s+of\s+(?:the\s+)?(?:press|public))\b",
    re.I,
)


# "The minutes of the last meeting were agreed": what was done, not a title
_REPORTED = re.compile(r"\b(?:was|were|had|has|have\s+been)\b", re.I)


def _gap_before(lines: list[str], index: int, start: int) -> int:
    gap = 0
    while index - gap - 1 >= start and not lines[index - gap - 1]:
        gap += 1
    return gap


def _headings_by_gap(lines: list[str], start: int, end: int) -> list[_Heading]:
    """A page with no item numbers whose items are set apart by a wider gap than its
    paragraphs: the gap is learned from the standing business ("Apologies for absence", "To
    declare any interests ...", "Any other business ..."), whose titles may be whole agenda
    sentences; every line after such a gap is then a heading, whatever its wording."""
    paragraphs = [
        (index, _gap_before(lines, index, start))
        for index in range(start, end)
        if lines[index] and (index == start or not lines[index - 1])
    ]
    standing = [
        (index, gap)
        for index, gap in paragraphs
        if _STANDING_TITLE.match(lines[index])
        and not _REPORTED.search(lines[index])
        and (index + 1 >= end or not lines[index + 1])
    ]
    gaps = [gap for _index, gap in standing if gap >= 2]
    if len(gaps) < 2:
        return []
    wide = max(sorted(set(gaps)), key=gaps.count)  # the gap most of them follow
    if gaps.count(wide) < 2:
        return []
    # the paragraphs' own gap must be narrower: most paragraphs follow a narrower gap
    narrower = sum(gap < wide for _index, gap in paragraphs)
    if narrower * 2 < len(paragraphs):
        return []
    headings = []
    for index, gap in paragraphs:
        line = lines[index]
        if gap < wide and not (
            _STANDING_TITLE.match(line) and not _REPORTED.search(line) and gap >= 1
        ):
            continue
        if index + 1 < end and lines[index + 1]:
            continue  # a heading is a paragraph of one line
        if _BULLET.match(line) or _PART_MARKER.match(line) or _DECISION_START.match(line):
            continue
        title = _clean_title(line)
        if not title or len(title) > 300 or not (title[0].isupper() or title[0] in "\"'("):
            continue
        headings.append(_Heading(index, None, title, index + 1))
    return headings


def _headings_by_shape(lines: list[str], start: int, end: int) -> list[_Heading]:
    """Minutes with no item numbers and no blank lines between paragraphs (a document whose
    bold headings were lost): a short title-case line, after a paragraph that ended and
    before its minute, is a heading, where the standing business shows the layout (at least
    two such lines are "Apologies for Absence", "Declarations of Interest", "Minutes" ...)."""
    text_lines = [index for index in range(start, end) if lines[index]]
    if len(text_lines) < 4 or (end - start) - len(text_lines) > len(text_lines) // 3:
        return []  # a page that sets its paragraphs apart is read by the gaps
    headings = []
    previous = ""
    for position, index in enumerate(text_lines):
        line = lines[index]
        following = lines[text_lines[position + 1]] if position + 1 < len(text_lines) else ""
        if (
            following
            and len(line) <= 100
            and len(line.split()) <= 12
            and line[0].isupper()
            and line[-1] not in ".;:,!?"
            and ":" not in line
            and (not previous or previous[-1] in ".;:!?)")
            and (_title_case(line) or _STANDING_TITLE.match(line))
            and not (_DECISION_START.match(line) or _PART_MARKER.match(line) or _BULLET.match(line))
        ):
            headings.append(_Heading(index, None, _clean_title(line), index + 1))
        previous = line
    if sum(1 for h in headings if _STANDING_TITLE.match(h.title)) < 2:
        return []
    return headings


def _minutes_follow(lines: list[str], index: int, end: int) -> bool:
    """A title with "Minutes:" under it (perhaps after the agenda's "To receive ..." line)."""
    seen = 0
    for later in range(index + 1, min(end, index + 8)):
        line = lines[later]
        if not line:
            continue
        if line.lower().rstrip(" :") == "minutes":
            return True
        seen += 1
        if seen > 1 or not _AGENDA_DESCRIPTION.match(line):
            return False
    return False
