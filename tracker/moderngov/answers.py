"""Reading the web service's XML answers into plain records, refusing what is not its shape.

The service answers GetCommittees with <committees>, GetMeetings with <getmeetings> (a
<committee> holding <committeemeetings>), and GetMeeting with one <meeting> holding its
<agendaitems> and <attendees>. Element names are lower case; dates are dd/mm/yyyy and times
as a clerk types them ("10.00 am", "7:30 pm"); titles often arrive HTML-encoded twice
("Chair&amp;#39;s"). A missing id, a date that is not a date or another root element is
`AnswerRefused`: nothing of that answer is used. Elements we do not read are ignored.

Of a restricted (exempt) item only its id, number, public heading and Schedule 12A paragraph
are read: its agenda text, minutes and documents are never looked at, so they cannot be kept.
"""

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class ServiceFault(Exception):
    """The web service could not be used: unreachable, slow, an error status or a bad answer.
    `retry` says whether asking again may help."""

    retry = True


class AnswerRefused(ServiceFault):
    """An answer that is not in the service's shape (malformed, cut short, other elements)."""


@dataclass(frozen=True)
class CommitteeEntry:
    id: int
    title: str
    expired: bool = False
    deleted: bool = False


@dataclass(frozen=True)
class AgendaEntry:
    id: int
    position: int
    number: int | None
    title: str
    restricted: bool
    paragraph: int | None = None  # Schedule 12A, when modern.gov names it


@dataclass(frozen=True)
class AttendeeEntry:
    member_id: int
    name: str
    role: str


@dataclass(frozen=True)
class MeetingEntry:
    id: int
    date: dt.date
    time: dt.time | None
    status: str
    venue: str = ""
    items: tuple[AgendaEntry, ...] = field(default=())
    attendees: tuple[AttendeeEntry, ...] = field(default=())


def parse(body: bytes, root: str) -> Element:
    """The document's root element, which must be `root`."""
    try:
        element = fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise AnswerRefused(
            f"the answer declares entities or a DTD ({type(exc).__name__})"
        ) from None
    except (ParseError, ValueError) as exc:
        raise AnswerRefused(f"the answer is not well-formed XML ({exc})") from None
    if element.tag.lower() != root:
        raise AnswerRefused(f"expected <{root}>, the answer is <{element.tag}>")
    return element


def text(element: Element, name: str) -> str:
    """The text of `element`'s child `name`, entities decoded twice as the service needs."""
    child = element.find(name)
    if child is None or child.text is None:
        return ""
    return " ".join(html.unescape(child.text).split())


def number(value: str, what: str) -> int:
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 2**31:
        raise AnswerRefused(f"{what} is {value[:40]!r}, not an id")
    return int(value)


def flag(value: str) -> bool:
    return value.strip().lower() == "true"


def date(value: str, what: str) -> dt.date:
    try:
        return dt.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise AnswerRefused(f"{what} is {value[:40]!r}, not a dd/mm/yyyy date") from None


CLOCK = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)
CLOCK_24 = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")


def time(value: str) -> dt.time | None:
    """A meeting's start as the clerk typed it, or None when there is none or it is unclear."""
    value = value.strip()
    if match := CLOCK.match(value):
        hour, minute = int(match[1]), int(match[2] or 0)
        if 1 <= hour <= 12 and minute < 60:
            return dt.time(hour % 12 + (12 if match[3].lower() == "p" else 0), minute)
    if (match := CLOCK_24.match(value)) and int(match[1]) < 24 and int(match[2]) < 60:
        return dt.time(int(match[1]), int(match[2]))
    return None


PARAGRAPH = re.compile(r"\bparagraphs?\s+(\d)\b", re.IGNORECASE)


def paragraph(*texts: str) -> int | None:
    """The Schedule 12A paragraph a restricted item names, if it names one (1 to 7)."""
    for value in texts:
        if (match := PARAGRAPH.search(value or "")) and 1 <= int(match[1]) <= 7:
            return int(match[1])
    return None


TITLE_LENGTH = 200  # Committee.name's max_length


def committees(body: bytes) -> list[CommitteeEntry]:
    """GetCommittees."""
    root = parse(body, "committees")
    return [
        CommitteeEntry(
            id=number(text(c, "committeeid"), "a committee's id"),
            # A committee's name is kept in 200 characters: a longer title is cut, so that
            # the next sync sees the same name and does not rename it again.
            title=(text(c, "committeetitle") or "(untitled)")[:TITLE_LENGTH].rstrip(),
            expired=flag(text(c, "committeeexpired")),
            deleted=flag(text(c, "committeedeleted")),
        )
        for c in root.findall("committee")
    ]


def meetings(body: bytes, committee_id: int) -> list[MeetingEntry]:
    """GetMeetings for one committee: each meeting's id, date, time and status."""
    root = parse(body, "getmeetings")
    found = []
    for committee in root.findall("committee"):
        if number(text(committee, "committeeid"), "the committee's id") != committee_id:
            raise AnswerRefused(f"asked for committee {committee_id}, the answer is another's")
        for m in committee.iterfind("committeemeetings/meeting"):
            found.append(meeting_header(m))
    return found


def meeting_header(m: Element) -> MeetingEntry:
    meeting_id = number(text(m, "meetingid"), "a meeting's id")
    return MeetingEntry(
        id=meeting_id,
        date=date(text(m, "meetingdate"), f"meeting {meeting_id}'s date"),
        time=time(text(m, "meetingtime")),
        status=text(m, "meetingstatus"),
    )


def meeting(body: bytes, meeting_id: int) -> MeetingEntry:
    """GetMeeting: the meeting with its venue, agenda items and attendees."""
    root = parse(body, "meeting")
    header = meeting_header(root)
    if header.id != meeting_id:
        raise AnswerRefused(f"asked for meeting {meeting_id}, the answer is meeting {header.id}")
    items = []
    for position, item in enumerate(root.iterfind("agendaitems/agendaitem"), start=1):
        title = text(item, "agendaitemtitle")
        if not title:
            continue  # a heading row with nothing to track
        restricted = flag(text(item, "isrestricted"))
        printed = text(item, "fulldisplaynumberformat").rstrip(".") or text(
            item, "agendaitemnumber"
        )
        references = [
            html.unescape(child.text or "")
            for child in item.iter()
            if child.tag.lower() == "restrictionsref"
        ]
        items.append(
            AgendaEntry(
                id=number(text(item, "agendaitemid"), "an agenda item's id"),
                position=position,
                number=int(printed)
                if printed.isascii() and printed.isdigit() and 0 < int(printed) < 10000
                else None,
                title=title[:300],
                restricted=restricted,
                paragraph=paragraph(title, *references) if restricted else None,
            )
        )
    attendees = []
    for attendee in root.iterfind("attendees/attendee"):
        member = attendee.get("memberid", "")
        if not member.strip():
            continue  # an officer or guest with no modern.gov user
        attendees.append(
            AttendeeEntry(
                member_id=number(member, "an attendee's member id"),
                name=" ".join(html.unescape(attendee.get("name", "")).split())[:200],
                role=" ".join(attendee.get("roledescription", "").split()),
            )
        )
    return MeetingEntry(
        id=header.id,
        date=header.date,
        time=header.time,
        status=header.status,
        venue=text(root, "meetinglocation")[:300],
        items=tuple(items),
        attendees=tuple(attendees),
    )
