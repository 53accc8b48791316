"""A deferral gives the same answer through every door: the service, the API, the work
programme pages and the admin. Everything that hangs on the old meeting moves with it, the
people who hold the report hear of it once (and only while it is news), and a change that is
an event is refused as a plain edit.

The committee meets on Thursday 14 January 2027 and Thursday 11 March 2027; the clock stands
at Tuesday 1 December 2026, 10:00 in Riverside.
"""

import datetime as dt

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from committees.deferrals import defer_item, defer_topic
from committees.models import (
    LONDON,
    AgendaItem,
    Deferral,
    Meeting,
    WorkProgramme,
    WorkProgrammeTopic,
)
from committees.outcomes import record_outcome
from committees.programme import move_topic
from tracker.reminders import outbox
from tracker.reminders.ledger import Reminder

TITLE = "Children's Social Care Performance: Quarter 3 2026/27"
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
DEV = "dev.okafor@riverside.example"
PRIYA = "priya.shah@riverside.example"
REASON = "The figures for the quarter are not signed off until February."


@pytest.fixture
def today(set_clock):
    return set_clock(NOW)


@pytest.fixture
def january(make_meeting):
    return make_meeting(dt.date(2027, 1, 14))


@pytest.fixture
def march_2027(make_meeting):
    return make_meeting(dt.date(2027, 3, 11))


@pytest.fixture
def q3_topic(january, dev):
    """A planned topic with its item on January's agenda; Dev writes the report."""
    topic = WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(january), title=TITLE, target_meeting=january
    )
    AgendaItem.objects.create(
        meeting=january, position=3, title=TITLE, topic=topic, report_author=dev
    )
    return topic


def staff_api(priya):
    client = APIClient()
    client.force_authenticate(priya.user)
    return client


def defer_by_service(topic, to, priya, client):
    move_topic(topic, to_meeting=to, reason=REASON, by=priya.user)


def defer_by_api(topic, to, priya, client):
    response = staff_api(priya).post(
        f"/api/topics/{topic.pk}/defer/", {"to_meeting": to.pk, "reason": REASON}, format="json"
    )
    assert response.status_code == 201, response.data


def defer_by_page(topic, to, priya, client):
    client.force_login(priya.user)
    response = client.post(
        reverse("tracker:topic-defer", args=[topic.pk]), {"to_meeting": to.pk, "reason": REASON}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def defer_by_admin(topic, to, priya, client):
    priya.user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["committees", "actions"])
    )
    client.force_login(priya.user)
    url = reverse("admin:committees_workprogrammetopic_changelist")
    answers = {"to_meeting": to.pk, "to_text": "", "reason": REASON}
    response = client.post(
        url,
        {
            "action": "defer_selected_topics",
            helpers.ACTION_CHECKBOX_NAME: [topic.pk],
            "apply": "yes",
            **answers,
        },
    )
    assert response.status_code == 302


DOORS = [defer_by_service, defer_by_api, defer_by_page, defer_by_admin]


def report_reminders_from(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """Sweep every morning from `start` to `end`; the report reminders sent, by day."""
    day = start
    while day <= end:
        outbox.sweep(now=dt.datetime.combine(day, dt.time(9), tzinfo=LONDON))
        day += dt.timedelta(days=1)
    return list(
        Reminder.objects.filter(
            rule__in=(Reminder.Rule.REPORT_DUE_SOON, Reminder.Rule.REPORT_OVERDUE)
        )
        .order_by("for_date", "pk")
        .values_list("for_date", "subject")
    )


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.__name__)
def test_deferring_a_topic_moves_its_item_and_its_reminders_through_every_door(
    door,
    today,
    client,
    priya,
    dev,
    q3_topic,
    january,
    march_2027,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        door(q3_topic, march_2027, priya, client)

    item = AgendaItem.objects.get(topic=q3_topic)
    deferral = Deferral.objects.get()
    q3_topic.refresh_from_db()
    assert (item.meeting, item.outcome) == (january, AgendaItem.Outcome.DEFERRED)
    assert (deferral.agenda_item, deferral.from_meeting, deferral.to_meeting) == (
        item,
        january,
        march_2027,
    )
    assert deferral.decided_at is None  # decided between meetings, not at January's
    assert (q3_topic.target_meeting, q3_topic.status, q3_topic.lead_officer) == (
        march_2027,
        WorkProgrammeTopic.Status.DEFERRED,
        dev,
    )
    # Dev holds the report: told once; Priya made the change, so she is not copied.
    assert [(m.to, m.cc, m.subject) for m in mail.outbox] == [
        (
            [DEV],
            [],
            f"Deferred to 11 March 2027: {TITLE} (Children's Services O&S)",
        )
    ]
    assert REASON not in mail.outbox[0].subject
    mail.outbox.clear()

    # Every report reminder follows the new meeting; January's never goes.
    assert march_2027.report_deadline == dt.date(2027, 2, 25)
    due = f"Report due 25 February for Children's Services O&S, 11 March 2027: {TITLE}"
    overdue = f"Overdue: report due 25 February for Children's Services O&S, 11 March 2027: {TITLE}"
    assert report_reminders_from(dt.date(2026, 12, 1), dt.date(2027, 3, 10)) == [
        (dt.date(2027, 2, 11), due),
        (dt.date(2027, 2, 22), due),
        (dt.date(2027, 2, 26), overdue),
    ]
    assert [m.to for m in mail.outbox] == [[DEV], [DEV], [DEV]]


def test_both_meeting_pages_say_where_the_item_went_and_why(
    today, client, priya, q3_topic, january, march_2027
):
    move_topic(q3_topic, to_meeting=march_2027, reason=REASON, by=priya.user)
    client.force_login(priya.user)

    old = client.get(january.get_absolute_url()).content.decode()
    assert "Outcome:</strong> Deferred to <a" in old
    assert "the meeting of 11 March 2027</a>" in old
    assert f"Why: {REASON}" in old
    new = client.get(march_2027.get_absolute_url()).content.decode()
    assert f"{escape(TITLE)}, from <a" in new
    assert f"14 January 2027</a>: {REASON}" in new


def test_a_report_reminder_waiting_to_be_retried_is_stopped_by_the_deferral(
    today, priya, q3_topic, march_2027, django_capture_on_commit_callbacks
):
    item = AgendaItem.objects.get(topic=q3_topic)
    waiting = Reminder.objects.create(
        rule=Reminder.Rule.REPORT_DUE_SOON,
        about=f"item:{item.pk}:due:10",
        for_date=dt.date(2026, 12, 1),
        recipient_email=DEV,
        subject="Report due 30 December",
        body_text="-",
        body_html="-",
        created_at=NOW - dt.timedelta(hours=1),
        next_attempt_at=NOW + dt.timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        move_topic(q3_topic, to_meeting=march_2027, reason=REASON, by=priya.user)

    waiting.refresh_from_db()
    assert (waiting.status, waiting.last_error) == (
        Reminder.Status.STOPPED,
        "Deferred to 11 March 2027 before it was sent.",
    )
    outbox.deliver_due(now=NOW + dt.timedelta(hours=2))
    assert [m.subject for m in mail.outbox if m.subject == "Report due 30 December"] == []


# --- The target: a later, scheduled meeting of the same committee, or "not yet known" ----


@pytest.fixture
def cancelled_march(march_2027):
    march_2027.status = Meeting.Status.CANCELLED
    march_2027.save()
    return march_2027


@pytest.fixture
def held_2016(make_meeting):
    return make_meeting(dt.date(2016, 12, 20), status=Meeting.Status.HELD)


CANCELLED = "The meeting of 11 March 2027 is cancelled; choose a scheduled meeting."


def test_the_api_refuses_a_cancelled_meeting_as_the_service_does(
    today, priya, q3_topic, cancelled_march
):
    item = AgendaItem.objects.get(topic=q3_topic)
    for url in (f"/api/agenda-items/{item.pk}/defer/", f"/api/topics/{q3_topic.pk}/defer/"):
        refused = staff_api(priya).post(
            url, {"to_meeting": cancelled_march.pk, "reason": REASON}, format="json"
        )
        assert (refused.status_code, refused.data) == (400, {"to_meeting": [CANCELLED]})
    with pytest.raises(Exception) as error:
        defer_topic(q3_topic, to_meeting=cancelled_march, reason=REASON)
    assert error.value.message_dict == {"to_meeting": [CANCELLED]}
    assert Deferral.objects.count() == 0
    assert AgendaItem.objects.get(topic=q3_topic).outcome == AgendaItem.Outcome.NONE


def test_the_pages_offer_only_meetings_still_to_come(
    today, client, priya, q3_topic, january, march_2027, held_2016, cancelled_march
):
    client.force_login(priya.user)
    for name in ("tracker:topic-move", "tracker:topic-defer"):
        page = client.get(reverse(name, args=[q3_topic.pk]))
        choices = [label for _, label in page.context["form"].fields["to_meeting"].choices]
        assert "20 December 2016 (held)" not in choices
        assert not [label for label in choices if "March 2027" in label]
    refused = client.post(
        reverse("tracker:topic-move", args=[q3_topic.pk]),
        {"to_meeting": held_2016.pk, "reason": REASON},
    )
    assert refused.status_code == 400
    q3_topic.refresh_from_db()
    assert q3_topic.target_meeting == january

    add = client.get(reverse("tracker:topic-add", args=[q3_topic.work_programme_id]))
    offered = list(add.context["form"].fields["target_meeting"].queryset)
    assert offered == [january]


def test_the_service_refuses_a_meeting_that_has_taken_place(today, priya, q3_topic, held_2016):
    with pytest.raises(Exception) as error:
        move_topic(q3_topic, to_meeting=held_2016, reason=REASON, by=priya.user)
    assert error.value.message_dict == {
        "to_meeting": [
            "The meeting of 20 December 2016 has already taken place; "
            "choose a meeting still to come."
        ]
    }


# --- Events are made by their services, never by a plain edit --------------------------


def test_a_patch_cannot_mark_an_item_deferred_or_a_topic_deferred(
    today, priya, q3_topic, django_capture_on_commit_callbacks
):
    item = AgendaItem.objects.get(topic=q3_topic)
    api = staff_api(priya)
    with django_capture_on_commit_callbacks(execute=True):
        item_patch = api.patch(
            f"/api/agenda-items/{item.pk}/", {"outcome": "deferred"}, format="json"
        )
        topic_patch = api.patch(
            f"/api/topics/{q3_topic.pk}/", {"status": "deferred"}, format="json"
        )
    assert (item_patch.status_code, list(item_patch.data)) == (400, ["outcome"])
    assert "POST /api/agenda-items/<id>/outcome/" in item_patch.data["outcome"][0]
    assert (topic_patch.status_code, list(topic_patch.data)) == (400, ["status"])
    assert Deferral.objects.count() == 0
    assert mail.outbox == []
    item.refresh_from_db()
    q3_topic.refresh_from_db()
    assert (item.outcome, q3_topic.status) == ("none", "planned")


def test_an_outcome_waits_for_its_meeting_and_a_cancelled_meeting_decides_nothing(
    today, priya, q3_topic
):
    item = AgendaItem.objects.get(topic=q3_topic)
    api = staff_api(priya)
    early = api.post(f"/api/agenda-items/{item.pk}/outcome/", {"outcome": "noted"}, format="json")
    held_on = f"{item.meeting.date:%-d %B %Y}"
    assert (early.status_code, early.data["outcome"]) == (
        400,
        [
            f"The meeting of {held_on} has not taken place yet: record what happened there "
            "on the day or after."
        ],
    )
    Meeting.objects.filter(pk=item.meeting_id).update(status=Meeting.Status.CANCELLED)
    with pytest.raises(ValidationError) as refused:
        record_outcome(item, AgendaItem.Outcome.RESOLVED, by=priya.user)
    assert refused.value.message_dict == {
        "outcome": [
            f"The meeting of {held_on} is cancelled: nothing was decided or attended there."
        ]
    }
    item.refresh_from_db()
    q3_topic.refresh_from_db()
    assert (item.outcome, q3_topic.status) == ("none", "planned")


def test_recording_an_outcome_marks_its_topic_considered_and_undoing_it_plans_it_again(
    today, set_clock, priya, q3_topic
):
    item = AgendaItem.objects.get(topic=q3_topic)
    set_clock(dt.datetime.combine(item.meeting.date, dt.time(21), tzinfo=dt.UTC))
    api = staff_api(priya)
    noted = api.post(f"/api/agenda-items/{item.pk}/outcome/", {"outcome": "noted"}, format="json")
    assert (noted.status_code, noted.data["outcome"]) == (200, "noted")
    q3_topic.refresh_from_db()
    assert q3_topic.status == WorkProgrammeTopic.Status.CONSIDERED

    undone = api.post(f"/api/agenda-items/{item.pk}/outcome/", {"outcome": "none"}, format="json")
    assert undone.status_code == 200
    q3_topic.refresh_from_db()
    assert q3_topic.status == WorkProgrammeTopic.Status.PLANNED

    deferred = api.post(
        f"/api/agenda-items/{item.pk}/outcome/", {"outcome": "deferred"}, format="json"
    )
    assert (deferred.status_code, list(deferred.data)) == (400, ["outcome"])


def test_a_deferred_item_keeps_its_outcome_through_the_admin_and_the_api(
    today, priya, q3_topic, march_2027
):
    item = AgendaItem.objects.get(topic=q3_topic)
    move_topic(q3_topic, to_meeting=march_2027, reason=REASON, by=priya.user)
    refused = staff_api(priya).post(
        f"/api/agenda-items/{item.pk}/outcome/", {"outcome": "noted"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.data["outcome"] == [
        "This item was deferred, and its deferral is kept as history: its outcome stays "
        "Deferred. Record what happens next on the meeting it went to."
    ]


def test_a_chair_withdraws_a_topic_through_its_action_not_a_patch(today, priya, alan, q3_topic):
    chair = APIClient()
    chair.force_authenticate(alan.user)
    patched = chair.patch(f"/api/topics/{q3_topic.pk}/", {"status": "withdrawn"}, format="json")
    assert patched.status_code == 400
    withdrawn = chair.post(f"/api/topics/{q3_topic.pk}/withdraw/")
    assert (withdrawn.status_code, withdrawn.data["status"]) == (200, "withdrawn")
    again = chair.post(f"/api/topics/{q3_topic.pk}/withdraw/")
    assert (again.status_code, again.data) == (
        400,
        {"status": [f"“{TITLE}” is withdrawn; only a planned or deferred topic can be withdrawn."]},
    )


# --- Who hears of it, and when ---------------------------------------------------------


def test_a_deferral_recorded_days_after_it_was_decided_emails_nobody(
    today, q3_topic, march_2027, django_capture_on_commit_callbacks
):
    """Decided on 10 November, typed in on 1 December: older than DEFERRAL_NOTICE_DAYS."""
    with django_capture_on_commit_callbacks(execute=True):
        defer_topic(
            q3_topic,
            to_meeting=march_2027,
            reason=REASON,
            at=dt.datetime(2026, 11, 10, 15, 0, tzinfo=LONDON),
        )
    outbox.sweep(now=NOW)
    assert Deferral.objects.count() == 1
    assert mail.outbox == []
    assert Reminder.objects.filter(rule=Reminder.Rule.ITEM_DEFERRED).count() == 0


def test_importing_last_years_minutes_tells_nobody_about_a_deferral(
    today, committee, priya, dev, django_capture_on_commit_callbacks
):
    old = Meeting.objects.create(committee=committee, date=dt.date(2025, 3, 3))
    later = Meeting.objects.create(committee=committee, date=dt.date(2025, 4, 14))
    item = AgendaItem.objects.create(meeting=old, number=7, title="Youth Justice Plan")
    item.report_author = dev
    item.save()
    with django_capture_on_commit_callbacks(execute=True):
        defer_item(
            item,
            to_meeting=later,
            reason="Awaiting the inspection letter",
            decided_at=old,
            by=priya.user,
            at=dt.datetime(2025, 3, 3, 19, 0, tzinfo=LONDON),
        )
    assert Deferral.objects.count() == 1
    assert mail.outbox == []
    outbox.sweep(now=NOW)
    assert mail.outbox == []
    assert Reminder.objects.filter(rule=Reminder.Rule.ITEM_DEFERRED).count() == 0


def test_a_deferral_to_no_meeting_yet_names_no_reason_in_its_subject(
    today, priya, dev, q3_topic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        defer_topic(
            q3_topic,
            to_text="the new municipal year, because the provider is being re-tendered",
            reason=REASON,
            by=priya.user,
        )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([DEV], f"Deferred, no new meeting set yet: {TITLE} (Children's Services O&S)")
    ]


def test_the_officer_who_defers_an_item_nobody_holds_is_not_told_of_it(
    today, priya, january, march_2027, django_capture_on_commit_callbacks
):
    item = AgendaItem.objects.create(meeting=january, position=9, title="Any other business")
    with django_capture_on_commit_callbacks(execute=True):
        defer_item(item, to_meeting=march_2027, reason=REASON, by=priya.user)
    assert mail.outbox == []


def test_a_chair_deferring_an_item_nobody_holds_tells_the_officer(
    today, alan, january, march_2027, django_capture_on_commit_callbacks
):
    item = AgendaItem.objects.create(meeting=january, position=9, title="Any other business")
    with django_capture_on_commit_callbacks(execute=True):
        defer_item(item, to_meeting=march_2027, reason=REASON, by=alan.user)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([PRIYA], "Deferred to 11 March 2027: Any other business (Children's Services O&S)")
    ]


def test_the_report_author_who_defers_their_own_item_is_still_told(
    today, dev, q3_topic, march_2027, django_capture_on_commit_callbacks
):
    """They hold the report: the email carries the new deadline they must meet."""
    with django_capture_on_commit_callbacks(execute=True):
        defer_topic(q3_topic, to_meeting=march_2027, reason=REASON, by=dev.user)
    assert [(m.to, m.cc) for m in mail.outbox] == [([DEV], [PRIYA])]


def test_a_deferral_with_nowhere_to_go_is_refused_alike_by_the_api_and_the_service(
    today, priya, q3_topic
):
    where = ["Say which meeting it is deferred to, or describe where it goes."]
    refused = staff_api(priya).post(
        f"/api/topics/{q3_topic.pk}/defer/", {"reason": REASON}, format="json"
    )
    assert (refused.status_code, refused.data) == (400, {"to_meeting": where})
    with pytest.raises(Exception) as error:
        defer_topic(q3_topic, reason=REASON)
    assert error.value.message_dict == {"to_meeting": where}
    assert Deferral.objects.count() == 0


# --- Found by trying to break it --------------------------------------------------------


def test_only_business_not_yet_decided_can_be_deferred(
    today, set_clock, priya, q3_topic, march_2027
):
    item = AgendaItem.objects.get(topic=q3_topic)
    set_clock(dt.datetime.combine(item.meeting.date, dt.time(21), tzinfo=dt.UTC))
    api = staff_api(priya)
    resolved = api.post(
        f"/api/agenda-items/{item.pk}/outcome/", {"outcome": "resolved"}, format="json"
    )
    assert resolved.status_code == 200
    refused = api.post(
        f"/api/agenda-items/{item.pk}/defer/",
        {"to_meeting": march_2027.pk, "reason": REASON},
        format="json",
    )
    assert (refused.status_code, refused.data) == (
        400,
        {"outcome": [f"Item {TITLE} was resolved; only business not yet decided can be deferred."]},
    )
    topic_refused = api.post(
        f"/api/topics/{q3_topic.pk}/defer/", {"to_meeting": march_2027.pk, "reason": REASON}
    )
    assert (topic_refused.status_code, topic_refused.data) == (
        400,
        {"status": [f"“{TITLE}” is considered; only a planned or deferred topic can be deferred."]},
    )
    assert Deferral.objects.count() == 0


def test_deferring_an_item_ahead_of_its_meeting_is_a_move_made_now(
    today, alan, q3_topic, march_2027, django_capture_on_commit_callbacks
):
    """Not "decided by the committee at its meeting of 14 January 2027": that is to come."""
    item = AgendaItem.objects.get(topic=q3_topic)
    with django_capture_on_commit_callbacks(execute=True):
        deferral = defer_item(item, to_meeting=march_2027, reason=REASON, by=alan.user)
    assert deferral.decided_at is None
    assert "has been deferred by Alan Marsh." in mail.outbox[0].body
    assert "at its meeting of" not in mail.outbox[0].body


def test_a_patch_cannot_move_a_topic_or_an_item_to_another_meeting(
    today, priya, q3_topic, january, march_2027
):
    item = AgendaItem.objects.get(topic=q3_topic)
    api = staff_api(priya)
    topic_patch = api.patch(
        f"/api/topics/{q3_topic.pk}/", {"target_meeting": march_2027.pk}, format="json"
    )
    item_patch = api.patch(
        f"/api/agenda-items/{item.pk}/", {"meeting": march_2027.pk}, format="json"
    )
    assert (topic_patch.status_code, item_patch.status_code) == (400, 400)
    assert "POST /api/topics/<id>/move/" in topic_patch.data["target_meeting"][0]
    assert "POST /api/agenda-items/<id>/defer/" in item_patch.data["meeting"][0]
    q3_topic.refresh_from_db()
    item.refresh_from_db()
    assert (q3_topic.target_meeting, item.meeting) == (january, january)


def test_moving_a_topic_later_through_the_api_is_a_deferral_and_needs_a_reason(
    today, priya, q3_topic, march_2027
):
    api = staff_api(priya)
    url = f"/api/topics/{q3_topic.pk}/move/"
    refused = api.post(url, {"to_meeting": march_2027.pk}, format="json")
    assert (refused.status_code, refused.data) == (
        400,
        {"reason": ["Say why it is deferred: the report author is told the reason."]},
    )
    moved = api.post(url, {"to_meeting": march_2027.pk, "reason": REASON}, format="json")
    assert (moved.status_code, moved.data["status"], moved.data["target_meeting"]) == (
        200,
        "deferred",
        march_2027.pk,
    )
    assert AgendaItem.objects.get(topic=q3_topic).outcome == AgendaItem.Outcome.DEFERRED


def test_bringing_a_topic_forward_takes_its_undecided_item_to_the_earlier_agenda(
    today, client, priya, dev, january, march_2027
):
    topic = WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(march_2027),
        title="Youth Justice Plan",
        target_meeting=march_2027,
    )
    AgendaItem.objects.create(
        meeting=march_2027, number=4, title="Youth Justice Plan", topic=topic, report_author=dev
    )
    client.force_login(priya.user)
    moved = client.post(reverse("tracker:topic-move", args=[topic.pk]), {"to_meeting": january.pk})
    assert moved.status_code == 302
    item = AgendaItem.objects.get(topic=topic)
    assert (item.meeting, item.number, item.outcome) == (january, 4, AgendaItem.Outcome.NONE)
    assert Deferral.objects.count() == 0
    # Chased once, for January: 10 working days before its 30 December deadline.
    assert [
        subject
        for _, subject in report_reminders_from(dt.date(2026, 12, 1), dt.date(2027, 3, 10))
        if "Youth Justice Plan" in subject
    ] == [
        "Report due 30 December for Children's Services O&S, 14 January 2027: Youth Justice Plan",
        "Report due 30 December for Children's Services O&S, 14 January 2027: Youth Justice Plan",
        "Overdue: report due 30 December for Children's Services O&S, 14 January 2027: "
        "Youth Justice Plan",
    ]


def test_the_api_adds_a_topic_only_as_planned_and_for_a_meeting_still_to_come(
    today, priya, q3_topic, cancelled_march, held_2016, january
):
    api = staff_api(priya)
    body = {"work_programme": q3_topic.work_programme_id, "title": "Adoption Service"}
    cancelled = api.post("/api/topics/", {**body, "target_meeting": cancelled_march.pk})
    assert (cancelled.status_code, cancelled.data) == (400, {"target_meeting": [CANCELLED]})
    withdrawn = api.post("/api/topics/", {**body, "status": "withdrawn"}, format="json")
    assert (withdrawn.status_code, list(withdrawn.data)) == (400, ["status"])
    planned = api.post("/api/topics/", {**body, "target_meeting": january.pk}, format="json")
    assert (planned.status_code, planned.data["status"]) == (201, "planned")


def test_a_topic_with_an_item_is_kept(today, priya, q3_topic):
    deleted = staff_api(priya).delete(f"/api/topics/{q3_topic.pk}/")
    assert deleted.status_code == 409
    assert AgendaItem.objects.get(title=TITLE).topic == q3_topic


def test_an_exempt_item_put_on_a_public_topic_makes_it_exempt_and_tells_only_its_people(
    today, priya, alan, dev, sam_lead, january, march_2027, django_capture_on_commit_callbacks
):
    topic = WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(january),
        title="Staffing",
        target_meeting=january,
        lead_officer=sam_lead,
    )
    item = AgendaItem.objects.create(
        meeting=january,
        position=8,
        title="Disciplinary hearing of a named officer",
        is_exempt=True,
        exempt_paragraph=1,
        public_title="Staffing matter",
        report_author=dev,
    )
    chair = APIClient()
    chair.force_authenticate(alan.user)
    assert chair.patch(f"/api/agenda-items/{item.pk}/", {"topic": topic.pk}).status_code == 200
    topic.refresh_from_db()
    assert (topic.is_exempt, topic.exempt_paragraph, topic.public_title) == (
        True,
        1,
        "Staffing matter",
    )
    with django_capture_on_commit_callbacks(execute=True):
        chair.post(
            f"/api/agenda-items/{item.pk}/defer/",
            {"to_meeting": march_2027.pk, "reason": "The hearing was adjourned."},
        )
    # Dev wrote the report; Sam leads the public topic but may not read the exempt item.
    assert [m.to for m in mail.outbox] == [[DEV]]
    public = APIClient().get(f"/api/topics/{topic.pk}/").data
    assert (public["readable"], public["status"], public["target_meeting"]) == (False, None, None)


@pytest.fixture
def sam_lead(db):
    from committees.models import Person

    return Person.objects.create(name="Sam Ruiz", email="sam.ruiz@riverside.example")
