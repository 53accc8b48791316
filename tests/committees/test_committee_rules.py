"""The rules of committees, meetings, items, work programmes and deferrals.

Each invalid state is refused twice over: by the model's validation (what the admin, the API
and the importer show the officer) and by the database itself, for anything that writes
without validating. The deferral service (committees.deferrals) is tested at the end.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from committees import deferrals
from committees.deferrals import defer_item, defer_topic
from committees.models import (
    AgendaItem,
    Deferral,
    Meeting,
    Membership,
    MunicipalYear,
    WorkProgramme,
    WorkProgrammeTopic,
)

# Also run on SQLite by make test: the committees' querysets do date arithmetic in SQL.
pytestmark = pytest.mark.sqlite

D = dt.date


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def refused_by_database(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


# --- Memberships ----------------------------------------------------------------------------


def test_a_chair_chosen_for_a_coming_annual_meeting_steers_nothing_before_it(
    committee, alan, dev, set_clock
):
    """The rollover records the annual meeting's changes ahead: the old chair's membership ends
    the day before, the new one starts on the day."""
    Membership.objects.filter(person=alan).update(end_date=D(2018, 5, 19))
    Membership.objects.create(
        committee=committee, person=dev, role=Membership.Role.CHAIR, start_date=D(2018, 5, 20)
    )
    set_clock(dt.datetime(2018, 5, 19, 12, tzinfo=dt.UTC))
    assert (committee.is_chaired_by(alan.user), committee.is_chaired_by(dev.user)) == (True, False)
    set_clock(dt.datetime(2018, 5, 20, 12, tzinfo=dt.UTC))
    assert (committee.is_chaired_by(alan.user), committee.is_chaired_by(dev.user)) == (False, True)
    assert committee.chairs() == [dev]


def test_it_rejects_a_second_current_chair(committee, dev):
    second = Membership(
        committee=committee, person=dev, role=Membership.Role.CHAIR, start_date=D(2018, 1, 1)
    )
    assert errors_of(second)["__all__"] == ["This committee already has a current chair."]
    refused_by_database(second.save)
    assert [m.person.name for m in committee.memberships.filter(role="chair")] == ["Alan Marsh"]


def test_it_rejects_a_second_current_vice_chair(committee, dev, priya):
    Membership.objects.create(
        committee=committee, person=dev, role=Membership.Role.VICE_CHAIR, start_date=D(2017, 5, 20)
    )
    second = Membership(
        committee=committee, person=priya, role=Membership.Role.VICE_CHAIR, start_date=D(2018, 1, 1)
    )
    assert errors_of(second)["__all__"] == ["This committee already has a current vice-chair."]
    refused_by_database(second.save)


def test_a_new_chair_may_take_over_once_the_old_chairs_membership_has_ended(committee, alan, dev):
    old = committee.memberships.get(person=alan)
    old.end_date = D(2018, 5, 23)
    old.end_reason = "Stood down at the annual meeting"
    old.save()
    new = Membership(
        committee=committee, person=dev, role=Membership.Role.CHAIR, start_date=D(2018, 5, 23)
    )
    new.full_clean()
    new.save()
    assert committee.chairs(on=D(2018, 6, 1)) == [dev]
    assert committee.chairs(on=D(2018, 1, 1)) == [alan]


def test_a_chair_and_a_vice_chair_may_serve_together(committee, alan, dev):
    vice = Membership(
        committee=committee, person=dev, role=Membership.Role.VICE_CHAIR, start_date=D(2017, 5, 20)
    )
    vice.full_clean()
    vice.save()
    # The chair first, then the vice-chair.
    assert committee.chairs(on=D(2018, 1, 1)) == [alan, dev]


def test_the_same_chair_may_chair_two_committees(committee, other_committee, alan):
    other = Membership(
        committee=other_committee,
        person=alan,
        role=Membership.Role.CHAIR,
        start_date=D(2017, 5, 20),
    )
    other.full_clean()
    other.save()


def test_it_rejects_a_membership_ending_before_it_starts(committee, dev):
    membership = Membership(
        committee=committee, person=dev, start_date=D(2018, 1, 10), end_date=D(2018, 1, 9)
    )
    assert errors_of(membership)["end_date"] == ["A membership cannot end before it starts."]
    refused_by_database(membership.save)


def test_a_membership_may_end_on_the_day_it_starts(committee, dev):
    membership = Membership(
        committee=committee, person=dev, start_date=D(2018, 1, 10), end_date=D(2018, 1, 10)
    )
    membership.full_clean()
    membership.save()


def test_it_rejects_a_second_current_membership_of_the_same_person(committee, alan):
    again = Membership(committee=committee, person=alan, start_date=D(2018, 1, 1))
    assert errors_of(again)["__all__"] == [
        "This person already has a current membership of this committee."
    ]
    refused_by_database(again.save)


# --- Exempt (Part 2) items ------------------------------------------------------------------


def test_it_rejects_an_exempt_item_without_a_public_title(december):
    item = AgendaItem(
        meeting=december, number=80, title="Contract award", is_exempt=True, exempt_paragraph=3
    )
    assert errors_of(item) == {
        "public_title": ["An exempt item needs a public title that staff have written for it."]
    }
    refused_by_database(item.save)


def test_it_rejects_an_exempt_item_whose_public_title_is_only_spaces(december):
    item = AgendaItem(
        meeting=december,
        number=80,
        title="Contract award",
        is_exempt=True,
        exempt_paragraph=3,
        public_title="   ",
    )
    assert "public_title" in errors_of(item)


def test_it_rejects_an_exempt_item_without_a_schedule_12a_paragraph(december):
    item = AgendaItem(
        meeting=december,
        number=80,
        title="Contract award",
        is_exempt=True,
        public_title="Award of a contract",
    )
    assert errors_of(item) == {
        "exempt_paragraph": ["An exempt item must say which paragraph of Schedule 12A applies."]
    }
    refused_by_database(item.save)


def test_it_rejects_a_public_item_with_a_schedule_12a_paragraph(december):
    item = AgendaItem(meeting=december, number=80, title="Budget monitoring", exempt_paragraph=3)
    assert errors_of(item) == {
        "exempt_paragraph": ["Only an exempt item has a Schedule 12A paragraph."]
    }
    refused_by_database(item.save)


@pytest.mark.parametrize("paragraph", [0, 8])
def test_the_database_rejects_a_paragraph_outside_schedule_12a(december, paragraph):
    item = AgendaItem(
        meeting=december,
        number=80,
        title="Contract award",
        is_exempt=True,
        exempt_paragraph=paragraph,
        public_title="Award of a contract",
    )
    assert "exempt_paragraph" in errors_of(item)
    refused_by_database(item.save)


def test_an_exempt_item_with_paragraph_and_public_title_is_accepted_and_shows_only_that_title(
    december,
):
    item = AgendaItem(
        meeting=december,
        number=80,
        title="Award of the residential care contract to Acme Care Ltd",
        is_exempt=True,
        exempt_paragraph=AgendaItem.ExemptParagraph.FINANCIAL,
        public_title="Award of a contract",
    )
    item.full_clean()
    item.save()
    assert item.display_title == "Award of a contract"


# --- Item numbers ---------------------------------------------------------------------------


def test_it_rejects_a_duplicate_item_number_in_a_meeting(december, make_item):
    make_item(19, "Minutes")
    duplicate = AgendaItem(meeting=december, number=19, title="Apologies")
    assert errors_of(duplicate)["__all__"] == ["This meeting already has an item with that number."]
    refused_by_database(duplicate.save)


def test_the_same_item_number_may_appear_in_another_meeting(february, make_item):
    make_item(19, "Minutes")
    other = AgendaItem(meeting=february, number=19, title="Minutes")
    other.full_clean()
    other.save()


def test_several_unnumbered_items_may_share_a_meeting(december, make_item):
    make_item(None, "Urgent business")
    second = AgendaItem(meeting=december, title="Any other business")
    second.full_clean()
    second.save()
    assert december.items.filter(number__isnull=True).count() == 2


def test_it_rejects_an_item_whose_topic_belongs_to_another_committee(december, health_meeting, dev):
    health_topic = WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(health_meeting), title="GP access"
    )
    item = AgendaItem(meeting=december, number=20, title="GP access", topic=health_topic)
    assert errors_of(item) == {
        "topic": ["The topic belongs to another committee's work programme."]
    }


# --- Meetings -------------------------------------------------------------------------------


def test_it_rejects_two_meetings_of_one_committee_on_the_same_day(committee, december):
    again = Meeting(committee=committee, date=D(2017, 12, 12), start_time=dt.time(10, 0))
    assert "__all__" in errors_of(again)
    refused_by_database(again.save)


def test_a_meetings_start_is_london_time_in_summer_and_winter(december, july):
    assert december.starts_at.isoformat() == "2017-12-12T19:00:00+00:00"
    assert july.starts_at.isoformat() == "2018-07-10T19:00:00+01:00"


# --- Deferrals (model rules) ----------------------------------------------------------------


@pytest.fixture
def topic(december):
    return WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(december),
        title="Ofsted Inspection Action Plan",
        target_meeting=december,
    )


def test_it_rejects_a_deferral_to_an_earlier_meeting(topic, make_meeting, december):
    october = make_meeting(D(2017, 10, 10))
    deferral = Deferral(
        topic=topic, from_meeting=december, to_meeting=october, reason="Awaiting data"
    )
    assert errors_of(deferral) == {
        "to_meeting": [
            "A deferral must move to a later meeting: 10 October 2017 is not after 12 December 2017."
        ]
    }


def test_it_rejects_a_deferral_to_the_same_meeting(topic, december):
    deferral = Deferral(
        topic=topic, from_meeting=december, to_meeting=december, reason="Awaiting data"
    )
    assert errors_of(deferral) == {
        "to_meeting": [
            "A deferral must move to a later meeting: 12 December 2017 is not after 12 December 2017."
        ]
    }
    refused_by_database(deferral.save)


def test_it_rejects_a_deferral_to_another_committees_meeting(topic, december, other_committee):
    health = Meeting.objects.create(committee=other_committee, date=D(2018, 1, 16))
    deferral = Deferral(topic=topic, from_meeting=december, to_meeting=health, reason="Joint item")
    assert errors_of(deferral) == {
        "to_meeting": ["A deferral stays within one committee; choose one of its meetings."]
    }


def test_it_rejects_a_deferral_with_no_destination(topic, december):
    deferral = Deferral(topic=topic, from_meeting=december, reason="Awaiting data")
    assert errors_of(deferral) == {
        "to_meeting": ["Say which meeting it is deferred to, or describe where it goes."]
    }
    refused_by_database(deferral.save)


def test_it_rejects_a_deferral_with_no_reason(topic, december, february):
    deferral = Deferral(topic=topic, from_meeting=december, to_meeting=february, reason="")
    assert "reason" in errors_of(deferral)
    refused_by_database(deferral.save)


def test_it_rejects_a_deferral_whose_reason_is_only_spaces(topic, december, february):
    deferral = Deferral(topic=topic, from_meeting=december, to_meeting=february, reason="   ")
    assert errors_of(deferral) == {"reason": ["Say why it was deferred."]}


def test_a_deferral_to_no_meeting_yet_describes_where_it_goes(topic, december):
    deferral = Deferral(
        topic=topic,
        from_meeting=december,
        to_text="the first meeting of the new municipal year",
        reason="Awaiting the new structure",
    )
    deferral.full_clean()
    deferral.save()
    assert str(deferral) == (
        "Ofsted Inspection Action Plan deferred to the first meeting of the new municipal year"
    )


# --- Work-programme topics ------------------------------------------------------------------


def test_it_rejects_a_merged_topic_that_does_not_say_what_it_was_merged_into(topic, december):
    merged = WorkProgrammeTopic(
        work_programme=topic.work_programme,
        title="Ofsted monitoring visit",
        status=WorkProgrammeTopic.Status.MERGED,
    )
    assert errors_of(merged) == {
        "merged_into": [
            "A merged topic must say which topic it was merged into, and only a merged one."
        ]
    }
    refused_by_database(merged.save)


def test_it_rejects_a_planned_topic_that_names_a_merge_target(topic):
    planned = WorkProgrammeTopic(
        work_programme=topic.work_programme, title="Ofsted monitoring visit", merged_into=topic
    )
    assert "merged_into" in errors_of(planned)
    refused_by_database(planned.save)


def test_a_merged_topic_naming_its_target_is_accepted(topic):
    merged = WorkProgrammeTopic(
        work_programme=topic.work_programme,
        title="Ofsted monitoring visit",
        status=WorkProgrammeTopic.Status.MERGED,
        merged_into=topic,
    )
    merged.full_clean()
    merged.save()
    assert list(topic.merged_topics.all()) == [merged]


def test_it_rejects_a_topic_targeting_another_committees_meeting(topic, health_meeting):
    topic.target_meeting = health_meeting
    assert errors_of(topic) == {
        "target_meeting": ["The target meeting must be one of this committee's meetings."]
    }


def test_a_topic_without_a_meeting_is_to_be_confirmed(topic):
    tbc = WorkProgrammeTopic.objects.create(
        work_programme=topic.work_programme, title="Children's Centres review"
    )
    assert list(WorkProgrammeTopic.objects.unscheduled()) == [tbc]


# --- Municipal years ------------------------------------------------------------------------


def test_it_rejects_overlapping_municipal_years(authority):
    MunicipalYear.objects.create(
        authority=authority, start_date=D(2017, 5, 24), end_date=D(2018, 5, 22)
    )
    overlapping = MunicipalYear(
        authority=authority, start_date=D(2018, 5, 1), end_date=D(2019, 4, 30)
    )
    assert errors_of(overlapping)["__all__"] == [
        "This municipal year overlaps 2017/18 of the same authority."
    ]


def test_consecutive_municipal_years_that_meet_at_the_annual_meeting_are_accepted(authority):
    MunicipalYear.objects.create(
        authority=authority, start_date=D(2017, 5, 24), end_date=D(2018, 5, 22)
    )
    following = MunicipalYear(
        authority=authority, start_date=D(2018, 5, 23), end_date=D(2019, 5, 21)
    )
    following.full_clean()
    following.save()
    assert following.label == "2018/19"
    assert following.short_label == "18/19"


def test_it_rejects_a_municipal_year_ending_before_it_starts(authority):
    backwards = MunicipalYear(authority=authority, start_date=D(2018, 5, 1), end_date=D(2018, 4, 1))
    assert errors_of(backwards)["end_date"] == ["A municipal year must end after it starts."]
    refused_by_database(backwards.save)


def test_the_database_rejects_two_years_starting_on_the_same_day(authority):
    MunicipalYear.objects.create(
        authority=authority, start_date=D(2017, 5, 1), end_date=D(2018, 4, 30)
    )
    refused_by_database(
        lambda: MunicipalYear.objects.create(
            authority=authority, start_date=D(2017, 5, 1), end_date=D(2018, 3, 31)
        )
    )


def test_it_creates_may_to_april_municipal_years_for_meetings(authority):
    december = MunicipalYear.containing(authority, D(2017, 12, 12))
    february = MunicipalYear.containing(authority, D(2018, 2, 13))
    may = MunicipalYear.containing(authority, D(2018, 5, 20))
    assert (december.start_date, december.end_date, december.label) == (
        D(2017, 5, 1),
        D(2018, 4, 30),
        "2017/18",
    )
    assert february == december
    assert (may.start_date, may.end_date, may.label) == (D(2018, 5, 1), D(2019, 4, 30), "2018/19")
    assert MunicipalYear.objects.count() == 2


def test_the_last_day_of_april_and_the_first_of_may_fall_in_different_years(authority):
    assert MunicipalYear.containing(authority, D(2018, 4, 30)).label == "2017/18"
    assert MunicipalYear.containing(authority, D(2018, 5, 1)).label == "2018/19"


def test_a_meeting_is_filed_in_its_municipal_year(december, february, july):
    assert (december.municipal_year.label, february.municipal_year.label) == (
        "2017/18",
        "2017/18",
    )
    assert july.municipal_year.label == "2018/19"


def test_a_year_set_to_the_real_annual_meetings_is_kept_and_the_next_starts_after_it(authority):
    # The officer set 2017/18 to run from the annual meeting of 24 May 2017 to 22 May 2018.
    set_up = MunicipalYear.objects.create(
        authority=authority, start_date=D(2017, 5, 24), end_date=D(2018, 5, 22)
    )
    assert MunicipalYear.containing(authority, D(2018, 5, 15)) == set_up
    june = MunicipalYear.containing(authority, D(2018, 6, 12))
    # The new year starts the day after the officer's year ends, not on 1 May: no day is in two.
    assert (june.start_date, june.end_date, june.label) == (
        D(2018, 5, 23),
        D(2019, 4, 30),
        "2018/19",
    )
    june.full_clean()


# --- The deferral service -------------------------------------------------------------------


@pytest.fixture
def ofsted_item(december, dev, priya):
    return AgendaItem.objects.create(
        meeting=december,
        number=24,
        title="Ofsted Inspection Action Plan",
        report_author=dev,
        lead_officer=dev,
    )


def test_deferring_an_item_records_the_deferral_and_who_made_it(
    ofsted_item, december, february, priya
):
    deferral = defer_item(
        ofsted_item, to_meeting=february, reason="Members wanted the April data", by=priya.user
    )
    deferral.refresh_from_db()
    assert deferral.from_meeting == december
    assert deferral.to_meeting == february
    assert deferral.reason == "Members wanted the April data"
    assert deferral.created_by == priya.user
    assert deferral.decided_at == december
    assert deferral.agenda_item == ofsted_item
    assert str(deferral) == "Ofsted Inspection Action Plan deferred to 13 February 2018"
    ofsted_item.refresh_from_db()
    assert ofsted_item.outcome == AgendaItem.Outcome.DEFERRED


def test_deferring_an_item_without_a_topic_puts_it_on_the_work_programme_for_the_new_meeting(
    ofsted_item, december, february, dev
):
    deferral = defer_item(ofsted_item, to_meeting=february, reason="Awaiting data")
    ofsted_item.refresh_from_db()
    topic = ofsted_item.topic
    assert topic == deferral.topic
    assert topic.title == "Ofsted Inspection Action Plan"
    assert topic.lead_officer == dev
    assert topic.target_meeting == february
    assert topic.status == WorkProgrammeTopic.Status.DEFERRED
    assert topic.work_programme.committee == december.committee
    assert topic.work_programme.municipal_year.label == "2017/18"
    assert topic.origin == "Agenda item 24. Ofsted Inspection Action Plan of 12 December 2017"
    # It is now expected business of the February meeting.
    assert list(february.planned_topics.all()) == [topic]


def test_deferring_an_exempt_item_gives_its_topic_only_the_public_title(december, february):
    item = AgendaItem.objects.create(
        meeting=december,
        number=25,
        title="Placement breakdown of child J",
        is_exempt=True,
        exempt_paragraph=1,
        public_title="A child's placement",
    )
    deferral = defer_item(item, to_meeting=february, reason="Awaiting the review")
    assert deferral.topic.title == "A child's placement"


def test_deferring_an_item_that_already_has_a_topic_moves_that_topic(december, february):
    topic = WorkProgrammeTopic.objects.create(
        work_programme=WorkProgramme.for_meeting(december),
        title="Children's Centres review",
        target_meeting=december,
    )
    item = AgendaItem.objects.create(
        meeting=december, number=26, title="Children's Centres review", topic=topic
    )
    deferral = defer_item(item, to_meeting=february, reason="Consultation still open")
    assert deferral.topic == topic
    topic.refresh_from_db()
    assert topic.target_meeting == february
    assert WorkProgrammeTopic.objects.count() == 1


def test_it_refuses_to_defer_the_same_item_twice(ofsted_item, february, march):
    defer_item(ofsted_item, to_meeting=february, reason="Awaiting data")
    with pytest.raises(ValidationError) as error:
        defer_item(ofsted_item, to_meeting=march, reason="Still awaiting data")
    assert error.value.messages == [
        "Item 24. Ofsted Inspection Action Plan was already deferred; defer it again from the "
        "meeting it went to."
    ]
    assert Deferral.objects.count() == 1
    ofsted_item.topic.refresh_from_db()
    assert ofsted_item.topic.target_meeting == february


def test_service_refuses_a_deferral_to_an_earlier_meeting_and_changes_nothing(
    ofsted_item, make_meeting
):
    october = make_meeting(D(2017, 10, 10))
    with pytest.raises(ValidationError) as error:
        defer_item(ofsted_item, to_meeting=october, reason="More time")
    assert "to_meeting" in error.value.message_dict
    assert Deferral.objects.count() == 0
    assert WorkProgrammeTopic.objects.count() == 0
    ofsted_item.refresh_from_db()
    assert (ofsted_item.outcome, ofsted_item.topic) == (AgendaItem.Outcome.NONE, None)


def test_service_refuses_a_deferral_to_another_committees_meeting(ofsted_item, other_committee):
    health = Meeting.objects.create(committee=other_committee, date=D(2018, 1, 16))
    with pytest.raises(ValidationError) as error:
        defer_item(ofsted_item, to_meeting=health, reason="Joint item")
    assert error.value.message_dict == {
        "to_meeting": ["A deferral stays within one committee; choose one of its meetings."]
    }
    assert Deferral.objects.count() == 0


@pytest.mark.parametrize("reason", ["", "   "])
def test_service_refuses_a_deferral_without_a_reason(ofsted_item, february, reason):
    with pytest.raises(ValidationError) as error:
        defer_item(ofsted_item, to_meeting=february, reason=reason)
    assert "reason" in error.value.message_dict
    assert Deferral.objects.count() == 0


def test_service_refuses_a_deferral_with_no_destination(ofsted_item):
    with pytest.raises(ValidationError) as error:
        defer_item(ofsted_item, reason="Later")
    assert "to_meeting" in error.value.message_dict


def test_deferring_a_topic_twice_makes_it_one_the_chair_wants_to_see(
    ofsted_item, december, february, march
):
    first = defer_item(ofsted_item, to_meeting=february, reason="Awaiting data")
    topic = first.topic
    assert list(WorkProgrammeTopic.objects.deferred_at_least(2)) == []
    second = defer_topic(topic, to_meeting=march, reason="Data late again", decided_at=february)
    assert second.from_meeting == february
    assert second.to_meeting == march
    counted = WorkProgrammeTopic.objects.with_deferral_count().get(pk=topic.pk)
    assert counted.deferral_count == 2
    assert list(WorkProgrammeTopic.objects.deferred_at_least(2)) == [topic]
    assert list(WorkProgrammeTopic.objects.deferred_at_least(3)) == []
    # Every move is kept, in order.
    assert [(d.from_meeting.date, d.to_meeting.date) for d in topic.deferrals.all()] == [
        (D(2017, 12, 12), D(2018, 2, 13)),
        (D(2018, 2, 13), D(2018, 3, 13)),
    ]


def test_deferring_into_the_next_municipal_year_moves_the_topic_to_that_years_programme(
    ofsted_item, march, july, autumn_2017
):
    topic = defer_item(ofsted_item, to_meeting=march, reason="Awaiting data").topic
    old_programme = topic.work_programme
    defer_topic(topic, to_meeting=july, reason="Deferred to the new municipal year")
    topic.refresh_from_db()
    assert topic.target_meeting == july
    assert topic.work_programme.municipal_year.label == "2018/19"
    assert topic.work_programme.committee == march.committee
    assert topic.work_programme == WorkProgramme.objects.get(
        committee=march.committee, municipal_year=july.municipal_year
    )
    assert list(old_programme.topics.all()) == []


def test_deferring_to_no_meeting_yet_leaves_the_topic_to_be_confirmed(ofsted_item):
    deferral = defer_item(ofsted_item, to_text="the new municipal year", reason="New structure")
    assert deferral.destination == "the new municipal year"
    topic = WorkProgrammeTopic.objects.get()
    assert topic.target_meeting is None
    assert list(WorkProgrammeTopic.objects.unscheduled()) == [topic]


@pytest.fixture
def received():
    """Every `deferred` signal, as the tracker would hear it."""
    heard = []

    def listener(sender, deferral, **kwargs):
        heard.append(deferral.pk)

    deferrals.deferred.connect(listener, dispatch_uid="test-listener")
    yield heard
    deferrals.deferred.disconnect(dispatch_uid="test-listener")


def test_the_deferred_signal_goes_out_only_after_the_deferral_commits(
    ofsted_item, february, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deferral = defer_item(ofsted_item, to_meeting=february, reason="Awaiting data")
        assert received == []
    assert received == []
    # Besides the signal, the commit also invalidates the API's cache.
    for callback in callbacks:
        callback()
    assert received == [deferral.pk]


def test_the_deferred_signal_is_sent_once_per_deferral(
    ofsted_item, february, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deferral = defer_item(ofsted_item, to_meeting=february, reason="Awaiting data")
    assert received == [deferral.pk]


def test_a_rolled_back_deferral_tells_nobody(
    ofsted_item, february, received, django_capture_on_commit_callbacks
):
    class Abandoned(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abandoned),
        transaction.atomic(),
    ):
        defer_item(ofsted_item, to_meeting=february, reason="Awaiting data")
        raise Abandoned
    assert callbacks == []
    assert received == []
    assert Deferral.objects.count() == 0
    ofsted_item.refresh_from_db()
    assert ofsted_item.outcome == AgendaItem.Outcome.NONE


def test_a_refused_deferral_tells_nobody(
    ofsted_item, make_meeting, received, django_capture_on_commit_callbacks
):
    october = make_meeting(D(2017, 10, 10))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        defer_item(ofsted_item, to_meeting=october, reason="More time")
    assert (callbacks, received) == ([], [])
