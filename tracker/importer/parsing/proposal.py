"""The proposal: plain dataclasses for meetings, items, decisions and follow-up.

A proposal can be shown, edited, signed and saved without touching the database; `as_json`
is the fixed shape the command prints and `describe` the text an officer reads.
"""

import datetime as dt
from dataclasses import asdict, dataclass, field

from tracker.importer.parsing.text import _short
from tracker.importer.targets import (
    Calendar,
    Placement,
    place,
)

OUTCOMES = ("resolved", "noted", "deferred", "withdrawn", "none")


# --- The proposal ------------------------------------------------------------------------


KINDS = (
    ("note", "A note"),
    ("recommendation", "A recommendation to the executive"),
    ("action", "An action for officers"),
    ("report_back", "A report to come back"),
)
OUTCOME_WORDS = {
    "resolved": "resolved",
    "noted": "noted",
    "deferred": "deferred",
    "withdrawn": "withdrawn",
    "none": "no decision recorded",
}


def date_in_words(value: str | None) -> str:
    """ "2025-03-03" as an officer reads it: "Monday 3 March 2025"."""
    try:
        return f"{dt.date.fromisoformat(value or ''):%A %-d %B %Y}"
    except ValueError:
        return ""


def month_in_words(value: str | None) -> str:
    """ "2025-09" as "September 2025"."""
    try:
        return f"{dt.date.fromisoformat((value or '') + '-01'):%B %Y}"
    except ValueError:
        return ""


def time_in_words(value: str | None) -> str:
    """ "19:00" as "7pm", "09:30" as "9:30am"."""
    try:
        moment = dt.time.fromisoformat(value or "")
    except ValueError:
        return ""
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


@dataclass
class ResolutionProposal:
    number: str
    text: str
    kind: str = "note"  # note | recommendation | action | report_back
    due: str | None = None  # YYYY-MM-DD, when the text says "by 31 March 2025"
    owner: int | None = None  # a Person chosen on the review page, for an action

    @property
    def due_in_words(self) -> str:
        return date_in_words(self.due)

    @property
    def kind_in_words(self) -> str:
        return dict(KINDS).get(self.kind, self.kind)


@dataclass
class DeferralProposal:
    text: str
    date: str | None = None  # the matched meeting, YYYY-MM-DD
    reason: str = ""

    @property
    def date_in_words(self) -> str:
        return date_in_words(self.date)


@dataclass
class ItemProposal:
    number: int | None
    title: str
    outcome: str = "none"
    resolutions: list[ResolutionProposal] = field(default_factory=list)
    deferred_to: DeferralProposal | None = None
    minutes: str = ""
    exempt: bool = False  # Part 2: considered in private (not in the JSON shape)
    exempt_paragraph: int | None = None  # of Part 1 of Schedule 12A, when the minutes say
    # Where the item came from: its text as read, and its offsets into the text read
    # (None when the text was rebuilt from a table, so offsets would mislead).
    source: str = ""
    start: int | None = None
    end: int | None = None
    # The number as printed when it is not a whole number ("A1", "Recommendation I"); such an
    # item is saved unnumbered, keyed by its title.
    printed: str = ""
    lead_officer: int | None = None  # a Person chosen on the review page

    @property
    def outcome_in_words(self) -> str:
        return OUTCOME_WORDS.get(self.outcome, self.outcome)

    @property
    def label(self) -> str:
        """How the item is named in requests and warnings: its number, else its title."""
        if self.number is not None:
            return str(self.number)
        return self.printed or self.title


@dataclass
class TargetProposal:
    text: str
    month: str | None = None
    date: str | None = None  # the matched meeting (not in the JSON shape; used for saving)

    @property
    def month_in_words(self) -> str:
        return month_in_words(self.month)


@dataclass
class WorkProgrammeRequest:
    topic: str
    target: TargetProposal
    item: str = ""
    lead_officer: int | None = None  # a Person chosen on the review page


@dataclass
class ReportBackRequest:
    item: str
    text: str
    target: TargetProposal
    resolution: int | None = None  # position of the resolution it came from, if any
    owner: int | None = None  # a Person chosen on the review page


@dataclass
class Undertaking:
    item: str
    text: str
    owner: int | None = None  # a Person chosen on the review page


@dataclass
class MeetingProposal:
    committee: str
    date: str | None
    time: str | None = None
    venue: str | None = None
    items: list[ItemProposal] = field(default_factory=list)
    work_programme_requests: list[WorkProgrammeRequest] = field(default_factory=list)
    report_back_requests: list[ReportBackRequest] = field(default_factory=list)
    undertakings: list[Undertaking] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def when_in_words(self) -> str:
        """ "Monday 3 March 2025 at 7pm", or "date unknown"."""
        day = date_in_words(self.date) or "date unknown"
        return f"{day} at {time_in_words(self.time)}" if time_in_words(self.time) else day


@dataclass
class Proposal:
    meetings: list[MeetingProposal] = field(default_factory=list)

    def as_json(self) -> dict:
        """The fixed shape other tools rely on (see README, "Importing minutes")."""
        return {"meetings": [meeting_json(m) for m in self.meetings]}

    def as_data(self) -> dict:
        """Everything, for signing into the review page and saving from it."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> "Proposal":
        meetings = []
        for m in data.get("meetings", []):
            items = [
                ItemProposal(
                    number=i.get("number"),
                    title=i.get("title", ""),
                    outcome=i.get("outcome", "none"),
                    resolutions=[ResolutionProposal(**r) for r in i.get("resolutions", [])],
                    deferred_to=DeferralProposal(**i["deferred_to"])
                    if i.get("deferred_to")
                    else None,
                    minutes=i.get("minutes", ""),
                    exempt=bool(i.get("exempt", False)),
                    exempt_paragraph=i.get("exempt_paragraph"),
                    source=i.get("source", ""),
                    start=i.get("start"),
                    end=i.get("end"),
                    printed=str(i.get("printed") or "")[:40],
                    lead_officer=i.get("lead_officer"),
                )
                for i in m.get("items", [])
            ]
            meetings.append(
                MeetingProposal(
                    committee=m.get("committee", ""),
                    date=m.get("date"),
                    time=m.get("time"),
                    venue=m.get("venue"),
                    items=items,
                    work_programme_requests=[
                        WorkProgrammeRequest(
                            topic=w["topic"],
                            target=TargetProposal(**w["target"]),
                            item=w.get("item", ""),
                            lead_officer=w.get("lead_officer"),
                        )
                        for w in m.get("work_programme_requests", [])
                    ],
                    report_back_requests=[
                        ReportBackRequest(
                            item=r["item"],
                            text=r["text"],
                            target=TargetProposal(**r["target"]),
                            resolution=r.get("resolution"),
                            owner=r.get("owner"),
                        )
                        for r in m.get("report_back_requests", [])
                    ],
                    undertakings=[Undertaking(**u) for u in m.get("undertakings", [])],
                    warnings=list(m.get("warnings", [])),
                )
            )
        return cls(meetings=meetings)


@dataclass
class _Context:
    meeting: MeetingProposal
    held_on: dt.date | None
    calendar: Calendar
    decided: set = field(default_factory=set)  # items where a request was agreed, not just asked

    def place(self, text: str, what: str, item: ItemProposal) -> Placement:
        placement = place(text, held_on=self.held_on, calendar=self.calendar)
        if placement.meeting_date is None:
            shown = f'"{placement.text}"' if placement.text else "no target"
            kept = (
                f"proposed as {placement.day:%-d %B %Y} as written"
                if placement.day
                else "kept as text for the officer"
            )
            self.meeting.warnings.append(
                f"Item {item.label}: {what} {shown}: {placement.problem}; {kept}."
            )
        return placement


def meeting_json(m: MeetingProposal) -> dict:
    return {
        "committee": m.committee,
        "date": m.date,
        "time": m.time,
        "venue": m.venue,
        "items": [
            {
                "number": i.printed or i.number,
                "title": i.title,
                "outcome": i.outcome,
                "resolutions": [{"number": r.number, "text": r.text} for r in i.resolutions],
                "deferred_to": (
                    {"text": i.deferred_to.text, "date": i.deferred_to.date}
                    if i.deferred_to
                    else None
                ),
            }
            for i in m.items
        ],
        "work_programme_requests": [
            {"topic": w.topic, "target": {"text": w.target.text, "month": w.target.month}}
            for w in m.work_programme_requests
        ],
        "report_back_requests": [
            {
                "item": r.item,
                "text": r.text,
                "target": {"text": r.target.text, "month": r.target.month},
            }
            for r in m.report_back_requests
        ],
        "undertakings": [{"item": u.item, "text": u.text} for u in m.undertakings],
        "warnings": list(m.warnings),
    }


def describe(proposal: Proposal) -> str:
    """The proposal as an officer reads it in a terminal (`--format text`)."""
    out = []
    for meeting in proposal.meetings:
        when = " ".join(filter(None, [meeting.date or "date unknown", meeting.time]))
        out.append(f"{meeting.committee}: {when}" + (f", {meeting.venue}" if meeting.venue else ""))
        for item in meeting.items:
            out.append(
                f"  {item.label if item.number is not None or item.printed else '-'} "
                f"{item.title} [{item.outcome}]"
            )
            for resolution in item.resolutions:
                number = f"({resolution.number}) " if resolution.number else ""
                out.append(f"      {number}{_short(resolution.text, 100)}")
            if item.deferred_to:
                date = (
                    f" ({item.deferred_to.date})"
                    if item.deferred_to.date
                    else " (no meeting matched)"
                )
                out.append(f"      deferred to {item.deferred_to.text or 'not stated'}{date}")
        sections = (
            (
                "Work-programme requests",
                [
                    f"{w.topic}: {w.target.text or 'no target'} [{w.target.month or '?'}]"
                    for w in meeting.work_programme_requests
                ],
            ),
            (
                "Report-back requests",
                [
                    f"item {r.item}: {_short(r.text, 80)} [{r.target.month or '?'}]"
                    for r in meeting.report_back_requests
                ],
            ),
            (
                "Undertakings",
                [f"item {u.item}: {_short(u.text, 90)}" for u in meeting.undertakings],
            ),
            ("Warnings", meeting.warnings),
        )
        for heading, lines in sections:
            if lines:
                out.append(f"  {heading}:")
                out.extend(f"    - {line}" for line in lines)
    return "\n".join(out)
