"""The annual rollover, run whole: the new municipal year for each committee, with its topics
(committees/rollover.py), its open actions and recommendations awaiting the executive's
response carried into it, and the annual meeting's membership changes, in one transaction.
Imports committees and actions; the rollover_year command and the officer's page call
`roll_over` and only show its report.

An action or recommendation keeps its reference (and the year in it): carrying it records
`carried_over_from_year`, the year it was carried from. Running the rollover again finds them
carried and changes nothing; a dry run does everything, reports it, and rolls it all back.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from actions.models import Action, ExecutiveResponse, Resolution
from committees import rollover
from committees.models import Committee, MunicipalYear, today
from committees.rollover import ALREADY, CARRIED, LEFT, CommitteeRollover, Line


@dataclass
class RolloverReport:
    year: str
    dry_run: bool
    annual_meeting: dt.date | None
    committees: list[CommitteeRollover] = field(default_factory=list)
    skipped: list[tuple[Committee, str]] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return any(c.changed_anything for c in self.committees)

    def count(self, outcome: str, kind: str | None = None) -> int:
        return sum(
            1
            for c in self.committees
            for line in c.lines
            if line.outcome == outcome and (kind is None or line.kind == kind)
        )


def action_title(action: Action) -> str:
    if action.is_exempt:
        return f"{action.reference} (exempt item)"
    return f"{action.reference}: {action.title}"


def recommendation_title(resolution: Resolution) -> str:
    if resolution.agenda_item.is_exempt:
        return f"{resolution.reference} (exempt item)"
    text = " ".join(resolution.text.split())
    return f"{resolution.reference}: {text[:120]}{'…' if len(text) > 120 else ''}"


def _carried_earlier(came_from: MunicipalYear | None, previous: MunicipalYear) -> bool | None:
    """True: already carried from `previous`; None: carried on into a later year already (not
    this rollover's business); False: still to carry."""
    if came_from is None:
        return False
    if came_from.pk == previous.pk:
        return True
    return None if came_from.start_date > previous.start_date else False


def carry_actions(
    committee: Committee, previous: MunicipalYear, new: MunicipalYear, *, by=None
) -> list[Line]:
    """Every open action of `committee` raised before `new` is carried into it; the actions of
    `previous` that closed stay behind."""
    lines = []
    still_open = (
        Action.objects.open()
        .filter(committee=committee, municipal_year__start_date__lt=new.start_date)
        .select_related("municipal_year", "carried_over_from_year", "agenda_item")
        .order_by("municipal_year__start_date", "sequence")
    )
    for action in still_open:
        earlier = _carried_earlier(action.carried_over_from_year, previous)
        if earlier is None:
            continue
        if earlier:
            lines.append(Line("action", action_title(action), ALREADY, f"carried into {new}"))
            continue
        action.carried_over_from_year = previous
        action._history_user = by
        action.save(update_fields=["carried_over_from_year"])
        due = action.due_on
        lines.append(
            Line(
                "action",
                action_title(action),
                CARRIED,
                f"due {due:%-d %B %Y}" if due else "no due date",
            )
        )
    closed = (
        Action.objects.closed()
        .filter(committee=committee, municipal_year=previous)
        .select_related("agenda_item")
        .order_by("sequence")
    )
    for action in closed:
        why = f"{action.get_status_display().lower()} on {action.closed_on:%-d %B %Y}"
        lines.append(Line("action", action_title(action), LEFT, why))
    return lines


def carry_recommendations(
    committee: Committee, previous: MunicipalYear, new: MunicipalYear, *, by=None
) -> list[Line]:
    """Recommendations still awaiting the executive's response are carried; those answered, or
    never referred to the executive, stay in `previous`."""
    lines = []
    awaiting = (
        ExecutiveResponse.objects.awaiting()
        .filter(
            resolution__committee=committee,
            resolution__municipal_year__start_date__lt=new.start_date,
        )
        .select_related("resolution__carried_over_from_year", "resolution__agenda_item")
        .order_by("resolution__municipal_year__start_date", "resolution__sequence")
    )
    for response in awaiting:
        resolution = response.resolution
        earlier = _carried_earlier(resolution.carried_over_from_year, previous)
        if earlier is None:
            continue
        title = recommendation_title(resolution)
        if earlier:
            lines.append(Line("recommendation", title, ALREADY, f"carried into {new}"))
            continue
        resolution.carried_over_from_year = previous
        resolution._history_user = by
        resolution.save(update_fields=["carried_over_from_year"])
        lines.append(
            Line(
                "recommendation",
                title,
                CARRIED,
                f"response due {response.response_due:%-d %B %Y}",
            )
        )
    of_previous = (
        Resolution.objects.recommendations()
        .filter(committee=committee, municipal_year=previous)
        .select_related("agenda_item", "executive_response")
        .order_by("sequence")
    )
    for resolution in of_previous:
        response = getattr(resolution, "executive_response", None)
        if response is None:
            why = "never referred to the executive, so no response is awaited"
        elif response.decision == ExecutiveResponse.Decision.PENDING:
            continue  # listed above
        else:
            why = (
                f"answered: {response.get_decision_display().lower()} on "
                f"{response.responded_on:%-d %B %Y}"
            )
        lines.append(Line("recommendation", recommendation_title(resolution), LEFT, why))
    return lines


def roll_over(
    year: str,
    *,
    committees=(),
    memberships=(),
    annual_meeting: dt.date | None = None,
    dry_run: bool = False,
    by=None,
) -> RolloverReport:
    """Roll `committees` (slugs; every committee when none) into the municipal year `year`
    ("2027/28"), recording the `memberships` changes ("slug; person; role" lines) as of the
    annual meeting (the new year's first day unless given). All or nothing: a refusal (a
    ValidationError naming the field) saves nothing, and so does a dry run."""
    first = rollover.parse_year(year)
    chosen = rollover.choose_committees(committees)
    report = RolloverReport(year=rollover.year_label(first), dry_run=dry_run, annual_meeting=None)
    with transaction.atomic():
        # One rollover at a time per committee: a second one waits, then finds it all done.
        list(
            Committee.objects.select_for_update()
            .filter(pk__in=[c.pk for c in chosen])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        years, refused = {}, {}
        for committee in chosen:
            if committee.authority_id in years or committee.authority_id in refused:
                continue
            try:
                with transaction.atomic():
                    years[committee.authority_id] = rollover.open_year(committee.authority, first)
            except ValidationError as refusal:
                if committees:  # named: every one of them must roll over
                    raise
                refused[committee.authority_id] = refusal
        if not years:
            raise next(iter(refused.values()))
        # With no committee named, those of a council whose years do not lead to `year` (another
        # council's history, say) are left as they are, and the report says why.
        report.skipped = [
            (c, " ".join(refused[c.authority_id].messages))
            for c in chosen
            if c.authority_id in refused
        ]
        chosen = [c for c in chosen if c.authority_id in years]
        changes = rollover.read_membership_changes(memberships, chosen)
        on = today()
        for committee in chosen:
            previous, new, year_opened = years[committee.authority_id]
            opened, lines = rollover.carry_topics(committee, previous, new, on=on, by=by)
            lines += carry_actions(committee, previous, new, by=by)
            lines += carry_recommendations(committee, previous, new, by=by)
            report.committees.append(
                CommitteeRollover(committee, previous, new, year_opened, opened, lines)
            )
        if changes:
            new_years = {years[c.committee.authority_id][1] for c in changes}
            meeting_day = annual_meeting or min(y.start_date for y in new_years)
            report.annual_meeting = meeting_day
            recorded = {}
            for new_year in new_years:
                recorded.update(
                    rollover.record_membership_changes(
                        [c for c in changes if years[c.committee.authority_id][1] == new_year],
                        on=meeting_day,
                        new=new_year,
                    )
                )
            for entry in report.committees:
                entry.lines += recorded.get(entry.committee.pk, [])
        if dry_run:
            transaction.set_rollback(True)
    return report
