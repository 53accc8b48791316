"""Every change to meetings, items, topics, deferrals, resolutions and actions is kept, with who
made it and when, bulk updates included (committees/history.py and django-simple-history)."""

import datetime as dt

import pytest
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from actions.models import RAG, Action, ActionUpdate, ExecutiveResponse, Resolution
from actions.progress import record_update, reopen, sign_off
from committees.deferrals import defer_item
from committees.models import AgendaItem, Deferral, Meeting, WorkProgrammeTopic

D = dt.date


def kinds(instance) -> list[str]:
    """The history types of an object, oldest first: + created, ~ changed, - deleted."""
    return list(
        instance.history.order_by("history_date", "history_id").values_list(
            "history_type", flat=True
        )
    )


@pytest.fixture
def item(make_item, dev):
    return make_item(75, "Performance scorecard", report_author=dev, lead_officer=dev)


@pytest.fixture
def as_signed_in():
    """Serve a request as `user`, as simple-history's middleware does for every page."""

    def serve(user):
        request = RequestFactory().post("/admin/")
        request.user = user
        HistoricalRecords.context.request = request

    yield serve
    if hasattr(HistoricalRecords.context, "request"):
        del HistoricalRecords.context.request


# --- One row per save -----------------------------------------------------------------------


def test_creating_and_changing_a_meeting_keeps_both_versions(december):
    december.venue = "Council Chamber"
    december.save()
    assert kinds(december) == ["+", "~"]
    assert list(december.history.order_by("history_date").values_list("venue", flat=True)) == [
        "Committee Room 1, Civic Offices",
        "Council Chamber",
    ]


def test_postponing_a_meeting_keeps_its_old_date_and_deadline(february):
    february.date = D(2018, 2, 20)
    february.status = Meeting.Status.POSTPONED
    february.save()
    old, new = february.history.order_by("history_date")
    assert (old.date, old.report_deadline) == (D(2018, 2, 13), D(2018, 1, 30))
    assert (new.date, new.report_deadline, new.status) == (
        D(2018, 2, 20),
        D(2018, 2, 6),
        "postponed",
    )


def test_saving_an_item_keeps_a_history_row(item):
    item.minutes = "Members asked about agency staff."
    item.save()
    assert kinds(item) == ["+", "~"]
    assert item.history.first().minutes == "Members asked about agency staff."


def test_saving_a_resolution_keeps_a_history_row_with_its_reference(item):
    resolution = Resolution.objects.create(agenda_item=item, text="That the report be noted")
    resolution.text = "That the report be noted and agency use reported in March"
    resolution.save()
    assert kinds(resolution) == ["+", "~"]
    assert set(resolution.history.values_list("reference", flat=True)) == {"CS (17/18) 01"}


def test_saving_an_action_keeps_its_earlier_due_date(item, dev):
    action = Action.objects.create(
        agenda_item=item, title="Send agency figures", owner=dev, due_date=D(2018, 1, 10)
    )
    action.due_date = D(2018, 1, 31)
    action.save()
    assert kinds(action) == ["+", "~"]
    assert list(action.history.order_by("history_date").values_list("due_date", flat=True)) == [
        D(2018, 1, 10),
        D(2018, 1, 31),
    ]


def test_deleting_an_action_keeps_its_last_version(item, dev):
    action = Action.objects.create(agenda_item=item, title="Entered by mistake", owner=dev)
    pk = action.pk
    action.delete()
    assert list(
        Action.history.filter(id=pk).order_by("history_date").values_list("history_type", "title")
    ) == [("+", "Entered by mistake"), ("-", "Entered by mistake")]


def test_an_executive_response_keeps_each_stage(item):
    recommendation = Resolution.objects.create(
        agenda_item=item, text="Fund the scheme", kind=Resolution.Kind.RECOMMENDATION
    )
    response = ExecutiveResponse.objects.create(
        resolution=recommendation, referred_on=D(2018, 1, 15)
    )
    response.decision = ExecutiveResponse.Decision.ACCEPTED
    response.responded_on = D(2018, 3, 1)
    response.save()
    assert list(
        response.history.order_by("history_date").values_list("decision", "responded_on")
    ) == [("pending", None), ("accepted", D(2018, 3, 1))]


# --- Who made the change --------------------------------------------------------------------


def test_a_deferral_records_who_made_it_on_every_row_it_writes(item, february, priya):
    deferral = defer_item(item, to_meeting=february, reason="Awaiting data", by=priya.user)
    assert kinds(deferral) == ["+"]
    assert deferral.history.get().history_user == priya.user
    topic = WorkProgrammeTopic.objects.get()
    assert [h.history_user for h in topic.history.all()] == [priya.user, priya.user]
    assert topic.history.first().status == "deferred"
    latest = item.history.first()
    assert (latest.outcome, latest.history_user) == ("deferred", priya.user)


def test_a_deferral_history_row_keeps_where_it_went(item, february, priya):
    deferral = defer_item(item, to_meeting=february, reason="Awaiting data", by=priya.user)
    row = Deferral.history.get(id=deferral.pk)
    assert (row.from_meeting_id, row.to_meeting_id, row.reason, row.history_type) == (
        item.meeting_id,
        february.pk,
        "Awaiting data",
        "+",
    )


def test_progress_recorded_by_an_officer_is_attributed_to_them(item, dev, alan):
    action = Action.objects.create(agenda_item=item, title="Send agency figures", owner=dev)
    update = record_update(
        action, text="Collating", rag=RAG.AMBER, as_of=D(2018, 1, 4), by=dev.user
    )
    assert update.history.get().history_user == dev.user
    sign_off(action, text="Received", by=alan.user, as_of=D(2018, 1, 8))
    latest = action.history.first()
    assert (latest.status, latest.closed_on, latest.history_user) == (
        "completed",
        D(2018, 1, 8),
        alan.user,
    )


def test_reopening_is_attributed_to_who_reopened(item, dev, priya):
    action = Action.objects.create(agenda_item=item, title="Send agency figures", owner=dev)
    sign_off(action, text="Received", by=priya.user, as_of=D(2018, 1, 8))
    reopen(action, reason="Figures incomplete", by=priya.user)
    assert list(action.history.order_by("history_date").values_list("status", "history_user")) == [
        ("open", None),
        ("completed", priya.user.pk),
        ("open", priya.user.pk),
    ]


def test_a_change_without_a_signed_in_user_has_no_history_user(item, dev):
    action = Action.objects.create(agenda_item=item, title="Send agency figures", owner=dev)
    update = record_update(action, text="Collating", as_of=D(2018, 1, 4))
    assert update.history.get().history_user is None
    assert ActionUpdate.history.count() == 1


# --- Bulk updates ---------------------------------------------------------------------------


def test_a_bulk_update_of_items_keeps_one_history_row_per_item(december, make_item, february):
    for number in (64, 65, 66):
        make_item(number, f"Item {number}")
    untouched = make_item(1, "Minutes", meeting=february)
    changed = AgendaItem.objects.filter(meeting=december).update(outcome="noted")
    assert changed == 3
    bulk = AgendaItem.history.filter(history_type="~")
    assert bulk.count() == 3
    assert set(bulk.values_list("number", "outcome", "history_change_reason")) == {
        (64, "noted", "bulk update"),
        (65, "noted", "bulk update"),
        (66, "noted", "bulk update"),
    }
    assert kinds(untouched) == ["+"]
    assert set(AgendaItem.objects.filter(meeting=december).values_list("outcome", flat=True)) == {
        "noted"
    }


def test_a_bulk_update_of_meetings_keeps_one_history_row_per_meeting(december, february, march):
    changed = Meeting.objects.filter(date__lt=D(2018, 3, 1)).update(status=Meeting.Status.HELD)
    assert changed == 2
    assert list(
        Meeting.history.filter(history_type="~")
        .order_by("date")
        .values_list("date", "status", "history_change_reason")
    ) == [
        (D(2017, 12, 12), "held", "bulk update"),
        (D(2018, 2, 13), "held", "bulk update"),
    ]
    assert kinds(march) == ["+"]


def test_a_bulk_update_made_by_a_signed_in_officer_names_the_officer(
    december, make_item, priya, as_signed_in
):
    make_item(64, "Item 64")
    make_item(65, "Item 65")
    as_signed_in(priya.user)
    AgendaItem.objects.filter(meeting=december).update(outcome="noted")
    assert set(
        AgendaItem.history.filter(history_type="~").values_list("history_user", flat=True)
    ) == {priya.user.pk}


def test_a_bulk_update_matching_nothing_changes_nothing(december):
    assert AgendaItem.objects.filter(meeting=december).update(outcome="noted") == 0
    assert AgendaItem.history.count() == 0


def test_a_bulk_update_of_a_filtered_list_with_duplicates_keeps_one_row_per_item(
    december, make_item, alan, dev, committee
):
    # A filter across a to-many relation (as the admin's search makes) joins rows twice.
    make_item(64, "Item 64")
    make_item(65, "Item 65")
    from committees.models import Membership

    Membership.objects.create(committee=committee, person=dev, start_date=D(2017, 5, 20))
    joined = AgendaItem.objects.filter(meeting__committee__memberships__start_date__year=2017)
    assert joined.count() == 4  # two items times two memberships
    assert joined.distinct().update(outcome="noted") == 2
    assert AgendaItem.history.filter(history_type="~").count() == 2


def test_a_bulk_update_of_an_annotated_list_keeps_history(december, make_item, february):
    item = make_item(64, "Item 64")
    defer_item(item, to_meeting=february, reason="Awaiting data")
    topics = WorkProgrammeTopic.objects.deferred_at_least(1)
    assert topics.update(title="Performance scorecard (deferred)") == 1
    row = WorkProgrammeTopic.history.first()
    assert (row.title, row.history_change_reason) == (
        "Performance scorecard (deferred)",
        "bulk update",
    )


def test_a_bulk_update_of_work_programme_topics_keeps_one_row_per_topic(december, february):
    from committees.models import WorkProgramme

    programme = WorkProgramme.for_meeting(december)
    # Topics are ordered by their target meeting's date, an optional relation: the bulk update
    # must still lock and change them on PostgreSQL.
    for title, meeting in (("Ofsted plan", february), ("Children's Centres", None)):
        WorkProgrammeTopic.objects.create(
            work_programme=programme, title=title, target_meeting=meeting
        )
    changed = WorkProgrammeTopic.objects.filter(work_programme=programme).update(
        status=WorkProgrammeTopic.Status.WITHDRAWN
    )
    assert changed == 2
    assert sorted(
        WorkProgrammeTopic.history.filter(history_type="~").values_list("title", "status")
    ) == [("Children's Centres", "withdrawn"), ("Ofsted plan", "withdrawn")]
