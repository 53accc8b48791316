"""The annual rollover, the committees' part: the new municipal year, each committee's work
programme for it with the topics not yet considered carried forward, and the membership changes
made at the annual meeting. Imports committees only; `actions.rollover.roll_over` runs this
with the actions' part in one transaction, and is what the command and the officer's page call.

A carried topic is a new topic in the new year's programme (`carried_over_from` the old one);
its deferrals go with it, so it is still seen as deferred twice or more, and the old topic is
left in its year as "Carried over". Running the rollover again finds every topic already
carried and changes nothing.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import F, Q

from committees.models import (
    EARLIEST_DATE,
    Authority,
    Committee,
    Membership,
    MunicipalYear,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
    planning_horizon,
)

YEAR_AS_WRITTEN = re.compile(r"(\d{4})/(\d{2})")

CARRIED = "carried"
ALREADY = "already carried"
LEFT = "left"
RECORDED = "recorded"
UNCHANGED = "unchanged"

LEAVES = "leaves"
ROLE_WORDS = {
    **{value: value for value in Membership.Role.values},
    **{label.lower(): value for value, label in Membership.Role.choices},
    "vice chair": Membership.Role.VICE_CHAIR,
    "vice-chair": Membership.Role.VICE_CHAIR,
    "co-opted voting": Membership.Role.CO_OPTED_VOTING,
    "co-opted non-voting": Membership.Role.CO_OPTED_NON_VOTING,
    "leaves": LEAVES,
    "leave": LEAVES,
    "left": LEAVES,
    "stands down": LEAVES,
}
CHAIRING = set(Membership.CHAIRING_ROLES)


def year_label(first: int) -> str:
    return f"{first}/{(first + 1) % 100:02d}"


def parse_year(text: str) -> int:
    """The calendar year a municipal year written as councils write it ("2027/28") starts in."""
    raw = (text or "").strip()
    match = YEAR_AS_WRITTEN.fullmatch(raw)
    if not match:
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        raise ValidationError(
            {"year": f"Write the municipal year as councils do, such as 2027/28, not “{shown}”."}
        )
    first, second = int(match[1]), int(match[2])
    if second != (first + 1) % 100:
        raise ValidationError(
            {
                "year": f"{raw} is not a municipal year: the one that starts in {first} is "
                f"written {year_label(first)}."
            }
        )
    last = planning_horizon().year - 1
    if not EARLIEST_DATE.year <= first <= last:
        raise ValidationError(
            {
                "year": f"{raw} is outside the years the tracker keeps, "
                f"{year_label(EARLIEST_DATE.year)} to {year_label(last)}."
            }
        )
    return first


def choose_committees(slugs) -> list[Committee]:
    """The committees named by slug (every committee when none is named), or a refusal
    naming each slug that is not a committee's."""
    slugs = list(dict.fromkeys(s.strip() for s in slugs or () if s and s.strip()))
    committees = Committee.objects.select_related("authority").order_by("authority__name", "name")
    if not slugs:
        return list(committees)
    found = {c.slug: c for c in committees.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError(
            {"committee": "No committee has the slug " + ", ".join(f"“{s}”" for s in unknown)}
        )
    return [found[s] for s in slugs]


def open_year(authority: Authority, first: int) -> tuple[MunicipalYear, MunicipalYear, bool]:
    """The year work is carried from, the year it is carried into (made here when it does not
    exist yet) and whether it was made now. The new year must follow the authority's years:
    it is the latest one (already made by a meeting planned in it) or the one right after."""
    label = year_label(first)
    years = MunicipalYear.objects.filter(authority=authority).order_by("start_date")
    new = years.filter(start_date__year=first).first()
    if new is not None:
        previous = years.filter(start_date__lt=new.start_date).last()
        if previous is None or previous.start_date.year != first - 1:
            raise ValidationError(
                {
                    "year": f"{authority} has no {year_label(first - 1)} to carry work from "
                    f"into {label}."
                }
            )
        return previous, new, False
    latest = years.last()
    if latest is None:
        raise ValidationError(
            {
                "year": f"{authority} has no municipal year yet, so there is nothing to carry "
                f"into {label}."
            }
        )
    if latest.start_date.year != first - 1:
        hint = (
            f" Roll over into {year_label(latest.start_date.year + 1)} first."
            if latest.start_date.year < first
            else ""
        )
        raise ValidationError(
            {
                "year": f"{label} would not follow {latest.label}, the latest municipal year of "
                f"{authority}.{hint}"
            }
        )
    new = MunicipalYear.containing(authority, latest.end_date + dt.timedelta(days=1))
    if new.start_date.year != first:
        raise ValidationError(
            {
                "year": f"{latest.label} of {authority} ends on {latest.end_date:%-d %B %Y}, so "
                f"the year after it is not {label}: correct its dates first."
            }
        )
    return latest, new, True


@dataclass
class Line:
    """One thing the rollover carried, found already carried, left (and why) or recorded.
    `title` is safe to show anyone who may run it: exempt business by its public title."""

    kind: str  # topic, action, recommendation, membership
    title: str
    outcome: str
    why: str = ""


@dataclass
class CommitteeRollover:
    committee: Committee
    previous: MunicipalYear
    new: MunicipalYear
    year_opened: bool = False
    programme_opened: bool = False
    lines: list[Line] = field(default_factory=list)

    def with_outcome(self, *outcomes: str) -> list[Line]:
        return [line for line in self.lines if line.outcome in outcomes]

    @property
    def carried(self) -> list[Line]:
        return self.with_outcome(CARRIED)

    @property
    def already(self) -> list[Line]:
        return self.with_outcome(ALREADY)

    @property
    def left(self) -> list[Line]:
        return self.with_outcome(LEFT)

    @property
    def memberships(self) -> list[Line]:
        return [line for line in self.lines if line.kind == "membership"]

    @property
    def changed_anything(self) -> bool:
        return self.programme_opened or bool(self.with_outcome(CARRIED, RECORDED))


def topic_title(topic: WorkProgrammeTopic) -> str:
    if topic.is_exempt:
        return f"{topic.public_title} (exempt, paragraph {topic.exempt_paragraph})"
    return topic.title


def _why_left(topic: WorkProgrammeTopic, previous: MunicipalYear, on: dt.date) -> str:
    Status = WorkProgrammeTopic.Status
    meeting = topic.target_meeting
    at = f" at the meeting of {meeting.date:%-d %B %Y}" if meeting else ""
    if topic.status == Status.CONSIDERED:
        return f"considered{at}"
    if topic.status == Status.WITHDRAWN:
        return "withdrawn"
    if topic.status == Status.MERGED:
        return f"merged into “{topic_title(topic.merged_into)}”"
    if meeting and meeting.municipal_year_id == previous.pk and meeting.date >= on:
        return f"planned for the meeting of {meeting.date:%-d %B %Y}, still to come in {previous}"
    return ""


def carry_topics(
    committee: Committee, previous: MunicipalYear, new: MunicipalYear, *, on: dt.date, by=None
) -> tuple[bool, list[Line]]:
    """Open `committee`'s programme for `new` and carry into it every topic of the `previous`
    programme not yet considered. Returns whether the programme was opened now, and a line
    for each topic of the previous programme."""
    programme, opened = WorkProgramme.objects.get_or_create(committee=committee, municipal_year=new)
    old = WorkProgramme.objects.filter(committee=committee, municipal_year=previous).first()
    if old is None:
        return opened, []
    lines = []
    topics = old.topics.select_related("target_meeting", "merged_into").order_by(
        F("target_meeting__date").asc(nulls_last=True), "pk"
    )
    for topic in topics:
        title = topic_title(topic)
        if topic.status == WorkProgrammeTopic.Status.CARRIED_OVER:
            lines.append(Line("topic", title, ALREADY, f"carried into {new}"))
            continue
        why = _why_left(topic, previous, on)
        if why:
            lines.append(Line("topic", title, LEFT, why))
            continue
        carried = _carry_topic(topic, programme, by)
        deferrals = carried.deferrals.count()
        note = (
            f"deferred {deferrals} time{'s' if deferrals != 1 else ''} so far" if deferrals else ""
        )
        target = carried.target_meeting
        where = f"for the meeting of {target.date:%-d %B %Y}" if target else "tbc"
        lines.append(Line("topic", title, CARRIED, ", ".join(filter(None, [where, note]))))
    return opened, lines


def _carry_topic(topic: WorkProgrammeTopic, programme: WorkProgramme, by) -> WorkProgrammeTopic:
    meeting = topic.target_meeting
    keeps_meeting = meeting is not None and meeting.municipal_year_id == programme.municipal_year_id
    carried = WorkProgrammeTopic(
        work_programme=programme,
        title=topic.title,
        description=topic.description,
        lead_officer_id=topic.lead_officer_id,
        lead_officer_text=topic.lead_officer_text,
        target_meeting=meeting if keeps_meeting else None,
        requested_at_id=topic.requested_at_id,
        origin=topic.origin,
        report_submitted_at=topic.report_submitted_at,
        carried_over_from=topic,
        is_exempt=topic.is_exempt,
        exempt_paragraph=topic.exempt_paragraph,
        public_title=topic.public_title,
    )
    carried.full_clean()
    carried._history_user = by
    carried.save()
    # Its deferrals go with it: each keeps its meetings, reason and date, and the topic that
    # goes on is the one still seen as deferred (twice or more, for the chair).
    for deferral in topic.deferrals.all():
        deferral.topic = carried
        deferral._history_user = by
        deferral.save(update_fields=["topic"])
    if topic.status == WorkProgrammeTopic.Status.DEFERRED:
        carried.status = WorkProgrammeTopic.Status.DEFERRED
        carried._history_user = by
        carried.save(update_fields=["status"])
    topic.status = WorkProgrammeTopic.Status.CARRIED_OVER
    topic._history_user = by
    topic.save(update_fields=["status"])
    return carried


# --- Membership changes at the annual meeting ----------------------------------------------


@dataclass(frozen=True)
class MembershipChange:
    committee: Committee
    person: Person
    role: str  # a Membership.Role, or LEAVES


def find_person(text: str) -> Person:
    """A person named by their id ("#12" or "12"), email address or full name."""
    raw = text.strip()
    bare = raw.removeprefix("#")
    if bare.isascii() and bare.isdigit() and len(bare) < 19:
        people = Person.objects.filter(pk=int(bare))
    elif "@" in raw:
        people = Person.objects.filter(email__iexact=raw)
    else:
        name = re.sub(r"^(councillor|cllr\.?)\s+", "", raw, flags=re.IGNORECASE)
        people = Person.objects.filter(name__iexact=name)
    found = list(people[:2])
    if not found:
        raise ValidationError(
            {"memberships": f"Nobody in the tracker is “{raw[:80]}”: add them as a person first."}
        )
    if len(found) > 1:
        raise ValidationError(
            {
                "memberships": f"More than one person is “{raw[:80]}”: give their email address "
                "or id instead."
            }
        )
    return found[0]


def read_membership_changes(lines, committees: list[Committee]) -> list[MembershipChange]:
    """Read "committee-slug; person; role" lines (role: chair, vice-chair, member, co-opted
    voting or non-voting, substitute, or "leaves"); commas may stand for the semicolons."""
    by_slug = {c.slug: c for c in committees}
    changes: list[MembershipChange] = []
    seen = set()
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        parts = [p.strip() for p in text.split(";" if ";" in text else ",")]
        if len(parts) != 3 or not all(parts):
            raise ValidationError(
                {
                    "memberships": f"Line {number}: write “committee-slug; person; role”, "
                    f"such as “childrens-services; Alan Marsh; member”."
                }
            )
        slug, who, role_text = parts
        committee = by_slug.get(slug)
        if committee is None:
            raise ValidationError(
                {
                    "memberships": f"Line {number}: “{slug[:80]}” is not one of the committees "
                    "being rolled over."
                }
            )
        role = ROLE_WORDS.get(re.sub(r"\s+", " ", role_text.lower()).replace("_", " ")) or (
            ROLE_WORDS.get(role_text.lower())
        )
        if role is None:
            raise ValidationError(
                {
                    "memberships": f"Line {number}: “{role_text[:40]}” is not a role: use chair, "
                    "vice-chair, member, co-opted voting, co-opted non-voting, substitute or "
                    "leaves."
                }
            )
        person = find_person(who)
        if (committee.pk, person.pk) in seen:
            raise ValidationError(
                {"memberships": f"Line {number}: {person} is named twice for {committee}."}
            )
        seen.add((committee.pk, person.pk))
        changes.append(MembershipChange(committee, person, role))
    return changes


def record_membership_changes(
    changes: list[MembershipChange], *, on: dt.date, new: MunicipalYear
) -> dict[int, list[Line]]:
    """Record what the annual meeting of `on` decided: a membership that ends, ends the day
    before; a new one (or a new role) starts on the day. Returns lines by committee id.
    Someone already holding the role is left as they are, so recording it again is a no-op."""
    if not new.start_date <= on <= new.end_date:
        raise ValidationError(
            {
                "annual_meeting": f"The annual meeting of {on:%-d %B %Y} is not in {new}, "
                f"which runs from {new.start_date:%-d %B %Y} to {new.end_date:%-d %B %Y}."
            }
        )
    lines: dict[int, list[Line]] = {}
    ends_on = on - dt.timedelta(days=1)
    starting = []
    for change in changes:
        committee, person, role = change.committee, change.person, change.role
        out = lines.setdefault(committee.pk, [])
        current = Membership.objects.filter(
            committee=committee, person=person, end_date__isnull=True
        ).first()
        name = str(person)
        if current is not None and current.role == role:
            out.append(Line("membership", name, UNCHANGED, f"{current.get_role_display()}"))
            continue
        if current is None and role == LEAVES:
            out.append(Line("membership", name, UNCHANGED, "not a current member"))
            continue
        if current is not None:
            if current.start_date >= on:
                raise ValidationError(
                    {
                        "memberships": f"{person} became {current.get_role_display()} of "
                        f"{committee} on {current.start_date:%-d %B %Y}, not before the annual "
                        f"meeting of {on:%-d %B %Y}: change that membership in the admin."
                    }
                )
            current.end_date = ends_on
            current.end_reason = (
                f"Left at the annual meeting of {on:%-d %B %Y}"
                if role == LEAVES
                else f"Became {Membership.Role(role).label} at the annual meeting of {on:%-d %B %Y}"
            )
            current.full_clean()
            current.save(update_fields=["end_date", "end_reason"])
            if role == LEAVES:
                out.append(
                    Line(
                        "membership",
                        name,
                        RECORDED,
                        f"{current.get_role_display()} until {ends_on:%-d %B %Y}",
                    )
                )
                continue
        starting.append((change, out))
    for change, out in starting:
        committee, person, role = change.committee, change.person, change.role
        if role in CHAIRING:
            holder = (
                Membership.objects.filter(committee=committee, role=role, end_date__isnull=True)
                .exclude(person=person)
                .select_related("person")
                .first()
            )
            if holder is not None:
                raise ValidationError(
                    {
                        "memberships": f"{holder.person} is still "
                        f"{holder.get_role_display()} of {committee}: say what they become at "
                        "the annual meeting (member, or leaves)."
                    }
                )
        membership = Membership(committee=committee, person=person, role=role, start_date=on)
        membership.full_clean()
        membership.save()
        out.append(
            Line(
                "membership",
                str(person),
                RECORDED,
                f"{membership.get_role_display()} from {on:%-d %B %Y}",
            )
        )
    return lines


def current_members(committee: Committee, on: dt.date):
    """Who sits on `committee` on `on`, for the officer to check before the annual meeting."""
    return (
        Membership.objects.filter(committee=committee, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("person")
        .order_by("role", "person__name")
    )
