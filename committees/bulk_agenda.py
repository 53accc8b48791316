"""Many agenda items at once, for records brought in from a council's own files.

The items are checked by the model's own rules, as one item saved alone is, then inserted
together with a history row each (who and when, as django-simple-history records a save) and
one `bulk_updated` announcement per model, which is what listeners hear of a bulk change.
Uniqueness, check constraints and that related rows exist are left to the database, which
refuses the whole batch.
"""

from committees.bulk_history import write_history
from committees.history import bulk_updated
from committees.models import AgendaItem

ITEM_RELATIONS = ["meeting", "topic", "report_author", "lead_officer"]


def check_item(item: AgendaItem) -> None:
    """The rules an item is saved under, checked in memory (its meeting may be unsaved)."""
    item.full_clean(exclude=ITEM_RELATIONS, validate_unique=False, validate_constraints=False)


def add_items_in_bulk(items: list[AgendaItem], *, by=None) -> list[AgendaItem]:
    """Insert `items` (checked with `check_item`, their meetings saved) with their history."""
    if not items:
        return items
    for item in items:
        item.meeting = item.meeting  # its meeting was saved after the item was made
    AgendaItem.objects.bulk_create(items, batch_size=1000)
    write_history(AgendaItem, [item.pk for item in items], by=by)
    bulk_updated.send(sender=AgendaItem)
    return items
