"""From the text of minutes to a proposal: meetings, items, decisions and follow-up.

Minutes come in a family of layouts rather than one format: modern.gov pages ("24." on a
line of its own, the title below, "Minutes:" before the minutes), printed minutes ("39.
Declaration of Interest", "Resolved: that ..."), CMIS pages with lettered `<ol>` lists, and
agenda packs whose middle holds the previous meeting's minutes. The parser therefore looks
for the shapes they share: a header naming the committee and date, a run of item headings
whose numbers increase, decision blocks opened by RESOLVED / AGREED, and sentences that
defer, ask for reports or promise to send something.

Everything is plain dataclasses, so a proposal can be shown, edited, signed and saved
without touching the database. Anything the parser cannot place becomes a warning: an
officer reviews every proposal before it is saved.

The work programme printed at the end of an agenda pack is NOT turned into requests: it is
the committee's standing plan, not something asked for at the meeting, and its rows carry no
decision. The parser says it was found, in a warning, so the officer can check the plan.
"""

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from tracker.importer.reading import MinutesError
from tracker.importer.targets import (
    DATE_PATTERN,
    TARGET_PHRASE,
    Calendar,
    Placement,
    find_targets,
    month_number,
    place,
)

OUTCOMES = ("resolved", "noted", "deferred", "withdrawn", "none")
MAX_LINE = 20_000  # longer "lines" are cut: no real paragraph of minutes is that long


# --- The proposal ------------------------------------------------------------------------


@dataclass
class ResolutionProposal:
    number: str
    text: str
    kind: str = "note"  # note | recommendation | action | report_back


@dataclass
class DeferralProposal:
    text: str
    date: str | None = None  # the matched meeting, YYYY-MM-DD
    reason: str = ""


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

    @property
    def label(self) -> str:
        """How the item is named in requests and warnings: its number, else its title."""
        return str(self.number) if self.number is not None else self.title


@dataclass
class TargetProposal:
    text: str
    month: str | None = None
    date: str | None = None  # the matched meeting (not in the JSON shape; used for saving)


@dataclass
class WorkProgrammeRequest:
    topic: str
    target: TargetProposal
    item: str = ""


@dataclass
class ReportBackRequest:
    item: str
    text: str
    target: TargetProposal
    resolution: int | None = None  # position of the resolution it came from, if any


@dataclass
class Undertaking:
    item: str
    text: str


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
                        )
                        for w in m.get("work_programme_requests", [])
                    ],
                    report_back_requests=[
                        ReportBackRequest(
                            item=r["item"],
                            text=r["text"],
                            target=TargetProposal(**r["target"]),
                            resolution=r.get("resolution"),
                        )
                        for r in m.get("report_back_requests", [])
                    ],
                    undertakings=[Undertaking(**u) for u in m.get("undertakings", [])],
                    warnings=list(m.get("warnings", [])),
                )
            )
        return cls(meetings=meetings)


def meeting_json(m: MeetingProposal) -> dict:
    return {
        "committee": m.committee,
        "date": m.date,
        "time": m.time,
        "venue": m.venue,
        "items": [
            {
                "number": i.number,
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


# --- Patterns ----------------------------------------------------------------------------

_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thur?s?|Thurs|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_TIME = r"(?P<hour>[012]?\d)(?:[.:](?P<minute>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\.?)|(?P<hour24>[012]?\d)[:.](?P<minute24>[0-5]\d)(?:\s*(?:hrs|hours|h))?"
_DATE_IN_HEADER = r"(?:the\s+)?" + DATE_PATTERN

# "Children's Services Overview and Scrutiny Committee - Tuesday, 20th December, 2016 7.00 pm"
_MODERNGOV_HEADER = re.compile(
    rf"^(?P<committee>[^\n]{{3,200}}?)\s+[-\u2013\u2014]\s+{_WEEKDAY}?{_DATE_IN_HEADER.replace('(?P<month>', '(?P<month>').replace(',?', ',?')}\s*,?\s*(?:(?:at\s+)?(?P<time>{_TIME}))?\s*$",
    re.I,
)
# "Minutes of the Meeting of the X held on 12 December 2017 at 7.00 pm"
_MINUTES_OF_HEADER = re.compile(
    rf"^(?:minutes\s+of\s+(?:the\s+|a\s+)?)?(?:(?:special|extraordinary|reconvened|ordinary|additional|virtual|remote)\s+)?meeting\s+of\s+(?:the\s+)?(?P<committee>[^\n]{{3,200}}?)\s*,?\s+held\s+(?:(?:at|in)\s+(?P<venue>[^\n]{{3,200}}?)\s*,?\s+)?on\s+{_WEEKDAY}?{_DATE_IN_HEADER}(?:\s*,?\s*(?:at|commencing\s+at|starting\s+at|from)\s+(?P<time>{_TIME}))?"
    # "... at 2pm in the Council Chamber": the venue after the time
    r"(?:\s*,?\s+(?:in|at)\s+(?P<venue2>[^\n]{3,200}))?",
    re.I,
)
# "Education and Children's Services Scrutiny Panel - Meeting held on Wednesday, 16th March, 2016."
_MEETING_HELD_HEADER = re.compile(
    rf"^(?:(?P<committee>[^\n]{{3,200}}?)\s*[-\u2013\u2014:,]\s*)?(?:minutes\s+of\s+(?:the\s+|a\s+)?)?meeting\s+held\s+(?:(?:at|in)\s+(?P<venue>[^\n]{{3,200}}?)\s*,?\s+)?on\s+{_WEEKDAY}?{_DATE_IN_HEADER}(?:\s*,?\s*(?:at|commencing\s+at|starting\s+at|from)\s+(?P<time>{_TIME}))?",
    re.I,
)
_COMMITTEE_WORD = re.compile(
    r"\b(?:committee|sub-committee|panel|board|cabinet|council|commission|forum|group|scrutiny)\b",
    re.I,
)
_LABELLED = re.compile(
    r"^(?P<label>date|time|venue|place|location|meeting date|start time)\s*[:\-\u2013]\s*(?P<value>.+)$",
    re.I,
)
_TIME_RE = re.compile(_TIME, re.I)
_TIME_SENTENCE = re.compile(
    rf"\b(?:meeting|committee|panel)\s+(?:opened|commenced|started|began|convened)\s+at\s+(?P<time>{_TIME})",
    re.I,
)
_END_OF_MINUTES = re.compile(
    r"^\(?(?:note:\s*)?the\s+meeting\s+(?:finished|closed|ended|concluded|terminated|rose|opened\s+at.*(?:closed|ended|finished))\b"
    r"|^approved\s+as\s+a\s+(?:true\s+and\s+)?correct\s+record\s*$"
    r"|^(?:meeting\s+)?(?:closed|ended)\s*:?\s*(?:at\s+)?\d{1,2}[.:]\d\d",
    re.I,
)
_PAGE_FURNITURE = re.compile(
    r"^(?:page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d+\s*$)$|.*\s[-\u2013]\s\d{1,2}\.\d{1,2}\.\d{2,4}$",
    re.I,
)
_ITEM_HEADING = re.compile(
    r"^\s*(?:(?:item|minute|min\.?|agenda\s+item)\s+(?:no\.?\s*)?)?"
    # a committee's prefix before the number: "ASC/23/12", "OSC 24/12"
    r"(?:[A-Z]{2,8}[/ ](?:\d{2,4}/)?(?=\d{1,4}(?:/\d{2,4})?\s))?"
    r"(?P<number>\d{1,4})(?P<suffix>/\d{2,4})?"
    r"(?:\s*[.):]\s*|\s*[-\u2013\u2014]\s+|\s{2,}|(?<=/\d\d)\s+|(?<=/\d{4})\s+)(?P<title>\S.{0,299})$",
    re.I,
)
_ITEM_WORD_HEADING = re.compile(
    r"^\s*(?:item|minute|agenda\s+item)\s+(?P<number>\d{1,4})(?P<suffix>/\d{2,4})?\s*[.:)\-\u2013\u2014]?\s*(?P<title>\S.{0,299})$",
    re.I,
)
# "(45) Title": a bracketed number
_PAREN_HEADING = re.compile(r"^\s*\((?P<number>\d{1,4})\)\s+(?P<title>\S.{0,299})$")
# "45 Title" with one space: only a heading when set apart (a web page's <h2>) or in capitals
_SPACED_HEADING = re.compile(r"^\s*(?P<number>\d{1,4})\s(?P<title>[A-Z(\"'][^\n]{0,299})$")
_LONE_NUMBER = re.compile(
    r"^\s*(?:(?:item|minute)\s+)?(?P<number>\d{1,4})(?P<suffix>/\d{2,4})?\.?\s*$", re.I
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

_DECISION_WORD = (
    r"(?:RESOLVED|Resolved|resolved|AGREED|Agreed|DECIDED|Decided|RECOMMENDED|Recommended)"
)
_DECISION_START = re.compile(
    r"^(?:it\s+was\s+|it\s+is\s+)?(?:further\s+|unanimously\s+)?(?P<word>"
    + _DECISION_WORD
    + r")(?:\s+unanimously)?(?:\s*(?::|\u2013|\u2014|-|\.)\s*|\s+(?=(?:that|to)\b)|\s*$)(?P<rest>.*)$"
    r"|^(?i:the\s+)?(?i:committee|sub-committee|panel|board|members|group|cabinet|council|commission|forum)\s+(?i:then\s+|thereupon\s+|therefore\s+|unanimously\s+)?"
    r"(?P<word2>RESOLVED|resolved|AGREED|DECIDED|RECOMMENDED|NOTED|(?i:agreed|decided|noted)(?=\s*:))"
    r"(?:\s*(?::|\u2013|\u2014|-)\s*|\s+(?=(?i:that|to)\b)|(?<=NOTED)\s+(?=(?i:the)\b)|\s*$)(?P<rest2>.*)$"
    r"|^(?P<lead>.{0,120}?\b(?i:and|was|were|been|it\s+was)\s+(?i:agreed|resolved)(?i:\s+that)?\s*:)\s*$",
)
_PART_MARKER = re.compile(
    r"^\s*(?:[-\u2013•·*▪●◦o]\s+)?(?:\((?P<p>\d{1,2}(?:\.\d{1,2})?|[a-zA-Z]|[ivxIVX]{1,5})\)|(?P<n>\d{1,2}(?:\.\d{1,2})?|[a-zA-Z]|[ivxIVX]{1,5})[.)])\s+(?P<text>\S.*)$"
)
_BULLET = re.compile(r"^\s*(?:[-\u2013•·*▪●◦]|o(?=\s))\s+(?P<text>\S.*)$")
_INLINE_MARKER = re.compile(
    r"(?:^|(?<=[\s;:,]))\((?P<m>\d{1,2}|[a-z]|[ivx]{1,4})\)\s+|(?:^|(?<=[\s;:]))(?P<m2>\d{1,2}|[a-z])\)\s+"
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(])")

_DEFER = re.compile(
    r"\b(?P<verb>deferred|defer(?:red)?|postponed|adjourned|held\s+over|carried\s+forward)\b(?:\s+(?:consideration\s+of\s+(?:this|the)\s+(?:item|report|matter)\s+|(?:this|the)\s+(?:item|report|matter)\s+|consideration\s+))?(?:\s*(?:to|until|till|for|at)\s+(?P<target>[^.;]{3,200}))?",
    re.I,
)
_ITEM_SUBJECT = re.compile(
    r"(?:^|\b)(?:this|the|that|said)?\s*(?:item|report|matter|it|consideration|update|agenda\s+item|item\s+\d+)\s*(?:\(?\d+\)?\s*)?(?:was|were|is|be|to\s+be|has\s+been|had\s+been|would\s+be|will\s+be|should\s+be)?\s*(?:therefore\s+|accordingly\s+)?$",
    re.I,
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
_WORK_PROGRAMME = r"(?:(?:committee's|panel's|board's|its|the)\s+)?(?:forward\s+)?work\s*(?:programme|plan|program|schedule)"
_WP_ADDED = re.compile(
    rf"^(?:that\s+)?(?:the\s+)?(?:(?:item|report|topic|update|issue)\s+on\s+)?(?P<topic>.{{3,250}}?)\s+(?:be|was|were|is|are|to\s+be|would\s+be|should\s+be|had\s+been|has\s+been)\s+(?:added|included|placed|put|scheduled|programmed)\s+(?:to|in|on|into|onto)\s+(?:the\s+)?{_WORK_PROGRAMME}(?:\s+(?:for|at|in|on)\s+(?P<target>[^.;]{{3,200}}))?",
    re.I,
)
_WP_MERGED = re.compile(
    r"^(?:that\s+)?(?P<topic>.{3,250}?)\s+(?:be|were|are|to\s+be|would\s+be)\s+merged\s+into\s+(?:one|a\s+single)\s+(?:report|item|update)(?:\s+(?:for|at|to)\s+(?P<target>[^.;]{3,200}))?",
    re.I,
)
_WP_ON = re.compile(
    rf"\b(?:requested|asked\s+for|agreed\s+for)\s+(?P<topic>this|it|that|the\s+[^.;]{{3,120}}?)\s+to\s+be\s+(?:on|added\s+to|included\s+in|placed\s+on)\s+(?:the\s+)?{_WORK_PROGRAMME}(?:\s+(?:for|at|in)\s+(?P<target>[^.;]{{3,200}}))?",
    re.I,
)
_WP_ANTECEDENT = re.compile(
    r"\b(?:bring|present|submit|provide|prepare|produce)\s+(?:a|an|the|their|its)\s+(?P<topic>(?:[\w'-]+\s+){0,4}?(?:report|update|review|plan|strategy|presentation))\b",
    re.I,
)
_WP_DEFERRED_TOPICS = re.compile(
    r"\b(?:two|three|four|five|the|these|both|several|\d+)\s+(?:reports|items|topics|updates)\s*[-\u2013\u2014:,]\s*(?P<topics>[^.;]{3,300}?)\s+(?:would\s+be|were|are|be|to\s+be|had\s+been)\s+(?:deferred|moved|postponed|rescheduled)\s+(?:to|until)\s+(?P<target>[^.;]{3,200})",
    re.I,
)
# "subject to the addition of a session on damp and mould in the March 2023 meeting"
_WP_ADDITION = re.compile(
    r"\b(?:addition|inclusion)\s+of\s+(?:an?\s+|the\s+)?(?:(?:further\s+)?(?:session|item|report|update|topic|briefing|scrutiny\s+session)\s+(?:on|about)\s+)?"
    r"(?P<topic>[^.;]{3,150}?)\s+(?:in|at|to|for|on)\s+(?P<target>" + TARGET_PHRASE.pattern + r")",
    re.I,
)
# a decision: "mental health support be scheduled for the October meeting"
_WP_SCHEDULED = re.compile(
    r"^(?:that\s+)?(?:the\s+)?(?:(?:item|report|topic|update|issue)\s+on\s+)?(?P<topic>[^.;]{3,200}?)\s+(?:be|is\s+to\s+be|to\s+be)\s+(?:scheduled|programmed|timetabled|considered)\s+(?:for|at)\s+(?P<target>"
    + TARGET_PHRASE.pattern
    + r")",
    re.I,
)
_WP_CONTEXT = re.compile(rf"{_WORK_PROGRAMME}\s+for\s+(?P<target>[^.;,]{{3,120}})", re.I)

_REPORT_BACK = re.compile(
    r"\b(?:report(?:ed)?\s+back|come\s+back|brought\s+back|return(?:ed)?\s+to\s+(?:the\s+)?(?:committee|panel|sub-committee)"
    r"|be\s+(?:presented|reported|brought|submitted|considered|provided|received)\b"
    r"|receive[sd]?\s+(?:a|an|the|further|regular|another)\s+(?:[\w-]+\s+){0,3}?(?:report|update|briefing|presentation)"
    r"|(?:report|update|briefing|presentation)\s+(?:be|to\s+be|would\s+be|is\s+to\s+be)\s+(?:brought|submitted|presented|provided|made|given)"
    r"|(?:report|update)\s+(?:back\s+)?to\s+(?:the|a|this|its)\s+(?:next|future|following|\w+\s+\d{4})\s+(?:meeting|committee|panel)"
    r"|would\s+(?:prepare|bring|present|provide|submit)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:report|update|briefing)"
    r"|\b(?:request|requests|requested|ask\s+for|asks\s+for)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:report|update|briefing))",
    re.I,
)
_REQUESTED = re.compile(
    r"\b(?:requested|asked|agreed|undertook|requested\s+that|asked\s+that)\b|\bwould\s+(?:prepare|bring|present|provide|submit)\b",
    re.I,
)
_UNDERTAKING = re.compile(
    r"\b(?:would|will|agreed\s+to|undertook\s+to|offered\s+to|promised\s+to|undertaken\s+to|was\s+asked\s+to|were\s+asked\s+to|to)\s+(?:be\s+)?(?:able\s+to\s+)?(?:check\s+and\s+)?(?:then\s+)?"
    r"(?:send|sent|circulate|circulated|provide|provided|forward|forwarded|share|shared|pass\s+on|passed\s+on|email|e-mail|emailed|let|supply|supplied|write\s+to|distribute|distributed|report\s+back\s+to|feed\s+back\s+to|confirm)\b",
    re.I,
)
_RECIPIENT = re.compile(
    r"\b(?:to|with|for)\s+(?:all\s+)?(?:the\s+)?(?:committee|sub-committee|panel|members|member|councillors?|board|chair|vice-chair|group)\b"
    r"|\b(?:provide|send|give|supply|brief)\s+(?:all\s+)?(?:the\s+)?(?:committee|panel|members|councillors|board)\b"
    r"|\b(?:in|by|via)\s+(?:an?\s+)?e-?mail\b|\blet\s+(?:the\s+)?(?:committee|panel|members|chair|councillors?)\s+know\b|\bround\s+to\b|\bto\s+members\b",
    re.I,
)
_RECOMMENDATION = re.compile(
    r"\brecommend(?:s|ed|ation|ations)?\b[^.]{0,120}\b(?:cabinet|executive|portfolio\s+holder|mayor|leader|cabinet\s+member|full\s+council|council)\b"
    r"|\b(?:cabinet|executive|portfolio\s+holder|mayor|cabinet\s+member)\s+(?:be|is)\s+(?:recommended|asked|requested)\b",
    re.I,
)
_ACTION_VERB = re.compile(
    r"\b(?:circulate[ds]?|provide[ds]?|investigate[ds]?|be\s+sent|send|write\s+to|arrange[ds]?|be\s+arranged|be\s+shared|share|contact|prepare[ds]?|ensure[ds]?|attend|develop|establish|organise|set\s+up|explore|look\s+into|follow\s+up|update[ds]?\s+(?:the|members)|be\s+added|be\s+included|be\s+merged|be\s+amended|amend|publish|review)\b",
    re.I,
)


# --- Entry point -------------------------------------------------------------------------


def propose(
    text: str,
    *,
    committee=None,
    calendar: Calendar | None = None,
) -> Proposal:
    """A proposal for every meeting whose minutes are in `text`.

    `committee` (a Committee, optional) is used to place targets on its calendar; without
    one (a dry run for a committee not set up) targets keep their text and months only.
    """
    if calendar is None:
        calendar = Calendar.for_committee(committee)
    lines = _prepare_lines(text)
    segments = _find_meetings(lines)
    if not segments:
        raise MinutesError(
            "No minutes were found: the text names no committee meeting with a date (for "
            'example "Children\'s Services Committee - Tuesday, 20th December, 2016" or '
            '"Minutes of the meeting of ... held on 12 December 2017").'
        )
    proposal = Proposal()
    for segment in segments:
        meeting = _propose_meeting(lines, segment, calendar, committee)
        if segment.guessed and not meeting.items:
            # a guessed header with nothing under it is not minutes: say so, propose nothing
            raise MinutesError(
                "No minutes were found: no meeting header was recognised, and no agenda items "
                'follow the committee and date guessed from the text ("1. Title", "Item 7: '
                'Title" or "12/23 TITLE").'
            )
        proposal.meetings.append(meeting)
    trailing = _trailing_work_programme(lines, segments[-1].end)
    if trailing:
        proposal.meetings[-1].warnings.append(trailing)
    return proposal


# --- Lines and meetings --------------------------------------------------------------------


def _prepare_lines(text: str) -> list[str]:
    lines = [line.strip()[:MAX_LINE] for line in text.split("\n")]
    # Running headers and footers printed on every page of a PDF break paragraphs apart.
    counts: dict[str, int] = {}
    for line in lines:
        if line and len(line) < 160:
            counts[line] = counts.get(line, 0) + 1
    furniture = {
        line
        for line, count in counts.items()
        if count >= 2 and _PAGE_FURNITURE.match(line) and not _LONE_NUMBER.match(line)
    }
    return ["" if line in furniture else line for line in lines]


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
    if name.isupper():
        name = name.title().replace("'S ", "'s ")
    return name


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
        match = _MODERNGOV_HEADER.match(line)
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
            if line[:8].lower() not in ("minutes ", "meeting ") or len(line) > 600:
                continue
            match = _MINUTES_OF_HEADER.match(line)
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
            match = _MEETING_HELD_HEADER.match(line) if len(line) < 600 else None
            if not match:
                continue
            committee = match["committee"]
            if not committee or not _COMMITTEE_WORD.search(committee):
                committee = _committee_above(lines, index) or committee or ""
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
        for finder in (_labelled_header, _committee_then_date, _guessed_header):
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
    return bool(
        _COMMITTEE_WORD.search(line)
        and len(line) < 200
        and line[-1] not in ".:;,"
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
_DATE_LINE = re.compile(
    rf"^(?:date\s*:?\s*)?{_WEEKDAY}?{_DATE_IN_HEADER}\s*,?\s*(?:(?:at|from|commencing\s+at)?\s*(?P<time>{_TIME}))?"
    r"(?:\s*(?:,|\s+in|\s+at|[-\u2013\u2014])\s*(?P<venue>[^\n]{3,200}))?\s*\.?$",
    re.I,
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


_BODY_LINE = re.compile(
    r"\b(?:committee|sub-committee|panel|board|scrutiny|cabinet|commission|forum)\b", re.I
)
_HELD_ON = re.compile(
    rf"\b(?:held|took\s+place|met|meeting)\s+(?:on\s+)?(?:the\s+)?{_WEEKDAY}?{DATE_PATTERN}", re.I
)


def _guessed_header(lines: list[str]) -> _Segment | None:
    """No header we know: the first line naming a committee-like body and the meeting's date
    near the top ("held on" / "took place on" a date, else the first full date), flagged as
    guessed so the officer checks them."""
    top = [i for i, line in enumerate(lines[:400]) if line][:60]
    body = next((i for i in top if _BODY_LINE.search(lines[i]) and len(lines[i]) < 200), None)
    dated = None
    for pattern in (_HELD_ON, re.compile(DATE_PATTERN, re.I)):
        for i in top:
            match = pattern.search(lines[i]) if len(lines[i]) < 2000 else None
            if match and _header_date(match):
                dated = (i, match)
                break
        if dated:
            break
    if body is None or dated is None:
        return None
    index, match = dated
    committee = _clean_committee(lines[body])
    day = _header_date(match)
    segment = _Segment(committee, day, None, None, max(body, index) + 1, len(lines), "printed")
    segment.guessed = (
        f'The minutes\' header was not recognised: the committee ("{_short(committee, 80)}") and '
        f"the date ({day:%-d %B %Y}) were guessed from the first lines that name them; check both."
    )
    return segment


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


# --- Items ---------------------------------------------------------------------------------


@dataclass
class _Heading:
    line: int  # index of the title line
    number: int | None
    title: str
    body_start: int


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
    if len(title) > 250:
        return False
    if title[-1] in ";,:" or (title.endswith(".") and (len(title) > 90 or title.count(". ") > 0)):
        return False
    return title[0].isupper() or title[0].isdigit() or title[0] in "\"'("


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
                candidates.append(
                    _Heading(nxt, int(lone["number"]), _clean_title(lines[nxt]), nxt + 1)
                )
                index = nxt + 1
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
            if spaced and (set_apart or spaced["title"].isupper()):
                match = spaced
        if match and _looks_like_title(match["title"]) and not _PART_MARKER.match(match["title"]):
            candidates.append(
                _Heading(index, int(match["number"]), _clean_title(match["title"]), index + 1)
            )
        index += 1
    return candidates


def _best_chain(candidates: list[_Heading]) -> list[_Heading]:
    """The longest run of headings whose numbers rise by one to five at each step.

    Numbered lists inside items restart at 1, so they lose to the agenda's own numbering.
    """
    best: list[tuple[int, int]] = []  # per candidate: (chain length, previous index)
    latest: dict[int, int] = {}  # number -> index of the candidate ending the best chain with it
    for position, candidate in enumerate(candidates):
        length, previous = 1, -1
        for step in range(1, 6):
            earlier = latest.get(candidate.number - step)
            if earlier is not None and best[earlier][0] + 1 > length:
                length, previous = best[earlier][0] + 1, earlier
        best.append((length, previous))
        current = latest.get(candidate.number)
        if current is None or best[current][0] <= length:
            latest[candidate.number] = position
    if not best:
        return []
    end = max(range(len(best)), key=lambda i: (best[i][0], -i))
    chain = []
    while end != -1:
        chain.append(candidates[end])
        end = best[end][1]
    return chain[::-1]


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
        if not (icon or (gap and after_blank) or (caps and after_blank)):
            continue
        if line[-1] in ".:;,?!" and not icon:
            continue
        if not _looks_like_title(line) or _PART_MARKER.match(line) or _BULLET.match(line):
            continue
        if len(line) > 200 and not icon:
            continue
        headings.append(_Heading(index, None, _clean_title(line), index + 1))
    return headings


def _items_region_start(lines: list[str], segment: _Segment) -> int:
    for index in range(segment.start, min(segment.end, segment.start + 40)):
        if re.match(r"^(?:no\.?\s+item|items)$", lines[index], re.I):
            return index + 1
    return segment.start


def _headings(lines: list[str], segment: _Segment) -> list[_Heading]:
    start = _items_region_start(lines, segment)
    chain = _best_chain(_numbered_candidates(lines, start, segment.end))
    if len(chain) >= 2:
        return _drop_headings_inside_decisions(lines, chain)
    unnumbered = _unnumbered_headings(lines, start, segment.end)
    return chain if chain and len(chain) >= len(unnumbered) else unnumbered


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
            and heading.number != kept[-1].number + 1
        ):
            continue
        kept.append(heading)
    return kept


# Part 2 business: the exclusion resolution, and items marked exempt in their heading or text.
_EXEMPT_MARK = re.compile(
    r"\bexempt\s+information\b|\bschedule\s+12\s*a\b|\bpart\s+(?:2|ii|two)\b|\bexempt\s+(?:item|report|business)\b|\bnot\s+for\s+publication\b",
    re.I,
)
_EXCLUSION = re.compile(
    r"\bexclu(?:sion|ded?)\s+(?:of\s+)?(?:the\s+)?(?:press|public)|\b(?:press|public)\s+(?:and\s+public\s+|and\s+press\s+)?(?:be|were|was)\s+excluded\b",
    re.I,
)
_PUBLIC_AGAIN = re.compile(
    r"\b(?:press|public)\s+(?:and\s+(?:press|public)\s+)?(?:were|was|be)\s+(?:re-?admitted|readmitted|invited\s+back)|\breturned\s+to\s+(?:open|public)\s+session\b|\bpart\s+(?:1|i|one)\b",
    re.I,
)
_EXEMPT_PARAGRAPH = re.compile(
    r"\bparagraphs?\s+(?P<n>[1-7])\b(?=[^.]{0,80}\bschedule\s+12\s*a\b)", re.I
)
_QUOTED = re.compile(r'"[^"]*"')


def _exempt_state(item: ItemProposal, body: list[str], excluded: bool) -> tuple[bool, bool]:
    """(is this item exempt, are the public excluded for the items after it)."""
    text = " ".join(line for line in body[:200] if line)
    title_exempt = bool(_EXEMPT_MARK.search(item.title))
    exclusion_item = bool(_EXCLUSION.search(item.title)) or (
        bool(_EXCLUSION.search(text)) and bool(re.search(r"\bfollowing\s+items?\b", text, re.I))
    )
    if exclusion_item:
        # the resolution excluding the public is itself public; the items after it are not
        paragraph = _EXEMPT_PARAGRAPH.search(text)
        return False, True if paragraph is None else int(paragraph["n"])
    if excluded and _PUBLIC_AGAIN.search(item.title + " " + text[:300]):
        return False, False
    exempt = (
        title_exempt
        or bool(excluded)
        or bool(_EXEMPT_MARK.search(text[:400]) and re.search(r"\bexempt\b", text[:400], re.I))
    )
    return exempt, excluded


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
    for position, heading in enumerate(headings):
        end = headings[position + 1].line if position + 1 < len(headings) else segment.end
        if position + 1 < len(headings) and headings[position + 1].number is not None:
            # The lone number line above the next title belongs to the next item.
            back = end - 1
            while back > heading.body_start and not lines[back]:
                back -= 1
            if _LONE_NUMBER.match(lines[back] or ""):
                end = back
        body = lines[heading.body_start : end]
        item = ItemProposal(number=heading.number, title=heading.title)
        key = (item.number, item.title.lower()) if item.number is None else item.number
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
    return meeting


def _mark_exempt(item, body, excluded, meeting: MeetingProposal, before: int) -> None:
    """An exempt item is proposed with its number and title; nothing of its text is quoted
    in warnings, which officers share and paste more freely than the minutes."""
    item.exempt = True
    found = _EXEMPT_PARAGRAPH.search(" ".join(line for line in body[:200] if line))
    if found:
        item.exempt_paragraph = int(found["n"])
    elif excluded is not True and excluded:
        item.exempt_paragraph = int(excluded)
    for index in range(before, len(meeting.warnings)):
        meeting.warnings[index] = _QUOTED.sub("[exempt text not shown]", meeting.warnings[index])
    paragraph = (
        f"paragraph {item.exempt_paragraph} of Part 1 of Schedule 12A"
        if item.exempt_paragraph
        else "no paragraph of Schedule 12A was found: set it"
    )
    meeting.warnings.append(
        f"Item {item.label}: exempt (Part 2; {paragraph}). It is proposed as an exempt item with "
        "its printed title as the public title; check what the public may see."
    )


# --- Inside an item --------------------------------------------------------------------------


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
            self.meeting.warnings.append(
                f"Item {item.label}: {what} {shown}: {placement.problem}; kept as text for the officer."
            )
        return placement


def _paragraphs(body: list[str]) -> list[str]:
    paragraphs, current = [], []
    for line in body:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _minutes_lines(body: list[str], moderngov: bool) -> list[str]:
    if moderngov:
        for index, line in enumerate(body):
            if line.lower().rstrip(":") == "minutes":
                return body[index + 1 :]
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
    _find_deferral(item, [r.text for r in decisions] + sentences, context)
    _find_work_programme(item, sentences, decisions, context, narrative)
    _find_report_backs(item, sentences, decisions, context)
    _find_undertakings(item, sentences, context)
    for resolution in item.resolutions:
        resolution.kind = _kind(resolution, item, context)
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


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(paragraph) if s.strip()]


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Decisions -------------------------------------------------------------------------------


def _marker_style(marker: str) -> str:
    if marker.replace(".", "").isdigit():
        return "digit"
    if marker in ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x") and marker != "i":
        return "roman"
    if marker.isupper():
        return "upper"
    return "letter"


def _split_part(line: str) -> tuple[str | None, str, str]:
    """(marker, style, text) of a line: a numbered/lettered part, a bullet, or plain text."""
    match = _PART_MARKER.match(line)
    if match:
        marker = match["p"] or match["n"]
        style = _marker_style(marker)
        if (
            style in ("letter", "upper")
            and len(marker) == 1
            and not re.match(r"^\s*[-\u2013•·*▪●◦]?\s*\(?[a-zA-Z][.)]", line)
        ):
            return None, "plain", line
        if style == "upper" and not match["p"]:
            # "A. Smith" is a name, not a part; lettered parts are lower case or bracketed.
            return None, "plain", line
        return marker, style, match["text"]
    match = _BULLET.match(line)
    if match:
        return "", "bullet", match["text"]
    return None, "plain", line


def _split_inline(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Inline parts: "RESOLVED \u2013 (1) That ...; (2) That ..." or "That (a) ...; (b) ..."."""
    markers = []
    expected_digit, expected_letter = 1, "a"
    for match in _INLINE_MARKER.finditer(text):
        marker = match["m"] or match["m2"]
        if (
            marker.isdigit()
            and int(marker) == expected_digit
            and (not markers or markers[0][0].isdigit())
        ):
            markers.append((marker, match))
            expected_digit += 1
        elif (
            marker.isalpha()
            and marker == expected_letter
            and (not markers or markers[0][0].isalpha())
        ):
            markers.append((marker, match))
            expected_letter = chr(ord(expected_letter) + 1)
    if len(markers) < 2:
        return text, []
    preamble = text[: markers[0][1].start()].strip()
    parts = []
    for index, (marker, match) in enumerate(markers):
        end = markers[index + 1][1].start() if index + 1 < len(markers) else len(text)
        parts.append((marker, text[match.end() : end].strip()))
    return preamble, parts


def _tidy_decision(text: str) -> str:
    text = " ".join(text.split()).strip()
    text = (
        re.sub(r"(?:;|,)?\s*(?:and|or)?\s*$", "", text)
        if text.endswith(("; and", ";", "; or", ","))
        else text
    )
    text = text.strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def _decision_blocks(lines: list[str], item: ItemProposal, context: _Context):
    """Resolutions of an item, and the lines that are not part of any decision."""
    resolutions: list[ResolutionProposal] = []
    narrative: list[str] = []
    words: list[str] = []  # the decision words of the blocks: "resolved", "noted", ...
    index = 0
    while index < len(lines):
        line = lines[index]
        start = _DECISION_START.match(line) if line else None
        if not start:
            narrative.append(line)
            index += 1
            continue
        rest = (start["rest"] if start["rest"] is not None else start["rest2"]) or ""
        word = (start["word"] or start["word2"] or "agreed").lower()
        words.append(word)
        recommended = word.startswith("recommend")
        parts, index = _collect_block(lines, index + 1, rest.strip())
        if not parts:
            context.meeting.warnings.append(
                f'Item {item.label}: "{_short(line, 40)}" is followed by no decision text that could '
                "be read; add the decisions by hand."
            )
            continue
        unsplit = [p for p in parts if p[2] == "plain"]
        if len(parts) > 1 and len(unsplit) == len(parts):
            context.meeting.warnings.append(
                f"Item {item.label}: the RESOLVED block has no numbering; it was split at its "
                f"paragraphs into {len(parts)} decisions: check them."
            )
        for marker, text, _style in parts:
            text = _tidy_decision(text)
            if not text:
                continue
            resolution = ResolutionProposal(number=marker or "", text=text)
            if recommended:
                resolution.kind = "recommendation"
            resolutions.append(resolution)
    # Numbered parts only: blank numbers are given their position when nothing was printed.
    return resolutions, narrative, words


def _collect_block(lines: list[str], index: int, rest: str):
    """Read the parts of one decision block, starting after the RESOLVED line."""
    parts: list[list] = []  # [marker, text, style]
    top_style = None
    last_ended = True
    if rest and rest not in ("-", "\u2013"):
        _, inline = _split_inline(rest)
        if inline:
            style = "digit" if inline[0][0].isdigit() else "letter"
            parts.extend([m, t, style] for m, t in inline)
            top_style = style
        else:
            marker, style, text = _split_part(rest)
            if marker is not None:
                parts.append([marker, text, style])
                top_style = style
            elif (
                # "RESOLVED to", "RECOMMENDED to Cabinet that:", "RESOLVED that:" open a list
                not re.search(
                    r"(?:\b(?:committee|panel|sub-committee|members|that|to)\s*:?|:)\s*$",
                    rest,
                    re.I,
                )
                or len(rest) > 80
            ):
                parts.append(["", rest, "plain"])
                top_style = "plain"
        last_ended = bool(re.search(r"[.;:]\s*$", rest)) or bool(inline)
    while index < len(lines):
        line = lines[index]
        if not line:
            index += 1
            continue
        if _DECISION_START.match(line) or _LONE_NUMBER.match(line):
            break
        marker, style, text = _split_part(line)
        starts_that = bool(re.match(r"^that\b", text, re.I))
        if marker is not None:
            if top_style is None or (top_style == "plain" and not parts):
                top_style = style
            if (
                style == "roman"
                and top_style == "letter"
                and [p[0].lower() for p in parts] == ["i"]
            ):
                # "(i)" reads as a letter until "(ii)" follows it
                top_style = parts[0][2] = "roman"
            if style == top_style or (starts_that and style != "bullet" and top_style != "bullet"):
                parts.append([marker, text, style])
            elif parts:
                parts[-1][1] += " " + (f"({marker}) " if marker else "") + text
            else:
                parts.append([marker, text, style])
            last_ended = bool(re.search(r"[.;]\s*$", text))
            index += 1
            continue
        # Plain text: the first paragraph of an unnumbered block, a "That ..." paragraph,
        # or the continuation of a part that ended mid-sentence; anything else ends the block.
        if not parts or (starts_that and top_style in ("plain", None)):
            _, inline = _split_inline(text)
            if inline:
                style = "digit" if inline[0][0].isdigit() else "letter"
                parts.extend([m, t, style] for m, t in inline)
                top_style = top_style or style
            else:
                parts.append(["", text, "plain"])
                top_style = top_style or "plain"
            last_ended = bool(re.search(r"[.;]\s*$", text))
        elif not last_ended or text[0].islower():
            parts[-1][1] += " " + text
            last_ended = bool(re.search(r"[.;]\s*$", text))
        else:
            break
        index += 1
    return [tuple(p) for p in parts], index


# --- Deferrals, requests and undertakings ------------------------------------------------------


_OF_BODY = re.compile(
    r"\s+of\s+(?:the\s+|this\s+)?(?:[\w'&-]+\s+){0,5}?(?:committee|sub-committee|board|panel|council|cabinet|commission)\b",
    re.I,
)


def _deferral_target(target: str) -> str:
    """ "the July 2023 meeting at the request of the Director" is deferred to "the July 2023
    meeting": a target that opens with a date or meeting ends with it (and "of the Board")."""
    found = TARGET_PHRASE.match(target)
    if not found:
        return target
    end = found.end()
    body = _OF_BODY.match(target, end)
    if body:
        end = body.end()
    return target[:end]


def _find_deferral(item: ItemProposal, sentences: list[str], context: _Context) -> None:
    for sentence in sentences:
        for match in _DEFER.finditer(sentence):
            before = sentence[: match.start()].strip()
            subject = re.split(r"[,;:]\s*|\band\b|\bthat\b", before, flags=re.I)[-1].strip()
            if (
                before
                and not _ITEM_SUBJECT.search(subject)
                and not re.search(r"\b(?:agreed|decided|resolved)\s+to$", before, re.I)
            ):
                continue
            if match["verb"].lower().startswith("defer") is False and not re.search(
                r"\b(?:item|report|matter|consideration)\b", sentence, re.I
            ):
                continue
            target = _deferral_target((match["target"] or "").strip())
            target = (
                re.sub(r"^(?:the\s+)?(?:consideration\s+of\s+)?", "", target)
                if target.lower().startswith("consideration")
                else target
            )
            item.outcome = "deferred"
            if target:
                placement = context.place(target, "deferred to", item)
                item.deferred_to = DeferralProposal(
                    text=placement.text,
                    date=placement.meeting_date.isoformat() if placement.meeting_date else None,
                    reason=_short(sentence, 300),
                )
            else:
                item.deferred_to = DeferralProposal(
                    text="", date=None, reason=_short(sentence, 300)
                )
                context.meeting.warnings.append(
                    f"Item {item.label}: the minutes say it was deferred but not to when; set the "
                    "meeting it goes to."
                )
            return


def _target_proposal(placement: Placement) -> TargetProposal:
    return TargetProposal(
        text=placement.text,
        month=placement.month,
        date=placement.meeting_date.isoformat() if placement.meeting_date else None,
    )


def _topic_text(topic: str) -> str:
    topic = " ".join(topic.split()).strip(" -\u2013\u2014:,.\"'")
    topic = re.sub(
        r"^(?:that\s+)?(?:the\s+|an?\s+)?(?:(?:item|report|topic|update|issue|session)\s+on\s+)?",
        "",
        topic,
        flags=re.I,
    )
    topic = re.sub(r"^(?:an?\s+)", "", topic, flags=re.I)
    return topic[:1].upper() + topic[1:] if topic else topic


def _add_wp(item, context, topic, target_text, seen, fallback_target=""):
    topic = _topic_text(topic)
    if not topic or topic.lower() in seen:
        return
    seen.add(topic.lower())
    target_text = (target_text or fallback_target or "").strip()
    placement = context.place(
        target_text, f'work-programme request "{_short(topic, 60)}" for', item
    )
    context.meeting.work_programme_requests.append(
        WorkProgrammeRequest(topic=topic, target=_target_proposal(placement), item=item.label)
    )


def _find_work_programme(item, sentences, decisions, context, narrative) -> None:
    seen = {w.topic.lower() for w in context.meeting.work_programme_requests}
    texts = [r.text for r in decisions] + sentences
    fallback = ""
    for text in texts:
        context_match = _WP_CONTEXT.search(text)
        if context_match:
            found = find_targets(context_match["target"])
            fallback = found[0].group(0) if found else fallback
        for pattern in (_WP_ADDED, _WP_MERGED):
            match = pattern.search(text)
            if match:
                topic = re.split(
                    r"\b(?:agreed|suggested|requested|proposed|asked|recommended|decided)\s+(?:that|to)\s+"
                    r"|\b(?:and|but)\s+that\s+|;\s*",
                    match["topic"],
                    flags=re.I,
                )[-1]
                if _PRONOUN_TOPIC.match(topic):
                    topic = _antecedent(item, texts[: texts.index(text) + 1])
                if text in (r.text for r in decisions) or re.search(
                    r"\b(?:was|were|had\s+been|has\s+been)\s+(?:added|included|merged)\b",
                    text,
                    re.I,
                ):
                    context.decided.add(item.label)
                _add_wp(item, context, topic, match["target"], seen, fallback)
                break
        decision = text in (r.text for r in decisions)
        for pattern in (_WP_ADDITION, _WP_SCHEDULED) if decision else ():
            match = pattern.search(text)
            if match and (pattern is _WP_SCHEDULED or re.search(_WORK_PROGRAMME, text, re.I)):
                context.decided.add(item.label)
                _add_wp(item, context, match["topic"], match["target"], seen)
                break
        match = _WP_ON.search(text)
        if match:
            topic = match["topic"]
            if _PRONOUN_TOPIC.match(topic):
                topic = _antecedent(item, texts[: texts.index(text) + 1])
            _add_wp(item, context, topic, match["target"], seen, fallback)
        match = _WP_DEFERRED_TOPICS.search(text)
        if match:
            for topic in re.split(r"\s*,\s*|\s+and\s+", match["topics"]):
                if len(topic) > 2:
                    _add_wp(item, context, topic, match["target"], seen)


_PRONOUN_TOPIC = re.compile(
    r"^(?:this|it|that|the|this|the\s+same)(?:\s+(?:item|report|matter|topic|update|one))?$", re.I
)


def _antecedent(item: ItemProposal, texts: list[str]) -> str:
    """What "this" refers to in "requested this to be on the work programme": the report or
    update named just before it, else the item itself."""
    for earlier in texts[::-1]:
        match = _WP_ANTECEDENT.search(earlier)
        if match:
            return match["topic"]
        match = re.search(
            r"\b(?:update|report|briefing)\s+on\s+(?:the\s+)?(?P<topic>[^.,;]{3,120})",
            earlier,
            re.I,
        )
        if match:
            return match["topic"]
    return item.title


def _clauses_with_targets(sentence: str) -> list[tuple[str, str]]:
    """Split "receive a report in July 2016, and a full update in autumn 2016" at its targets."""
    targets = find_targets(sentence)
    if len(targets) <= 1:
        return [(sentence, targets[0].group(0) if targets else "")]
    clauses = []
    start = 0
    for index, target in enumerate(targets):
        if index + 1 < len(targets):
            gap = sentence[target.end() : targets[index + 1].start()]
            cut = re.search(r",?\s+and\s+|;\s*|,\s+", gap)
            end = target.end() + cut.start() if cut else target.end()
            nxt = target.end() + cut.end() if cut else target.end()
        else:
            end = nxt = len(sentence)
        clauses.append((sentence[start:end].strip(" ,;"), target.group(0)))
        start = nxt
    return clauses


_TO_COMMITTEE = re.compile(
    r"\b(?:to|at|before)\s+(?:the\s+|this\s+|a\s+)?(?:[\w'&-]+\s+){0,6}?(?:committee|sub-committee|panel|members|councillors)\b",
    re.I,
)


def _find_report_backs(item, sentences, decisions, context) -> None:
    requests = context.meeting.report_back_requests
    seen_months = set()
    candidates = [(text, position) for position, text in enumerate((r.text for r in decisions), 1)]
    candidates += [(s, None) for s in sentences if _REQUESTED.search(s)]
    for text, position in candidates:
        if not _REPORT_BACK.search(text) or _WP_ADDED.search(text) or _WP_MERGED.search(text):
            continue
        for clause, target in _clauses_with_targets(text):
            if not target:
                continue
            if position is None and not (
                _TO_COMMITTEE.search(clause)
                or re.search(r"\b(?:meeting|committee|panel|sub-committee)\b", target, re.I)
            ):
                continue  # "presented to Ofsted in May 2016" is not a report to this committee
            placement = place(target, held_on=context.held_on, calendar=context.calendar)
            key = placement.month or placement.text.lower()
            if position is None and key in seen_months:
                continue  # the narrative repeats a decision already proposed
            seen_months.add(key)
            placement = context.place(target, "report back due", item)
            requests.append(
                ReportBackRequest(
                    item=item.label,
                    text=_short(clause, 500),
                    target=_target_proposal(placement),
                    resolution=position,
                )
            )


def _find_undertakings(item, sentences, context) -> None:
    for sentence in sentences:
        if re.match(r"^that\b", sentence, re.I) or _DECISION_START.match(sentence):
            continue
        if _UNDERTAKING.search(sentence) and _RECIPIENT.search(sentence):
            if re.search(
                r"\b(?:asked|queried|questioned|requested)\s+(?:if|whether|why|how|what)\b",
                sentence,
                re.I,
            ) and not re.search(
                r"\b(?:replied|confirmed|stated|said|agreed|responded|advised|undertook)\b",
                sentence,
                re.I,
            ):
                continue
            context.meeting.undertakings.append(
                Undertaking(item=item.label, text=_short(sentence, 500))
            )


def _kind(resolution: ResolutionProposal, item: ItemProposal, context: _Context) -> str:
    if resolution.kind == "recommendation" or _RECOMMENDATION.search(resolution.text):
        return "recommendation"
    position = item.resolutions.index(resolution) + 1
    if any(
        r.item == item.label and r.resolution == position
        for r in context.meeting.report_back_requests
    ):
        return "report_back"
    if _WP_ADDED.search(resolution.text) or _WP_MERGED.search(resolution.text):
        return "report_back"
    if _ACTION_VERB.search(resolution.text):
        return "action"
    return "note"


def describe(proposal: Proposal) -> str:
    """The proposal as an officer reads it in a terminal (`--format text`)."""
    out = []
    for meeting in proposal.meetings:
        when = " ".join(filter(None, [meeting.date or "date unknown", meeting.time]))
        out.append(f"{meeting.committee}: {when}" + (f", {meeting.venue}" if meeting.venue else ""))
        for item in meeting.items:
            out.append(
                f"  {item.label if item.number is not None else '-'} {item.title} [{item.outcome}]"
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
