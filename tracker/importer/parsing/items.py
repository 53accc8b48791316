"""Agenda items: the run of numbered (or unnumbered) headings and what each item's text proposes."""

import re
from dataclasses import dataclass

from tracker.importer.parsing.decisions import (
    _BULLET,
    _DECISION_START,
    _PART_MARKER,
    _decision_blocks,
)
from tracker.importer.parsing.deferrals import _find_deferral
from tracker.importer.parsing.exempt import _exempt_state, _mark_exempt
from tracker.importer.parsing.header import _Segment
from tracker.importer.parsing.proposal import ItemProposal, MeetingProposal, _Context
from tracker.importer.parsing.requests import (
    _find_report_backs,
    _find_undertakings,
    _find_work_programme,
    _kind,
)
from tracker.importer.parsing.text import _LONE_NUMBER, _paragraphs, _sentences, _short
from tracker.importer.targets import (
    Calendar,
)

_ITEM_HEADING = re.compile(
    r"^\s*(?:(?:item|minute|min\.?|agenda\s+item)\s+(?:no\.?\s*)?)?"
    # a committee's prefix before the number: "ASC/23/12", "OSC 24/12"
    r"(?:[A-Z]{2,8}[/ ](?:\d{2,4}/)?(?=\d{1,4}(?:/\d{2,4})?\s))?"
    r"(?P<number>\d{1,4})(?P<suffix>/\d{2,4})?"
    r"(?:\s*[.):]\s*|\s*[-\u2013\u2014]\s+|\s{2,}|(?<=/\d\d)\s+|(?<=/\d{4})\s+)(?P<title>\S.{0,299})$",
    re.I,
)

_ITEM_WORD_HEADING = re.compile(
    r"^\s*(?:item|minute|agenda\s+item)\s+(?P<number>\d{1,4})(?P<suffix>/\d{2,4})?\s*[.:)\-\u2013\u2014]?\s*(?P<title>\S.{0,299})$",
    re.I,
)

# "(45) Title": a bracketed number
_PAREN_HEADING = re.compile(r"^\s*\((?P<number>\d{1,4})\)\s+(?P<title>\S.{0,299})$")
# "45 Title" with one space: only a heading when set apart (a web page's <h2>) or in capitals
_SPACED_HEADING = re.compile(r"^\s*(?P<number>\d{1,4})\s(?P<title>[A-Z(\"'][^\n]{0,299})$")

_TITLE_JUNK = re.compile(
    r"\s*(?:pdf\s+icon\s+)?PDF\s+\d+(?:\.\d+)?\s*[KM]B\s*$|\s*\((?:pages?|pp\.?)\s*\d+(?:\s*[-\u2013]\s*\d+)?\)\s*$|\s+\d+\s*-\s*\d+\s*$",
    re.I,
)

_MARKER_LINES = re.compile(
    r"^(?:minutes|additional documents|decision|supporting documents|attachments|documents)\s*:?\s*$",
    re.I,
)

_AGENDA_DESCRIPTION = re.compile(
    r"^to\s+(?:approve|receive|consider|note|agree|declare|discuss|review|scrutinise|comment|confirm|elect|appoint)\b",
    re.I,
)

_TRUNCATED = re.compile(
    r"\s*\.\.\.\s*view the full minutes text for item\s*(?P<n>\d+)?\.?\s*$", re.I
)

_WITHDRAWN = re.compile(
    r"\b(?:item|report|this)\s+(?:was|had\s+been|has\s+been)\s+withdrawn\b|\bwithdrawn\s+from\s+the\s+agenda\b|^withdrawn\.?$",
    re.I,
)

_APPROVED = re.compile(
    r"\b(?:were|was|be|been)\s+(?:approved|agreed|confirmed|signed|adopted)\s+as\s+(?:a\s+)?(?:true\s+and\s+)?(?:correct|accurate|true|full)\s+records?"
    r"|\b(?:committee|sub-committee|panel|board|members)\s+(?:(?!that\b|informed\b|told\b|advised\b|heard\b|noted\b)[\w/-]+\s+){0,12}?(?:agreed|approved|endorsed|resolved)\s+(?:its|the|that|to|on)\b"
    r"|\b(?:was|were)\s+(?:agreed|approved|endorsed|adopted)\s*[.!]?$",
    re.I,
)

_NEGATED = re.compile(r"\b(?:no|not|nor|never)\b[^.]{0,40}\b(?:agreed|approved|endorsed)\b", re.I)

_NOTED = re.compile(
    r"\b(?:noted|received|considered|welcomed)\s+(?:the|a|an|its)\s+(?:[\w-]+\s+){0,3}?(?:report|update|presentation|information|contents|briefing|paper|position|following|progress)"
    r"|\b(?:committee|sub-committee|panel|members|board|group|councillors)\s+(?:\w+\s+){0,2}?noted\b"
    r"|\b(?:report|update|presentation)\s+(?:was|were|be)\s+noted\b",
    re.I,
)

_NOTHING_TO_DO = re.compile(
    r"^(?:there\s+(?:were|was)\s+no\b|no\s+(?:items|declarations|interests|questions|urgent|apologies|business)\b|none\.?$)",
    re.I,
)


# --- Items ---------------------------------------------------------------------------------


@dataclass
class _Heading:
    line: int  # index of the title line
    number: int | None
    title: str
    body_start: int


def _clean_title(title: str) -> str:
    title = _TITLE_JUNK.sub("", title)
    title = _TITLE_JUNK.sub("", title)
    return " ".join(title.split()).strip(" :-\u2013")


def _looks_like_title(title: str) -> bool:
    title = _clean_title(title)
    if not title or not re.search(r"[A-Za-z]", title[:3] + title):
        return False
    if re.match(r"^(?:that|the\s+committee|resolved|agreed)\b", title, re.I):
        return False
    if len(title) > 250:
        return False
    if title[-1] in ";,:" or (title.endswith(".") and (len(title) > 90 or title.count(". ") > 0)):
        return False
    return title[0].isupper() or title[0].isdigit() or title[0] in "\"'("


def _numbered_candidates(lines: list[str], start: int, end: int) -> list[_Heading]:
    candidates = []
    index = start
    while index < end:
        line = lines[index]
        if not line:
            index += 1
            continue
        lone = _LONE_NUMBER.match(line)
        if lone:
            nxt = index + 1
            while nxt < end and not lines[nxt]:
                nxt += 1
            if (
                nxt < end
                and lines[nxt]
                and not _LONE_NUMBER.match(lines[nxt])
                and _looks_like_title(lines[nxt])
            ):
                candidates.append(
                    _Heading(nxt, int(lone["number"]), _clean_title(lines[nxt]), nxt + 1)
                )
                index = nxt + 1
                continue
        match = (
            _ITEM_WORD_HEADING.match(line)
            or _ITEM_HEADING.match(line)
            or _PAREN_HEADING.match(line)
        )
        if not match:
            spaced = _SPACED_HEADING.match(line)
            set_apart = (
                index >= 2
                and not lines[index - 1]
                and not lines[index - 2]
                and (index + 1 >= end or not lines[index + 1])
            )
            if spaced and (set_apart or spaced["title"].isupper()):
                match = spaced
        if match and _looks_like_title(match["title"]) and not _PART_MARKER.match(match["title"]):
            candidates.append(
                _Heading(index, int(match["number"]), _clean_title(match["title"]), index + 1)
            )
        index += 1
    return candidates


def _best_chain(candidates: list[_Heading]) -> list[_Heading]:
    """The longest run of headings whose numbers rise by one to five at each step.

    Numbered lists inside items restart at 1, so they lose to the agenda's own numbering.
    """
    best: list[tuple[int, int]] = []  # per candidate: (chain length, previous index)
    latest: dict[int, int] = {}  # number -> index of the candidate ending the best chain with it
    for position, candidate in enumerate(candidates):
        length, previous = 1, -1
        for step in range(1, 6):
            earlier = latest.get(candidate.number - step)
            if earlier is not None and best[earlier][0] + 1 > length:
                length, previous = best[earlier][0] + 1, earlier
        best.append((length, previous))
        current = latest.get(candidate.number)
        if current is None or best[current][0] <= length:
            latest[candidate.number] = position
    if not best:
        return []
    end = max(range(len(best)), key=lambda i: (best[i][0], -i))
    chain = []
    while end != -1:
        chain.append(candidates[end])
        end = best[end][1]
    return chain[::-1]


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
        icon = re.search(r"pdf\s+icon\s+PDF", line, re.I)
        caps = (
            line.isupper() and len(line) < 120 and len(line.split()) <= 14 and not lines[index - 1]
        )
        if not (icon or (gap and after_blank) or (caps and after_blank)):
            continue
        if line[-1] in ".:;,?!" and not icon:
            continue
        if not _looks_like_title(line) or _PART_MARKER.match(line) or _BULLET.match(line):
            continue
        if len(line) > 200 and not icon:
            continue
        headings.append(_Heading(index, None, _clean_title(line), index + 1))
    return headings


def _items_region_start(lines: list[str], segment: _Segment) -> int:
    for index in range(segment.start, min(segment.end, segment.start + 40)):
        if re.match(r"^(?:no\.?\s+item|items)$", lines[index], re.I):
            return index + 1
    return segment.start


def _headings(lines: list[str], segment: _Segment) -> list[_Heading]:
    start = _items_region_start(lines, segment)
    chain = _best_chain(_numbered_candidates(lines, start, segment.end))
    if len(chain) >= 2:
        return _drop_headings_inside_decisions(lines, chain)
    unnumbered = _unnumbered_headings(lines, start, segment.end)
    return chain if chain and len(chain) >= len(unnumbered) else unnumbered


def _drop_headings_inside_decisions(lines: list[str], chain: list[_Heading]) -> list[_Heading]:
    """A "2. That ..." inside a RESOLVED block is a decision, not an item; the chain rules
    out most of these, this catches a decision numbered like the next item."""
    kept = []
    for heading in chain:
        previous = heading.line - 1
        while previous >= 0 and not lines[previous]:
            previous -= 1
        if (
            kept
            and previous >= 0
            and _DECISION_START.match(lines[previous])
            and heading.number != kept[-1].number + 1
        ):
            continue
        kept.append(heading)
    return kept


def _propose_meeting(lines, segment: _Segment, calendar: Calendar, committee) -> MeetingProposal:
    meeting = MeetingProposal(
        committee=segment.committee,
        date=segment.date.isoformat() if segment.date else None,
        time=segment.time,
        venue=segment.venue,
    )
    if segment.date is None:
        meeting.warnings.append("The meeting's date could not be read from the minutes.")
    if segment.guessed:
        meeting.warnings.append(segment.guessed)
    context = _Context(meeting, segment.date, calendar)
    headings = _headings(lines, segment)
    if not headings:
        meeting.warnings.append(
            "No agenda items were found in the minutes: check the text, or add the items by hand."
        )
    moderngov_minutes = any(
        lines[i].lower().rstrip(":") == "minutes" for i in range(segment.start, segment.end)
    )
    seen_keys: set = set()
    excluded: bool | int = False  # the public were excluded (the paragraph, when stated)
    for position, heading in enumerate(headings):
        end = headings[position + 1].line if position + 1 < len(headings) else segment.end
        if position + 1 < len(headings) and headings[position + 1].number is not None:
            # The lone number line above the next title belongs to the next item.
            back = end - 1
            while back > heading.body_start and not lines[back]:
                back -= 1
            if _LONE_NUMBER.match(lines[back] or ""):
                end = back
        body = lines[heading.body_start : end]
        item = ItemProposal(number=heading.number, title=heading.title)
        key = (item.number, item.title.lower()) if item.number is None else item.number
        if key in seen_keys:
            meeting.warnings.append(
                f"Item {item.label}: appears twice in the minutes; check the second one's number."
            )
        seen_keys.add(key)
        exempt, excluded = _exempt_state(item, body, excluded)
        before = len(meeting.warnings)
        _parse_item(item, body, context, moderngov_minutes and segment.style == "moderngov")
        if exempt:
            _mark_exempt(item, body, excluded, meeting, before)
        meeting.items.append(item)
    return meeting


# --- Inside an item --------------------------------------------------------------------------


def _minutes_lines(body: list[str], moderngov: bool) -> list[str]:
    if moderngov:
        for index, line in enumerate(body):
            if line.lower().rstrip(":") == "minutes":
                return body[index + 1 :]
    kept = [line for line in body if not _MARKER_LINES.match(line)]
    # Without a "Minutes:" marker, a leading "To approve ..." paragraph is the agenda's.
    while kept and not kept[0]:
        kept.pop(0)
    if kept and _AGENDA_DESCRIPTION.match(kept[0]):
        while kept and kept[0]:
            kept.pop(0)
    return kept


def _parse_item(item: ItemProposal, body: list[str], context: _Context, moderngov: bool) -> None:
    lines = _minutes_lines(body, moderngov)
    # Cut-off text on modern.gov pages ("...  view the full minutes text for item 25.").
    for index, line in enumerate(lines):
        match = _TRUNCATED.search(line)
        if match:
            lines[index] = line[: match.start()].rstrip() + " ..."
            context.meeting.warnings.append(
                f'Item {item.label}: the page cuts the minutes short ("view the full minutes text for '
                f'item {match["n"] or "?"}"); decisions after the cut are missing: import the full '
                "minutes or add them by hand."
            )
    decisions, narrative, words = _decision_blocks(lines, item, context)
    item.resolutions = decisions
    item.minutes = "\n\n".join(_paragraphs(lines))
    sentences = [s for p in _paragraphs(narrative) for s in _sentences(p)]
    _find_deferral(item, [r.text for r in decisions] + sentences, context, len(decisions))
    _find_work_programme(item, sentences, decisions, context, narrative)
    _find_report_backs(item, sentences, decisions, context)
    _find_undertakings(item, sentences, context)
    for resolution in item.resolutions:
        resolution.kind = _kind(resolution, item, context)
    if item.outcome == "none":
        text = " ".join(sentences)
        if _WITHDRAWN.search(text):
            item.outcome = "withdrawn"
        elif item.resolutions and set(words) == {"noted"}:
            item.outcome = "noted"  # "The Panel NOTED: (i) ... (ii) ..."
        elif (
            item.resolutions
            or _requested_here(item, context)
            or any(
                _APPROVED.search(sentence) and not _NEGATED.search(sentence)
                for sentence in sentences
            )
        ):
            item.outcome = "resolved"
        elif _NOTED.search(text):
            item.outcome = "noted"
    for line in narrative:
        if re.match(
            r"^(?:\(?\d{1,2}[.)]\s+|[-•·*]\s+)?That\s+(?:the|a|an|members|officers|this|it|Cabinet|Council)\b",
            line,
        ):
            context.meeting.warnings.append(
                f"Item {item.label}: a line that reads like a decision was not under RESOLVED and was "
                f'not proposed: "{_short(line)}"'
            )


def _requested_here(item: ItemProposal, context: _Context) -> bool:
    """Asking for work-programme topics is a decision of the item even without RESOLVED."""
    return item.label in context.decided
