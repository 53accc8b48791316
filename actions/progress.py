"""Recording progress on actions, and closing them.

An action is closed only by a closing update that says what was done, so the tracker
printed into the next agenda pack always explains why a line disappeared. Every entry
point (admin, API, pages, the reminder's link) records progress through these functions.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from actions.models import RAG, Action, ActionUpdate
from committees.models import Person, today

SIGN_OFF_REFUSED = (
    "Only the committee's chair or vice-chair (or democratic services) signs an action off or "
    "closes it."
)


def record_update(
    action: Action,
    *,
    text: str,
    rag: str = "",
    progress: int | None = None,
    as_of: dt.date | None = None,
    closes: bool = False,
    close_as: str = Action.Status.COMPLETED,
    by=None,
    by_person: Person | None = None,
) -> ActionUpdate:
    """Add a progress update; a closing update also closes the action.

    The rules every door gets from here (and from `ActionUpdate.clean`): the update is dated
    from the day the action was raised to today, and a closing update no earlier than the
    action's latest update; Completed comes only with the closing update of a sign-off, and
    that update always carries it (a RAG given with it, say Green, is replaced), so that a
    completed action's latest RAG is Completed; and only the chair, vice-chair or democratic
    services close an action. `by=None` and no `by_person` is the tracker itself (the demo
    loader, a data fix).
    """
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        update = checked_update(
            action,
            text=text,
            rag=rag,
            progress=progress,
            as_of=as_of,
            closes=closes,
            close_as=close_as,
            by=by,
            by_person=by_person,
        )
        update._history_user = by
        update.save()
        if closes:
            if close_as not in (Action.Status.COMPLETED, Action.Status.WITHDRAWN):
                raise ValidationError(f"An action cannot be closed as {close_as!r}.")
            action.close(update, close_as)
            action._history_user = by
            action.full_clean()
            action.save(update_fields=["status", "closed_on"])
    return update


def checked_update(
    action: Action,
    *,
    text: str,
    rag: str = "",
    progress: int | None = None,
    as_of: dt.date | None = None,
    closes: bool = False,
    close_as: str = Action.Status.COMPLETED,
    by=None,
    by_person: Person | None = None,
    in_bulk: bool = False,
) -> ActionUpdate:
    """The update `record_update` adds, with every rule of it checked; nothing saved.

    `in_bulk`: the action and the update are checked in memory, before a batch saves them
    together (`actions.bulk_resolutions`); that related rows exist and the database's own
    constraints are then left to the database, which refuses the whole batch.
    """
    tracker_itself = by is None and by_person is None
    if closes and not tracker_itself and not (by and action.may_sign_off(by)):
        raise PermissionDenied(SIGN_OFF_REFUSED)
    if rag == RAG.COMPLETED and close_as != Action.Status.COMPLETED:
        raise ValidationError({"rag": ActionUpdate.COMPLETED_BY_SIGN_OFF})
    if not action.is_open:
        raise ValidationError(
            f"{action.reference} was {action.get_status_display().lower()} on "
            f"{action.closed_on:%-d %B %Y}; reopen it before adding updates."
        )
    if closes and close_as == Action.Status.COMPLETED:
        rag = RAG.COMPLETED
    update = ActionUpdate(
        action=action,
        text=text.strip(),
        rag=rag,
        progress=progress,
        as_of=as_of or today(),
        closes_action=closes,
        recorded_by=by,
        recorded_by_person=by_person,
    )
    if in_bulk:
        update.full_clean(
            exclude=["action", "recorded_by", "recorded_by_person"],
            validate_unique=False,
            validate_constraints=False,
        )
    else:
        update.full_clean()
    return update


def sign_off(action: Action, *, text: str, by, as_of: dt.date | None = None) -> ActionUpdate:
    """The chair (or an officer) confirms the action is complete."""
    return record_update(action, text=text, rag=RAG.COMPLETED, as_of=as_of, closes=True, by=by)


def withdraw(action: Action, *, reason: str, by, as_of: dt.date | None = None) -> ActionUpdate:
    """The committee no longer wants it done; the reason is kept as the closing update."""
    return record_update(
        action, text=reason, as_of=as_of, closes=True, close_as=Action.Status.WITHDRAWN, by=by
    )


def reopen(action: Action, *, reason: str, by) -> ActionUpdate:
    """Open a closed action again, keeping why in its history.

    The reopening carries no RAG and the sign-off's Completed stays in the history: an open
    action's latest RAG leaves Completed out (`ActionQuerySet.with_latest_rag`).
    """
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if action.is_open:
            raise ValidationError(f"{action.reference} is already open.")
        action.status = Action.Status.OPEN
        action.closed_on = None
        action._history_user = by
        action.save(update_fields=["status", "closed_on"])
        update = ActionUpdate(action=action, text=f"Reopened: {reason.strip()}", recorded_by=by)
        update.full_clean()
        update.save()
    return update
