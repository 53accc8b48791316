"""Every change to meetings, items, deferrals, resolutions and actions is kept with who and when."""

import datetime as dt

from actions.models import Action
from committees.deferrals import defer_item
from committees.models import AgendaItem


def test_a_deferral_records_who_made_it_on_every_row_it_changes(december, february, dev, priya):
    item = AgendaItem.objects.create(
        meeting=december, number=75, title="Performance", report_author=dev
    )
    deferral = defer_item(
        item, to_meeting=february, reason="Members wanted more time", by=priya.user
    )
    assert deferral.history.get().history_user == priya.user
    latest = item.history.first()
    assert (latest.outcome, latest.history_user) == ("deferred", priya.user)
    assert deferral.topic.history.first().history_user == priya.user


def test_a_bulk_update_keeps_one_history_row_per_item(december):
    for number in (64, 65, 66):
        AgendaItem.objects.create(meeting=december, number=number, title=f"Item {number}")
    changed = AgendaItem.objects.filter(meeting=december).update(outcome="noted")
    assert changed == 3
    bulk = AgendaItem.history.filter(history_type="~")
    assert bulk.count() == 3
    assert set(bulk.values_list("outcome", "history_change_reason")) == {("noted", "bulk update")}


def test_an_action_keeps_its_earlier_due_date_in_history(december, dev):
    item = AgendaItem.objects.create(meeting=december, number=72, title="Adoption")
    action = Action.objects.create(
        agenda_item=item, title="Send numbers", owner=dev, due_date=dt.date(2018, 1, 10)
    )
    action.due_date = dt.date(2018, 1, 31)
    action.save()
    assert list(action.history.order_by("history_date").values_list("due_date", flat=True)) == [
        dt.date(2018, 1, 10),
        dt.date(2018, 1, 31),
    ]
