"""Keeping the tracker in step with a council's modern.gov: what is added, what is adopted,
what is never overwritten, and what a moved or cancelled meeting does to its business."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from actions.models import Action, Resolution
from committees.deferrals import defer_item
from committees.models import (
    AgendaItem,
    Committee,
    Deferral,
    Meeting,
    Membership,
    Person,
    WorkProgrammeTopic,
)
from committees.outcomes import record_outcome
from tests.moderngov.conftest import CHILDREN, HEALTH, SECRET
from tests.moderngov.council_service import Item
from tracker.moderngov.models import Difference, SyncRun
from tracker.moderngov.sync import sync_authority
from tracker.reminders import outbox
from tracker.reminders.ledger import Reminder

D = dt.date
CS = "Children's Services Overview and Scrutiny Committee"


def sync(riverside, service, **options):
    return sync_authority(riverside, service=service(), **options)


def world_counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Committee,
            Meeting,
            AgendaItem,
            Person,
            Membership,
            WorkProgrammeTopic,
            Deferral,
            Reminder,
            SyncRun,
            Difference,
        )
    } | {
        "meeting history": Meeting.history.count(),
        "item history": AgendaItem.history.count(),
    }


@pytest.mark.django_db
def test_it_adds_committees_meetings_items_and_members(riverside, service, december_2026):
    outcome = sync(riverside, service)

    run = SyncRun.objects.get()
    assert (run.status, run.trigger, run.date_from, run.date_to) == (
        "done",
        "command",
        D(2026, 10, 31),
        D(2027, 12, 2),
    )
    assert run.changes == [
        f"{CS}: added from modern.gov",
        f"{CS}: meeting of 10 November 2026 added",
        f"{CS}: item “Minutes” added to the meeting of 10 November 2026",
        f"{CS}: meeting of 14 January 2027 added",
        f"{CS}: item “Minutes of the previous meeting” added to the meeting of 14 January 2027",
        f"{CS}: item “Placement Stability Update” added to the meeting of 14 January 2027",
        f"{CS}: item “Children's Social Care Performance” added to the meeting of 14 January 2027",
        f"{CS}: item “Contract award: residential placements” added to the meeting of 14 January 2027",
        f"{CS}: meeting of 11 March 2027 added",
        f"{CS}: Alan Marsh added to the tracker's people",
        f"{CS}: Alan Marsh added as Chair",
        f"{CS}: Rita Vance added to the tracker's people",
        f"{CS}: Rita Vance added as Vice-Chair",
        f"{CS}: Tom Ede added to the tracker's people",
        f"{CS}: Tom Ede added as Member",
        f"{CS}: Mrs Jean Hollis added to the tracker's people",
        f"{CS}: Mrs Jean Hollis added as Co-opted member (voting)",
        "Health Overview and Scrutiny Committee: added from modern.gov",
        "Health Overview and Scrutiny Committee: meeting of 20 January 2027 added",
        "Health Overview and Scrutiny Committee: item “GP Access” added to the meeting of 20 January 2027",
    ]
    assert outcome.differences == [] and run.faults == []

    children = Committee.objects.get(moderngov_id=CHILDREN)
    assert (children.name, children.slug, children.kind, children.reference_prefix) == (
        CS,
        "riverside-childrens-services-overview-and-scrutiny-committee",
        "committee",
        "CSOSC",
    )
    january = Meeting.objects.get(moderngov_id=5002)
    assert (january.date, january.start_time, january.venue, january.status) == (
        D(2027, 1, 14),
        dt.time(19, 0),
        "Council Chamber, Civic Offices",
        "scheduled",
    )
    assert january.report_deadline == D(2026, 12, 30)
    assert Meeting.objects.get(moderngov_id=6001).start_time == dt.time(10, 0)
    assert [
        (i.number, i.position, i.title, i.is_exempt, i.exempt_paragraph, i.public_title)
        for i in january.items.order_by("position")
    ] == [
        (5, 1, "Minutes of the previous meeting", False, None, ""),
        (6, 2, "Placement Stability Update", False, None, ""),
        (7, 3, "Children's Social Care Performance", False, None, ""),
        (
            8,
            4,
            "Contract award: residential placements",
            True,
            3,
            "Contract award: residential placements",
        ),
    ]
    assert sorted(
        (m.person.name, m.role, m.person.is_councillor, m.person.moderngov_id)
        for m in children.memberships.all()
    ) == [
        ("Alan Marsh", "chair", True, f"{riverside.pk}:192"),
        ("Mrs Jean Hollis", "co_opted_voting", False, f"{riverside.pk}:195"),
        ("Rita Vance", "vice_chair", True, f"{riverside.pk}:193"),
        ("Tom Ede", "member", True, f"{riverside.pk}:194"),
    ]


@pytest.mark.django_db
def test_running_it_twice_changes_nothing(riverside, service, december_2026):
    sync(riverside, service)
    before = world_counts()

    again = sync(riverside, service)

    assert (again.run.changes, again.differences, again.run.faults) == ([], [], [])
    assert world_counts() == before | {"SyncRun": before["SyncRun"] + 1}


@pytest.mark.django_db
def test_it_adopts_what_officers_typed_in_before(
    riverside, committee, alan, service, december_2026
):
    """The committee of the same name, the meeting on the same day, the item of the same title
    and the person of the same name are the ones modern.gov means: linked, not duplicated."""
    typed = Meeting.objects.create(committee=committee, date=D(2027, 1, 14))
    item = AgendaItem.objects.create(meeting=typed, title="Placement stability update", number=6)

    outcome = sync(riverside, service, committee_ids=[CHILDREN])

    committee.refresh_from_db()
    typed.refresh_from_db()
    item.refresh_from_db()
    alan.refresh_from_db()
    assert (committee.moderngov_id, typed.moderngov_id, item.moderngov_id) == (CHILDREN, 5002, 7002)
    assert alan.moderngov_id == f"{riverside.pk}:192"
    assert Committee.objects.filter(authority=riverside).count() == 1
    assert typed.items.count() == 4
    assert item.title == "Placement Stability Update"  # the agenda's wording
    adopted = [line for line in outcome.run.changes if "linked" in line or "updated" in line]
    assert adopted == [
        f"{CS}: linked to modern.gov committee 144",
        f"{CS}: meeting of 14 January 2027 linked to modern.gov meeting 5002",
        f"{CS}: meeting of 14 January 2027: time and venue updated",
        f"{CS}: item “Placement stability update” of 14 January 2027 linked to modern.gov",
        f"{CS}: item “Placement Stability Update” of 14 January 2027: title updated",
    ]
    # Alan already chairs it here: nothing to add, nothing to report.
    assert committee.memberships.filter(person=alan).count() == 1
    assert "Alan Marsh" not in " ".join(outcome.differences)


@pytest.mark.django_db
def test_it_never_overwrites_what_officers_recorded(
    riverside, council, service, december_2026, dev, priya
):
    sync(riverside, service)
    minutes = AgendaItem.objects.get(moderngov_id=7000)
    update = AgendaItem.objects.get(moderngov_id=7002)
    performance = AgendaItem.objects.get(moderngov_id=7003)
    record_outcome(minutes, "resolved")
    update.report_author = dev
    update.save()
    resolution = Resolution.objects.create(
        agenda_item=minutes, number="1", text="That the minutes be agreed."
    )
    action = Action.objects.create(
        committee=minutes.meeting.committee,
        agenda_item=minutes,
        title="Circulate the agreed minutes",
        owner=dev,
        due_date=D(2027, 1, 5),
    )
    Membership.objects.filter(person__name="Tom Ede").update(role="substitute")
    # modern.gov then says otherwise about them.
    january = council.meeting(5002)
    january.items[1].title = "Placement Stability: Six-Month Update"
    january.items[2].restricted = True
    january.attendees[2].role = "Vice-Chair"

    outcome = sync(riverside, service)

    minutes.refresh_from_db()
    update.refresh_from_db()
    performance.refresh_from_db()
    assert minutes.outcome == "resolved"
    assert update.report_author == dev
    assert update.title == "Placement Stability: Six-Month Update"
    assert performance.is_exempt is False
    assert list(minutes.resolutions.all()) == [resolution]
    assert list(Action.objects.all()) == [action]
    assert Membership.objects.get(person__name="Tom Ede").role == "substitute"
    assert outcome.differences == [
        "Item “Children's Social Care Performance” of 14 January 2027: modern.gov says it is "
        "restricted (exempt); the tracker says it is public: make it exempt here if it is",
        f"Tom Ede on {CS}: modern.gov says they are Vice-Chair; the tracker says they are Substitute",
    ]
    assert list(Difference.objects.awaiting().values_list("subject", flat=True)) == [
        "Item “Children's Social Care Performance” of 14 January 2027",
        f"Tom Ede on {CS}",
    ]
    # Known differences are not raised again.
    assert sync(riverside, service).differences == []


@pytest.mark.django_db
def test_a_moved_meeting_moves_its_report_deadline_and_reminders(
    riverside, council, service, set_clock, dev
):
    set_clock(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    sync(riverside, service)
    january = Meeting.objects.get(moderngov_id=5002)
    item = january.items.get(moderngov_id=7002)
    item.report_author = dev
    item.save()
    # 10 working days before the 30 December deadline the first reminder is recorded; a mail
    # failure leaves it waiting in the ledger.
    morning = set_clock(dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.UTC))
    outbox.plan(morning)
    waiting = Reminder.objects.get(about__startswith=f"item:{item.pk}:")
    assert (waiting.rule, waiting.for_date, waiting.status) == (
        "report_due_soon",
        D(2026, 12, 14),
        "pending",
    )

    council.meeting(5002).date = D(2027, 1, 28)
    outcome = sync(riverside, service)

    january.refresh_from_db()
    waiting.refresh_from_db()
    assert (january.date, january.report_deadline) == (D(2027, 1, 28), D(2027, 1, 14))
    assert (waiting.status, waiting.last_error) == (
        "stopped",
        "The meeting of 14 January 2027 moved to 28 January 2027 in modern.gov before it was sent.",
    )
    assert (
        f"{CS}: meeting of 14 January 2027 moved to 28 January 2027 in modern.gov: report deadline "
        "30 December 2026 is now 14 January 2027, reminders follow the new date (1 waiting for "
        "the old one stopped)"
    ) in outcome.run.changes
    # The reminders follow: the next is planned for ten working days before 14 January.
    item.refresh_from_db()
    assert (item.meeting_id, item.outcome) == (january.pk, "none")
    later = set_clock(dt.datetime(2026, 12, 30, 9, 0, tzinfo=dt.UTC))
    planned = [r for r in outbox.plan(later) if r.about.startswith(f"item:{item.pk}:")]
    assert [(r.rule, r.for_date) for r in planned] == [("report_due_soon", D(2026, 12, 30))]
    assert "14 January 2027" in planned[0].body_text


@pytest.mark.django_db
def test_a_cancelled_meeting_defers_its_business_to_the_next_meeting(
    riverside, council, service, december_2026, dev, django_capture_on_commit_callbacks
):
    sync(riverside, service)
    item = AgendaItem.objects.get(moderngov_id=7002)
    item.report_author = dev
    item.save()
    council.meeting(5002).status = "Cancelled"

    with django_capture_on_commit_callbacks(execute=True):
        outcome = sync(riverside, service)

    january = Meeting.objects.get(moderngov_id=5002)
    march = Meeting.objects.get(moderngov_id=5003)
    item.refresh_from_db()
    assert january.status == "cancelled"
    assert item.outcome == "deferred"
    assert set(january.items.values_list("outcome", flat=True)) == {"deferred"}
    deferral = item.deferrals.get()
    assert (deferral.to_meeting, deferral.reason, deferral.created_by) == (
        march,
        "The meeting of 14 January 2027 was cancelled in modern.gov.",
        None,
    )
    assert item.topic.target_meeting == march
    assert outcome.run.changes == [
        f"{CS}: meeting of 14 January 2027 cancelled in modern.gov",
        f"{CS}: 4 items of the cancelled meeting of 14 January 2027 deferred to the meeting of "
        "11 March 2027; report deadlines and reminders follow, and their authors are told",
    ]
    # The exempt item's topic is exempt with it.
    assert AgendaItem.objects.get(moderngov_id=7004).topic.is_exempt is True
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["dev.okafor@riverside.example"],
            "Deferred to 11 March 2027: Placement Stability Update (Children's Services Overview and Scrutiny Committee)",
        )
    ]
    # Cancelled stays cancelled: a second run defers nothing more.
    assert sync(riverside, service).run.changes == []


@pytest.mark.django_db
def test_a_cancelled_meeting_with_no_later_meeting_defers_to_not_yet_known(
    riverside, council, service, december_2026
):
    council.committees[CHILDREN].meetings.pop()  # no March meeting
    sync(riverside, service)
    council.meeting(5002).status = "Postponed"

    sync(riverside, service)

    item = AgendaItem.objects.get(moderngov_id=7002)
    deferral = item.deferrals.get()
    assert (deferral.to_meeting, deferral.to_text) == (None, "the next meeting, not yet set")
    assert Meeting.objects.get(moderngov_id=5002).status == "postponed"


@pytest.mark.django_db
def test_an_item_on_a_later_agenda_continues_the_deferred_topic(
    riverside, council, service, december_2026
):
    sync(riverside, service)
    council.meeting(5002).status = "Cancelled"
    sync(riverside, service)
    topic = AgendaItem.objects.get(moderngov_id=7002).topic
    topics = WorkProgrammeTopic.objects.count()

    council.meeting(5003).items = [Item(7102, 3, "Placement stability update")]
    outcome = sync(riverside, service)

    march_item = AgendaItem.objects.get(moderngov_id=7102)
    assert march_item.topic == topic
    assert WorkProgrammeTopic.objects.count() == topics
    assert outcome.run.changes == [
        f"{CS}: item “Placement stability update” added to the meeting of 11 March 2027",
        f"{CS}: item “Placement stability update” continues the topic “Placement Stability Update”",
    ]


@pytest.mark.django_db
def test_an_item_continues_a_topic_deferred_to_no_meeting_yet(
    riverside, council, service, december_2026, committee
):
    sync(riverside, service, committee_ids=[CHILDREN])
    item = AgendaItem.objects.get(moderngov_id=7003)
    deferral = defer_item(item, reason="The report needs the new data", to_text="the spring")
    assert deferral.topic.target_meeting is None

    council.meeting(5003).items = [Item(7103, 2, "Children\u2019s Social Care Performance")]
    sync(riverside, service, committee_ids=[CHILDREN])

    topic = WorkProgrammeTopic.objects.get(pk=deferral.topic_id)
    assert topic.target_meeting == Meeting.objects.get(moderngov_id=5003)
    assert AgendaItem.objects.get(moderngov_id=7103).topic == topic


@pytest.mark.django_db
def test_exempt_text_is_never_kept(riverside, service, december_2026):
    sync(riverside, service)

    item = AgendaItem.objects.get(moderngov_id=7004)
    kept = [
        value
        for row in AgendaItem.objects.values()
        for value in row.values()
        if isinstance(value, str)
    ]
    kept += [str(v) for row in AgendaItem.history.values() for v in row.values()]
    kept += [str(v) for row in SyncRun.objects.values() for v in row.values()]
    kept += [str(v) for row in Difference.objects.values() for v in row.values()]
    assert item.description == "" and item.report_summary == "" and item.minutes == ""
    assert not [value for value in kept if SECRET in value]


@pytest.mark.django_db
def test_a_restricted_item_without_its_paragraph_waits_for_an_officer(
    riverside, council, service, december_2026
):
    restricted = council.meeting(5002).items[3]
    restricted.restriction = ""

    outcome = sync(riverside, service)

    assert not AgendaItem.objects.filter(moderngov_id=7004).exists()
    assert outcome.differences == [
        "Item “Contract award: residential placements” of 14 January 2027: modern.gov says it is "
        "restricted (exempt) without naming its Schedule 12A paragraph; the tracker says it is "
        "not added: add it here as exempt with its paragraph"
    ]


@pytest.mark.django_db
def test_a_dry_run_saves_nothing(riverside, council, service, december_2026, dev):
    sync(riverside, service)
    item = AgendaItem.objects.get(moderngov_id=7002)
    item.report_author = dev
    item.save()
    council.meeting(5002).status = "Cancelled"
    council.meeting(6001).date = D(2027, 1, 27)
    before = world_counts()

    outcome = sync(riverside, service, dry_run=True)

    assert outcome.run.pk is None
    assert world_counts() == before
    assert Meeting.objects.get(moderngov_id=5002).status == "scheduled"
    assert Meeting.objects.get(moderngov_id=6001).date == D(2027, 1, 20)
    assert mail.outbox == []
    assert outcome.run.changes == [
        f"{CS}: meeting of 14 January 2027 cancelled in modern.gov",
        f"{CS}: 4 items of the cancelled meeting of 14 January 2027 deferred to the meeting of "
        "11 March 2027; report deadlines and reminders follow, and their authors are told",
        "Health Overview and Scrutiny Committee: meeting of 20 January 2027 moved to 27 January "
        "2027 in modern.gov: report deadline 6 January 2027 is now 13 January 2027, reminders "
        "follow the new date (0 waiting for the old one stopped)",
    ]


@pytest.mark.django_db
def test_a_meeting_moved_onto_another_meetings_day_is_a_difference(
    riverside, council, service, december_2026
):
    sync(riverside, service)
    council.meeting(5002).date = D(2027, 3, 11)  # the day of the March meeting
    council.meeting(5003).date = D(2027, 3, 18)

    outcome = sync(riverside, service)

    assert Meeting.objects.get(moderngov_id=5002).date == D(2027, 1, 14)
    assert Meeting.objects.get(moderngov_id=5003).date == D(2027, 3, 18)
    assert outcome.differences == [
        "Meeting of 14 January 2027: modern.gov says it moved to 11 March 2027; the tracker says "
        "another meeting of the committee is on that day"
    ]


@pytest.mark.django_db
def test_meetings_and_items_gone_from_modern_gov_are_kept_and_reported(
    riverside, council, service, december_2026
):
    sync(riverside, service)
    council.committees[HEALTH].meetings[0].items = []
    council.committees[CHILDREN].meetings.pop()

    outcome = sync(riverside, service)

    assert AgendaItem.objects.filter(moderngov_id=8001).exists()
    assert Meeting.objects.filter(moderngov_id=5003).exists()
    assert outcome.differences == [
        "Meeting of 11 March 2027: modern.gov says it is no longer listed; the tracker says it "
        "is kept here with its business",
        "Item “GP Access” of 20 January 2027: modern.gov says it is no longer on the agenda; the "
        "tracker says it is kept here",
    ]


@pytest.mark.django_db
def test_the_history_of_a_moved_meeting_says_the_sync_moved_it(
    riverside, council, service, december_2026
):
    sync(riverside, service)
    council.meeting(6001).date = D(2027, 1, 27)

    sync(riverside, service)

    latest = Meeting.objects.get(moderngov_id=6001).history.first()
    assert (latest.date, latest.history_change_reason, latest.history_user) == (
        D(2027, 1, 27),
        "modern.gov sync",
        None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {
                "moderngov_url": "https://democracy.riverside.example",
                "moderngov_committee_ids": ["144"],
            },
            {
                "moderngov_committee_ids": [
                    "Give a list of modern.gov committee ids, whole numbers such as [144, 163]."
                ]
            },
        ),
        (
            {"moderngov_url": "", "moderngov_committee_ids": [144]},
            {"moderngov_url": ["Give the modern.gov address the committee ids belong to."]},
        ),
        (
            {"moderngov_url": "ftp://democracy.riverside.example", "moderngov_committee_ids": []},
            {"moderngov_url": ["Give the modern.gov site's web address (https://...)."]},
        ),
    ],
)
def test_an_authority_refuses_an_unusable_modern_gov_setting(authority, fields, errors):
    for name, value in fields.items():
        setattr(authority, name, value)
    with pytest.raises(ValidationError) as refused:
        authority.full_clean()
    assert {
        k: v for k, v in refused.value.message_dict.items() if k.startswith("moderngov")
    } == errors


@pytest.mark.django_db
def test_items_that_swap_numbers_upstream_swap_them_here(
    riverside, council, service, december_2026
):
    sync(riverside, service)
    january = council.meeting(5002)
    january.items[1].number, january.items[2].number = 7, 6

    outcome = sync(riverside, service)

    assert [
        (i.moderngov_id, i.number)
        for i in Meeting.objects.get(moderngov_id=5002).items.order_by("moderngov_id")
    ] == [(7001, 5), (7002, 7), (7003, 6), (7004, 8)]
    assert outcome.run.changes == [
        f"{CS}: item “Placement Stability Update” of 14 January 2027: number updated",
        f"{CS}: item “Children's Social Care Performance” of 14 January 2027: number updated",
    ]
    assert outcome.differences == []


@pytest.mark.django_db
def test_only_the_dates_asked_about_are_synced_whatever_the_service_sends(
    riverside, council, service, december_2026
):
    council.ignores_dates = True
    council.meeting(6001).date = D(9999, 12, 31)

    outcome = sync(riverside, service, date_from=D(2027, 1, 1), date_to=D(2027, 1, 31))

    assert sorted(Meeting.objects.values_list("moderngov_id", flat=True)) == [5002]
    assert "GetMeeting" in council.requests and council.requests.count("GetMeeting") == 1
    assert outcome.run.faults == []
