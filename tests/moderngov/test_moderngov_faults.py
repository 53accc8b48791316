"""When modern.gov misbehaves: every fault is retried, then reported, and a committee whose
answers could not be read whole (or applied whole) changes nothing, while the others go on."""

import datetime as dt
import socket

import pytest
from django.core.exceptions import ValidationError

from committees.models import AgendaItem, Committee, Meeting
from tests.moderngov.conftest import CHILDREN, HEALTH
from tracker.moderngov import answers
from tracker.moderngov.answers import AnswerRefused
from tracker.moderngov.client import WebService
from tracker.moderngov.models import SyncRun
from tracker.moderngov.sync import CommitteeSync, sync_authority

D = dt.date
CS = "Children's Services Overview and Scrutiny Committee"


def fault_said(kind: str, url: str) -> str:
    """What the run reports for each fault, after three attempts at GetMeeting(5001)."""
    address = f"{url}/mgWebService.asmx/GetMeeting"
    return {
        "500": f"HTTP 500 from {address}",
        "timeout": f"{address} did not answer within 0.5 s",
        "malformed": "the answer is not well-formed XML (mismatched tag: line 1, column 39)",
        "truncated": f"{address}: ChunkedEncodingError",
        "unexpected": "expected <meeting>, the answer is <{x}Fault>",
        "huge": f"the answer from {address} is larger than 50,000 bytes",
        "entities": "the answer declares entities or a DTD (DTDForbidden)",
    }[kind]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind", ["500", "timeout", "malformed", "truncated", "unexpected", "huge", "entities"]
)
def test_a_fault_that_lasts_is_reported_and_its_committee_is_left_as_it_was(
    kind, riverside, council, web, december_2026
):
    council.huge_bytes = 400_000
    council.slow_seconds = 1.5
    council.faults["GetMeeting"] = [kind] * 3  # the children's committee's first meeting

    outcome = sync_authority(
        riverside,
        service=WebService(web.url, pause=0, timeout=0.5, max_bytes=50_000),
    )

    run = outcome.run
    assert run.status == "partly"
    assert run.faults == [
        f"{CS} ({CHILDREN}): GetMeeting(lMeetingId=5001): {fault_said(kind, web.url)} "
        "(asked 3 times). Nothing of this committee changed."
    ]
    assert not Committee.objects.filter(moderngov_id=CHILDREN).exists()
    assert Committee.objects.get(moderngov_id=HEALTH).meetings.count() == 1
    # Three attempts at 5001; the rest of that committee is not asked; then Health's 6001.
    assert council.requests.count("GetMeeting") == 4


@pytest.mark.django_db
def test_a_fault_that_passes_is_retried_and_everything_applied(
    riverside, council, service, december_2026
):
    council.faults["GetMeeting"] = ["500", "truncated"]
    council.faults["GetMeetings"] = ["timeout"]
    council.slow_seconds = 1.5

    outcome = sync_authority(riverside, service=service(timeout=0.5))

    assert (outcome.run.status, outcome.run.faults) == ("done", [])
    assert outcome.run.questions == 1 + (1 + 1) + (3 + 2) + 1 + 1
    assert Meeting.objects.count() == 4
    assert AgendaItem.objects.count() == 6


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_connection_refused_is_reported_and_nothing_changes(authority, december_2026):
    url = f"http://127.0.0.1:{closed_port()}"
    authority.moderngov_url = url
    authority.moderngov_committee_ids = [CHILDREN]
    authority.save()

    outcome = sync_authority(authority, service=WebService(url, pause=0, timeout=0.5))

    run = SyncRun.objects.get()
    assert run == outcome.run
    assert run.status == "failed"
    assert run.faults == [
        "The list of committees could not be read: GetCommittees(): "
        f"{url}/mgWebService.asmx/GetCommittees: the connection was refused (asked 3 times). "
        "Nothing changed."
    ]
    assert Committee.objects.count() == 0


@pytest.mark.django_db
def test_a_committee_that_cannot_be_applied_whole_is_not_applied_at_all(
    riverside, service, december_2026, monkeypatch
):
    """Its meetings and items were saved before the failure: they are rolled back with it."""

    def refuse(self):
        if self.committee.moderngov_id == CHILDREN:
            raise ValidationError("a member could not be saved")

    monkeypatch.setattr(CommitteeSync, "sync_members", refuse)

    outcome = sync_authority(riverside, service=service())

    assert outcome.run.faults == [
        f"{CS} ({CHILDREN}): could not be applied (a member could not be saved). "
        "Nothing of it changed."
    ]
    assert not Committee.objects.filter(moderngov_id=CHILDREN).exists()
    assert not Meeting.objects.filter(moderngov_id__in=[5001, 5002, 5003]).exists()
    assert [line.split(":")[0] for line in outcome.run.changes] == [
        "Health Overview and Scrutiny Committee"
    ] * 3


def test_an_answer_with_a_date_that_is_not_a_date_is_refused_whole():
    body = (
        b"<getmeetings><committee><committeeid>144</committeeid><committeemeetings>"
        b"<meeting><meetingid>1</meetingid><meetingdate>14/01/2027</meetingdate></meeting>"
        b"<meeting><meetingid>2</meetingid><meetingdate>31/02/2027</meetingdate></meeting>"
        b"</committeemeetings></committee></getmeetings>"
    )
    with pytest.raises(AnswerRefused) as refused:
        answers.meetings(body, 144)
    assert str(refused.value) == "meeting 2's date is '31/02/2027', not a dd/mm/yyyy date"


def test_elements_the_tracker_does_not_read_are_ignored_and_titles_decoded():
    body = (
        b"<meeting><meetingid>7</meetingid><meetingdate>14/01/2027</meetingdate>"
        b"<meetingtime>7.30 pm</meetingtime><webcastcode>abc</webcastcode>"
        b"<agendaitems><agendaitem><agendaitemid>70</agendaitemid>"
        b"<agendaitemtitle>Chair&amp;#39;s Announcements</agendaitemtitle><newfield/>"
        b"<fulldisplaynumberformat>3.</fulldisplaynumberformat></agendaitem></agendaitems>"
        b"</meeting>"
    )
    meeting = answers.meeting(body, 7)
    assert (meeting.time, meeting.items) == (
        dt.time(19, 30),
        (answers.AgendaEntry(70, 1, 3, "Chair's Announcements", False),),
    )


def test_an_answer_for_another_committee_is_refused():
    body = b"<getmeetings><committee><committeeid>163</committeeid></committee></getmeetings>"
    with pytest.raises(AnswerRefused) as refused:
        answers.meetings(body, 144)
    assert str(refused.value) == "asked for committee 144, the answer is another's"


@pytest.mark.django_db
def test_a_service_that_redirects_is_not_followed_and_says_where_it_went(
    authority, web, council, december_2026, monkeypatch
):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Moved(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(301)
            self.send_header(
                "Location", "https://democracy.riverside.example/mgWebService.asmx/GetCommittees"
            )
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Moved)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    authority.moderngov_url = url
    authority.moderngov_committee_ids = [CHILDREN]
    authority.save()
    try:
        outcome = sync_authority(authority, service=WebService(url, pause=0, timeout=0.5))
    finally:
        server.shutdown()
        server.server_close()

    assert outcome.run.faults == [
        f"The list of committees could not be read: GetCommittees(): HTTP 301 from "
        f"{url}/mgWebService.asmx/GetCommittees: the service is at "
        "https://democracy.riverside.example/mgWebService.asmx/GetCommittees; give that site's "
        "address on the authority (asked 1 time). Nothing changed."
    ]


@pytest.mark.django_db
def test_a_slow_service_uses_up_the_syncs_time_and_the_rest_waits_for_the_next_run(
    riverside, council, december_2026
):
    council.slow_seconds = 0.4
    council.faults["GetMeetings"] = ["timeout"]  # answers, slowly, within the timeout

    outcome = sync_authority(
        riverside, service=WebService(council_url(riverside), pause=0, timeout=2, budget=0.3)
    )

    assert outcome.run.status == "failed"
    assert outcome.run.faults == [
        f"{CS} ({CHILDREN}): GetMeeting: not asked, the sync's 0.3 s were used up. Nothing "
        "of this committee changed.",
        "Health Overview and Scrutiny Committee (163): GetMeetings: not asked, the sync's 0.3 s "
        "were used up. Nothing of this committee changed.",
    ]
    assert Committee.objects.count() == 0


def council_url(authority) -> str:
    return authority.moderngov_url
