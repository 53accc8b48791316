"""Putting an item on a meeting's agenda.

The clerk's page adds items here: after the items already there, never on a cancelled or
postponed meeting, and a Part 2 item made exempt through `committees.exemption`, as at every
other door.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from committees.exemption import make_exempt
from committees.models import AgendaItem, Meeting

NOT_EXEMPT_BUT_PARAGRAPH = (
    "Tick “Exempt (Part 2)” to give a Schedule 12A paragraph and a public title, or leave "
    "those two empty."
)


def add_item(
    meeting: Meeting,
    *,
    title: str,
    number=None,
    topic=None,
    report_author=None,
    lead_officer=None,
    is_exempt: bool = False,
    exempt_paragraph=None,
    public_title: str = "",
    by=None,
) -> AgendaItem:
    """Add an item to `meeting`'s agenda, after the items already there."""
    if not is_exempt and (exempt_paragraph or public_title.strip()):
        raise ValidationError({"is_exempt": NOT_EXEMPT_BUT_PARAGRAPH})
    if refusal := meeting.refuses_items():
        raise ValidationError(refusal)
    with transaction.atomic():
        item = AgendaItem(
            meeting=meeting,
            number=number,
            position=meeting.next_item_position(),
            title=title.strip(),
            topic=topic,
            report_author=report_author,
            lead_officer=lead_officer,
        )
        item.full_clean()
        item._history_user = by
        item.save()
        if is_exempt:
            item = make_exempt(item, paragraph=exempt_paragraph, public_title=public_title, by=by)
    return item
