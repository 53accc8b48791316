"""The invalid states DESIGN.md names are refused by the models, and by the database itself."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actions.models import Action, ActionUpdate, ExecutiveResponse, Resolution
from actions.progress import record_update, sign_off
from committees.deferrals import defer_item
from committees.models import AgendaItem, Deferral, Membership

D = dt.date


def test_it_refuses_an_exempt_item_without_a_public_title(december):
    item = AgendaItem(
        meeting=december, number=80, title="Contract award", is_exempt=True, exempt_paragraph=3
    )
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "public_title" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


def test_it_refuses_an_exempt_item_without_its_schedule_12a_paragraph(december):
    item = AgendaItem(
        meeting=december, number=80, title="Contract award", is_exempt=True, public_title="Contract"
    )
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "exempt_paragraph" in error.value.message_dict


def test_it_refuses_a_deferral_to_an_earlier_meeting(december, make_meeting, dev):
    october = make_meeting(D(2017, 10, 10))
    item = AgendaItem.objects.create(
        meeting=december, number=75, title="Performance", report_author=dev
    )
    with pytest.raises(ValidationError) as error:
        defer_item(item, to_meeting=october, reason="More time")
    assert error.value.message_dict["to_meeting"] == [
        "A deferral must move to a later meeting: 10 October 2017 is not after 12 December 2017."
    ]
    assert Deferral.objects.count() == 0
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.NONE


def test_the_database_refuses_a_deferral_to_the_same_meeting(december, dev):
    item = AgendaItem.objects.create(meeting=december, number=75, title="Performance")
    topic = defer_item(item, to_text="the new municipal year", reason="Later").topic
    with pytest.raises(IntegrityError), transaction.atomic():
        Deferral.objects.create(topic=topic, from_meeting=december, to_meeting=december, reason="x")


def test_it_refuses_a_second_current_chair(committee, dev):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            committee=committee, person=dev, role=Membership.Role.CHAIR, start_date=D(2018, 1, 1)
        )


def test_it_refuses_a_due_back_meeting_of_another_committee_unless_said(
    december, other_committee, make_meeting, dev
):
    health = make_meeting(D(2018, 3, 6), on=other_committee)
    item = AgendaItem.objects.create(meeting=december, number=72, title="Adoption")
    action = Action(
        committee=december.committee,
        agenda_item=item,
        title="Report back",
        owner=dev,
        due_back_meeting=health,
    )
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert "due_back_meeting" in error.value.message_dict
    action.due_back_elsewhere = True
    action.full_clean()


def test_it_refuses_to_close_an_action_without_a_closing_update(december, dev):
    item = AgendaItem.objects.create(meeting=december, number=72, title="Adoption")
    action = Action.objects.create(agenda_item=item, title="Send the numbers round", owner=dev)
    action.status = Action.Status.COMPLETED
    action.closed_on = D(2018, 1, 5)
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert "status" in error.value.message_dict


def test_sign_off_closes_the_action_with_a_completed_update(december, dev, priya):
    item = AgendaItem.objects.create(meeting=december, number=72, title="Adoption")
    action = Action.objects.create(agenda_item=item, title="Send the numbers round", owner=dev)
    record_update(action, text="Collating", rag="AMBER", progress=2, as_of=D(2017, 12, 20))
    sign_off(action, text="Numbers circulated", by=priya.user, as_of=D(2018, 1, 5))
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.COMPLETED, D(2018, 1, 5))
    assert list(action.updates.rag_history().values_list("as_of", "rag")) == [
        (D(2017, 12, 20), "AMBER"),
        (D(2018, 1, 5), "COMPLETED"),
    ]
    with pytest.raises(ValidationError):
        record_update(action, text="One more thing")
    assert ActionUpdate.objects.filter(action=action).count() == 2


def test_references_run_per_committee_and_municipal_year(december, make_meeting, other_committee):
    item = AgendaItem.objects.create(meeting=december, number=69, title="Housing")
    first = Resolution.objects.create(agenda_item=item, position=1, text="Noted")
    second = Resolution.objects.create(agenda_item=item, position=2, text="Supported")
    july = make_meeting(D(2018, 7, 10))
    next_year = Resolution.objects.create(
        agenda_item=AgendaItem.objects.create(meeting=july, number=1, title="Minutes"),
        text="Agreed",
    )
    health = make_meeting(D(2017, 12, 5), on=other_committee)
    other = Resolution.objects.create(
        agenda_item=AgendaItem.objects.create(meeting=health, number=5, title="GP access"),
        text="Noted",
    )
    assert [first.reference, second.reference, next_year.reference, other.reference] == [
        "CS (17/18) 01",
        "CS (17/18) 02",
        "CS (18/19) 01",
        "HO (17/18) 01",
    ]


def test_an_executive_response_is_due_two_months_after_receipt(december):
    item = AgendaItem.objects.create(meeting=december, number=71, title="Public health report")
    recommendation = Resolution.objects.create(
        agenda_item=item, text="Invest in prevention", kind=Resolution.Kind.RECOMMENDATION
    )
    response = ExecutiveResponse.objects.create(
        resolution=recommendation, referred_on=D(2017, 12, 31)
    )
    assert response.response_due == D(2018, 2, 28)
