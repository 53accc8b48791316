"""Keeping a work programme: add, move (a move later is a deferral) and merge topics."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from committees.models import Deferral, WorkProgramme, WorkProgrammeTopic
from committees.programme import add_topic, merge_topics, move_topic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def planning_day(autumn_2017):
    """The programme is kept on 20 November 2017: its meetings are still to come."""


@pytest.fixture
def programme(december):
    return WorkProgramme.for_meeting(december)


@pytest.fixture
def topic(programme, february, dev):
    return add_topic(programme, title="Youth Offending", target_meeting=february, lead_officer=dev)


def test_add_topic_checks_the_meeting_and_records_who(programme, february, july, priya):
    topic = add_topic(
        programme, title="  Child Exploitation ", target_meeting=february, by=priya.user
    )
    assert topic.title == "Child Exploitation"
    assert topic.history.first().history_user == priya.user
    with pytest.raises(ValidationError) as error:
        add_topic(programme, title="Next year", target_meeting=july)
    assert "another municipal year" in error.value.message_dict["target_meeting"][0]
    with pytest.raises(ValidationError) as error:
        add_topic(programme, title="")
    assert "title" in error.value.message_dict


def test_add_topic_refuses_another_committees_meeting(programme, health_meeting):
    with pytest.raises(ValidationError) as error:
        add_topic(programme, title="Wrong", target_meeting=health_meeting)
    assert error.value.message_dict["target_meeting"] == [
        "Choose one of this committee's meetings."
    ]


def test_moving_later_is_a_deferral_that_tells_the_author(
    topic, march, priya, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deferral = move_topic(
            topic, to_meeting=march, reason="Ofsted not yet published", by=priya.user
        )
    assert deferral.from_meeting == topic.target_meeting and deferral.to_meeting == march
    topic.refresh_from_db()
    assert topic.status == WorkProgrammeTopic.Status.DEFERRED and topic.target_meeting == march
    assert [m.to for m in mail.outbox] == [["dev.okafor@riverside.example"]]


def test_moving_back_to_tbc_is_a_deferral_too(topic, priya):
    deferral = move_topic(topic, to_meeting=None, reason="No date yet", by=priya.user)
    assert deferral.to_text == "to be confirmed"
    topic.refresh_from_db()
    assert topic.target_meeting is None


def test_a_deferral_needs_a_reason(topic, march):
    with pytest.raises(ValidationError) as error:
        move_topic(topic, to_meeting=march, reason=" ")
    assert "reason" in error.value.message_dict
    assert not Deferral.objects.exists()


def test_moving_earlier_or_from_tbc_is_a_plain_change(
    programme, topic, december, february, priya, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert move_topic(topic, to_meeting=december, by=priya.user) is None
        tbc = add_topic(programme, title="SEND Transport")
        assert move_topic(tbc, to_meeting=february) is None
    topic.refresh_from_db()
    assert topic.target_meeting == december and topic.status == WorkProgrammeTopic.Status.PLANNED
    assert topic.history.first().history_user == priya.user
    assert not Deferral.objects.exists() and mail.outbox == []


def test_moving_into_the_next_year_moves_the_topic_to_that_programme(programme, july):
    tbc = add_topic(programme, title="Rollover topic")
    move_topic(tbc, to_meeting=july)
    tbc.refresh_from_db()
    assert tbc.work_programme.municipal_year == july.municipal_year


def test_moving_to_the_same_meeting_or_a_closed_topic_is_refused(topic, february, march):
    with pytest.raises(ValidationError, match="already planned"):
        move_topic(topic, to_meeting=february)
    WorkProgrammeTopic.objects.filter(pk=topic.pk).update(status="withdrawn")
    with pytest.raises(ValidationError, match="withdrawn, so it cannot be moved"):
        move_topic(topic, to_meeting=march, reason="x")


def test_merge_keeps_the_merged_topic_as_history_with_its_deferrals(programme, topic, march, priya):
    other = add_topic(programme, title="Youth Justice Plan", target_meeting=march)
    move_topic(other, to_meeting=None, reason="Waiting for the plan")
    merge_topics(topic, other, by=priya.user)
    other.refresh_from_db()
    assert other.status == WorkProgrammeTopic.Status.MERGED and other.merged_into == topic
    assert other.deferrals.count() == 1 and topic.deferrals.count() == 0
    assert other.history.first().history_user == priya.user


def test_merge_refuses_itself_other_committees_and_closed_topics(
    topic, programme, other_committee, health_meeting
):
    with pytest.raises(ValidationError, match="cannot merge into itself"):
        merge_topics(topic, topic)
    health = add_topic(WorkProgramme.for_meeting(health_meeting), title="Health topic")
    with pytest.raises(ValidationError, match="same committee"):
        merge_topics(topic, health)
    done = add_topic(programme, title="Done", status=WorkProgrammeTopic.Status.CONSIDERED)
    with pytest.raises(ValidationError, match="only planned or deferred"):
        merge_topics(topic, done)
