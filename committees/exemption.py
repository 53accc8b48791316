"""Making an agenda item exempt (Part 2, Schedule 12A) and lifting its exemption.

Whether business is exempt is decided by democratic services (staff), not by a committee's
chairs: every door that changes it (the admin, the API) goes through these functions, which
check who asks, keep the change as history with who made it, and carry the exemption to what
was derived from the item (its work-programme topic). Everything derived from an exempt item
when it is made (a topic made when it is deferred, one the importer proposes from it) takes
the item's exemption from `derived_exemption`.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from committees.models import AgendaItem, WorkProgrammeTopic

# The fields of an item (and of a topic) that say whether it is exempt and what the public sees.
EXEMPTION_FIELDS = ("is_exempt", "exempt_paragraph", "public_title")


def may_change_exemption(user) -> bool:
    """The one rule: only democratic services (staff) make business exempt or lift it."""
    return bool(user is not None and user.is_authenticated and user.is_staff)


def refusal(fields) -> str:
    """What someone who may not change `fields` is told, naming them."""
    named = " and ".join(sorted(fields))
    return (
        f"Only democratic services (staff) may change {named}: whether an item is exempt "
        "under Schedule 12A is an officer's decision."
    )


def check_may_change(user, fields=EXEMPTION_FIELDS) -> None:
    if not may_change_exemption(user):
        raise PermissionDenied(refusal(fields))


def derived_exemption(item: AgendaItem | None) -> dict:
    """The exemption fields of something made from `item`: the item's own when it is exempt."""
    if item is None or not item.is_exempt:
        return {}
    return {
        "is_exempt": True,
        "exempt_paragraph": item.exempt_paragraph,
        "public_title": item.public_title,
    }


def _save(thing, by, fields):
    thing.full_clean()
    thing._history_user = by
    thing.save(update_fields=list(fields))


def make_exempt(item: AgendaItem, *, paragraph: int, public_title: str, by) -> AgendaItem:
    """Make `item` exempt under Schedule 12A `paragraph`, shown to the public as `public_title`
    (or change its paragraph or public title); its work-programme topic becomes exempt too."""
    check_may_change(by)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        item.is_exempt = True
        item.exempt_paragraph = paragraph
        item.public_title = (public_title or "").strip()
        _save(item, by, EXEMPTION_FIELDS)
        if item.topic_id:
            topic = WorkProgrammeTopic.objects.select_for_update().get(pk=item.topic_id)
            for name, value in derived_exemption(item).items():
                setattr(topic, name, value)
            _save(topic, by, EXEMPTION_FIELDS)
    return item


def lift_exemption(item: AgendaItem, *, by) -> AgendaItem:
    """Make `item` public business again; its topic follows unless another exempt item is
    on it."""
    check_may_change(by, ("is_exempt", "exempt_paragraph"))
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        item.is_exempt = False
        item.exempt_paragraph = None
        _save(item, by, ("is_exempt", "exempt_paragraph"))
        if item.topic_id:
            topic = WorkProgrammeTopic.objects.select_for_update().get(pk=item.topic_id)
            still_exempt = topic.items.filter(is_exempt=True).exclude(pk=item.pk).exists()
            if topic.is_exempt and not still_exempt:
                topic.is_exempt = False
                topic.exempt_paragraph = None
                _save(topic, by, ("is_exempt", "exempt_paragraph"))
    return item
