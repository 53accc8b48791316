"""Recommendations to the executive and what it answered.

A recommendation is referred once (the two-month statutory clock starts the day the
executive receives it) and answered once; implementation and impact are recorded later.
Every entry point (admin, API, pages) goes through these functions.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from actions.models import ExecutiveResponse, Resolution
from committees.models import Person


def refer_to_executive(
    resolution: Resolution,
    *,
    referred_on: dt.date,
    responsible: Person | None = None,
    executive_body: str = "Cabinet",
    by=None,
) -> ExecutiveResponse:
    """Start the two-month clock on a recommendation to the executive."""
    with transaction.atomic():
        if ExecutiveResponse.objects.filter(resolution=resolution).exists():
            raise ValidationError(
                {
                    "resolution": f"{resolution.reference} has already been referred to the executive."
                }
            )
        response = checked_referral(
            resolution,
            referred_on=referred_on,
            responsible=responsible,
            executive_body=executive_body,
        )
        response._history_user = by
        response.save()
    return response


def checked_referral(
    resolution: Resolution,
    *,
    referred_on: dt.date,
    responsible: Person | None = None,
    executive_body: str = "Cabinet",
    in_bulk: bool = False,
) -> ExecutiveResponse:
    """The response `refer_to_executive` starts for a recommendation not yet referred, its
    rules checked; nothing saved. `in_bulk` as for `actions.progress.checked_update`."""
    response = ExecutiveResponse(
        resolution=resolution,
        referred_on=referred_on,
        responsible=responsible,
        executive_body=executive_body or "Cabinet",
    )
    _checked(response, in_bulk)
    return response


def _checked(response: ExecutiveResponse, in_bulk: bool) -> None:
    if in_bulk:
        response.full_clean(
            exclude=["resolution", "responsible"], validate_unique=False, validate_constraints=False
        )
    else:
        response.full_clean()


def record_decision(
    response: ExecutiveResponse,
    *,
    decision: str,
    responded_on: dt.date,
    text: str = "",
    by=None,
) -> ExecutiveResponse:
    """The executive accepted, partly accepted or rejected the recommendation."""
    with transaction.atomic():
        response = ExecutiveResponse.objects.select_for_update().get(pk=response.pk)
        decide(response, decision=decision, responded_on=responded_on, text=text)
        response._history_user = by
        response.save()
    return response


def decide(
    response: ExecutiveResponse,
    *,
    decision: str,
    responded_on: dt.date,
    text: str = "",
    in_bulk: bool = False,
) -> None:
    """Record on `response` (in memory) the decision `record_decision` saves, its rules
    checked. `in_bulk` as for `actions.progress.checked_update`."""
    if decision == ExecutiveResponse.Decision.PENDING:
        raise ValidationError({"decision": "Record accepted, partly accepted or rejected."})
    if response.decision != ExecutiveResponse.Decision.PENDING:
        raise ValidationError(
            {
                "decision": f"The executive's decision was already recorded "
                f"({response.get_decision_display().lower()} on {response.responded_on:%-d %B %Y})."
            }
        )
    response.decision = decision
    response.responded_on = responded_on
    response.response_text = text.strip()
    _checked(response, in_bulk)
