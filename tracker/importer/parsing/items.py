"""Agenda items: which headings a meeting's minutes are cut at, and what each item's text
proposes. Imports: the other parsing modules."""

import re
from itertools import pairwise

from tracker.importer.parsing.decisions import _DECISION_START, _decision_blocks
from tracker.importer.parsing.deferrals import _find_deferral
from tracker.importer.parsing.dues import due_from_text
from tracker.importer.parsing.exempt import _exempt_state, _mark_exempt
from tracker.importer.parsing.future import _find_future_business
from tracker.importer.parsing.header import _Segment
from tracker.importer.parsing.headings import (
    _AGENDA_DESCRIPTION,
    _MARKER_LINES,
    SECTION,
    _best_numbered,
    _chain_weight,
    _Heading,
    _numbered_candidates,
)
from tracker.importer.parsing.proposal import ItemProposal, MeetingProposal, _Context
from tracker.importer.parsing.requests import (
    _find_listed_work_programme,
    _find_report_backs,
    _find_undertakings,
    _find_work_programme,
    _kind,
)
from tracker.importer.parsing.text import (
    _LONE_NUMBER,
    UNTITLED,
    _paragraphs,
    _sentences,
    _short,
)
from tracker.importer.parsing.unnumbered import (
    _headings_by_gap,
    _headings_by_shape,
    _unnumbered_headings,
)
from tracker.importer.patterns import Guarded
from tracker.importer.targets import (
    Calendar,
)

_TRUNCATED = Guarded(
    re.compile(r"\s*\.\.\.\s*view the full minutes text for item\s*(?P<n>\d+)?\.?\s*$", re.I),
    ("...",),
    cased=True,
)

_WITHDRAWN = Guarded(
    re.compile(
        r"\b(?:item|report|this)\s+(?:was|had\s+been|has\s+been)\s+withdrawn\b|\bwithdrawn\s+from\s+the\s+agenda\b|^withdrawn\.?$",
        re.I,
    ),
    ("withdrawn",),
)

_APPROVED = Guarded(
    re.compile(
        r"\b(?:were|was|be|been)\s+(?:approved|agreed|confirmed|signed|adopted)\s+as\s+(?:a\s+)?(?:true\s+and\s+)?(?:correct|accurate|true|full)\s+records?"
        r"|\b(?:committee|sub-committee|panel|board|members)\s+(?:(?!that\b|informed\b|told\b|advised\b|heard\b|noted\b)[\w/-]+\s+){0,12}?(?:agreed|approved|endorsed|resolved)\s+(?:its|the|that|to|on)\b"
        r"|\b(?:was|were)\s+(?:agreed|approved|endorsed|adopted)\s*[.!]?$",
        re.I,
    ),
    ("record", "agreed", "approved", "endorsed", "resolved", "adopted"),
    opens="bcmpsw",
)

_NEGATED = re.compile(r"\b(?:no|not|nor|never)\b[^.]{0,40}\b(?:agreed|approved|endorsed)\b", re.I)

_NOTED = Guarded(
    re.compile(
        r"\b(?:noted|received|considered|welcomed)\s+(?:the|a|an|its)\s+(?:[\w-]+\s+){0,3}?(?:report|update|presentation|information|contents|briefing|paper|position|following|progress)"
        r"|\b(?:committee|sub-committee|panel|members|board|group|councillors)\s+(?:\w+\s+){0,2}?noted\b"
        r"|\b(?:report|update|presentation)\s+(?:was|were|be)\s+noted\b",
        re.I,
    ),
    ("noted", "received", "considered", "welcomed"),
    opens="bcgmnprsuw",
)


_ITEMS_COLUMN = Guarded(re.compile(r"^(?:no\.?\s+item|items)$", re.I), ("item",))


def _items_region_start(lines: list[str], segment: _Segment) -> int:
    for index in range(segment.start, min(segment.end, segment.start + 40)):
        if _ITEMS_COLUMN.match(lines[index]):
            return index + 1
    return segment.start


def _headings(lines: list[str], segment: _Segment) -> list[_Heading]:
    start = _items_region_start(lines, segment)
    row_titles = getattr(lines, "row_titles", ())
    if row_titles:
        # a table's rows: each row is an item, its first cell's title read off in text.py
        return [
            _Heading(index, None, lines[index], index + 1)
            for index in sorted(row_titles)
            if start <= index < segment.end
        ]
    candidates = _numbered_candidates(lines, start, segment.end)
    chain = _best_numbered(candidates)
    weight = _chain_weight(chain)
    if weight >= 2:
        chain = _labelled_before(lines, candidates, chain) + chain
        return _drop_headings_inside_decisions(lines, chain)
    unnumbered = _unnumbered_headings(lines, start, segment.end)
    for found in (
        _headings_by_gap(lines, start, segment.end),
        _headings_by_shape(lines, start, segment.end),
    ):
        if len(found) > len(unnumbered):
            unnumbered = found
    return chain if chain and weight >= len(unnumbered) else unnumbered


def _labelled_before(lines, candidates: list[_Heading], chain: list[_Heading]) -> list[_Heading]:
    """Headings labelled by a word ("RECOMMENDATION I - Terms of Reference", "Item 3: ...")
    printed before the run of items, in a part of the page with its own numbering (a
    "Part I - Recommendations" section above the minutes): items too, where a decision or
    "Minutes:" follows them."""
    first = chain[0].line
    labelled = [
        c for c in candidates if c.line < first and c.shape.startswith("word") and c.weight >= 1
    ]
    kept = []
    for position, heading in enumerate(labelled):
        end = labelled[position + 1].line if position + 1 < len(labelled) else first
        body = lines[heading.body_start : end]
        if any(
            line and (_DECISION_START.match(line) or line.lower().rstrip(" :") == "minutes")
            for line in body
        ):
            kept.append(heading)
    return kept


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
            and heading.order != kept[-1].order + 1
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
    first_line = headings[0].line if headings else segment.end
    if headings and headings[0].number is not None:
        first_line = _lone_number_above(lines, first_line, segment.start)
    for position, heading in enumerate(headings):
        end = headings[position + 1].line if position + 1 < len(headings) else segment.end
        if position + 1 < len(headings) and headings[position + 1].number is not None:
            # The lone number line above the next title belongs to the next item.
            back = end - 1
            while back > heading.body_start and not lines[back]:
                back -= 1
            if _LONE_NUMBER.match(lines[back] or ""):
                end = back
        body = ([heading.rest] if heading.rest else []) + lines[heading.body_start : end]
        item = ItemProposal(number=heading.number, title=heading.title, printed=heading.printed)
        _set_source(item, lines, first_line if position == 0 else heading.line, end)
        if heading.title == UNTITLED:
            meeting.warnings.append(
                f"Item {position + 1} of the table has no title in the text (its row starts "
                f'with "{_short(" ".join(line for line in body if line), 60)}"): give it one.'
            )
        key = item.number if item.number is not None else (item.printed, item.title.lower())
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
    _warn_of_missed_items(lines, segment, headings, first_line, meeting)
    return meeting


def _lone_number_above(lines, index: int, start: int) -> int:
    """The line of a lone item number printed above the title at `index`, else `index`."""
    back = index - 1
    while back > start and not lines[back]:
        back -= 1
    return back if back >= start and _LONE_NUMBER.match(lines[back] or "") else index


def _set_source(item: ItemProposal, lines, start: int, end: int) -> None:
    """The item's own text as read, and its offsets into that text when they are known."""
    while end > start and not lines[end - 1]:
        end -= 1
    offsets, raw = getattr(lines, "offsets", ()), getattr(lines, "raw", "")
    if offsets and end <= len(offsets) and start < end:
        begin = offsets[start]
        line_end = raw.find("\n", offsets[end - 1])
        finish = line_end if line_end >= 0 else len(raw)
        while begin < finish and raw[begin].isspace():
            begin += 1
        while finish > begin and raw[finish - 1].isspace():
            finish -= 1
        item.source, item.start, item.end = raw[begin:finish], begin, finish
    else:
        item.source = "\n".join(lines[start:end])


_INLINE_DECISION = Guarded(
    re.compile(
        r"(?<=[.!?])\s+(?=(?:RESOLVED|Resolved|AGREED|RECOMMENDED)\s*(?:[-\u2013\u2014:;]|that\b|to\b))"
    ),
    ("RESOLVED", "Resolved", "AGREED", "RECOMMENDED"),
    cased=True,
)
_DECISION_WORDS = r"(?:RESOLVED|Resolved|AGREED|Agreed|DECIDED|Decided|RECOMMENDED|Recommended)\b"
_RESOLVED_WORD = Guarded(
    re.compile(r"^(?:\(?[a-z0-9]{1,4}[.)]\s+)?(?:RESOLVED|AGREED|Resolved)\b|\bRESOLVED\b"),
    ("RESOLVED", "AGREED", "Resolved"),
    cased=True,
)
LONG_SINGLE_ITEM = 200  # lines of text: one item that long is more likely missed headings
MANY_DECISIONS = 4  # RESOLVED blocks in one item, when it is the only item


def _warn_of_missed_items(lines, segment, headings, first_line, meeting) -> None:
    """Minutes whose items were not all found should say so, and where: decisions before the
    first item, or one item holding text as long as a whole meeting's."""

    def where(index: int) -> str:
        return f'line {index + 1} ("{_short(lines[index], 50)}")'

    outside = [
        index for index in range(segment.start, first_line) if _RESOLVED_WORD.search(lines[index])
    ]
    if outside:
        places = ", ".join(where(index) for index in outside[:3])
        more = f" and {len(outside) - 3} more" if len(outside) > 3 else ""
        meeting.warnings.append(
            f"Decisions were found outside any item, at {places}{more}: items may be missing "
            "from the proposal; check the text and add them by hand."
        )
    numbered = [h for h in headings if h.number is not None or h.printed]
    for before, after in pairwise(numbered):
        same_kind = before.shape.endswith("roman") == after.shape.endswith("roman") and (
            before.order // SECTION == after.order // SECTION
        )
        if same_kind and after.order - before.order > 1:
            missing = after.order - before.order - 1
            between = (
                f"item {before.order + 1}"
                if missing == 1
                else f"items {before.order + 1} to {after.order - 1}"
            )
            if before.printed:
                between = f"{missing} item{'s' if missing > 1 else ''}"
            meeting.warnings.append(
                f"The item numbers jump from {before.printed or before.number} to "
                f"{after.printed or after.number} ({where(before.line)} and {where(after.line)}): "
                f"{between} may be missing from the proposal, or were not printed; check the text."
            )
    if len(headings) == 1:
        end = segment.end
        text_lines = [i for i in range(headings[0].line, end) if lines[i]]
        decisions = [i for i in text_lines if _RESOLVED_WORD.search(lines[i])]
        if len(text_lines) >= LONG_SINGLE_ITEM or len(decisions) >= MANY_DECISIONS:
            item = meeting.items[0]
            meeting.warnings.append(
                f"Only one item (item {item.label}, from {where(headings[0].line)}) was found in "
                f"{len(text_lines)} lines of minutes holding {len(decisions)} RESOLVED or AGREED "
                "words: the other items' headings were probably not recognised; check the text and "
                "add them by hand."
            )


# --- Inside an item --------------------------------------------------------------------------


def _minutes_lines(body: list[str], moderngov: bool) -> list[str]:
    for index, line in enumerate(body):
        if line.lower().rstrip(":") == "minutes" and (moderngov or line.endswith(":")):
            # the agenda's text (its "RECOMMENDED that ...") is above "Minutes:"; a decisions
            # page's "Decision:" above it is kept
            if moderngov or not any(
                earlier.lower().startswith("decision") for earlier in body[:index]
            ):
                return body[index + 1 :]
            break
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
    # a paragraph run on into its decision: "... asked about the backlog. Resolved - (a) ..."
    # (the per-line patterns' words are looked for in the whole text first: most items lack them)
    if _INLINE_DECISION.may_match("\n".join(lines)):
        lines = [piece for line in lines for piece in _INLINE_DECISION.split(line)]
    else:
        lines = list(lines)
    if item.number is not None:
        # paragraphs numbered after the item ("24.3  AGREED:"): the number is no part
        prefix = f"{item.number}."
        if any(line.startswith(prefix) for line in lines):
            own = re.compile(rf"^{item.number}\.\d{{1,2}}\.?\s+(?={_DECISION_WORDS})")
            lines = [own.sub("", line) for line in lines]
    # Cut-off text on modern.gov pages ("...  view the full minutes text for item 25.").
    for index, line in enumerate(lines if _TRUNCATED.may_match("\n".join(lines)) else ()):
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
    _find_listed_work_programme(item, lines, context)
    _find_report_backs(item, sentences, decisions, context)
    _find_future_business(item, sentences, decisions, context)
    _find_undertakings(item, sentences, context)
    for resolution in item.resolutions:
        resolution.kind = _kind(resolution, item, context)
        due = due_from_text(resolution.text, context.held_on)
        resolution.due = due.isoformat() if due else None
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
    for line in narrative if _UNDECLARED_DECISION.may_match("\n".join(narrative)) else ():
        if _UNDECLARED_DECISION.match(line):
            context.meeting.warnings.append(
                f"Item {item.label}: a line that reads like a decision was not under RESOLVED and was "
                f'not proposed: "{_short(line)}"'
            )


# "That the Panel ..." in the narrative: a decision printed without RESOLVED, for the officer
_UNDECLARED_DECISION = Guarded(
    re.compile(
        r"^(?:\(?\d{1,2}[.)]\s+|[-•·*]\s+)?That\s+(?:the|a|an|members|officers|this|it|Cabinet|Council)\b"
    ),
    ("That",),
    cased=True,
)


def _requested_here(item: ItemProposal, context: _Context) -> bool:
    """Asking for work-programme topics is a decision of the item even without RESOLVED."""
    return item.label in context.decided
