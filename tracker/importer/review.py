"""The officer's review: a signed proposal plus their ticks and corrections.

The proposal travels between the two pages signed (django.core.signing), so a posted
proposal we did not produce is refused; the officer's edits arrive as ordinary form
fields named after the proposal's positions and are applied here, never trusted as a whole.
"""

import datetime as dt

from django.core import signing

from tracker.importer.parsing import Proposal, TargetProposal
from tracker.importer.parsing.dues import due_from_text
from tracker.importer.parsing.proposal import KINDS, OUTCOME_WORDS, OUTCOMES
from tracker.importer.targets import Calendar, place

SALT = "tracker.importer.review"
MAX_AGE = 60 * 60 * 12  # a review left overnight must be started again


class ReviewExpired(Exception):
    """The signed proposal is missing, altered or too old."""


class ReviewInvalid(ValueError):
    """A correction the officer typed cannot be used (a date that is no date)."""


def _meeting_fields(meeting, post, prefix: str) -> None:
    """The meeting's date, start time and venue as the officer corrected them."""
    value = post.get(f"{prefix}-date")
    if isinstance(value, str) and value.strip():
        try:
            meeting.date = dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise ReviewInvalid(
                f'The date of the meeting "{value.strip()[:40]}" is not a date: write it as '
                "YYYY-MM-DD, for example 2025-03-03."
            ) from None
    value = post.get(f"{prefix}-time")
    if isinstance(value, str):
        if value.strip():
            try:
                meeting.time = dt.time.fromisoformat(value.strip()).strftime("%H:%M")
            except ValueError:
                raise ReviewInvalid(
                    f'The start time "{value.strip()[:20]}" is not a time: write it as HH:MM, '
                    "for example 19:00."
                ) from None
        elif f"{prefix}-date" in post:
            meeting.time = None
    value = post.get(f"{prefix}-venue")
    if isinstance(value, str):
        meeting.venue = " ".join(value.split())[:300] or None


def meeting_days(proposal: Proposal, post=None) -> list[dt.date]:
    """The meetings' dates as read and, when the officer corrected them on the page, as
    corrected: whose people may be chosen depends on the day the meeting was held."""
    days = []
    for m, meeting in enumerate(proposal.meetings):
        for value in (meeting.date, (post or {}).get(f"m{m}-date")):
            try:
                days.append(dt.date.fromisoformat(str(value or "").strip()))
            except ValueError:
                continue
    return days


def sign(proposal: Proposal, committee_id: int | None) -> str:
    return signing.dumps(
        {"proposal": proposal.as_data(), "committee": committee_id}, salt=SALT, compress=True
    )


def unsign(token: str) -> tuple[Proposal, int | None]:
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ReviewExpired("This review has expired: import the minutes again.") from None
    except signing.BadSignature:
        raise ReviewExpired(
            "The proposal could not be verified (it was altered or is incomplete), so nothing was "
            "saved: import the minutes again."
        ) from None
    return Proposal.from_data(data["proposal"]), data.get("committee")


def _kept(post, name: str) -> bool:
    return post.get(name) in ("on", "1", "true", "yes")


def _text(post, name: str, default: str) -> str:
    value = post.get(name)
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else default


def _chosen_person(post, name: str, current, people, what: str) -> int | None:
    """The Person picked in a select of the committee's people; blank is nobody."""
    value = post.get(name)
    if value is None:
        return current
    value = str(value).strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) not in people:
        raise ReviewInvalid(
            f'{what}: the person chosen ("{value[:20]}") is not one of the committee\'s people '
            "(its officer, its members and the people named on its items): choose one from the "
            "list, or leave it empty."
        )
    return int(value)


def _item_number(post, name: str, item) -> None:
    value = post.get(f"{name}-number")
    if not isinstance(value, str):
        return
    value = value.strip()
    if not value:
        item.number, item.printed = None, ""
    elif item.printed and value == item.printed:
        return  # "A1" as printed, left as it was: the item stays unnumbered
    elif value.isascii() and value.isdigit() and 0 < int(value) < 100000:
        item.number, item.printed = int(value), ""
    else:
        raise ReviewInvalid(
            f'Item {item.label}: the number "{value[:20]}" is not an item number: write a whole '
            "number such as 7, or leave it empty for an unnumbered item."
        )


def _item_outcome(post, name: str, item, unticked_deferral: bool) -> None:
    value = post.get(f"{name}-outcome")
    if value is None or (value == "deferred" and unticked_deferral):
        return  # the select still shows "deferred": unticking the deferral already chose
    if value not in OUTCOMES:
        raise ReviewInvalid(
            f'Item {item.label}: "{str(value)[:30]}" is not an outcome: choose one of '
            + ", ".join(OUTCOME_WORDS[o] for o in OUTCOMES)
            + "."
        )
    if value == "deferred" and item.deferred_to is None:
        raise ReviewInvalid(
            f"Item {item.label}: it cannot be recorded as deferred without its deferral: the "
            "minutes gave none (or it was unticked), so choose another outcome."
        )
    if value != "deferred" and item.deferred_to is not None:
        raise ReviewInvalid(
            f"Item {item.label}: its deferral is still ticked, so its outcome must be deferred: "
            "untick the deferral or choose deferred."
        )
    item.outcome = value


def apply_review(proposal: Proposal, post, calendar: Calendar, people=frozenset()) -> Proposal:
    """The proposal as the officer left it: unticked things dropped, edited text taken.

    `people` holds the ids of the Person rows that may own an action or lead a topic (see
    `saving.committee_people`); any other choice is refused with the reason."""
    people = set(people)
    for m, meeting in enumerate(proposal.meetings):
        prefix = f"m{m}"
        _meeting_fields(meeting, post, prefix)
        held_on = dt.date.fromisoformat(meeting.date) if meeting.date else None
        labels = {}
        items = []
        for i, item in enumerate(meeting.items):
            name = f"{prefix}-item{i}"
            old_label = item.label
            if not _kept(post, f"{name}-keep"):
                labels[old_label] = None
                continue
            item.title = _text(post, f"{name}-title", item.title)[:300]
            _item_number(post, name, item)
            item.lead_officer = _chosen_person(
                post, f"{name}-lead", item.lead_officer, people, f"Item {item.label}'s lead officer"
            )
            resolutions = []
            for r, resolution in enumerate(item.resolutions):
                if _kept(post, f"{name}-res{r}-keep"):
                    text = _text(post, f"{name}-res{r}-text", resolution.text)
                    if text != resolution.text:
                        due = due_from_text(text, held_on)
                        resolution.due = due.isoformat() if due else None
                    resolution.text = text
                    resolution.owner = _chosen_person(
                        post,
                        f"{name}-res{r}-owner",
                        resolution.owner,
                        people,
                        f"Item {item.label}, resolution {resolution.number or r + 1}",
                    )
                    kind = post.get(f"{name}-res{r}-kind")
                    if kind is not None:
                        if kind not in dict(KINDS):
                            raise ReviewInvalid(
                                f"Item {item.label}, resolution {resolution.number or r + 1}: "
                                f'"{str(kind)[:30]}" is not a kind of resolution.'
                            )
                        resolution.kind = kind
                    resolutions.append((r + 1, resolution))
            positions = {old: new for new, (old, _) in enumerate(resolutions, start=1)}
            item.resolutions = [resolution for _, resolution in resolutions]
            for request in meeting.report_back_requests:
                if request.item == old_label and request.resolution:
                    request.resolution = positions.get(request.resolution)
            unticked_deferral = item.deferred_to is not None and not _kept(
                post, f"{name}-defer-keep"
            )
            if item.deferred_to is not None:
                if _kept(post, f"{name}-defer-keep"):
                    text = _text(post, f"{name}-defer-text", item.deferred_to.text)
                    if text != item.deferred_to.text:
                        placement = place(text, held_on=held_on, calendar=calendar)
                        chosen = placement.meeting_date or placement.day
                        item.deferred_to.text = placement.text
                        item.deferred_to.date = chosen.isoformat() if chosen else None
                else:
                    item.deferred_to = None
                    if item.outcome == "deferred":
                        item.outcome = "resolved" if item.resolutions else "none"
            _item_outcome(post, name, item, unticked_deferral)
            labels[old_label] = item.label
            items.append(item)
        meeting.items = items

        def retarget(target: TargetProposal, text: str, held_on=held_on) -> TargetProposal:
            if text == target.text:
                return target
            placement = place(text, held_on=held_on, calendar=calendar)
            return TargetProposal(
                text=placement.text,
                month=placement.month,
                date=placement.meeting_date.isoformat() if placement.meeting_date else None,
            )

        requests = []
        for k, request in enumerate(meeting.work_programme_requests):
            name = f"{prefix}-wp{k}"
            if _kept(post, f"{name}-keep"):
                request.topic = _text(post, f"{name}-topic", request.topic)[:300]
                request.target = retarget(
                    request.target, _text(post, f"{name}-target", request.target.text)
                )
                request.lead_officer = _chosen_person(
                    post,
                    f"{name}-lead",
                    request.lead_officer,
                    people,
                    f'The work-programme topic "{request.topic[:60]}"',
                )
                request.item = labels.get(request.item) or request.item
                requests.append(request)
        meeting.work_programme_requests = requests

        backs = []
        for k, request in enumerate(meeting.report_back_requests):
            name = f"{prefix}-rb{k}"
            if _kept(post, f"{name}-keep"):
                request.text = _text(post, f"{name}-text", request.text)
                request.target = retarget(
                    request.target, _text(post, f"{name}-target", request.target.text)
                )
                if request.item in labels and labels[request.item] is None:
                    request.resolution = None
                request.owner = _chosen_person(
                    post,
                    f"{name}-owner",
                    request.owner,
                    people,
                    f"The report back under item {request.item}",
                )
                request.item = labels.get(request.item) or request.item
                backs.append(request)
        meeting.report_back_requests = backs

        undertakings = []
        for k, undertaking in enumerate(meeting.undertakings):
            name = f"{prefix}-un{k}"
            if _kept(post, f"{name}-keep"):
                undertaking.text = _text(post, f"{name}-text", undertaking.text)
                undertaking.owner = _chosen_person(
                    post,
                    f"{name}-owner",
                    undertaking.owner,
                    people,
                    f"The undertaking under item {undertaking.item}",
                )
                undertaking.item = labels.get(undertaking.item) or undertaking.item
                undertakings.append(undertaking)
        meeting.undertakings = undertakings
    return proposal
