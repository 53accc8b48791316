"""The reminder rules, proved by moving the clock (never by sleeping).

The February 2018 meeting of Children's Services O&S (Tuesday 13 February) has its report
deadline on Tuesday 30 January 2018: ten working days before it. "Due in 10 working days"
therefore goes on Tuesday 16 January, "due in 3" on Thursday 25 January, and "overdue" on
Wednesday 31 January, the first working day after the deadline. Reminders go from 08:00
Europe/London (REMINDER_HOUR), whatever the season.
"""

import datetime as dt
import io
import smtplib
import threading
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from actions.models import Action, ExecutiveResponse, Resolution
from actions.progress import sign_off
from committees import calendar
from committees.deferrals import defer_item
from committees.models import (
    AgendaItem,
    Deferral,
    Membership,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
)
from committees.reports import record_report_submitted
from tests.builders import from_a_shell
from tracker.reminders import outbox
from tracker.reminders.ledger import Reminder

# Also run on SQLite by make test: the outbox claims and marks reminders with SQL of each database's own.
pytestmark = pytest.mark.sqlite

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC

DEV = "dev.okafor@riverside.example"
PRIYA = "priya.shah@riverside.example"
ALAN = "alan.marsh@riverside.example"

TITLE = "Children's Social Care Performance"
DUE_SOON_SUBJECT = f"Report due 30 January for Children's Services O&S, 13 February 2018: {TITLE}"
OVERDUE_SUBJECT = (
    f"Overdue: report due 30 January for Children's Services O&S, 13 February 2018: {TITLE}"
)


def at(year, month, day, hour=9, minute=0) -> dt.datetime:
    """A moment on the council's clock (Europe/London)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def sweep_on(year, month, day, hour=9, minute=0):
    return outbox.sweep(now=at(year, month, day, hour, minute))


def sent_to(address: str):
    return [message for message in mail.outbox if address in message.to]


def subjects(messages=None):
    return [message.subject for message in (mail.outbox if messages is None else messages)]


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def report_item(february, dev):
    """Dev's report for the February meeting."""
    return AgendaItem.objects.create(meeting=february, position=1, title=TITLE, report_author=dev)


@pytest.fixture
def sam(db):
    """A report author the tracker has no email address for."""
    return Person.objects.create(name="Sam Patel", job_title="Service Manager, Fostering")


# --- Item deferred ---------------------------------------------------------------------------


@pytest.fixture
def december_evening(set_clock):
    """Tuesday 12 December 2017, after the meeting: the committee has just deferred it."""
    return set_clock(at(2017, 12, 12, 21, 30))


@pytest.fixture
def december_report(december, dev):
    return AgendaItem.objects.create(meeting=december, position=2, title=TITLE, report_author=dev)


def test_it_tells_the_report_author_at_once_when_an_item_is_deferred(
    december_report, february, django_capture_on_commit_callbacks, december_evening
):
    with django_capture_on_commit_callbacks(execute=True):
        defer_item(
            december_report,
            reason="The Ofsted monitoring visit report is not yet published.",
            to_meeting=february,
        )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [DEV]
    assert message.cc == [PRIYA]
    assert message.subject == (
        "Deferred to 13 February 2018: Children's Social Care Performance (Children's Services O&S)"
    )
    assert "the meeting of Tuesday 12 December 2017" in message.body
    assert "the meeting of Tuesday 13 February 2018" in message.body
    assert "The Ofsted monitoring visit report is not yet published." in message.body
    assert "Tuesday 30 January 2018" in message.body
    assert "you are the report author for" in message.body
    assert len(message.alternatives) == 1
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Tuesday 30 January 2018" in html

    reminder = Reminder.objects.get()
    assert reminder.rule == Reminder.Rule.ITEM_DEFERRED
    assert reminder.status == Reminder.Status.SENT
    assert reminder.recipient_email == DEV


def test_the_sweep_does_not_send_a_deferral_email_a_second_time(
    december_report, february, django_capture_on_commit_callbacks, december_evening
):
    with django_capture_on_commit_callbacks(execute=True):
        deferral = defer_item(december_report, reason="Awaiting Ofsted.", to_meeting=february)
    made_on = deferral.created_at.astimezone(LONDON)

    outbox.sweep(now=made_on + dt.timedelta(hours=1))
    outbox.sweep(now=made_on + dt.timedelta(days=1))

    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(rule=Reminder.Rule.ITEM_DEFERRED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_deferral_that_is_rolled_back_tells_nobody(december_report, february):
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        defer_item(december_report, reason="Awaiting Ofsted.", to_meeting=february)
        raise Abandoned

    assert mail.outbox == []
    assert Reminder.objects.count() == 0
    assert Deferral.objects.count() == 0


# --- Report due soon -------------------------------------------------------------------------


def test_it_sends_the_report_due_reminder_ten_working_days_before_the_deadline(report_item):
    sweep_on(2018, 1, 15)
    assert mail.outbox == []

    sweep_on(2018, 1, 16)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [DEV]
    assert message.cc == []
    assert message.subject == DUE_SOON_SUBJECT
    assert "Tuesday 30 January 2018: 10 working days from today" in message.body
    assert "https://scrutiny.example.test/links/report/" in message.body
    reminder = Reminder.objects.get()
    assert reminder.about == f"item:{report_item.pk}:due:10"
    assert reminder.for_date == dt.date(2018, 1, 16)
    assert reminder.sent_at == at(2018, 1, 16)


def test_it_waits_for_the_reminder_hour_before_sending(report_item):
    sweep_on(2018, 1, 16, 7, 59)
    assert mail.outbox == []
    assert Reminder.objects.count() == 0

    sweep_on(2018, 1, 16, 8, 0)
    assert subjects() == [DUE_SOON_SUBJECT]


def test_it_sends_the_report_due_reminder_once_however_often_the_sweep_runs(report_item):
    sweep_on(2018, 1, 16, 8, 5)
    sweep_on(2018, 1, 16, 8, 10)
    sweep_on(2018, 1, 16, 14, 0)
    call_command("send_reminders", "--now", "2018-01-16T17:00", stdout=io.StringIO())
    sweep_on(2018, 1, 17)
    sweep_on(2018, 1, 24)

    assert subjects() == [DUE_SOON_SUBJECT]
    assert Reminder.objects.count() == 1


def test_it_sends_the_report_due_reminder_three_working_days_before_the_deadline(report_item):
    sweep_on(2018, 1, 16)
    mail.outbox.clear()

    sweep_on(2018, 1, 24)
    assert mail.outbox == []

    sweep_on(2018, 1, 25)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [DEV]
    assert mail.outbox[0].subject == DUE_SOON_SUBJECT
    assert "Tuesday 30 January 2018: 3 working days from today" in mail.outbox[0].body
    assert sorted(Reminder.objects.values_list("about", "for_date")) == [
        (f"item:{report_item.pk}:due:10", dt.date(2018, 1, 16)),
        (f"item:{report_item.pk}:due:3", dt.date(2018, 1, 25)),
    ]


def test_after_an_outage_it_sends_only_the_latest_report_due_reminder(report_item):
    # No sweep ran from 15 January until 26 January.
    sweep_on(2018, 1, 26)

    assert len(mail.outbox) == 1
    assert "Tuesday 30 January 2018: 2 working days from today" in mail.outbox[0].body
    reminder = Reminder.objects.get()
    assert reminder.about == f"item:{report_item.pk}:due:3"
    assert reminder.for_date == dt.date(2018, 1, 25)

    sweep_on(2018, 1, 29)
    assert len(mail.outbox) == 1


def test_it_sends_no_report_reminders_once_the_report_is_recorded(report_item):
    record_report_submitted(report_item)

    for day in (dt.date(2018, 1, 16), dt.date(2018, 1, 25), dt.date(2018, 1, 31)):
        sweep_on(day.year, day.month, day.day)

    assert mail.outbox == []
    assert Reminder.objects.count() == 0


def test_it_reminds_the_lead_officer_of_a_planned_topic_with_no_agenda_item_yet(february, dev):
    WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(february),
        title="Youth Justice Plan 2018/19",
        lead_officer=dev,
        target_meeting=february,
    )

    sweep_on(2018, 1, 15)
    assert mail.outbox == []
    sweep_on(2018, 1, 16)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [DEV]
    assert mail.outbox[0].subject == (
        "Report due 30 January for Children's Services O&S, 13 February 2018: "
        "Youth Justice Plan 2018/19"
    )


# --- British Summer Time ---------------------------------------------------------------------


def test_the_reminder_hour_is_london_time_in_summer_and_in_winter(make_meeting, report_item, dev):
    july = make_meeting(dt.date(2018, 7, 17))
    deadline = calendar.report_deadline(july.date, 10)
    assert deadline == dt.date(2018, 7, 3)
    ten_days_before = calendar.working_days_before(deadline, 10)
    assert ten_days_before == dt.date(2018, 6, 19)
    summer_item = AgendaItem.objects.create(
        meeting=july, position=1, title="Annual Fostering Report", report_author=dev
    )

    # 07:30 UTC on 16 January is 07:30 GMT: too early.
    outbox.sweep(now=dt.datetime(2018, 1, 16, 7, 30, tzinfo=UTC))
    assert mail.outbox == []
    # 08:00 UTC is 08:00 GMT: time to send.
    outbox.sweep(now=dt.datetime(2018, 1, 16, 8, 0, tzinfo=UTC))
    assert subjects() == [DUE_SOON_SUBJECT]
    mail.outbox.clear()

    # 06:59 UTC on 19 June is 07:59 BST: too early.
    outbox.sweep(now=dt.datetime(2018, 6, 19, 6, 59, tzinfo=UTC))
    assert mail.outbox == []
    # 07:30 UTC on 19 June is 08:30 BST: the morning has come.
    outbox.sweep(now=dt.datetime(2018, 6, 19, 7, 30, tzinfo=UTC))
    assert subjects() == [
        "Report due 3 July for Children's Services O&S, 17 July 2018: Annual Fostering Report"
    ]
    reminder = Reminder.objects.get(about=f"item:{summer_item.pk}:due:10")
    assert reminder.for_date == dt.date(2018, 6, 19)
    assert reminder.sent_at == dt.datetime(2018, 6, 19, 7, 30, tzinfo=UTC)
    assert reminder.sent_at == at(2018, 6, 19, 8, 30)


# --- Report overdue --------------------------------------------------------------------------


def test_it_sends_the_report_overdue_reminder_the_first_working_day_after_the_deadline(
    report_item,
):
    sweep_on(2018, 1, 25)
    mail.outbox.clear()

    sweep_on(2018, 1, 30)
    assert mail.outbox == []

    sweep_on(2018, 1, 31)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [DEV]
    assert message.cc == [PRIYA]
    assert message.subject.startswith("Overdue: report due 30 January")
    assert message.subject == OVERDUE_SUBJECT

    sweep_on(2018, 2, 1)
    sweep_on(2018, 2, 5)
    assert len(mail.outbox) == 1


# --- Action overdue --------------------------------------------------------------------------


def test_it_reminds_the_owner_of_an_overdue_action_the_next_working_day_then_weekly(
    overdue_action,
):
    sweep_on(2018, 1, 10)
    assert sent_to(DEV) == []

    sweep_on(2018, 1, 11)
    first = sent_to(DEV)
    assert len(first) == 1
    assert first[0].subject == (
        "Overdue by 1 day: action CS (17/18) A01 for Children's Services O&S"
    )
    assert "Wednesday 10 January 2018" in first[0].body
    assert "https://scrutiny.example.test/links/action/" in first[0].body

    for day in range(12, 18):
        sweep_on(2018, 1, day)
    assert len(sent_to(DEV)) == 1

    sweep_on(2018, 1, 18)
    second = sent_to(DEV)
    assert len(second) == 2
    assert second[1].subject == (
        "Overdue by 8 days: action CS (17/18) A01 for Children's Services O&S"
    )
    assert sorted(
        Reminder.objects.filter(rule=Reminder.Rule.ACTION_OVERDUE).values_list(
            "for_date", flat=True
        )
    ) == [dt.date(2018, 1, 11), dt.date(2018, 1, 18)]


def test_it_stops_reminding_about_an_action_once_it_is_signed_off(overdue_action, alan):
    sweep_on(2018, 1, 11)
    assert len(sent_to(DEV)) == 1

    sign_off(
        overdue_action,
        text="Figures circulated to members.",
        by=alan.user,
        as_of=dt.date(2018, 1, 12),
    )
    for day in (18, 25):
        sweep_on(2018, 1, day)

    assert len(sent_to(DEV)) == 1


def test_the_action_reminder_carries_a_signed_update_link(overdue_action):
    sweep_on(2018, 1, 11)

    (message,) = sent_to(DEV)
    links = [
        word
        for word in message.body.split()
        if word.startswith("https://scrutiny.example.test/links/")
    ]
    assert len(links) == 1
    path = links[0].removeprefix("https://scrutiny.example.test")
    assert path.startswith("/links/action/")
    html, _ = message.alternatives[0]
    assert f'href="{links[0]}"' in html


# --- Chair digest ----------------------------------------------------------------------------


@pytest.fixture
def twice_deferred_topic(committee, december):
    topic = WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(december),
        title="School Exclusions",
        status=WorkProgrammeTopic.Status.DEFERRED,
    )
    for month in (10, 11):
        Deferral.objects.create(
            topic=topic,
            to_text="a later meeting",
            reason="Data not ready.",
            created_at=dt.datetime(2017, month, 1, 10, 0, tzinfo=LONDON),
        )
    return topic


def test_the_chair_gets_one_weekly_digest_on_monday(
    overdue_action, twice_deferred_topic, other_committee
):
    hannah = Person.objects.create(
        name="Hannah Lee", email="hannah.lee@riverside.example", is_councillor=True
    )
    Membership.objects.create(
        committee=other_committee,
        person=hannah,
        role=Membership.Role.CHAIR,
        start_date=dt.date(2017, 5, 20),
    )

    sweep_on(2018, 1, 15)

    digests = sent_to(ALAN)
    assert len(digests) == 1
    assert digests[0].cc == [PRIYA]
    assert "1 overdue" in digests[0].subject
    assert digests[0].subject == (
        "Children's Services O&S weekly digest: 1 overdue, 0 due before the next meeting, "
        "1 deferred twice or more"
    )
    assert "CS (17/18) A01" in digests[0].body
    assert "School Exclusions: deferred 2 times" in digests[0].body
    assert sent_to("hannah.lee@riverside.example") == []
    assert Reminder.objects.filter(rule=Reminder.Rule.CHAIR_DIGEST).count() == 1

    sweep_on(2018, 1, 16)
    assert len(sent_to(ALAN)) == 1


def test_the_digest_names_an_exempt_deferred_topic_only_by_its_public_title(
    overdue_action, twice_deferred_topic
):
    # Set as the exemption service would after the item it came from went into Part 2.
    WorkProgrammeTopic.objects.filter(pk=twice_deferred_topic.pk).update(
        is_exempt=True,
        exempt_paragraph=3,
        title="Exclusions at Riverside Academy: the named pupils' appeals",
        public_title="A school's exclusions (exempt)",
    )

    sweep_on(2018, 1, 15)

    [digest] = sent_to(ALAN)
    assert "A school's exclusions (exempt): deferred 2 times" in digest.body
    [(html, _)] = digest.alternatives
    assert "A school&#x27;s exclusions (exempt): deferred 2 times" in html
    assert "Riverside Academy" not in digest.body
    assert "Riverside Academy" not in html


# --- Executive response ----------------------------------------------------------------------


@pytest.fixture
def jo(db):
    return Person.objects.create(
        name="Jo Baker", email="jo.baker@riverside.example", is_councillor=True
    )


@pytest.fixture
def pending_response(december_item, jo):
    resolution = Resolution.objects.create(
        agenda_item=december_item,
        text="That the Cabinet fund two more placement support workers.",
        kind=Resolution.Kind.RECOMMENDATION,
    )
    return ExecutiveResponse.objects.create(
        resolution=resolution, responsible=jo, referred_on=dt.date(2018, 1, 15)
    )


def test_it_warns_two_weeks_before_an_executive_response_is_due_and_on_the_day(
    pending_response,
):
    assert pending_response.response_due == dt.date(2018, 3, 15)

    sweep_on(2018, 2, 28)
    assert mail.outbox == []

    sweep_on(2018, 3, 1)
    assert len(mail.outbox) == 1
    warning = mail.outbox[0]
    assert warning.to == ["jo.baker@riverside.example"]
    assert warning.cc == [PRIYA]
    assert warning.subject == "Two weeks left: Cabinet response to CS (17/18) 01 due 15 March 2018"
    assert "That the Cabinet fund two more placement support workers." in warning.body
    assert (
        "https://scrutiny.example.test/committees/childrens-services/"
        f"#response-{pending_response.pk}" in warning.body
    )

    sweep_on(2018, 3, 1, 15)
    sweep_on(2018, 3, 2)
    sweep_on(2018, 3, 14)
    assert len(mail.outbox) == 1

    sweep_on(2018, 3, 15)
    assert len(mail.outbox) == 2
    due = mail.outbox[1]
    assert due.to == ["jo.baker@riverside.example"]
    assert due.cc == [PRIYA]
    assert due.subject == "Now due: Cabinet response to CS (17/18) 01 (deadline 15 March 2018)"

    sweep_on(2018, 3, 16)
    sweep_on(2018, 3, 22)
    assert len(mail.outbox) == 2


def test_it_sends_no_executive_response_reminders_once_a_decision_is_recorded(
    pending_response,
):
    pending_response.decision = ExecutiveResponse.Decision.ACCEPTED
    pending_response.responded_on = dt.date(2018, 2, 20)
    pending_response.save()

    for day in (dt.date(2018, 3, 1), dt.date(2018, 3, 15), dt.date(2018, 3, 16)):
        sweep_on(day.year, day.month, day.day)

    assert mail.outbox == []
    assert Reminder.objects.count() == 0


# --- No email address ------------------------------------------------------------------------


def test_a_reminder_for_someone_without_an_email_goes_to_the_officer(february, sam):
    AgendaItem.objects.create(meeting=february, position=1, title=TITLE, report_author=sam)

    sweep_on(2018, 1, 16)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [PRIYA]
    assert message.subject == DUE_SOON_SUBJECT
    assert "Sam Patel has no email address" in message.body
    assert "Sam Patel has no email address" in message.alternatives[0][0]
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.recipient_email == PRIYA


def test_a_reminder_nobody_can_receive_is_recorded_as_failed(committee, february, sam):
    committee.officer = None
    committee.save()
    AgendaItem.objects.create(meeting=february, position=1, title=TITLE, report_author=sam)

    sweep_on(2018, 1, 16)
    sweep_on(2018, 1, 17)

    assert mail.outbox == []
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.recipient_email == ""
    assert reminder.attempts == 0
    assert "Sam Patel" in reminder.last_error
    assert reminder.last_error == (
        "Nobody to send to: Sam Patel has no email address and Children's Services "
        "Overview and Scrutiny Committee has no officer with one."
    )


# --- Mail failures ---------------------------------------------------------------------------


def failing_with(exc):
    def send_messages(self, messages):
        raise exc

    return send_messages


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
    ids=["disconnected", "refused-connection"],
)
def test_a_transient_mail_failure_is_retried_later_and_sent_once(report_item, monkeypatch, error):
    monkeypatch.setattr(outbox.random, "uniform", lambda low, high: 1.0)
    with monkeypatch.context() as patch:
        patch.setattr(locmem.EmailBackend, "send_messages", failing_with(error))
        sweep_on(2018, 1, 16)

    assert mail.outbox == []
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.PENDING
    assert reminder.attempts == 1
    retry_at = at(2018, 1, 16) + dt.timedelta(seconds=settings.REMINDER_RETRY_BASE_SECONDS)
    assert reminder.next_attempt_at == retry_at
    assert reminder.last_error.startswith(type(error).__name__ + ": ")
    assert reminder.sent_at is None

    # Before its time, nothing is tried again.
    outbox.sweep(now=retry_at - dt.timedelta(seconds=1))
    reminder.refresh_from_db()
    assert reminder.attempts == 1
    assert mail.outbox == []

    outbox.sweep(now=retry_at)
    outbox.sweep(now=retry_at + dt.timedelta(minutes=5))
    assert subjects() == [DUE_SOON_SUBJECT]
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.attempts == 2
    assert reminder.sent_at == retry_at
    assert reminder.last_error == ""


def test_a_permanent_refusal_is_marked_failed_and_never_retried(report_item, monkeypatch):
    refusal = smtplib.SMTPRecipientsRefused({DEV: (550, b"5.1.1 User unknown")})
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", failing_with(refusal))

    sweep_on(2018, 1, 16)
    monkeypatch.undo()
    sweep_on(2018, 1, 16, 12)
    sweep_on(2018, 1, 17)

    assert mail.outbox == []
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.attempts == 1
    assert "SMTPRecipientsRefused" in reminder.last_error
    assert "550" in reminder.last_error
    assert list(Reminder.objects.failed()) == [reminder]


def test_it_gives_up_after_the_maximum_number_of_transient_failures(report_item, monkeypatch):
    monkeypatch.setattr(
        locmem.EmailBackend,
        "send_messages",
        failing_with(smtplib.SMTPServerDisconnected("Connection unexpectedly closed")),
    )
    now = at(2018, 1, 16)
    outbox.sweep(now=now)
    reminder = Reminder.objects.get()
    for attempt in range(2, settings.REMINDER_MAX_ATTEMPTS + 1):
        assert reminder.status == Reminder.Status.PENDING
        now = reminder.next_attempt_at
        outbox.sweep(now=now)
        reminder.refresh_from_db()
        assert reminder.attempts == attempt

    assert settings.REMINDER_MAX_ATTEMPTS == 8
    assert reminder.attempts == 8
    assert reminder.status == Reminder.Status.FAILED

    monkeypatch.undo()
    outbox.sweep(now=now + dt.timedelta(days=1))
    assert mail.outbox == []
    reminder.refresh_from_db()
    assert reminder.attempts == 8


# --- Exactly once under concurrency (PostgreSQL) ---------------------------------------------

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no SELECT ... FOR UPDATE SKIP LOCKED and "
    "serialises writers, so it cannot show concurrent workers claiming rows",
)


def run_at_once(target, count: int):
    """Run `target` in `count` threads started together; re-raise the first error."""
    barrier = threading.Barrier(count)
    errors = []
    results = []

    def work():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def two_hundred_overdue_actions(other_committee, dev):
    with transaction.atomic():  # one commit for the lot: these tests are transactional
        _two_hundred_overdue_actions(other_committee, dev)


def _two_hundred_overdue_actions(other_committee, dev):
    for number in range(200):
        Action.objects.create(
            committee=other_committee,
            title=f"Follow-up {number + 1}",
            owner=dev,
            due_date=dt.date(2018, 1, 10),
        )


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_workers_deliver_two_hundred_reminders_exactly_once(two_hundred_overdue_actions):
    now = at(2018, 1, 11)
    assert len(outbox.plan(now)) == 200
    assert Reminder.objects.due(now).count() == 200

    results = run_at_once(lambda: outbox.deliver_due(now), 4)

    assert sum(len(outcomes) for outcomes in results) == 200
    assert len(mail.outbox) == 200
    message_ids = {message.extra_headers["Message-ID"] for message in mail.outbox}
    assert len(message_ids) == 200
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}
    assert Reminder.objects.filter(attempts=1).count() == 200


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_another_process_can_deliver_each_batch_while_the_rest_are_planned(
    two_hundred_overdue_actions, monkeypatch
):
    monkeypatch.setattr(outbox, "PLAN_BATCH", 80)
    now = at(2018, 1, 11)
    delivered_after_batch = []

    def deliver_elsewhere():
        # Another connection, as a helper process has: it sees only what is committed.
        results = run_at_once(lambda: outbox.deliver_due(now), 1)
        delivered_after_batch.append(sum(len(outcomes) for outcomes in results))

    planned = outbox.plan(now, recorded=deliver_elsewhere)

    assert len(planned) == 200
    assert delivered_after_batch == [80, 80, 40]
    assert len(mail.outbox) == 200
    assert len({message.extra_headers["Message-ID"] for message in mail.outbox}) == 200
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_planning_at_once_record_each_reminder_once(two_hundred_overdue_actions):
    now = at(2018, 1, 11)

    run_at_once(lambda: outbox.plan(now), 2)

    assert Reminder.objects.count() == 200
    assert Reminder.objects.values("rule", "about", "for_date").distinct().count() == 200
    outbox.deliver_due(now)
    assert len(mail.outbox) == 200


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_whole_sweeps_at_once_as_from_two_beats_send_each_reminder_once(
    two_hundred_overdue_actions,
):
    now = at(2018, 1, 11)

    results = run_at_once(lambda: outbox.sweep(now), 3)

    assert sum(len(outcomes) for outcomes in results) == 200
    assert len(mail.outbox) == 200
    assert len({message.extra_headers["Message-ID"] for message in mail.outbox}) == 200
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 200


# --- The send_reminders command --------------------------------------------------------------


def test_send_reminders_dry_run_says_what_it_would_send_and_changes_nothing(report_item):
    out = io.StringIO()

    call_command("send_reminders", "--now", "2018-01-16T09:00", "--dry-run", stdout=out)

    assert out.getvalue().splitlines() == [
        f"would send: 2018-01-16 report_due_soon to {DEV}: {DUE_SOON_SUBJECT}",
        "1 reminder(s) would be sent.",
    ]
    assert Reminder.objects.count() == 0
    assert mail.outbox == []


def test_send_reminders_sends_what_is_due_at_the_given_moment(report_item):
    out = io.StringIO()

    call_command("send_reminders", "--now", "2018-01-16T09:00", stdout=out)

    assert out.getvalue().splitlines() == [
        f"sent: 2018-01-16 report_due_soon to {DEV}: {DUE_SOON_SUBJECT}",
        "1 sent, 0 not sent.",
    ]
    assert subjects() == [DUE_SOON_SUBJECT]


def test_send_reminders_rejects_a_garbled_now(db):
    with pytest.raises(CommandError) as refused:
        call_command("send_reminders", "--now", "next tuesday", stdout=io.StringIO())
    assert str(refused.value) == (
        "Error: argument --now: give an ISO date-time such as 2018-01-16T09:00, not 'next tuesday'"
    )
    assert Reminder.objects.count() == 0


def test_from_a_shell_a_garbled_now_is_one_line_and_exit_status_2():
    result = from_a_shell("send_reminders", "--now", "2018-02-31T09:00")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "manage.py send_reminders: error: argument --now: give an ISO date-time such as "
        "2018-01-16T09:00, not '2018-02-31T09:00'"
    )
