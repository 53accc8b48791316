"""Odd but readable answers from modern.gov: a number that only looks like a number, a title
longer than the tracker keeps, a meeting dated far outside the dates asked about. Each is read
as well as it can be or left out with a fault or difference said; the other committees are
applied; and a run always ends, whatever raises, so none is left "running"."""

import datetime as dt

import pytest

from committees.models import AgendaItem, Committee, Meeting
from tests.moderngov.conftest import CHILDREN, HEALTH
from tests.moderngov.council_service import Item, MeetingRecord
from tracker.moderngov import answers
from tracker.moderngov import sync as sync_module
from tracker.moderngov.models import SyncRun
from tracker.moderngov.sync import sync_authority

D = dt.date
CS = "Children's Services Overview and Scrutiny Committee"


def test_a_superscript_agenda_number_is_read_as_no_number():
    body = (
        "<meeting><meetingid>5002</meetingid><meetingdate>14/01/2027</meetingdate>"
        "<agendaitems><agendaitem><agendaitemid>7001</agendaitemid>"
        "<agendaitemtitle>Minutes</agendaitemtitle>"
        "<fulldisplaynumberformat>²</fulldisplaynumberformat></agendaitem>"
        "<agendaitem><agendaitemid>7002</agendaitemid><agendaitemtitle>Budget</agendaitemtitle>"
        "<fulldisplaynumberformat>٣.</fulldisplaynumberformat></agendaitem>"
        "<agendaitem><agendaitemid>7003</agendaitemid><agendaitemtitle>Plan</agendaitemtitle>"
        "<fulldisplaynumberformat>6.</fulldisplaynumberformat></agendaitem>"
        "</agendaitems></meeting>"
    ).encode()
    read = answers.meeting(body, 5002)
    assert [(item.id, item.number) for item in read.items] == [
        (7001, None),
        (7002, None),
        (7003, 6),
    ]


def test_a_superscript_id_is_refused_as_not_an_id():
    body = "<committees><committee><committeeid>¹⁴⁴</committeeid></committee></committees>"
    with pytest.raises(answers.AnswerRefused) as refused:
        answers.committees(body.encode())
    assert str(refused.value) == "a committee's id is '¹⁴⁴', not an id"


@pytest.mark.django_db
def test_an_odd_agenda_number_does_not_stop_the_sync(riverside, council, service, december_2026):
    council.committees[CHILDREN].meetings[1].items[1].number = "²"

    outcome = sync_authority(riverside, service=service())

    run = SyncRun.objects.get()
    assert (run.status, run.faults) == ("done", [])
    assert run.finished_at is not None
    assert list(
        AgendaItem.objects.filter(meeting__moderngov_id=5002)
        .order_by("position")
        .values_list("title", "number")
    ) == [
        ("Minutes of the previous meeting", 5),
        ("Placement Stability Update", None),
        ("Children's Social Care Performance", 7),
        ("Contract award: residential placements", 8),
    ]
    assert Committee.objects.get(moderngov_id=HEALTH).meetings.count() == 1
    assert outcome.run == run


@pytest.mark.django_db
def test_a_committee_whose_answer_cannot_be_read_for_any_reason_is_a_fault_and_the_rest_go_on(
    riverside, service, december_2026, monkeypatch
):
    read = answers.meeting

    def meeting(body, meeting_id):
        if meeting_id == 5002:
            raise KeyError("agendaitems")
        return read(body, meeting_id)

    monkeypatch.setattr(answers, "meeting", meeting)

    sync_authority(riverside, service=service())

    run = SyncRun.objects.get()
    assert run.status == "partly"
    assert run.finished_at is not None
    assert run.faults == [
        f"{CS} ({CHILDREN}): its answers could not be read (an error in the tracker: KeyError). "
        "Nothing of this committee changed."
    ]
    assert not Committee.objects.filter(moderngov_id=CHILDREN).exists()
    assert Committee.objects.get(moderngov_id=HEALTH).meetings.count() == 1


@pytest.mark.django_db
def test_a_run_is_finished_as_failed_whatever_raises_and_the_error_still_raises(
    riverside, service, december_2026, monkeypatch
):
    def explode(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(sync_module, "apply_committee", explode)

    with pytest.raises(RuntimeError):
        sync_authority(riverside, service=service())

    run = SyncRun.objects.get()
    assert run.status == "failed"
    assert run.finished_at is not None
    assert run.faults == ["The sync stopped part way (an error in the tracker: RuntimeError)."]
    assert run.questions == 1  # GetCommittees, before the error


@pytest.mark.django_db
def test_a_failed_listing_that_raises_unexpectedly_still_finishes_the_run(
    riverside, december_2026, monkeypatch, service
):
    web = service()
    monkeypatch.setattr(web, "committees", lambda: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        sync_authority(riverside, service=web)

    run = SyncRun.objects.get()
    assert (run.status, run.faults) == (
        "failed",
        ["The sync stopped part way (an error in the tracker: ZeroDivisionError)."],
    )
    assert run.finished_at is not None


LONG = "Environment, Transport, Housing and Regeneration Overview and Scrutiny " * 4
CUT = LONG[:200].rstrip()  # what the tracker keeps: its 200 characters, no trailing space


@pytest.mark.django_db
def test_an_over_long_committee_title_is_cut_to_fit_and_syncs_cleanly_every_time(
    riverside, council, service, december_2026
):
    council.committees[HEALTH].title = LONG
    assert len(LONG.strip()) > 200 and CUT.endswith("Regeneration Overview")

    first = sync_authority(riverside, service=service())
    second = sync_authority(riverside, service=service())

    committee = Committee.objects.get(moderngov_id=HEALTH)
    assert committee.name == CUT
    assert (first.run.status, first.run.faults) == ("done", [])
    assert (second.run.status, second.run.faults, second.run.changes) == ("done", [], [])


@pytest.mark.django_db
def test_an_over_long_title_is_cut_when_a_committee_is_renamed(
    riverside, council, service, december_2026
):
    sync_authority(riverside, service=service())
    council.committees[HEALTH].title = LONG

    first = sync_authority(riverside, service=service())
    second = sync_authority(riverside, service=service())

    assert first.run.changes == [f"Health Overview and Scrutiny Committee: renamed {CUT}"]
    assert (second.run.status, second.run.faults, second.run.changes) == ("done", [], [])


@pytest.mark.django_db
def test_meetings_dated_far_outside_the_dates_asked_about_are_left_out_every_time(
    riverside, council, service, december_2026
):
    council.ignores_dates = True
    council.committees[HEALTH].meetings += [
        MeetingRecord(6002, D(9999, 12, 31), items=[Item(8002, 1, "Far future")]),
        MeetingRecord(6003, D(1900, 1, 1), items=[Item(8003, 1, "Long past")]),
    ]

    first = sync_authority(riverside, service=service())
    second = sync_authority(riverside, service=service())

    assert (first.run.status, first.run.faults) == ("done", [])
    assert (second.run.status, second.run.faults, second.run.changes) == ("done", [], [])
    assert list(Meeting.objects.filter(committee__moderngov_id=HEALTH).values_list("date")) == [
        (D(2027, 1, 20),)
    ]
    assert Meeting.objects.filter(committee__moderngov_id=CHILDREN).count() == 3
