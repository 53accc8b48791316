"""Reading one cell of a council's tracker: UK dates, Excel date serials, status words and RAG.

Each reader returns the value and, when the cell cannot be used, the reason in words that
name what was found; "tbc" and its kin are no date, not a mistake. Status words are mapped
onto the tracker's own scales (`actions.models.RAG`, `Progress`, the executive's decision);
a "Completed" only says the spreadsheet calls it done: the action is closed by a sign-off
(`actions.progress.sign_off`) when it is saved, never by setting its status.
"""

import datetime as dt
import re
from dataclasses import dataclass

from actions.models import RAG, ExecutiveResponse, Progress
from committees.models import EARLIEST_DATE, planning_horizon

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year slip folded in)
NO_DATE_WORDS = {
    "tbc",
    "tba",
    "tbd",
    "to be confirmed",
    "to be agreed",
    "to be arranged",
    "n/a",
    "na",
    "none",
    "ongoing",
    "-",
    "--",
    "?",
}
DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %y",
    "%d/%b/%Y",
    "%d/%b/%y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%B %d %Y",
)
MONTH_FORMATS = ("%B %Y", "%b %Y", "%b-%y", "%B-%y", "%b %y")
ORDINAL = re.compile(r"\b(\d{1,2})(st|nd|rd|th)\b", re.IGNORECASE)
WEEKDAY = re.compile(
    r"^(mon|tues|wednes|thurs|fri|satur|sun)day,?\s+|^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun),?\s+",
    re.IGNORECASE,
)


def _in_range(day: dt.date, text: str) -> tuple[dt.date | None, str | None]:
    horizon = planning_horizon()
    if day < EARLIEST_DATE or day > horizon:
        return None, (
            f"the date {text} is outside the years the tracker keeps "
            f"({EARLIEST_DATE.year} to {horizon.year})"
        )
    return day, None


def read_date(value, *, month_ends: bool = False) -> tuple[dt.date | None, str | None]:
    """A cell as a date: (date, None), (None, None) for an empty or "tbc" cell, or
    (None, why) when it holds something that is not a usable date.

    UK order always (12/01/2018 is 12 January); "12 January 2018", "12-Jan-18", ISO dates
    and Excel's day numbers (43112). With `month_ends`, "March 2018" is 31 March 2018 (a due
    date); otherwise a month alone is not a date.
    """
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return _in_range(value.date(), f"{value:%d/%m/%Y}")
    if isinstance(value, dt.date):
        return _in_range(value, f"{value:%d/%m/%Y}")
    if isinstance(value, bool):
        return None, f'"{value}" is not a date'
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:  # a fraction is the time of day: the day is kept
            return None, f"the number {value:g} is not an Excel date"
        day = EXCEL_EPOCH + dt.timedelta(days=int(value))
        return _in_range(day, f"{day:%d/%m/%Y}")
    text = " ".join(str(value).split())
    lowered = text.lower().rstrip(".")
    if not lowered or lowered in NO_DATE_WORDS or lowered.startswith("tbc"):
        return None, None
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # a day number that came through as text (CSV)
        return read_date(int(float(text)), month_ends=month_ends)
    cleaned = WEEKDAY.sub("", ORDINAL.sub(r"\1", text)).replace(",", " ")
    cleaned = " ".join(cleaned.split())
    # "Sept" is how many write September; strptime knows only "Sep".
    cleaned = re.sub(r"\bSept\b", "Sep", cleaned, flags=re.IGNORECASE)
    for form in DATE_FORMATS:
        try:
            day = dt.datetime.strptime(cleaned, form).date()
        except ValueError:
            continue
        return _in_range(day, text)
    for form in MONTH_FORMATS:
        try:
            first = dt.datetime.strptime(cleaned, form).date()
        except ValueError:
            continue
        if not month_ends:
            return None, f'"{text}" is a month, not the date of a meeting'
        following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return _in_range(following - dt.timedelta(days=1), text)
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{1,4}", cleaned):
        return None, f'"{text}" is not a date of the calendar (dates are read day first)'
    return None, f'"{text[:60]}" is not a date'


@dataclass(frozen=True)
class Status:
    """What a status, RAG or progress cell says, on our scales."""

    rag: str = ""  # RAG.RED, AMBER or GREEN: never COMPLETED, which only a sign-off records
    progress: int | None = None  # the 1 to 5 scale
    completed: bool = False  # the spreadsheet calls it done: sign it off when saving
    decision: str = ""  # the executive's: accepted, partly accepted, rejected

    def __bool__(self):
        return bool(self.rag or self.progress or self.completed or self.decision)

    def merged_with(self, other: "Status") -> "Status":
        return Status(
            rag=self.rag or other.rag,
            progress=self.progress or other.progress,
            completed=self.completed or other.completed,
            decision=self.decision or other.decision,
        )

    def in_words(self) -> str:
        words = []
        if self.completed:
            words.append("completed (to be signed off)")
        if self.rag:
            words.append(RAG(self.rag).label)
        if self.progress:
            words.append(f"progress {self.progress}")
        if self.decision:
            words.append(ExecutiveResponse.Decision(self.decision).label.lower())
        return ", ".join(words)


# Checked in this order: the first that matches wins (negations before what they negate).
DECISIONS = (
    (r"\b(partially|partly|part) accepted\b|\baccepted in part\b", "partly_accepted"),
    (r"\bnot accepted\b|\brejected\b|\bdeclined\b", "rejected"),
    (r"\baccepted\b|\bagreed\b", "accepted"),
)
STATUS_WORDS = (
    (r"\bnot (yet )?started\b", Status(progress=Progress.NOT_STARTED)),
    (r"\bnot (yet )?(complete|completed|done|implemented|closed)\b|\bincomplete\b", Status()),
    (
        r"\b(complete|completed|closed|done|implemented|achieved|finished)\b|^blue$",
        Status(completed=True),
    ),
    (r"\bon track\b|\bon target\b", Status(rag=RAG.GREEN)),
    (r"\boff track\b|\bdelayed\b|\boverdue\b|\bbehind\b", Status(rag=RAG.RED)),
    (r"\bat risk\b|\bsome (slippage|delay)\b", Status(rag=RAG.AMBER)),
    (r"\bongoing\b|\bin progress\b|\bstarted\b|\bunderway\b|\bunder way\b", Status(progress=2)),
    (r"\bred\b|^r$", Status(rag=RAG.RED)),
    (r"\bamber\b|^a$", Status(rag=RAG.AMBER)),
    (r"\bgreen\b|^g$", Status(rag=RAG.GREEN)),
)


def read_decision(value) -> str:
    """The executive's decision a cell names ("Partially accepted - ..."), or ""."""
    if value is None:
        return ""
    text = " ".join(str(value).lower().split())
    for pattern, decision in DECISIONS:
        if re.search(pattern, text):
            return decision
    return ""


def read_status(value) -> tuple[Status, str | None]:
    """A status, RAG or progress cell on our scales, and a note when it was not understood
    (the row is still imported, without that status)."""
    if value is None:
        return Status(), None
    if isinstance(value, bool):
        return Status(), f'the status "{value}" was not understood'
    if isinstance(value, int | float):
        if value == int(value) and 1 <= value <= 5:
            return Status(progress=int(value)), None
        return Status(), f'the progress "{value:g}" is not on the 1 to 5 scale'
    text = " ".join(str(value).lower().split())
    found = Status()
    scale = re.match(r"^(?:progress\s*)?([1-5])(?:\s*[-:.)/]|\s|$)", text)
    if scale:
        found = Status(progress=int(scale.group(1)))
    # "4 - Achieved, impact to be sustained": after a number, the words are the scale's own
    # label for it, so 5 stays progress 5 (for the chair to sign off), never Completed.
    matched = bool(scale)
    for pattern, status in () if scale else STATUS_WORDS:
        if re.search(pattern, text):
            matched = True
            # "Green - on track" and "Amber (3)" say one thing twice; the first word decides.
            found = found.merged_with(status) if not (found.rag and status.rag) else found
            break
    decision = read_decision(text)
    if decision:
        found = found.merged_with(Status(decision=decision))
    if not found and not matched:
        return Status(), f'the status "{str(value)[:40]}" was not understood'
    return found, None
