"""Agenda items: the run of numbered (or unnumbered) headings and what each item's text proposes."""

import re
from dataclasses import dataclass
from itertools import pairwise

from tracker.importer.parsing.decisions import (
    _BULLET,
    _DECISION_START,
    _PART_MARKER,
    _decision_blocks,
)
from tracker.importer.parsing.deferrals import _find_deferral
from tracker.importer.parsing.dues import due_from_text
from tracker.importer.parsing.exempt import _exempt_state, _mark_exempt
from tracker.importer.parsing.header import _Segment
from tracker.importer.parsing.proposal import ItemProposal, MeetingProposal, _Context
from tracker.importer.parsing.requests import (
    _find_future_business,
    _find_listed_work_programme,
    _find_report_backs,
    _find_undertakings,
    _find_work_programme,
    _kind,
)
from tracker.importer.parsing.text import _LONE_NUMBER, UNTITLED, _paragraphs, _sentences, _short
from tracker.importer.targets import (
    Calendar,
)

_ITEM_HEADING = re.compile(
    r"^\s*(?:(?:item|minute|min\.?|agenda\s+item)\s+(?:no\.?\s*)?)?"
    # a committee's prefix before the number: "ASC/23/12", "OSC 24/12"
    r"(?:[A-Z]{2,8}[/ ](?:\d{2,4}/)?(?=\d{1,4}(?:/\d{2,4})?\s))?"
    # an agenda section's letter before the number: "A1", "B2"
    r"(?P<letter>(?-i:[A-Z]{1,5})(?=\d))?"
    # "24.3 Members asked ...": a paragraph of item 24, not a heading
    r"(?P<number>\d{1,4})(?:\.0(?=\s))?(?!\.\d)(?P<suffix>/\d{2,4})?"
    r"(?:\s*[.):]\s*|\s*[-\u2013\u2014]\s+|\s{2,}|(?<=/\d\d)\s+|(?<=/\d{4})\s+|(?<=\.0)\s+)(?P<title>\S.{0,299})$",
    re.I,
)

_ITEM_WORD_HEADING = re.compile(
    r"^\s*(?P<word>item|minute|agenda\s+item|(?-i:RECOMMENDATION|Recommendation))\s+"
    r"(?:(?P<number>\d{1,4})(?P<suffix>/\d{2,4})?|(?P<roman>(?-i:[IVX]{1,6}))(?=\s*[.:)\-\u2013\u2014]))"
    r"\s*[.:)\-\u2013\u2014]?\s*(?P<title>\S.{0,299})$",
    re.I,
)

# "(45) Title": a bracketed number
_PAREN_HEADING = re.compile(r"^\s*\((?P<number>\d{1,4})\)\s+(?P<title>\S.{0,299})$")
# "45 Title" with one space: only a heading when set apart (a web page's <h2>) or in capitals
_SPACED_HEADING = re.compile(
    r"^\s*(?P<letter>[A-Z]{1,5}(?=\d))?(?P<number>\d{1,4})\s(?P<title>[A-Z(\"'][^\n]{0,299})$"
)

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
    shape: str = ""  # how the number is printed: lone, word, dot, bracket, paren, spaced ...
    weight: float = 1.0  # how much it reads like an item heading rather than a listed part
    printed: str = ""  # a number that is not a whole number, as printed: "A1", "RECOMMENDATION I"
    order: int | None = None  # where it falls in its run: A1 < A2 < B1, I < II
    rest: str = ""  # the minute run on after the title on the heading's line

    def __post_init__(self):
        if self.order is None:
            self.order = self.number


_ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman_value(numeral: str) -> int:
    total = 0
    for index, letter in enumerate(numeral):
        value = _ROMAN[letter]
        later = _ROMAN[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < later else value
    return total


SECTION = 1000  # the run of "B" items follows the run of "A" items


# "3.  HIGHWAYS MAINTENANCE - The Committee considered ...": the title in capitals (or in
# title case before a long dash), then the minute run on in the same paragraph
_RUN_ON_CAPS = re.compile(
    r"^\s*(?:(?:item|minute)\s+)?(?P<number>\d{1,4})(?!\.\d)(?P<suffix>/\d{2,4})?\s*[.):]?\s+"
    r"(?P<title>[A-Z][A-Z0-9&'\u2019,()/\- ]{2,150}?[A-Z0-9)])"
    r"(?:\s+[-\u2013\u2014]\s+|\s*[\u2013\u2014]\s*|:\s+|\.\s+)(?P<rest>[A-Z(\"'\u201c\d].*)$"
)
_RUN_ON_TITLE_CASE = re.compile(
    r"^\s*(?:(?:item|minute)\s+)?(?P<number>\d{1,4})(?!\.\d)(?P<suffix>/\d{2,4})?\s*[.):]?\s+"
    r"(?P<title>[A-Z][^\u2013\u2014]{2,150}?)\s+[\u2013\u2014]\s+(?P<rest>[A-Z(\"'\u201c].*)$"
)


def _run_on_heading(line: str) -> re.Match | None:
    if len(line) < 40 or not re.search(r"[a-z]", line):
        return None  # a short line, or one all in capitals, is a heading as it stands
    match = _RUN_ON_CAPS.match(line)
    if match and re.search(r"[A-Z]{3}", match["title"]) and len(match["rest"]) >= 20:
        return match
    match = _RUN_ON_TITLE_CASE.match(line)
    if (
        match
        and _title_case(match["title"])
        and len(match["title"].split()) <= 10
        and len(match["rest"]) >= 20
    ):
        return match
    return None


def _heading_from(line: str, index: int, match: re.Match, title: str, shape: str, weight: float):
    """A heading for a matched line: a whole number, or a lettered or roman one kept as printed."""
    groups = match.groupdict()
    if groups.get("roman"):
        printed = f"{match['word']} {match['roman']}"
        order = _roman_value(match["roman"])
        return _Heading(index, None, title, index + 1, shape + "-roman", weight, printed, order)
    if groups.get("letter") and len(match["letter"]) > 1:
        # a committee's letters before every number ("HSP12"): numbered, printed as it is
        number = int(match["number"])
        return _Heading(
            index, number, title, index + 1, "prefixed", weight, f"{match['letter']}{number}"
        )
    if groups.get("letter"):
        letter, number = match["letter"], int(match["number"])
        order = (ord(letter) - ord("A") + 1) * SECTION + number
        return _Heading(
            index, None, title, index + 1, "lettered", weight, f"{letter}{number}", order
        )
    return _Heading(index, int(match["number"]), title, index + 1, shape, weight)


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
    if title.lower() in _MINOR_WORDS:
        return False  # "The" alone: a sentence cut off, not a title
    if len(title) > 250:
        return False
    if title[-1] in ";,:" or (title.endswith(".") and (len(title) > 90 or title.count(". ") > 0)):
        return False
    return title[0].isupper() or title[0].isdigit() or title[0] in "\"'("


_MINOR_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "via",
        "per",
        "vs",
        "its",
        "their",
        "our",
    ]
)


def _title_case(title: str) -> bool:
    """ "Matters to be Considered in Private", "WORK PROGRAMME": a heading, not a sentence."""
    words = re.findall(r"[A-Za-z][\w'\u2019-]*", title)
    if not words or title.rstrip()[-1:] in ".;,:":
        return False
    return all(w[0].isupper() or w.lower() in _MINOR_WORDS for w in words)


def _shape(line: str, match: re.Match) -> str:
    """How a heading's number is printed: one chain of items keeps one shape."""
    if match.re is _ITEM_WORD_HEADING:
        return "word"
    if match.re is _PAREN_HEADING:
        return "paren"
    if match.re is _SPACED_HEADING:
        return "spaced"
    if match["suffix"]:
        return "slash"
    after = line[match.end("number") :]
    if re.match(r"\s*\.", after):
        return "dot"
    if re.match(r"\s*\)", after):
        return "bracket"
    if re.match(r"\s*:", after):
        return "colon"
    if re.match(r"\s*[-\u2013\u2014]", after):
        return "dash"
    if "\t" in after[:3]:
        return "tab"
    return "spaces"


def _previous_line(lines: list[str], index: int, start: int) -> str:
    back = index - 1
    while back >= start and not lines[back]:
        back -= 1
    return lines[back] if back >= start else ""


def _heading_weight(lines: list[str], index: int, start: int, title: str, shape: str) -> float:
    """1 for a heading, less for what reads like a part of a list inside a minute: a
    sentence, or a line under a lead-in ("RESOLVED that the following ...:-")."""
    previous = _previous_line(lines, index, start)
    if (
        previous
        and not _title_case(title)
        and (_DECISION_START.match(previous) or re.search(r"(?::\s*-?|\w-|\u2013)$", previous))
    ):
        return 0.2
    weight = 1.0
    if title.endswith(".") or (len(title.split()) > 12 and not _title_case(title)):
        weight = 0.5
    if shape == "lone":
        weight *= 2  # a number alone on its line above the title: modern.gov's item heading
    return weight


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
                title = _clean_title(lines[nxt])
                shape = "lone"
                weight = _heading_weight(lines, index, start, title, shape)
                candidates.append(_Heading(nxt, int(lone["number"]), title, nxt + 1, shape, weight))
                index = nxt + 1
                continue
        run_on = _run_on_heading(line)
        if run_on:
            title = _clean_title(run_on["title"])
            shape = _shape(line, run_on)
            # weighed as the whole line reads: under a lead-in it is a listed part
            weight = _heading_weight(lines, index, start, f"{title} {run_on['rest']}", shape)
            heading = _heading_from(line, index, run_on, title, shape, weight)
            heading.rest = run_on["rest"]
            candidates.append(heading)
            index += 1
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
            if spaced and (
                set_apart
                or spaced["title"].isupper()
                or (
                    index > start
                    and not lines[index - 1]
                    and len(spaced["title"]) < 120
                    and _title_case(spaced["title"])
                )
            ):
                match = spaced
        if match and _looks_like_title(match["title"]) and not _PART_MARKER.match(match["title"]):
            title = _clean_title(match["title"])
            shape = _shape(line, match)
            weight = _heading_weight(lines, index, start, title, shape)
            candidates.append(_heading_from(line, index, match, title, shape, weight))
        index += 1
    _weaken_listed(candidates)
    return candidates


def _weaken_listed(candidates: list[_Heading]) -> None:
    """A list under a lead-in stays a list: "2)" a few lines after a weak "1)" is weak too."""
    last: dict[str, _Heading] = {}
    for candidate in candidates:
        before = last.get(candidate.shape)
        if (
            before is not None
            and before.weight <= 0.2
            and candidate.order == before.order + 1
            and candidate.line - before.line <= 12
        ):
            candidate.weight = 0.2
        last[candidate.shape] = candidate


def _best_chain(candidates: list[_Heading]) -> list[_Heading]:
    """The heaviest run of headings whose numbers rise by one to five at each step.

    Numbered lists inside items restart at 1, so they lose to the agenda's own numbering.
    """
    best: list[tuple[float, int]] = []  # per candidate: (chain weight, previous index)
    latest: dict[int, int] = {}  # number -> index of the candidate ending the best chain with it
    for position, candidate in enumerate(candidates):
        weight, previous = candidate.weight, -1
        before = [candidate.order - step for step in range(1, 6)]
        if candidate.order > SECTION and candidate.order % SECTION == 1:
            # "B1" follows the last of the "A" items, whichever that was
            section = candidate.order - SECTION - 1
            before += [key for key in latest if section < key < section + SECTION]
        for key in before:
            earlier = latest.get(key)
            if earlier is not None and best[earlier][0] + candidate.weight > weight:
                weight, previous = best[earlier][0] + candidate.weight, earlier
        best.append((weight, previous))
        current = latest.get(candidate.order)
        if current is None or best[current][0] <= weight:
            latest[candidate.order] = position
    if not best:
        return []
    end = max(range(len(best)), key=lambda i: (best[i][0], -i))
    chain = []
    while end != -1:
        chain.append(candidates[end])
        end = best[end][1]
    return chain[::-1]


def _chain_weight(chain: list[_Heading]) -> float:
    return sum(heading.weight for heading in chain)


def _best_numbered(candidates: list[_Heading]) -> list[_Heading]:
    """The best run per printed shape ("12." / "12)" / "(12)" / "Minute 12" / a lone "12"
    line ...), and the best run of all shapes mixed; the heaviest wins, one shape on a tie,
    so "(1)", "1." parts inside a minute do not steal the agenda's items."""
    shapes: dict[str, list[_Heading]] = {}
    for candidate in candidates:
        shapes.setdefault(candidate.shape, []).append(candidate)
    # a lone "A1"-shaped line is as likely a road, a grade or a quarter ("Q1 Performance") as
    # an item: lettered numbers count only as a run
    chains = [
        chain
        for chain in (_best_chain(group) for group in shapes.values())
        if len(chain) > 1 or chain[0].shape not in ("lettered", "prefixed")
    ]
    if len(shapes) > 1:
        chains.append(_best_chain(candidates))
    return max(chains, key=lambda c: (_chain_weight(c), -len(c)), default=[])


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


def _items_region_start(lines: list[str], segment: _Segment) -> int:
    for index in range(segment.start, min(segment.end, segment.start + 40)):
        if re.match(r"^(?:no\.?\s+item|items)$", lines[index], re.I):
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
        finish = offsets[end - 1] + len(raw[offsets[end - 1] :].split("\n", 1)[0])
        while begin < finish and raw[begin].isspace():
            begin += 1
        while finish > begin and raw[finish - 1].isspace():
            finish -= 1
        item.source, item.start, item.end = raw[begin:finish], begin, finish
    else:
        item.source = "\n".join(lines[start:end])


_INLINE_DECISION = re.compile(
    r"(?<=[.!?])\s+(?=(?:RESOLVED|Resolved|AGREED|RECOMMENDED)\s*(?:[-\u2013\u2014:;]|that\b|to\b))"
)
_DECISION_WORDS = r"(?:RESOLVED|Resolved|AGREED|Agreed|DECIDED|Decided|RECOMMENDED|Recommended)\b"
_RESOLVED_WORD = re.compile(
    r"^(?:\(?[a-z0-9]{1,4}[.)]\s+)?(?:RESOLVED|AGREED|Resolved)\b|\bRESOLVED\b"
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
    lines = [piece for line in lines for piece in _INLINE_DECISION.split(line)]
    if item.number is not None:
        # paragraphs numbered after the item ("24.3  AGREED:"): the number is no part
        own = re.compile(rf"^{item.number}\.\d{{1,2}}\.?\s+(?={_DECISION_WORDS})")
        lines = [own.sub("", line) for line in lines]
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
