"""Placing a target written in the minutes on the committee's calendar.

Minutes say "the February 2017 committee", "autumn 2016", "the next meeting" or "the next
meeting in the new municipal year". A month stated in the text is kept as that month; a
season or "next meeting" only gets a month when a scheduled meeting of the committee
matches it. Whatever cannot be matched to a meeting is kept as text and the caller warns
the officer: we never invent a meeting.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from tracker.importer.patterns import Guarded

MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_ALT = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
ORDINAL_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
DATE_PATTERN = (
    rf"{ORDINAL_DAY}\s+(?:of\s+)?(?P<month>{_MONTH_ALT})\.?,?\s+(?P<year>(?:19|20)\d\d)\b"
)
_DATE = re.compile(DATE_PATTERN, re.I)
_NUMERIC_DATE = re.compile(
    r"\b(?P<day>[0-3]?\d)[/.](?P<month>[01]?\d)[/.](?P<year>(?:19|20)?\d\d)\b"
)
_SHORT_YEAR_DATE = re.compile(
    rf"\b{ORDINAL_DAY}\s+(?P<month>{_MONTH_ALT})\.?,?\s+(?P<year>[0-9]\d)\b(?![/:.]\d)", re.I
)
_MONTH_YEAR = re.compile(rf"\b(?P<month>{_MONTH_ALT})\.?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I)
_SEASON = re.compile(
    r"\b(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)\b", re.I
)
_NEW_YEAR = re.compile(
    r"\b(?:new|next|following)\s+municipal\s+(?:year|calendar)\b|\bfirst\s+meeting\s+of\s+(?:the\s+)?(?:new\s+)?(?:municipal\s+year|(?:19|20)\d\d\s*/\s*\d\d)",
    re.I,
)
_NEXT_MEETING = re.compile(
    r"\b(?:next|following|subsequent)\s+(?:[\w'&-]+\s+){0,10}?(?:meeting|committee|panel|sub-committee|session)\b",
    re.I,
)
_MONTH_MEETING = re.compile(
    rf"\b(?:the\s+|its\s+)(?P<month>{_MONTH_ALT})\s+(?:[\w'&-]+\s+){{0,3}}?(?:meeting|committee|panel|session)\b|\bin\s+(?P<month2>{_MONTH_ALT})\b(?!\s*(?:19|20)\d\d)",
    re.I,
)
_IN_MONTHS = re.compile(
    r"\b(?:in|within)\s+(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+months?(?:'|'s)?(?:\s+time)?\b",
    re.I,
)
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
SEASONS = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 14),
}

# A phrase naming when something is due, for finding targets inside a sentence. Longest
# forms first so that "the next meeting on 13 February 2018" is one target, not two.
TARGET_PHRASE = Guarded(
    re.compile(
        r"(?:the\s+)?(?:next|following|subsequent|first)\s+(?:[\w'&-]+\s+){0,10}?(?:meeting|committee|panel|sub-committee|session)(?:\s+meeting)?"
        # "... on 13 February 2018", ", held on Thursday 12 October 2023"
        r"(?:,?\s+(?:(?:to\s+be\s+)?held\s+)?(?:on|in|of)\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:(?:the\s+)?"
        + DATE_PATTERN.replace("?P<", "?P<x")
        + r"|"
        + _MONTH_ALT
        + r"\s+(?:19|20)\d\d|(?:the\s+)?(?:new|next)\s+municipal\s+year(?:\s+of\s+(?:19|20)\d\d\s*[-\u2013/]\s*(?:19|20)?\d\d)?))?"
        r"(?:\s+in\s+the\s+(?:new|next)\s+municipal\s+year(?:\s+of\s+(?:19|20)\d\d\s*[-\u2013/]\s*(?:19|20)?\d\d)?)?"
        r"|(?:the\s+)?(?:new|next)\s+municipal\s+year(?:\s+of\s+(?:19|20)\d\d\s*[-\u2013/]\s*(?:19|20)?\d\d)?"
        r"|(?:the\s+)?"
        + DATE_PATTERN.replace("?P<", "?P<y")
        + r"(?:\s+(?:meeting|committee|panel))?"
        r"|(?:the\s+)?"
        + _MONTH_ALT
        + r"\.?,?\s+(?:19|20)\d\d(?:\s+(?:[\w'&-]+\s+){0,3}?(?:meeting|committee|panel|session))?"
        r"|(?:spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?:19|20)\d\d"
        r"|(?:the|its)\s+"
        + _MONTH_ALT
        + r"\s+(?:[\w'&-]+\s+){0,3}?(?:meeting|committee|panel|session)"
        r"|(?:in|within)\s+(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+months?(?:'|'s)?(?:\s+time)?",
        re.I,
    ),
    (
        "next",
        "following",
        "subsequent",
        "first",
        "municipal",
        "spring",
        "summer",
        "autumn",
        "fall",
        "winter",
        "month",
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "oct",
        "nov",
        "dec",
    ),
    opens=r"\dadfijmnostw",
)


def month_number(name: str) -> int:
    name = name.lower().rstrip(".")
    for index, full in enumerate(MONTH_NAMES, start=1):
        if full.startswith(name[:3]):
            return index
    raise ValueError(name)


def parse_date(text: str) -> dt.date | None:
    """The first written date in `text` ("13th February 2018", "16.03.16"), if any."""
    match = _DATE.search(text)
    if match:
        try:
            return dt.date(int(match["year"]), month_number(match["month"]), int(match["day"]))
        except ValueError:
            return None
    match = _SHORT_YEAR_DATE.search(text)
    if match:  # "20th September 17": a written date with a two-digit year
        try:
            return dt.date(
                2000 + int(match["year"]), month_number(match["month"]), int(match["day"])
            )
        except ValueError:
            return None
    match = _NUMERIC_DATE.search(text)
    if match:
        year = int(match["year"])
        year = year + 2000 if year < 100 else year
        try:
            return dt.date(year, int(match["month"]), int(match["day"]))
        except ValueError:
            return None
    return None


@dataclass
class Calendar:
    """The committee's meetings as the importer needs them: dates, and where years start.

    Built once per import from the database (or empty, for a dry run of a committee that is
    not set up), so that placing targets costs no queries.
    """

    meeting_dates: list[dt.date] = field(default_factory=list)
    year_starts: list[dt.date] = field(default_factory=list)

    @classmethod
    def for_committee(cls, committee) -> "Calendar":
        if committee is None:
            return cls()
        from committees.models import Meeting, MunicipalYear

        dates = sorted(
            Meeting.objects.filter(committee=committee)
            .exclude(status=Meeting.Status.CANCELLED)
            .values_list("date", flat=True)
        )
        starts = sorted(
            MunicipalYear.objects.filter(authority_id=committee.authority_id).values_list(
                "start_date", flat=True
            )
        )
        return cls(meeting_dates=dates, year_starts=starts)

    def first_between(self, start: dt.date, end: dt.date) -> dt.date | None:
        """The first meeting on or after `start` and on or before `end`."""
        for day in self.meeting_dates:
            if start <= day <= end:
                return day
        return None

    def next_year_start(self, after: dt.date) -> dt.date:
        for start in self.year_starts:
            if start > after:
                return start
        # Municipal years run from the annual meeting in May.
        first = after.year if after.month < 5 else after.year + 1
        return dt.date(first, 5, 1)


@dataclass
class Placement:
    """Where a written target lands: its month, and the scheduled meeting if one matched."""

    text: str
    month: str | None = None  # YYYY-MM
    meeting_date: dt.date | None = None
    problem: str = ""  # why no meeting matched, for the officer's warning
    day: dt.date | None = None  # the date written in the target ("13th February 2018"), if any

    def as_month(self) -> dict:
        return {"text": self.text, "month": self.month}

    def as_date(self) -> dict:
        return {
            "text": self.text,
            "date": self.meeting_date.isoformat() if self.meeting_date else None,
        }


def _month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1) + relativedelta(months=1, days=-1)


def place(text: str, *, held_on: dt.date | None, calendar: Calendar | None = None) -> Placement:
    """Place `text` (a target as written) relative to the meeting held on `held_on`."""
    calendar = calendar or Calendar()
    text = " ".join((text or "").split()).strip(" .,;:")
    placement = Placement(text=text)
    if not text:
        placement.problem = "no target was given"
        return placement
    after = held_on + dt.timedelta(days=1) if held_on else dt.date.min
    far = dt.date.max

    day = (
        parse_date(text)
        if (_DATE.search(text) or _SHORT_YEAR_DATE.search(text) or _NUMERIC_DATE.search(text))
        else None
    )
    if day:
        placement.day = day
        placement.month = _month_label(day.year, day.month)
        if day in calendar.meeting_dates:
            placement.meeting_date = day
        else:
            placement.problem = f"no meeting of the committee is scheduled on {day:%-d %B %Y}"
        return placement

    match = _MONTH_YEAR.search(text)
    if match:
        year, month = int(match["year"]), month_number(match["month"])
        placement.month = _month_label(year, month)
        placement.meeting_date = calendar.first_between(
            max(dt.date(year, month, 1), after), _month_end(year, month)
        )
        if not placement.meeting_date:
            placement.problem = (
                f"no meeting of the committee is scheduled in {dt.date(year, month, 1):%B %Y}"
            )
        return placement

    match = _SEASON.search(text)
    if match:
        first, last = SEASONS[match["season"].lower()]
        year = int(match["year"])
        start = dt.date(year, first, 1)
        end_year, end_month = (year + 1, last - 12) if last > 12 else (year, last)
        found = calendar.first_between(max(start, after), _month_end(end_year, end_month))
        return _from_meeting(
            placement,
            found,
            f"no meeting of the committee is scheduled in {match['season'].lower()} {year}",
        )

    if _NEW_YEAR.search(text):
        if held_on is None:
            placement.problem = "the meeting's date is unknown"
            return placement
        start = calendar.next_year_start(held_on)
        found = calendar.first_between(max(start, after), far)
        return _from_meeting(
            placement,
            found,
            f"no meeting of the committee is scheduled in the municipal year starting {start:%B %Y}",
        )

    if _NEXT_MEETING.search(text):
        found = calendar.first_between(after, far) if held_on else None
        return _from_meeting(placement, found, "no later meeting of the committee is scheduled")

    match = _IN_MONTHS.search(text)
    if match and held_on:
        count = match["n"].lower()
        months = _NUMBER_WORDS.get(count) or int(count)
        due = held_on + relativedelta(months=months)
        placement.month = _month_label(due.year, due.month)
        placement.meeting_date = calendar.first_between(
            max(dt.date(due.year, due.month, 1), after), _month_end(due.year, due.month)
        )
        if not placement.meeting_date:
            placement.problem = f"no meeting of the committee is scheduled in {due:%B %Y}"
        return placement

    match = _MONTH_MEETING.search(text)
    if match and held_on:
        month = month_number(match["month"] or match["month2"])
        year = held_on.year if month > held_on.month else held_on.year + 1
        placement.month = _month_label(year, month)
        placement.meeting_date = calendar.first_between(
            max(dt.date(year, month, 1), after), _month_end(year, month)
        )
        if not placement.meeting_date:
            placement.problem = (
                f"no meeting of the committee is scheduled in {month_name(month)} {year}"
            )
        return placement

    match = re.search(r"\b((?:19|20)\d\d)\s*[/-]\s*(\d\d(?:\d\d)?)\b", text)
    if match:
        placement.problem = (
            f"it names the municipal year {match[1]}/{match[2][-2:]}, not a month or meeting"
        )
        return placement
    placement.problem = "it names no date, month or meeting the importer can place"
    return placement


def month_name(month: int) -> str:
    return MONTH_NAMES[month - 1].capitalize()


def _from_meeting(placement: Placement, found: dt.date | None, problem: str) -> Placement:
    if found:
        placement.meeting_date = found
        placement.month = _month_label(found.year, found.month)
    else:
        placement.problem = problem
    return placement


def find_targets(sentence: str) -> list[re.Match]:
    """The target phrases in a sentence, in order."""
    return list(TARGET_PHRASE.finditer(sentence))
