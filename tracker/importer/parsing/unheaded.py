"""Minutes without a header we know: the committee and date guessed from the first lines that
name them, or taken from the text (a page cut at the top, a single item). Imports: header, text, targets."""

import datetime as dt
import re

from tracker.importer.parsing.header import (
    _COMMITTEE_WORD,
    _DATE_IN_HEADER,
    _HAS_DATE,
    _WEEKDAY,
    _clean_committee,
    _date_in,
    _header_date,
    _Segment,
    _without_owner,
)
from tracker.importer.parsing.text import _short
from tracker.importer.patterns import Guarded
from tracker.importer.targets import _MONTH_ALT, DATE_PATTERN, month_number

_BODY_LINE = Guarded(
    re.compile(
        r"\b(?:committee|sub-committee|panel|board|scrutiny|cabinet|commission|forum)\b", re.I
    ),
    ("committee", "panel", "board", "scrutiny", "cabinet", "commission", "forum"),
    opens="bcfps",
)
_HELD_ON = Guarded(
    re.compile(
        rf"\b(?:held|took\s+place|met|meeting)\s+(?:on\s+)?(?:the\s+)?{_WEEKDAY}?{DATE_PATTERN}",
        re.I,
    ),
    ("held", "took", "met", "meeting"),
    ("19", "20"),
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    opens="hmt",
)


def _item_title(lines: list[str], index: int) -> bool:
    """An item's title, with "Minutes:" under it (perhaps after the agenda's one line)."""
    following = [line for line in lines[index + 1 : index + 8] if line][:2]
    return any(line.lower().rstrip(" :") == "minutes" and line.endswith(":") for line in following)


# a header line ends with the body's name (perhaps a short suffix: "(DCC)", "- Minutes");
# "Call in - Cabinet decision 7: sale of the depot" is an item's title
_NAME_AT_END = Guarded(
    re.compile(
        r"\b(?:committee|sub-committee|panel|board|scrutiny|cabinet|commission|forum|council)\b(?:\W+\w+){0,3}\W*$",
        re.I,
    ),
    ("committee", "panel", "board", "scrutiny", "cabinet", "commission", "forum", "council"),
    opens="bcfps",
)
# "The Chair of the X Committee has called in the following": a sentence, not a header line
_SENTENCE_VERB = re.compile(r"\b(?:has|have|had|was|were|is|are|will|would|shall|should)\b", re.I)


def _guessed_header(lines: list[str]) -> _Segment | None:
    """No header we know: the first line naming a committee-like body and the meeting's date
    near the top ("held on" / "took place on" a date, else the first full date), flagged as
    guessed so the officer checks them. A sentence is no header line, and the date of the
    minutes being approved ("the minutes of the meeting held on ...") is not this meeting's."""
    top = [i for i, line in enumerate(lines[:400]) if line][:60]
    body = next(
        (
            i
            for i in top
            if len(lines[i]) < 120
            and lines[i][-1] not in ".:;,"
            and _BODY_LINE.search(lines[i])
            and _NAME_AT_END.search(lines[i])
            and not _SENTENCE_VERB.search(lines[i])
            and not _item_title(lines, i)
        ),
        None,
    )
    dated = None
    for pattern in (_HELD_ON, _HAS_DATE):
        for i in top:
            if len(lines[i]) >= 2000:
                match = None
            elif pattern is _HAS_DATE:
                match = _date_in(lines, lines[i])
            else:
                match = _HELD_ON.search(lines[i])
            if match and _PREVIOUS_MINUTES.search(lines[i][: match.start()]):
                continue
            if match and _header_date(match):
                dated = (i, match)
                break
        if dated:
            break
    if body is None or dated is None:
        return None
    index, match = dated
    if sum(1 for i in top if min(body, index) < i < max(body, index)) > 6:
        # a header keeps its committee and date together: a body named here and a date far
        # below it are more likely an item's title and a sentence of its minutes
        return None
    committee = _clean_committee(lines[body])
    day = _header_date(match)
    segment = _Segment(committee, day, None, None, max(body, index) + 1, len(lines), "printed")
    segment.guessed = (
        f'The minutes\' header was not recognised: the committee ("{_short(committee, 80)}") and '
        f"the date ({day:%-d %B %Y}) were guessed from the first lines that name them; check both."
    )
    return segment


# "the minutes of the meeting held on ...", "minutes from 24th July": another meeting's date
_PREVIOUS_MINUTES = re.compile(r"\bminutes\b(?!.*\b(?:an?)\s+meeting\s+of\b)", re.I)
# A formal name: capitalised words ending in the kind of body ("Corporate Projects Scrutiny
# Committee", "Environment, Regeneration & Neighbourhood Services Scrutiny Committee").
_BODY_NAME = Guarded(
    re.compile(
        r"(?<![\w'\u2019])(?:[A-Z][\w'\u2019&-]*|&)(?:(?:,?\s+)(?:[A-Z][\w'\u2019&-]*|and|of|for|&|the|on))*?"
        r"\s+(?:Sub-Committee|Committee|Board|Panel|Commission|Forum|Cabinet)\b(?!\s*['\u2019]?s?\s*(?:Members|members))"
    ),
    ("Committee", "Board", "Panel", "Commission", "Forum", "Cabinet"),
    cased=True,
)
_THIS_MEETING = Guarded(
    re.compile(
        r"\ban?\s+meeting\s+of\s+(?:the\s+)?(?P<committee>[^.;\n]{3,150}?)\s+(?:held|to\s+be\s+held)"
        rf"(?:\s+(?:at|in)\s+[^.;\n]{{3,150}}?)?\s+on\s+{_WEEKDAY}?{_DATE_IN_HEADER}",
        re.I,
    ),
    ("meeting",),
    ("19", "20"),
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    opens="a",
)


def named_in_text(lines: list[str]) -> _Segment:
    """No header at all (a page whose top was cut off, a single item's page): the committee
    is the body the text names as meeting ("a meeting of the X to be held on ..."), else the
    formal name it mentions most; the date only from such a sentence, never from the minutes
    of an earlier meeting. Items are read from the top of the text. The officer is told."""
    text_lines = [(i, line) for i, line in enumerate(lines) if line and len(line) < 5000]
    committee, day = "", None
    for _, line in text_lines:
        match = _THIS_MEETING.search(line)
        if match and _COMMITTEE_WORD.search(match["committee"]):
            committee, day = _clean_committee(match["committee"]), _header_date(match)
            break
    if not committee:
        counts: dict[str, int] = {}
        for _, line in text_lines:
            for match in _BODY_NAME.finditer(line):
                name = re.sub(
                    r"^(?:(?:That|And|But|If|When|Where|As|So)\s+)?(?:the|The|A|An|Minutes\s+of\s+the|Minutes)\s+",
                    "",
                    match.group(0),
                )
                name = _without_owner(name)
                if len(name.split()) >= 2:
                    counts[name] = counts.get(name, 0) + 1
        if counts:
            # a short name ("Scrutiny Committee") counts for the longer one that ends with it
            def score(name):
                mentions = sum(c for other, c in counts.items() if name.endswith(other))
                return (mentions, len(name))

            committee = _clean_committee(max(counts, key=score))
    if day is None:
        day = _meeting_without_year(" ".join(line for _, line in text_lines))
    found = [f'the committee ("{_short(committee, 80)}")'] if committee else []
    found += [f"the date ({day:%-d %B %Y})"] if day else []
    missing = ([] if committee else ["the committee"]) + ([] if day else ["the date"])
    said = (" and ".join(found) + " were" if len(found) > 1 else found[0] + " was") if found else ""
    parts = [f"{said} taken from the text"] if found else []
    parts += (
        [f"{' and '.join(missing)} could not be found: set {'them' if len(missing) > 1 else 'it'}"]
        if missing
        else []
    )
    guessed = "; ".join(parts)
    segment = _Segment(committee, day, None, None, 0, len(lines), "printed")
    segment.guessed = f"The text has no meeting header: {guessed}; check the proposal."
    return segment


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "for the meeting on Thursday 21 September": this meeting's day, printed without its year
_MEETING_DAY = Guarded(
    re.compile(
        r"\b(?:this|the)\s+meeting\s+(?:on|of|held\s+on)\s+(?P<weekday>(?:mon|tues|wednes|thurs|fri|satur|sun)day),?\s+"
        r"(?:the\s+)?(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>"
        + _MONTH_ALT
        + r")\b(?!\.?,?\s*(?:19|20)\d\d)",
        re.I,
    ),
    ("meeting",),
    opens="t",
)


def _meeting_without_year(text: str) -> dt.date | None:
    """The year of "the meeting on Thursday 21 September" from its weekday: the one year, of
    those the text mentions (and the years either side), in which that day falls on it."""
    match = _MEETING_DAY.search(text)
    if not match:
        return None
    years = {int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", text)}
    if not years:
        return None
    weekday = _WEEKDAYS.index(match["weekday"].lower())
    fits = set()
    for year in {y + step for y in years for step in (-1, 0, 1)}:
        try:
            day = dt.date(year, month_number(match["month"]), int(match["day"]))
        except ValueError:
            continue
        if day.weekday() == weekday:
            fits.add(day)
    return fits.pop() if len(fits) == 1 else None
