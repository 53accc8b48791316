"""Numbered item headings: every shape a number is printed in ("12.", "A1", "Minute 12/23",
"RECOMMENDATION I"), and the best run of them. Imports: decisions, text."""

import functools
import re
from dataclasses import dataclass

from tracker.importer.parsing.decisions import _DECISION_START, _PART_MARKER
from tracker.importer.parsing.text import _LONE_NUMBER
from tracker.importer.patterns import Guarded

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

_TITLE_JUNK = Guarded(
    re.compile(
        r"\s*(?:pdf\s+icon\s+)?PDF\s+\d+(?:\.\d+)?\s*[KM]B\s*$|\s*\((?:pages?|pp\.?)\s*\d+(?:\s*[-\u2013]\s*\d+)?\)\s*$|\s+\d+\s*-\s*\d+\s*$",
        re.I,
    ),
    ("pdf", "(", "-"),
)

_MARKER_LINES = re.compile(
    r"^(?:minutes|additional documents|decision|supporting documents|attachments|documents)\s*:?\s*$",
    re.I,
)

_AGENDA_DESCRIPTION = re.compile(
    r"^to\s+(?:approve|receive|consider|note|agree|declare|discuss|review|scrutinise|comment|confirm|elect|appoint)\b",
    re.I,
)

_LOWER_CASE = re.compile(r"[a-z]")
_THREE_CAPITALS = re.compile(r"[A-Z]{3}")
_LETTER = re.compile(r"[A-Za-z]")
_SENTENCE_START = re.compile(r"^(?:that|the\s+committee|resolved|agreed)\b", re.I)
_WORD = re.compile(r"[A-Za-z][\w'\u2019-]*")
# what follows a heading's number: "12.", "12)", "12:", "12 -"
_THEN_DOT = re.compile(r"\s*\.")
_THEN_BRACKET = re.compile(r"\s*\)")
_THEN_COLON = re.compile(r"\s*:")
_THEN_DASH = re.compile(r"\s*[-\u2013\u2014]")
# a line leading in to a list: "... the following:", "... as follows:-"
_LEAD_IN_END = re.compile(r"(?::\s*-?|\w-|\u2013)$")


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
    if len(line) < 40 or not _LOWER_CASE.search(line):
        return None  # a short line, or one all in capitals, is a heading as it stands
    match = _RUN_ON_CAPS.match(line)
    if match and _THREE_CAPITALS.search(match["title"]) and len(match["rest"]) >= 20:
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


@functools.lru_cache(maxsize=4096)
def _clean_title(title: str) -> str:
    title = _TITLE_JUNK.sub("", title)
    title = _TITLE_JUNK.sub("", title)
    return " ".join(title.split()).strip(" :-\u2013")


@functools.lru_cache(maxsize=4096)
def _looks_like_title(title: str) -> bool:
    title = _clean_title(title)
    if not title or not _LETTER.search(title):
        return False
    if _SENTENCE_START.match(title):
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


@functools.lru_cache(maxsize=4096)
def _title_case(title: str) -> bool:
    """ "Matters to be Considered in Private", "WORK PROGRAMME": a heading, not a sentence."""
    words = _WORD.findall(title)
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
    if _THEN_DOT.match(after):
        return "dot"
    if _THEN_BRACKET.match(after):
        return "bracket"
    if _THEN_COLON.match(after):
        return "colon"
    if _THEN_DASH.match(after):
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
        and (_DECISION_START.match(previous) or _LEAD_IN_END.search(previous))
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
