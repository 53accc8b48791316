"""What committees decided and the follow-up: references, actions, progress, executive responses,
and who may see them."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actions.models import RAG, Action, ActionUpdate, ExecutiveResponse, Progress, Resolution
from actions.progress import record_update, reopen, sign_off, withdraw
from committees.models import AgendaItem, Meeting, Membership

# Also run on SQLite by make test: the actions' querysets do date arithmetic in SQL.
pytestmark = pytest.mark.sqlite

D = dt.date


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def refused_by_database(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.fixture
def housing(make_item, dev):
    return make_item(69, "Housing for care leavers", report_author=dev, lead_officer=dev)


@pytest.fixture
def action(housing, dev, february):
    """Seed 002, item 72: "the numbers would be sent round to the Committee"."""
    return Action.objects.create(
        agenda_item=housing,
        title="Send the numbers of care leavers in bed and breakfast round to the Committee",
        owner=dev,
        due_date=D(2018, 1, 10),
    )


# --- References -----------------------------------------------------------------------------


def test_the_first_resolution_and_action_of_the_year_are_cs_17_18_01_and_a01(housing, dev):
    resolution = Resolution.objects.create(agenda_item=housing, text="That the report be noted")
    action = Action.objects.create(agenda_item=housing, title="Send the numbers", owner=dev)
    assert resolution.reference == "CS (17/18) 01"
    assert action.reference == "CS (17/18) A01"
    assert str(action) == "CS (17/18) A01: Send the numbers"
    assert (action.committee, action.municipal_year.label) == (housing.meeting.committee, "2017/18")


def test_references_run_on_consecutively_through_the_year(housing, make_item, february, dev):
    later = make_item(5, "Ofsted monitoring", meeting=february)
    resolutions = [
        Resolution.objects.create(agenda_item=housing, position=1, text="Noted"),
        Resolution.objects.create(agenda_item=housing, position=2, text="Supported"),
        Resolution.objects.create(agenda_item=later, position=1, text="Welcomed"),
    ]
    actions = [
        Action.objects.create(agenda_item=housing, title="First", owner=dev),
        Action.objects.create(agenda_item=later, title="Second", owner=dev),
        Action.objects.create(agenda_item=later, title="Third", owner=dev),
    ]
    assert [r.reference for r in resolutions] == ["CS (17/18) 01", "CS (17/18) 02", "CS (17/18) 03"]
    assert [a.reference for a in actions] == ["CS (17/18) A01", "CS (17/18) A02", "CS (17/18) A03"]


def test_references_restart_at_01_in_a_new_municipal_year(housing, make_item, july, dev):
    Resolution.objects.create(agenda_item=housing, text="Noted")
    Resolution.objects.create(agenda_item=housing, position=2, text="Supported")
    Action.objects.create(agenda_item=housing, title="First", owner=dev)
    minutes = make_item(1, "Minutes", meeting=july)
    assert Resolution.objects.create(agenda_item=minutes, text="Agreed").reference == (
        "CS (18/19) 01"
    )
    assert Action.objects.create(agenda_item=minutes, title="Chase", owner=dev).reference == (
        "CS (18/19) A01"
    )


def test_each_committee_has_its_own_series(housing, make_item, health_meeting, dev):
    Resolution.objects.create(agenda_item=housing, text="Noted")
    Action.objects.create(agenda_item=housing, title="First", owner=dev)
    gp = make_item(5, "GP access", meeting=health_meeting)
    assert Resolution.objects.create(agenda_item=gp, text="Noted").reference == "HO (17/18) 01"
    assert Action.objects.create(agenda_item=gp, title="Survey", owner=dev).reference == (
        "HO (17/18) A01"
    )


def test_resolutions_and_actions_are_numbered_separately(housing, dev):
    Action.objects.create(agenda_item=housing, title="First", owner=dev)
    Action.objects.create(agenda_item=housing, title="Second", owner=dev)
    assert Resolution.objects.create(agenda_item=housing, text="Noted").reference == (
        "CS (17/18) 01"
    )


def test_an_action_raised_outside_a_meeting_takes_the_year_of_the_day_it_was_raised(
    committee, dev, monkeypatch
):
    monkeypatch.setattr("actions.models.today", lambda: D(2018, 3, 1))
    action = Action.objects.create(committee=committee, title="Chase the NHS trust", owner=dev)
    assert action.reference == "CS (17/18) A01"


def test_an_action_under_a_resolution_takes_the_resolutions_item(housing, dev):
    resolution = Resolution.objects.create(
        agenda_item=housing, text="That the numbers be circulated", kind=Resolution.Kind.ACTION
    )
    action = Action.objects.create(resolution=resolution, title="Circulate numbers", owner=dev)
    assert action.agenda_item == housing
    assert action.reference == "CS (17/18) A01"


def test_a_reference_does_not_change_when_the_action_is_edited(action, dev):
    action.title = "Send the numbers round"
    action.save()
    action.refresh_from_db()
    assert action.reference == "CS (17/18) A01"


def test_a_deleted_actions_reference_is_never_given_to_another_action(housing, dev):
    Action.objects.create(agenda_item=housing, title="First", owner=dev)
    mistake = Action.objects.create(agenda_item=housing, title="Entered by mistake", owner=dev)
    assert mistake.reference == "CS (17/18) A02"
    mistake.delete()
    # A02 may already be quoted in an email; the next action is A03.
    assert Action.objects.create(agenda_item=housing, title="Next", owner=dev).reference == (
        "CS (17/18) A03"
    )


def test_a_deleted_resolutions_reference_is_never_given_to_another(housing):
    Resolution.objects.create(agenda_item=housing, position=1, text="Noted")
    mistake = Resolution.objects.create(agenda_item=housing, position=2, text="Typo")
    mistake.delete()
    assert Resolution.objects.create(agenda_item=housing, position=2, text="Agreed").reference == (
        "CS (17/18) 03"
    )


def test_the_database_refuses_a_resolution_without_text(housing):
    resolution = Resolution(agenda_item=housing, text="   ")
    assert errors_of(resolution)["text"] == ["A resolution needs its text."]
    refused_by_database(lambda: Resolution.objects.create(agenda_item=housing, text=""))


# --- Where an action is due back ------------------------------------------------------------


def test_it_refuses_a_due_back_meeting_of_another_committee_unless_ticked(
    action, health_meeting, make_meeting, other_committee
):
    health_march = make_meeting(D(2018, 3, 6), on=other_committee)
    action.due_back_meeting = health_march
    assert errors_of(action) == {
        "due_back_meeting": [
            "That meeting is of Health Overview and Scrutiny Committee, not this committee. "
            "Tick 'due back at another committee' if that is intended."
        ]
    }
    action.due_back_elsewhere = True
    action.full_clean()
    action.save()


def test_it_refuses_a_due_back_meeting_before_the_meeting_the_action_arose_at(action, make_meeting):
    action.due_back_meeting = make_meeting(D(2017, 11, 14))
    assert errors_of(action) == {
        "due_back_meeting": [
            "The due-back meeting (14 November 2017) must come after the meeting the action "
            "arose at (12 December 2017)."
        ]
    }


def test_it_refuses_the_originating_meeting_as_the_due_back_meeting(action, december):
    action.due_back_meeting = december
    assert "due_back_meeting" in errors_of(action)


def test_a_later_meeting_of_the_same_committee_is_a_valid_due_back_meeting(action, february):
    action.due_back_meeting = february
    action.full_clean()


def test_it_refuses_an_action_filed_under_another_committee_than_its_meeting(
    action, other_committee
):
    action.committee = other_committee
    assert errors_of(action)["committee"] == [
        "The action arose at a meeting of Children's Services Overview and Scrutiny Committee."
    ]


def test_the_database_refuses_an_action_without_a_title(housing, dev):
    refused_by_database(lambda: Action.objects.create(agenda_item=housing, title="", owner=dev))


# --- Closing actions ------------------------------------------------------------------------


def test_an_action_cannot_be_closed_by_setting_its_status(action):
    action.status = Action.Status.COMPLETED
    assert errors_of(action) == {
        "status": [
            "An action is closed by a closing update that records what was done; add one "
            "(or sign the action off) rather than changing its status."
        ]
    }
    # Without a closing date the database refuses it as well.
    refused_by_database(lambda: Action.objects.filter(pk=action.pk).update(status="completed"))
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN


def test_the_database_refuses_an_open_action_with_a_closing_date(action):
    refused_by_database(lambda: Action.objects.filter(pk=action.pk).update(closed_on=D(2018, 1, 5)))


def test_a_closing_update_closes_the_action_on_its_date(action, dev):
    update = record_update(
        action, text="Numbers sent to members", rag=RAG.GREEN, as_of=D(2018, 1, 5), closes=True
    )
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.COMPLETED, D(2018, 1, 5))
    assert update.closes_action is True
    assert not action.is_open
    action.full_clean()


def test_an_ordinary_update_leaves_the_action_open(action, dev):
    record_update(action, text="Collating", rag=RAG.AMBER, progress=2, as_of=D(2017, 12, 20))
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.OPEN, None)


def test_sign_off_records_completed_and_closes(action, alan):
    update = sign_off(action, text="The chair confirmed receipt", by=alan.user, as_of=D(2018, 1, 8))
    assert (update.rag, update.closes_action, update.recorded_by) == (
        RAG.COMPLETED,
        True,
        alan.user,
    )
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.COMPLETED, D(2018, 1, 8))


def test_withdrawing_an_action_closes_it_as_withdrawn_with_the_reason(action, priya):
    update = withdraw(
        action,
        reason="Superseded by the new sufficiency strategy",
        by=priya.user,
        as_of=D(2018, 2, 13),
    )
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.WITHDRAWN, D(2018, 2, 13))
    assert update.text == "Superseded by the new sufficiency strategy"


def test_it_refuses_an_update_on_a_closed_action(action, priya):
    sign_off(action, text="Done", by=priya.user, as_of=D(2018, 1, 5))
    with pytest.raises(ValidationError) as error:
        record_update(action, text="One more thing", rag=RAG.RED)
    assert error.value.messages == [
        "CS (17/18) A01 was completed on 5 January 2018; reopen it before adding updates."
    ]
    assert action.updates.count() == 1


def test_it_refuses_to_close_as_anything_but_completed_or_withdrawn(action):
    with pytest.raises(ValidationError):
        record_update(action, text="Done", closes=True, close_as=Action.Status.OPEN)
    action.refresh_from_db()
    assert action.is_open
    assert action.updates.count() == 0


def test_reopening_an_action_keeps_why_and_lets_progress_be_recorded_again(action, priya):
    sign_off(action, text="Done", by=priya.user, as_of=D(2018, 1, 5))
    update = reopen(action, reason="Members found the numbers incomplete", by=priya.user)
    assert update.text == "Reopened: Members found the numbers incomplete"
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.OPEN, None)
    record_update(action, text="Revised numbers being collated", rag=RAG.AMBER)
    assert action.updates.count() == 3


def test_it_refuses_to_reopen_an_open_action(action, priya):
    with pytest.raises(ValidationError) as error:
        reopen(action, reason="Why not", by=priya.user)
    assert error.value.messages == ["CS (17/18) A01 is already open."]


def test_a_reopened_action_needs_a_new_closing_update_to_close_again(action, priya):
    sign_off(action, text="Done", by=priya.user, as_of=D(2018, 1, 5))
    reopen(action, reason="Incomplete", by=priya.user)
    action.refresh_from_db()
    action.status = Action.Status.COMPLETED
    action.closed_on = D(2018, 1, 20)
    assert "status" in errors_of(action)


def test_an_action_can_be_closed_with_a_backdated_update(action):
    record_update(action, text="Chased", rag=RAG.AMBER, as_of=D(2018, 1, 16))
    record_update(action, text="Sent on 18 January", as_of=D(2018, 1, 18), closes=True)
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.COMPLETED, D(2018, 1, 18))


def test_an_action_is_not_closed_before_its_latest_update(action):
    """Closed before its latest update, it would show that update's RAG while completed."""
    record_update(action, text="Chased", rag=RAG.AMBER, as_of=D(2018, 1, 20))
    with pytest.raises(ValidationError) as error:
        record_update(action, text="Sent on 18 January", as_of=D(2018, 1, 18), closes=True)
    assert error.value.message_dict == {
        "as_of": [
            "A closing update cannot be dated before the latest update on "
            f"{action.reference}, of 20 January 2018."
        ]
    }


# --- Progress and RAG history ---------------------------------------------------------------


def test_rag_history_keeps_every_rag_value_in_date_order(action):
    record_update(action, text="Not started", rag=RAG.RED, progress=1, as_of=D(2017, 12, 14))
    record_update(action, text="Collating", rag=RAG.AMBER, progress=2, as_of=D(2018, 1, 4))
    record_update(action, text="A note without a RAG", as_of=D(2018, 1, 6))
    # Recorded late, for an earlier reporting date: it takes its place in the timeline.
    record_update(action, text="Still waiting", rag=RAG.RED, as_of=D(2017, 12, 21))
    record_update(action, text="Nearly there", rag=RAG.GREEN, progress=3, as_of=D(2018, 1, 8))
    sign_off(action, text="Sent", by=None, as_of=D(2018, 1, 9))
    assert list(action.updates.rag_history().values_list("as_of", "rag")) == [
        (D(2017, 12, 14), "RED"),
        (D(2017, 12, 21), "RED"),
        (D(2018, 1, 4), "AMBER"),
        (D(2018, 1, 8), "GREEN"),
        (D(2018, 1, 9), "COMPLETED"),
    ]
    assert ActionUpdate.objects.filter(action=action).count() == 6
    assert action.latest_update().text == "Sent"


@pytest.mark.parametrize("progress", [0, 6])
def test_the_database_refuses_progress_outside_one_to_five(action, progress):
    update = ActionUpdate(action=action, text="Progress", progress=progress)
    assert "progress" in errors_of(update)
    refused_by_database(update.save)
    with pytest.raises(ValidationError):
        record_update(action, text="Progress", progress=progress)
    assert action.updates.count() == 0


def test_progress_of_one_and_five_are_accepted(action):
    record_update(action, text="Not started", progress=Progress.NOT_STARTED, as_of=D(2018, 1, 1))
    record_update(action, text="Sustained", progress=Progress.SUSTAINED, as_of=D(2018, 3, 1))
    assert list(action.updates.values_list("progress", flat=True)) == [1, 5]


def test_it_refuses_an_update_that_says_nothing(action):
    with pytest.raises(ValidationError) as error:
        record_update(action, text="   ")
    assert "text" in error.value.message_dict
    refused_by_database(lambda: ActionUpdate.objects.create(action=action, text=""))


# --- Overdue actions ------------------------------------------------------------------------


@pytest.fixture
def actions_due(housing, dev, february, march):
    def make(title, **fields):
        return Action.objects.create(agenda_item=housing, title=title, owner=dev, **fields)

    return {
        "past due date": make("Past due date", due_date=D(2018, 1, 10)),
        "due today": make("Due today", due_date=D(2018, 2, 20)),
        "not yet due": make("Not yet due", due_date=D(2018, 3, 1)),
        "past due-back meeting": make("Past due-back meeting", due_back_meeting=february),
        "due-back meeting ahead": make("Due-back meeting ahead", due_back_meeting=march),
        "date wins over meeting": make(
            "Date wins over meeting", due_date=D(2018, 3, 1), due_back_meeting=february
        ),
        "no due date": make("No due date"),
        "closed though late": make("Closed though late", due_date=D(2018, 1, 10)),
    }


def test_overdue_is_open_actions_past_their_due_date_or_due_back_meeting(actions_due):
    record_update(actions_due["closed though late"], text="Done", closes=True, as_of=D(2018, 2, 1))
    overdue = Action.objects.overdue(on=D(2018, 2, 20))
    assert sorted(overdue.values_list("title", flat=True)) == [
        "Past due date",
        "Past due-back meeting",
    ]


def test_an_action_is_not_overdue_on_its_due_day(actions_due):
    assert actions_due["due today"] not in Action.objects.overdue(on=D(2018, 2, 20))
    assert actions_due["due today"] in Action.objects.overdue(on=D(2018, 2, 21))


def test_an_action_due_back_at_a_meeting_is_overdue_after_that_meeting(actions_due):
    action = actions_due["past due-back meeting"]  # due back on 13 February 2018
    assert action not in Action.objects.overdue(on=D(2018, 2, 13))
    assert action in Action.objects.overdue(on=D(2018, 2, 14))


def test_days_late_counts_calendar_days_past_the_due_date(actions_due):
    assert actions_due["past due date"].days_late(on=D(2018, 1, 17)) == 7
    assert actions_due["past due date"].days_late(on=D(2018, 1, 10)) == 0
    assert actions_due["not yet due"].days_late(on=D(2018, 1, 17)) == 0
    assert actions_due["past due-back meeting"].days_late(on=D(2018, 2, 20)) == 7
    assert actions_due["no due date"].days_late(on=D(2018, 2, 20)) == 0


def test_a_closed_action_is_never_late(actions_due):
    late = actions_due["closed though late"]
    record_update(late, text="Done", closes=True, as_of=D(2018, 2, 1))
    late.refresh_from_db()
    assert late.days_late(on=D(2018, 2, 20)) == 0


def test_due_on_is_the_due_date_or_else_the_due_back_meetings_date(actions_due):
    assert actions_due["past due date"].due_on == D(2018, 1, 10)
    assert actions_due["past due-back meeting"].due_on == D(2018, 2, 13)
    assert actions_due["date wins over meeting"].due_on == D(2018, 3, 1)
    assert actions_due["no due date"].due_on is None
    annotated = dict(Action.objects.values_list("title", "due_on_date"))
    assert annotated["Past due-back meeting"] == D(2018, 2, 13)
    assert annotated["Date wins over meeting"] == D(2018, 3, 1)


def stored_due_on() -> dict[str, dt.date | None]:
    return dict(Action.objects.values_list("title", "due_on_date"))


def test_the_due_on_date_is_stored_as_the_rule_reckons_it(actions_due):
    assert stored_due_on() == {
        action.title: action.reckon_due_on() for action in Action.objects.all()
    }
    assert stored_due_on()["Past due-back meeting"] == D(2018, 2, 13)
    assert stored_due_on()["No due date"] is None


def test_a_due_back_meeting_that_moves_moves_the_due_on_date_of_its_actions(actions_due, february):
    record_update(
        actions_due["past due-back meeting"], text="Done", closes=True, as_of=D(2018, 2, 1)
    )
    february.date = D(2018, 2, 27)
    february.save()
    stored = stored_due_on()
    # Closed or open, as the due-on date is shown for both; a due date of its own wins.
    assert stored["Past due-back meeting"] == D(2018, 2, 27)
    assert stored["Date wins over meeting"] == D(2018, 3, 1)
    assert Action.objects.get(title="Past due-back meeting").due_on == D(2018, 2, 27)


def test_an_action_loaded_before_its_meeting_moved_and_saved_after_keeps_the_new_date(
    actions_due, february
):
    held = Action.objects.select_related("due_back_meeting").get(title="Past due-back meeting")
    moved = Meeting.objects.get(pk=february.pk)
    moved.date = D(2018, 2, 27)
    moved.save()  # as the modern.gov sync or the admin would, while a page holds the action

    held.title = "Past due-back meeting, edited"
    held.save()

    assert stored_due_on()["Past due-back meeting, edited"] == D(2018, 2, 27)
    assert held.due_on == D(2018, 2, 27)


def test_an_edit_of_the_due_date_or_meeting_stores_the_due_on_date_again(actions_due, march):
    action = actions_due["past due date"]
    action.due_date = None
    action.due_back_meeting = march
    assert action.due_on == march.date  # reckoned before it is saved
    action.save()
    assert stored_due_on()["Past due date"] == march.date
    assert action in Action.objects.overdue(on=march.date + dt.timedelta(days=1))
    assert action not in Action.objects.overdue(on=march.date)


def test_a_loaded_action_reckons_its_due_on_date_again_once_its_sources_change(actions_due, march):
    action = Action.objects.get(pk=actions_due["past due-back meeting"].pk)
    assert action.due_on == D(2018, 2, 13)
    action.due_back_meeting_id = march.pk
    assert action.due_on == march.date
    action.due_date = D(2018, 5, 1)
    assert action.due_on == D(2018, 5, 1)


def test_a_bulk_update_of_the_due_date_or_meeting_stores_the_due_on_date_again(actions_due, march):
    Action.objects.filter(title__in=["Past due date", "No due date"]).update(
        due_date=None, due_back_meeting=march
    )
    Action.objects.filter(title="Due today").update(due_date=D(2018, 4, 1))
    stored = stored_due_on()
    assert stored["Past due date"] == stored["No due date"] == march.date
    assert stored["Due today"] == D(2018, 4, 1)
    assert stored["Not yet due"] == D(2018, 3, 1)


# --- Executive responses --------------------------------------------------------------------


@pytest.fixture
def recommendation(housing):
    return Resolution.objects.create(
        agenda_item=housing,
        text="That Cabinet fund a supported lodgings scheme",
        kind=Resolution.Kind.RECOMMENDATION,
    )


@pytest.mark.parametrize(
    ("referred_on", "due"),
    [
        (D(2017, 12, 31), D(2018, 2, 28)),  # no 31 February: the last day of the month
        (D(2018, 1, 15), D(2018, 3, 15)),
        (D(2019, 12, 31), D(2020, 2, 29)),  # a leap year
    ],
)
def test_an_executive_response_is_due_two_months_after_the_executive_received_it(
    recommendation, referred_on, due
):
    response = ExecutiveResponse.objects.create(resolution=recommendation, referred_on=referred_on)
    response.refresh_from_db()
    assert response.response_due == due


def test_only_a_recommendation_gets_an_executive_response(housing):
    note = Resolution.objects.create(agenda_item=housing, text="That the report be noted")
    response = ExecutiveResponse(resolution=note, referred_on=D(2018, 1, 15))
    assert errors_of(response)["resolution"] == [
        "Only a recommendation to the executive gets an executive response."
    ]


def test_it_refuses_a_decision_without_the_date_it_was_given(recommendation):
    response = ExecutiveResponse(
        resolution=recommendation,
        referred_on=D(2018, 1, 15),
        decision=ExecutiveResponse.Decision.ACCEPTED,
    )
    assert errors_of(response)["responded_on"] == ["Give the date of the executive's decision."]
    refused_by_database(response.save)


def test_it_refuses_a_response_date_without_a_decision(recommendation):
    response = ExecutiveResponse(
        resolution=recommendation, referred_on=D(2018, 1, 15), responded_on=D(2018, 2, 1)
    )
    assert errors_of(response)["decision"] == ["Record the decision that was given on that date."]
    refused_by_database(response.save)


def test_it_refuses_a_response_before_the_recommendation_was_received(recommendation):
    response = ExecutiveResponse(
        resolution=recommendation,
        referred_on=D(2018, 1, 15),
        decision=ExecutiveResponse.Decision.REJECTED,
        responded_on=D(2018, 1, 2),
    )
    assert errors_of(response)["responded_on"] == [
        "The response cannot come before the recommendation was received."
    ]


def test_it_refuses_implemented_without_the_date(recommendation):
    response = ExecutiveResponse(
        resolution=recommendation,
        referred_on=D(2018, 1, 15),
        implementation=ExecutiveResponse.Implementation.IMPLEMENTED,
    )
    assert errors_of(response)["implemented_on"] == ["Give the date it was implemented."]
    refused_by_database(response.save)


def test_it_refuses_an_impact_verdict_without_the_review_date(recommendation):
    response = ExecutiveResponse(
        resolution=recommendation,
        referred_on=D(2018, 1, 15),
        impact=ExecutiveResponse.Impact.ACHIEVED,
    )
    assert errors_of(response)["impact_reviewed_on"] == ["Give the date of the impact review."]
    refused_by_database(response.save)


@pytest.mark.parametrize(
    ("implemented_on", "months", "review_due"),
    [
        (D(2018, 3, 15), 6, D(2018, 9, 15)),
        (D(2018, 3, 15), 12, D(2019, 3, 15)),
        (D(2018, 8, 31), 6, D(2019, 2, 28)),  # no 31 February
    ],
)
def test_the_impact_review_is_due_6_or_12_months_after_implementation(
    recommendation, implemented_on, months, review_due
):
    response = ExecutiveResponse.objects.create(
        resolution=recommendation,
        referred_on=D(2018, 1, 15),
        decision=ExecutiveResponse.Decision.ACCEPTED,
        responded_on=D(2018, 2, 20),
        implementation=ExecutiveResponse.Implementation.IMPLEMENTED,
        implemented_on=implemented_on,
        impact_review_months=months,
    )
    response.full_clean()
    assert response.impact_review_due == review_due


def test_no_impact_review_is_due_before_implementation(recommendation):
    response = ExecutiveResponse.objects.create(
        resolution=recommendation, referred_on=D(2018, 1, 15)
    )
    assert response.impact_review_due is None


def test_a_response_is_overdue_only_after_its_due_date_and_while_awaited(recommendation):
    response = ExecutiveResponse.objects.create(
        resolution=recommendation, referred_on=D(2018, 1, 15)
    )
    assert list(ExecutiveResponse.objects.overdue(on=D(2018, 3, 15))) == []
    assert list(ExecutiveResponse.objects.overdue(on=D(2018, 3, 16))) == [response]
    response.decision = ExecutiveResponse.Decision.PARTLY_ACCEPTED
    response.responded_on = D(2018, 3, 20)
    response.save()
    assert list(ExecutiveResponse.objects.overdue(on=D(2018, 3, 21))) == []


# --- Who may see what -----------------------------------------------------------------------


@pytest.fixture
def business(december, health_meeting, dev, alan):
    """Public and exempt business of both committees, with resolutions and actions."""
    public = AgendaItem.objects.create(meeting=december, number=69, title="Housing")
    exempt = AgendaItem.objects.create(
        meeting=december,
        number=70,
        title="Placement breakdown of child J",
        is_exempt=True,
        exempt_paragraph=1,
        public_title="A child's placement",
        report_author=dev,
    )
    health_exempt = AgendaItem.objects.create(
        meeting=health_meeting,
        number=12,
        title="Contract dispute with the ambulance trust",
        is_exempt=True,
        exempt_paragraph=3,
        public_title="A contract",
    )
    thing = {"public": public, "exempt": exempt, "health exempt": health_exempt}
    for name, item in list(thing.items()):
        thing[f"{name} resolution"] = Resolution.objects.create(agenda_item=item, text="Noted")
        thing[f"{name} action"] = Action.objects.create(agenda_item=item, title=f"Follow up {name}")
    return thing


def visible(business, user) -> dict[str, list[str]]:
    def names(queryset):
        found = set(queryset)
        return sorted(name for name, thing in business.items() if thing in found)

    return {
        "items": names(AgendaItem.objects.visible_to(user)),
        "resolutions": names(Resolution.objects.visible_to(user)),
        "actions": names(Action.objects.visible_to(user)),
    }


def test_the_public_sees_no_exempt_item_nor_its_resolutions_or_actions(business):
    assert visible(business, AnonymousUser()) == {
        "items": ["public"],
        "resolutions": ["public resolution"],
        "actions": ["public action"],
    }


def test_a_signed_in_user_with_no_role_sees_what_the_public_sees(business):
    stranger = get_user_model().objects.create_user("sam", "sam@riverside.example", "sam-pass")
    assert visible(business, stranger) == visible(business, AnonymousUser())


def test_staff_see_everything(business, priya):
    assert visible(business, priya.user) == {
        "items": ["exempt", "health exempt", "public"],
        "resolutions": ["exempt resolution", "health exempt resolution", "public resolution"],
        "actions": ["exempt action", "health exempt action", "public action"],
    }


def test_the_chair_sees_exempt_items_of_their_committee_but_not_of_another(business, alan):
    assert visible(business, alan.user) == {
        "items": ["exempt", "public"],
        "resolutions": ["exempt resolution", "public resolution"],
        "actions": ["exempt action", "public action"],
    }


def test_a_vice_chair_sees_the_exempt_items_of_their_committee(business, committee):
    vice = get_user_model().objects.create_user("val", "val@riverside.example", "val-pass")
    person = committee.officer.__class__.objects.create(name="Val Reid", user=vice)
    Membership.objects.create(
        committee=committee,
        person=person,
        role=Membership.Role.VICE_CHAIR,
        start_date=D(2017, 5, 20),
    )
    assert visible(business, vice)["items"] == ["exempt", "public"]


def test_a_former_chair_no_longer_sees_exempt_items(business, committee, alan):
    membership = committee.memberships.get(person=alan)
    membership.end_date = D(2018, 5, 23)
    membership.save()
    assert visible(business, alan.user)["items"] == ["public"]


def test_an_ordinary_member_does_not_see_exempt_items(business, committee, alan, dev):
    member_user = get_user_model().objects.create_user("mo", "mo@riverside.example", "mo-pass")
    member = alan.__class__.objects.create(name="Mo Ahmed", is_councillor=True, user=member_user)
    Membership.objects.create(committee=committee, person=member, start_date=D(2017, 5, 20))
    assert visible(business, member_user)["items"] == ["public"]


def test_a_report_author_sees_their_own_exempt_item_and_no_other(business, dev):
    assert visible(business, dev.user) == {
        "items": ["exempt", "public"],
        "resolutions": ["exempt resolution", "public resolution"],
        "actions": ["exempt action", "public action"],
    }


def test_an_action_owner_sees_their_own_action_of_an_exempt_item(business, dev, other_committee):
    owner_user = get_user_model().objects.create_user("ola", "ola@riverside.example", "ola-pass")
    owner = dev.__class__.objects.create(name="Ola Bright", user=owner_user)
    action = business["health exempt action"]
    action.owner = owner
    action.save()
    seen = visible(business, owner_user)
    assert seen["actions"] == ["health exempt action", "public action"]
    assert seen["items"] == ["public"]
    assert seen["resolutions"] == ["public resolution"]


def test_the_public_sees_nothing_of_an_unpublished_meeting(business, december):
    Meeting.objects.filter(pk=december.pk).update(is_published=False)
    assert visible(business, AnonymousUser()) == {"items": [], "resolutions": [], "actions": []}


def test_the_public_sees_an_action_raised_outside_a_meeting_of_a_published_committee(
    committee, other_committee, monkeypatch
):
    monkeypatch.setattr("actions.models.today", lambda: D(2018, 3, 1))
    public = Action.objects.create(committee=committee, title="Chase the NHS trust")
    other_committee.is_published = False
    other_committee.save()
    hidden = Action.objects.create(committee=other_committee, title="Draft question")
    assert list(Action.objects.visible_to(AnonymousUser())) == [public]
    assert hidden not in Action.objects.visible_to(AnonymousUser())
