"""Working days in England and Wales, and the dates a meeting's business depends on.

Access to Information rules count *clear* working days: neither the day of publication
nor the day of the meeting counts. Bank holidays come from the `holidays` package, which
also knows the one-off days (jubilees, state funerals, coronations).
"""

import datetime as dt
from functools import cache

import holidays


@cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The working day that is `count` working days before `day` (`day` itself not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = day
    remaining = count
    while remaining:
        current -= dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_after(day: dt.date, count: int) -> dt.date:
    """The working day that is `count` working days after `day` (`day` itself not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = day
    remaining = count
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    return working_days_after(day, 1)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def agenda_publication_date(meeting_date: dt.date, clear_working_days: int) -> dt.date:
    """The last day the agenda may be published, leaving `clear_working_days` clear days.

    A meeting on Tuesday 13 February 2018 with five clear working days must have its
    agenda out by Monday 5 February: 6, 7, 8, 9 and 12 February are the clear days.
    """
    return working_days_before(meeting_date, clear_working_days + 1)


def report_deadline(meeting_date: dt.date, working_days: int) -> dt.date:
    """The day a report must reach democratic services for the meeting on `meeting_date`."""
    return working_days_before(meeting_date, working_days)
