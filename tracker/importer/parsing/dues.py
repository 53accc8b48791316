"""The date an action is due by, when its text says one ("by 31 March 2025")."""

import calendar
import datetime as dt
import re

from tracker.importer.patterns import Guarded

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name} | {
    name.lower(): number for number, name in enumerate(calendar.month_abbr) if name
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_BY_DAY = Guarded(
    re.compile(
        r"\b(?:by|before|no\s+later\s+than)\s+(?:\w+day,?\s+)?(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?"
        r"(?:\s+of)?\s+" + _MONTH + r"(?:,?\s+(?P<year>\d{4}))?\b",
        re.I,
    ),
    ("by", "before", "later"),
    tuple(_MONTHS),
)
_BY_MONTH_DAY = Guarded(
    re.compile(
        r"\b(?:by|before|no\s+later\s+than)\s+(?:\w+day,?\s+)?"
        + _MONTH
        + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?\b",
        re.I,
    ),
    ("by", "before", "later"),
    tuple(_MONTHS),
)
_BY_END_OF = Guarded(
    re.compile(r"\bby\s+the\s+end\s+of\s+" + _MONTH + r"(?:\s+(?P<year>\d{4}))?\b", re.I),
    ("end",),
    tuple(_MONTHS),
)


def due_from_text(text: str, held_on: dt.date | None = None) -> dt.date | None:
    """The first "by <date>" in `text`: "by 31 March 2025", "by Friday 4 April", "by the end of
    June 2025" (its last day). A date without its year is the next one after the meeting."""
    for pattern in (_BY_DAY, _BY_MONTH_DAY, _BY_END_OF):
        match = pattern.search(text or "")
        if not match:
            continue
        month = _MONTHS[match["month"].lower()]
        year = int(match["year"]) if match["year"] else None
        if year is None:
            if held_on is None:
                continue
            year = held_on.year
        day = int(match["day"]) if "day" in match.groupdict() and match["day"] else None
        if day is None:
            day = calendar.monthrange(year, month)[1]
        try:
            due = dt.date(year, month, day)
        except ValueError:
            continue
        if not match["year"] and held_on and due <= held_on:
            try:
                due = due.replace(year=year + 1)
            except ValueError:
                continue
        return due
    return None
