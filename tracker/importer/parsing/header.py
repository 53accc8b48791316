"""The meeting header: which committee met, on what date, at what time and where.

Finds one segment per meeting in the text (a modern.gov title line, "Minutes of the meeting of
X held on ...", a committee line over a date line, labelled Date/Time/Venue lines or a table),
guessing with a warning when none is known, and where each meeting's minutes end.
"""

import datetime as dt
import re
from dataclasses import dataclass

from tracker.importer.patterns import Guarded
from tracker.importer.targets import (
    DATE_PATTERN,
    month_number,
)

_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thur?s?|Thurs|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_TIME = r"(?P<hour>[012]?\d)(?:[.:](?P<minute>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\.?)|(?P<hour24>[012]?\d)[:.](?P<minute24>[0-5]\d)(?:\s*(?:hrs|hours|h))?"
_DATE_IN_HEADER = r"(?:the\s+)?" + DATE_PATTERN

# "Children's Services Overview and Scrutiny Committee - Tuesday, 20th December, 2016 7.00 pm"
_MODERNGOV_HEADER = re.compile(
    rf"^(?P<agenda>agenda\s+(?:and\s+minutes\s+)?for\s+)?(?P<committee>[^\n]{{3,200}}?)\s+(?(agenda)on|[-\u2013\u2014])\s+{_WEEKDAY}?{_DATE_IN_HEADER}\s*,?\s*(?:(?:at\s+)?(?P<time>{_TIME}))?"
    r"(?:\s*,?\s*(?:MOVED|CANCELLED|POSTPONED|RESCHEDULED|NEW\s+DATE|NEW\s+TIME|RECONVENED))?\s*$",
    re.I,
)
# "Minutes of the Meeting of the X held on 12 December 2017 at 7.00 pm"
_MINUTES_OF_HEADER = re.compile(
    rf"^(?:minutes\s+of\s+(?:the\s+|a\s+)?|at\s+an?\s+)?(?:(?:special|extraordinary|reconvened|ordinary|additional|virtual|remote)\s+)?meeting\s+of\s+(?:the\s+)?(?P<committee>[^\n]{{3,200}}?)\s*,?\s+held\s+(?:(?:at|in)\s+(?P<venue>[^\n]{{3,200}}?)\s*,?\s+)?on\s+{_WEEKDAY}?{_DATE_IN_HEADER}(?:\s*,?\s*(?:at|commencing\s+at|starting\s+at|from)\s+(?P<time>{_TIME}))?"
    # "... at 2pm in the Council Chamber": the venue after the time
    r"(?:\s*,?\s+(?:in|at)\s+(?P<venue2>[^\n]{3,200}))?",
    re.I,
)
# "Education and Children's Services Scrutiny Panel - Meeting held on Wednesday, 16th March, 2016."
_MEETING_HELD_HEADER = re.compile(
    rf"^(?:(?P<committee>[^\n]{{3,200}}?)\s*[-\u2013\u2014:,]\s*)?(?:minutes\s+of\s+(?:the\s+|a\s+)?)?meeting\s+held\s+(?:(?:at|in)\s+(?P<venue>[^\n]{{3,200}}?)\s*,?\s+)?on\s+{_WEEKDAY}?{_DATE_IN_HEADER}(?:\s*,?\s*(?:at|commencing\s+at|starting\s+at|from)\s+(?P<time>{_TIME}))?",
    re.I,
)
# The forms a printed header takes around "X held on DATE": "Minutes of the X meeting held on
# D", "Public minutes of the X held in V on D at T", "Meeting of the X, Tuesday D", "X held on
# D". The line must end with the date, time or venue: "the minutes of the X held on D were
# agreed" is a sentence about another meeting.
_HELD_HEADER = re.compile(
    r"^(?:(?:public|draft|confirmed|unconfirmed|approved|signed)\s+)?(?:minutes\s+of\s+(?:the\s+|a\s+|an\s+)?)?"
    r"(?:(?:special|extraordinary|reconvened|ordinary|additional|virtual|remote)\s+)?(?:meeting\s+of\s+(?:the\s+)?)?"
    r"(?P<committee>[^\n]{3,200}?)(?:\s+meeting)?\s*"
    r"(?:,\s*|\s+[-\u2013\u2014]\s+|\s+held\s+(?:(?:at|in)\s+(?P<venue>[^\n]{3,200}?)\s*,?\s+)?on\s+|,?\s+on\s+"
    # "X Committee 4 March 2025": the date straight after the body's name
    r"|(?:(?<=committee)|(?<=panel)|(?<=board)|(?<=commission)|(?<=forum)|(?<=cabinet)|(?<=council))\s+)"
    rf"{_WEEKDAY}?{_DATE_IN_HEADER}(?:\s*,?\s*(?:at|commencing\s+at|starting\s+at|from)?\s*(?P<time>{_TIME}))?"
    r"(?:\s*,?\s+(?:in|at)\s+(?P<venue2>[^\n]{3,200}?))?\s*\.?$",
    re.I,
)
# Every header pattern above ends in DATE_PATTERN: a line without such a date is no header, and
# is passed over before the long patterns try it at every position (most of reading's time).
_HAS_DATE = Guarded(
    re.compile(DATE_PATTERN, re.I),
    ("19", "20"),
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
)


def _date_in(lines: list[str], line: str) -> re.Match | None:
    """`_HAS_DATE` searched in `line` once a reading: the header readings below (and the
    guessed header) each try the same top lines, so the answer is kept on the lines."""
    known = getattr(lines, "dates", None)
    if known is None:
        return _HAS_DATE.search(line)
    if line not in known:
        known[line] = _HAS_DATE.search(line)
    return known[line]


_COMMITTEE_WORD = Guarded(
    re.compile(
        r"\b(?:committee|sub-committee|panel|board|cabinet|council|commission|forum|group|scrutiny)\b",
        re.I,
    ),
    (
        "committee",
        "panel",
        "board",
        "cabinet",
        "council",
        "commission",
        "forum",
        "group",
        "scrutiny",
    ),
    opens="bcfgps",
)
_LABELLED = re.compile(
    r"^(?P<label>date|time|venue|place|location|meeting date|start time)\s*[:\-\u2013]\s*(?P<value>.+)$",
    re.I,
)
_TIME_RE = re.compile(_TIME, re.I)
_TIME_SENTENCE = Guarded(
    re.compile(
        rf"\b(?:meeting|committee|panel)\s+(?:opened|commenced|started|began|convened)\s+at\s+(?P<time>{_TIME})",
        re.I,
    ),
    ("opened", "commenced", "started", "began", "convened"),
    ("meeting", "committee", "panel"),
)
_END_OF_MINUTES = re.compile(
    r"^\(?(?:note:\s*)?the\s+meeting\s+(?:finished|closed|ended|concluded|terminated|rose|opened\s+at.*(?:closed|ended|finished))\b"
    r"|^approved\s+as\s+a\s+(?:true\s+and\s+)?correct\s+record\s*$"
    r"|^(?:meeting\s+)?(?:closed|ended)\s*:?\s*(?:at\s+)?\d{1,2}[.:]\d\d",
    re.I,
)


@dataclass
class _Segment:
    committee: str
    date: dt.date | None
    time: str | None
    venue: str | None
    start: int  # first line of the items region
    end: int  # one past the last line
    style: str  # moderngov | minutes_of | printed
    guessed: str = ""  # why the header was guessed, for the officer's warning


def _clean_committee(name: str) -> str:
    name = " ".join(name.split()).strip(" -\u2013\u2014:,.")
    name = re.sub(
        r"^(?:minutes\s+of\s+(?:the\s+|a\s+)?(?:meeting\s+of\s+(?:the\s+)?)?|the\s+)",
        "",
        name,
        flags=re.I,
    )
    # "Chair of the X Committee", "Forward Work Programme of the X Committee": the body is X
    # (unless what comes before "of the" is a body itself: "Health Panel of the Y Board")
    name = _without_owner(name)
    if name.isupper():
        name = name.title().replace("'S ", "'s ")
        name = re.sub(
            r"(?<=\s)(And|Of|For|The|On|In|To|With)(?=\s)", lambda m: m.group(1).lower(), name
        )
    return name


def _without_owner(name: str) -> str:
    """ "Chair of the X Committee" is X; "Chair of the Committee" names no committee ("")."""
    owner = re.match(
        r"^(?P<before>(?:[A-Z][\w'\u2019-]*\s+){1,4})of\s+the\s+(?P<body>[A-Z].+)$", name
    )
    if owner and not _COMMITTEE_WORD.search(owner["before"]) and _BODY_END.search(owner["body"]):
        return owner["body"] if len(owner["body"].split()) >= 2 else ""
    return name


_BODY_END = re.compile(
    r"\b(?:committee|sub-committee|panel|board|commission|forum|cabinet)\s*$", re.I
)


def _header_date(match: re.Match) -> dt.date | None:
    try:
        return dt.date(int(match["year"]), month_number(match["month"]), int(match["day"]))
    except (ValueError, TypeError):
        return None


def _time_text(text: str | None) -> str | None:
    if not text:
        return None
    match = _TIME_RE.search(text)
    if not match:
        return None
    if match["hour"] is not None:
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        pm = match["ampm"].lower().startswith("p")
        if hour > 12 or minute > 59:
            return None
        if pm and hour != 12:
            hour += 12
        if not pm and hour == 12:
            hour = 0
    else:
        hour, minute = int(match["hour24"]), int(match["minute24"])
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def _venue_text(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"\.?\s*View directions\.?\s*$", "", text.strip(), flags=re.I)
    text = re.sub(r"^the\s+", "", text.strip(" .,;"), flags=re.I)
    return text[:1].upper() + text[1:] if text else None


def _find_meetings(lines: list[str]) -> list[_Segment]:
    segments: list[_Segment] = []
    # 1. A modern.gov "Agenda and minutes" page: the header is near the top.
    seen = 0
    for index, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > 40:
            break
        match = _MODERNGOV_HEADER.match(line) if _date_in(lines, line) else None
        if match and _COMMITTEE_WORD.search(match["committee"]):
            segments.append(
                _Segment(
                    committee=_clean_committee(match["committee"]),
                    date=_header_date(match),
                    time=_time_text(match["time"]),
                    venue=None,
                    start=index + 1,
                    end=len(lines),
                    style="moderngov",
                )
            )
            break
    if not segments:
        # 2. "Minutes of the meeting of X held on DATE": printed minutes, or minutes inside a pack.
        for index, line in enumerate(lines):
            if (
                line[:8].lower() not in ("minutes ", "meeting ", "at a mee", "at an ex", "at an or")
                or len(line) > 600
            ):
                continue
            match = _MINUTES_OF_HEADER.match(line) if _date_in(lines, line) else None
            if match and (
                line[:8].lower() == "minutes " or _COMMITTEE_WORD.search(match["committee"])
            ):
                segments.append(
                    _Segment(
                        committee=_clean_committee(match["committee"]),
                        date=_header_date(match),
                        time=_time_text(match["time"]),
                        venue=_venue_text(match["venue"] or match["venue2"]),
                        start=index + 1,
                        end=len(lines),
                        style="minutes_of",
                    )
                )
    if not segments:
        # 3. "X - Meeting held on DATE", or a committee line above "Minutes of the meeting held on".
        seen = 0
        for index, line in enumerate(lines):
            if not line:
                continue
            seen += 1
            if seen > 60:
                break
            match = (
                _MEETING_HELD_HEADER.match(line)
                if len(line) < 600 and _date_in(lines, line)
                else None
            )
            if not match:
                continue
            committee = match["committee"]
            if not committee or not _COMMITTEE_WORD.search(committee):
                committee = _committee_above(lines, index) or committee or ""
            if not committee:
                continue  # "Minutes of the Meeting Held on 6 March 2015": an item's title
            segments.append(
                _Segment(
                    committee=_clean_committee(committee),
                    date=_header_date(match),
                    time=_time_text(match["time"]),
                    venue=_venue_text(match["venue"]),
                    start=index + 1,
                    end=len(lines),
                    style="printed",
                )
            )
            break
    if not segments:
        # the guess lives with the other headerless readings, which build on this module
        from tracker.importer.parsing.unheaded import _guessed_header

        finders = [_labelled_header, _committee_then_date, _held_header]
        if not getattr(lines, "row_titles", None):
            # a table's rows are items: a guess from its first lines would cut them off
            finders.append(_guessed_header)
        for finder in finders:
            found = finder(lines)
            if found:
                segments.append(found)
                break
    for number, segment in enumerate(segments):
        limit = segments[number + 1].start - 1 if number + 1 < len(segments) else len(lines)
        segment.end = limit
        for index in range(segment.start, limit):
            if lines[index] and _END_OF_MINUTES.match(lines[index]):
                segment.end = index + 1
                break
        _fill_time_and_venue(lines, segment)
    return segments


def _held_header(lines: list[str]) -> _Segment | None:
    """ "Minutes of the X meeting held on DATE", "X held on DATE", "Meeting of X, DATE"."""
    seen = 0
    for index, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > 40:
            break
        match = _HELD_HEADER.match(line) if len(line) < 600 and _date_in(lines, line) else None
        if (
            match
            and _COMMITTEE_WORD.search(match["committee"])
            and not re.search(r"^to\s|\bminutes\b", match["committee"], re.I)
            and _header_date(match)
        ):
            return _Segment(
                committee=_clean_committee(match["committee"]),
                date=_header_date(match),
                time=_time_text(match["time"]),
                venue=_venue_text(match["venue"] or match["venue2"]),
                start=index + 1,
                end=len(lines),
                style="printed",
            )
    return None


def _committee_above(lines: list[str], index: int) -> str | None:
    for back in range(index - 1, max(-1, index - 8), -1):
        if lines[back] and _COMMITTEE_WORD.search(lines[back]) and len(lines[back]) < 200:
            return lines[back]
    return None


_LABEL_WORDS = re.compile(r"^(?:date|time|venue|place|location|meeting\s+date|start\s+time)$", re.I)
_CELL_SPLIT = re.compile(r"\s*\|\s*|\s{2,}|\t")


def _table_labels(lines: list[str], index: int) -> tuple[list[tuple[str, str]], int] | None:
    """A header row of labels ("Date | Time | Venue", or table cells) and the row of values
    under it: the (label, value) pairs and the index of the values row."""
    cells = [c for c in _CELL_SPLIT.split(lines[index].strip(" |")) if c]
    if len(cells) < 2 or not all(_LABEL_WORDS.match(c) for c in cells):
        return None
    below = index + 1
    while below < len(lines) and below <= index + 3 and not lines[below]:
        below += 1
    if below >= len(lines) or not lines[below]:
        return None
    values = [c for c in _CELL_SPLIT.split(lines[below].strip(" |")) if c]
    if len(values) != len(cells):
        return None
    return list(zip(cells, values, strict=True)), below


def _committee_line(line: str) -> bool:
    # the length and last character first: they rule most lines out for nothing
    return bool(
        len(line) < 200
        and line[-1:] not in ".:;,"
        and _COMMITTEE_WORD.search(line)
        and not _LABELLED.match(line)
    )


def _labelled_header(lines: list[str]) -> _Segment | None:
    """Minutes headed by a committee line and "Date: ...", "Time: ...", "Venue: ..." labels,
    or by a table whose header row is "Date | Time | Venue" and whose next row holds them."""
    committee = None
    day = time = venue = None
    last = 0
    seen = 0
    for index, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > 40:
            break
        table = _table_labels(lines, index) if ("|" in line or "  " in line) else None
        match = _LABELLED.match(line)
        pairs = table[0] if table else [(match["label"], match["value"])] if match else []
        for label, value in pairs:
            label = label.lower()
            if "date" in label and day is None:
                day = _first_date(value)
            elif "time" in label:
                time = _time_text(value)
            else:
                venue = _venue_text(value)
        if pairs:
            last = table[1] if table else index
        elif day is None and (
            _committee_line(line)
            and (
                committee is None or (_WEAK_BODY.search(committee) and not _WEAK_BODY.search(line))
            )
        ):
            # "Eastmoor County Council" above "Adult Social Care Scrutiny Committee": the
            # committee, not the council, is what the minutes are of.
            committee = re.sub(r"^minutes\s+(?:of\s+(?:the\s+)?)?", "", line, flags=re.I)
    if committee and day:
        return _Segment(
            _clean_committee(committee), day, time, venue, last + 1, len(lines), "printed"
        )
    return None


# A line that is only the meeting's date, perhaps with its time and place:
# "Thursday, 19th January, 2023", "Tuesday 9 July 2024 at 6.30pm, Council Chamber".
_DATE_LINE = Guarded(
    re.compile(
        rf"^(?:date\s*:?\s*)?(?:(?:meeting\s+)?held\s+(?:on\s+)?|on\s+)?{_WEEKDAY}?{_DATE_IN_HEADER}\s*,?\s*(?:(?:at|from|commencing\s+at)?\s*(?P<time>{_TIME}))?"
        r"(?:\s*(?:,|\s+in|\s+at|[-\u2013\u2014])\s*(?P<venue>[^\n]{3,200}))?\s*\.?$",
        re.I,
    ),
    ("19", "20"),
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
)


_MINUTES_WORD_LINE = re.compile(
    r"^(?:(?:draft|public|confirmed|unconfirmed)\s+)?(?:minutes|agenda)$", re.I
)


def _committee_then_date(lines: list[str]) -> _Segment | None:
    """A committee line with the date line under it (modern.gov's printed minutes)."""
    seen = 0
    previous = None
    for index, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > 40:
            break
        if _MINUTES_WORD_LINE.match(line):
            continue  # "X Committee / Minutes / Tuesday 4 March 2025": the date is still X's
        match = _DATE_LINE.match(line) if len(line) < 300 else None
        if match and previous is not None and _committee_line(lines[previous]):
            return _Segment(
                _clean_committee(lines[previous]),
                _header_date(match),
                _time_text(match["time"]),
                _venue_text(match["venue"]),
                index + 1,
                len(lines),
                "printed",
            )
        previous = index
    return None


_WEAK_BODY = re.compile(r"\b(?:council|authority)\s*$", re.I)


def _first_date(text: str) -> dt.date | None:
    match = re.search(DATE_PATTERN, text, re.I)
    return _header_date(match) if match else None


def _fill_time_and_venue(lines: list[str], segment: _Segment) -> None:
    head = range(max(0, segment.start - 12), min(segment.end, segment.start + 25))
    for index in head:
        match = _LABELLED.match(lines[index]) if lines[index] else None
        if not match:
            continue
        label = match["label"].lower()
        if label in ("venue", "place", "location") and not segment.venue:
            segment.venue = _venue_text(match["value"])
        elif "time" in label and not segment.time:
            segment.time = _time_text(match["value"])
    if not segment.time:
        for index in list(range(segment.start, segment.end))[::-1][:40] + list(
            range(segment.start, min(segment.end, segment.start + 30))
        ):
            match = _TIME_SENTENCE.search(lines[index]) if lines[index] else None
            if match:
                segment.time = _time_text(match["time"])
                break


def _trailing_work_programme(lines: list[str], end: int) -> str | None:
    heading = re.compile(
        r"^(?:[\w'&,-]+\s+){0,12}?(?:forward\s+)?work\s+programme\s+((?:19|20)\d\d\s*/\s*\d{2,4})\s*$",
        re.I,
    )
    for index in range(end, len(lines)):
        line = lines[index]
        if line and len(line) < 200:
            match = heading.match(line)
            if match:
                rows = sum(1 for later in lines[index + 1 :] if "  " in later and later.strip())
                return (
                    f"The file ends with the committee's Work Programme {match.group(1).replace(' ', '')} "
                    f"({rows} rows). Its topics are the standing plan, not requests made at this "
                    "meeting, so they are not proposed: check the work programme in the admin."
                )
    return None
