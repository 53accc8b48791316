"""A council's modern.gov web service, on this machine: a real HTTP server in a thread that
answers `/mgWebService.asmx/<Method>` as the service does, in the shapes it is documented to
return, from a small in-memory council the tests change. The XML is written here, by us.

Faults are queued per method: each request to the method takes the next fault, and answers
normally once the queue is empty, so "fails once, then answers" and "always fails" are both
easy to say. Kinds: "500", "timeout", "malformed", "truncated", "unexpected" (another root
element), "huge" (an answer larger than the client's cap) and "entities" (a DTD bomb).
"""

import datetime as dt
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape, quoteattr

D = dt.date


@dataclass
class Item:
    id: int
    number: int | None
    title: str
    restricted: bool = False
    text: str = ""  # the agenda text; for a restricted item, what must never be kept
    restriction: str = ""  # a linked document's restrictionsRef, e.g. "Paragraph 3"


@dataclass
class Attendee:
    id: int
    name: str
    role: str


@dataclass
class MeetingRecord:
    id: int
    date: dt.date
    time: str = "7.00 pm"
    status: str = "Confirmed"
    venue: str = "Committee Room 1, Civic Offices"
    items: list[Item] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)


@dataclass
class CommitteeRecord:
    id: int
    title: str
    meetings: list[MeetingRecord] = field(default_factory=list)


class Council:
    def __init__(self):
        self.committees: dict[int, CommitteeRecord] = {}
        self.faults: dict[str, list[str]] = defaultdict(list)
        self.requests: list[str] = []
        self.huge_bytes = 6_000_000
        self.slow_seconds = 2.0
        self.ignores_dates = False  # some services answer every meeting, whatever the dates

    def committee(self, record: CommitteeRecord) -> CommitteeRecord:
        self.committees[record.id] = record
        return record

    def meeting(self, meeting_id: int) -> MeetingRecord | None:
        for committee in self.committees.values():
            for meeting in committee.meetings:
                if meeting.id == meeting_id:
                    return meeting
        return None

    # --- The answers, as the service writes them ----------------------------------------------

    def committees_xml(self) -> str:
        rows = "".join(
            f"<committee><committeeid>{c.id}</committeeid>"
            f"<committeetitle>{escape(c.title)}</committeetitle>"
            "<committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired>"
            "<committeecategory>Scrutiny</committeecategory></committee>"
            for c in self.committees.values()
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<committees>'
            f"<committeescount> {len(self.committees)}</committeescount>{rows}</committees>"
        )

    def meetings_xml(self, committee_id: int, date_from: dt.date, date_to: dt.date) -> str:
        committee = self.committees.get(committee_id)
        rows = ""
        if committee is not None:
            chosen = [
                m
                for m in committee.meetings
                if self.ignores_dates or date_from <= m.date <= date_to
            ]
            meetings = "".join(
                f"<meeting><meetingid>{m.id}</meetingid><meetingdate>{m.date:%d/%m/%Y}</meetingdate>"
                f"<meetingstatus>{escape(m.status)}</meetingstatus><meetingtime>{escape(m.time)}</meetingtime>"
                "<iswebcast>False</iswebcast></meeting>"
                for m in chosen
            )
            rows = (
                f"<committee><committeeid>{committee.id}</committeeid>"
                f"<committeetitle>{escape(committee.title)}</committeetitle>"
                f"<committeemeetingcount> {len(chosen)}</committeemeetingcount>"
                f"<committeemeetings>{meetings}</committeemeetings></committee>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<getmeetings>'
            f"<meetingscount> 0</meetingscount><committeescount> 1</committeescount>{rows}</getmeetings>"
        )

    def meeting_xml(self, meeting_id: int) -> str:
        m = self.meeting(meeting_id)
        if m is None:
            return '<?xml version="1.0" encoding="utf-8"?>\n<meeting></meeting>'
        items = []
        for position, item in enumerate(m.items, start=1):
            # modern.gov encodes titles twice: an apostrophe arrives as &amp;#39;
            title = escape(item.title.replace("'", "&#39;"))
            docs = (
                "<linkeddocuments><linkeddoc><attachmentid>9</attachmentid>"
                f"<title>{escape(item.text[:40])}</title><isrestricted>True</isrestricted>"
                f"<restrictionsRef>{escape(item.restriction)}</restrictionsRef></linkeddoc></linkeddocuments>"
                if item.restricted
                else ""
            )
            items.append(
                f"<agendaitem><agendaitemid>{item.id}</agendaitemid>"
                f"<agendaitemtitle>{title}</agendaitemtitle>"
                f"<agendatext>{escape('<p>' + escape(item.text) + '</p>')}</agendatext>"
                f"<agendaitemnumber>{position + 3}</agendaitemnumber>"
                f"<fulldisplaynumberformat>{'' if item.number is None else f'{item.number}.'}</fulldisplaynumberformat>"
                f"<isrestricted>{item.restricted}</isrestricted>{docs}"
                f"<minutesnonemptyhtmlbody>{escape(item.text)}</minutesnonemptyhtmlbody>"
                "</agendaitem>"
            )
        attendees = "".join(
            f'<attendee membertype="U" memberid="{a.id}" name={quoteattr(a.name)} '
            f'roledescription={quoteattr(a.role)} attendance="Expected" politicalparty="IND">'
            f"<url>https://democracy.riverside.example/mgUserInfo.aspx?UID={a.id}</url></attendee>"
            for a in m.attendees
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<meeting>'
            f"<meetingid>{m.id}</meetingid><meetingdate>{m.date:%d/%m/%Y}</meetingdate>"
            f"<meetingstatus>{escape(m.status)}</meetingstatus><meetingtime>{escape(m.time)}</meetingtime>"
            f"<meetinglocation>{escape(m.venue)}</meetinglocation><agendapublished>True</agendapublished>"
            f"<agendaitems>{''.join(items)}</agendaitems><attendees>{attendees}</attendees></meeting>"
        )

    def answer(self, method: str, query: dict) -> str | None:
        one = {k: v[0] for k, v in query.items()}
        if method == "GetCommittees":
            return self.committees_xml()
        if method == "GetMeetings":
            day = lambda s: dt.datetime.strptime(s, "%d/%m/%Y").date()  # noqa: E731
            return self.meetings_xml(
                int(one["lCommitteeId"]), day(one["sFromDate"]), day(one["sToDate"])
            )
        if method == "GetMeeting":
            return self.meeting_xml(int(one["lMeetingId"]))
        return None


def handler_for(council: Council):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urlparse(self.path)
            prefix = "/mgWebService.asmx/"
            method = url.path[len(prefix) :] if url.path.startswith(prefix) else ""
            council.requests.append(method)
            fault = council.faults[method].pop(0) if council.faults[method] else None
            if fault == "timeout":
                time.sleep(council.slow_seconds)
            if fault == "500":
                return self.send("<html>Server Error</html>", 500, "text/html")
            if fault == "malformed":
                return self.send("<committees><committee><committeeid>1</committee>")
            if fault == "unexpected":
                return self.send('<?xml version="1.0"?><soap:Fault xmlns:soap="x">no</soap:Fault>')
            if fault == "entities":
                return self.send(
                    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><committees>&b;</committees>'
                )
            if fault == "huge":
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.end_headers()
                chunk = b"<!-- padding padding padding padding -->" * 1000
                sent = 0
                try:
                    while sent < council.huge_bytes:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                except OSError:
                    pass  # the client stopped reading, as it should
                return None
            body = council.answer(method, parse_qs(url.query))
            if body is None:
                return self.send("Web Service method name is not valid.", 500, "text/plain")
            if fault == "truncated":
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return None
            return self.send(body)

        def send(self, body: str, status: int = 200, kind: str = "text/xml; charset=utf-8"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return None

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that stops reading a huge answer, as it should, is no error here


class Running:
    """The server, started in a thread on a free port of 127.0.0.1."""

    def __init__(self, council: Council):
        self.council = council
        self.server = Server(("127.0.0.1", 0), handler_for(council))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
