"""The sweep's bookmark (`Action.next_reminder_on`) never costs a reminder: it follows the due
date, the due-back meeting and reopening, and rows without one are still looked at."""

import datetime as dt

import pytest

from actions.models import Action
from committees.models import LONDON
from tracker.reminders import outbox
from tracker.reminders.ledger import Reminder

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=LONDON)


def overdue_days() -> list[dt.date]:
    return sorted(
        Reminder.objects.filter(rule=Reminder.Rule.ACTION_OVERDUE).values_list(
            "for_date", flat=True
        )
    )


def test_the_bookmark_waits_a_week_after_each_reminder(overdue_action):
    assert overdue_action.next_reminder_on == dt.date(2018, 1, 11)
    outbox.sweep(now=at(dt.date(2018, 1, 11)))
    overdue_action.refresh_from_db()
    assert overdue_action.next_reminder_on == dt.date(2018, 1, 18)
    for day in (12, 15, 16, 17, 18):
        outbox.sweep(now=at(dt.date(2018, 1, day)))
    assert overdue_days() == [dt.date(2018, 1, 11), dt.date(2018, 1, 18)]


def test_a_due_date_moved_earlier_after_a_reminder_is_followed(overdue_action):
    outbox.sweep(now=at(dt.date(2018, 1, 11)))  # bookmark now 18 January
    overdue_action.due_date = dt.date(2018, 1, 1)
    overdue_action.save()
    assert overdue_action.next_reminder_on == dt.date(2018, 1, 2)
    outbox.sweep(now=at(dt.date(2018, 1, 12)))
    # The new due date's weekly stage (Tuesdays from 2 January) falls on 9 January.
    assert overdue_days() == [dt.date(2018, 1, 9), dt.date(2018, 1, 11)]


def test_a_due_back_meeting_moved_earlier_moves_the_bookmark(committee, dev, february):
    action = Action.objects.create(
        committee=committee, title="Report back on agency staff", owner=dev,
        due_back_meeting=february,
    )  # fmt: skip
    assert action.next_reminder_on == dt.date(2018, 2, 14)
    february.date = dt.date(2018, 1, 30)
    february.save()
    action.refresh_from_db()
    assert action.next_reminder_on == dt.date(2018, 1, 31)
    outbox.sweep(now=at(dt.date(2018, 1, 31)))
    assert overdue_days() == [dt.date(2018, 1, 31)]


def test_an_action_without_a_bookmark_is_still_reminded(overdue_action):
    Action._base_manager.filter(pk=overdue_action.pk).update(next_reminder_on=None)
    outbox.sweep(now=at(dt.date(2018, 1, 11)))
    assert overdue_days() == [dt.date(2018, 1, 11)]


def test_a_dry_run_leaves_the_bookmark_alone(overdue_action):
    outbox.plan(at(dt.date(2018, 1, 11)), dry_run=True)
    overdue_action.refresh_from_db()
    assert overdue_action.next_reminder_on == dt.date(2018, 1, 11)
    assert not Reminder.objects.exists()
