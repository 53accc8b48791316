"""The reminder rules: who is told what, and on which day.

Each rule looks at the data as it stands on `today` (Europe/London) and returns `Draft`
reminders. A draft names the day it is *for*; the ledger's unique constraint makes sure each
is sent once, so a rule may safely propose the same draft on every sweep of the day.

Where a sweep missed days (the server was down), a rule proposes only its latest stage:
nobody wants a "due in 10 working days" email after the "due in 3" one.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from actions.models import Action, ExecutiveResponse
from committees import calendar
from committees.models import (
    LONDON,
    AgendaItem,
    Committee,
    Deferral,
    Meeting,
    Person,
    WorkProgrammeTopic,
)
from committees.models import today as local_today
from tracker.reminders.ledger import Reminder

Rule = Reminder.Rule

WARNING_DAYS_BEFORE_RESPONSE_DUE = 14


@dataclass
class Draft:
    rule: str
    about: str
    for_date: dt.date
    to: Person | None
    committee: Committee
    reason: str
    context: dict = field(default_factory=dict)
    copy_officer: bool = False


def report_holder(item: AgendaItem) -> Person | None:
    """Who must deliver an item's report: its author, or else its lead officer."""
    return item.report_author or item.lead_officer


def deferral_is_news(deferral: Deferral, today: dt.date) -> bool:
    """A deferral is announced only while it is news: decided in the last DEFERRAL_NOTICE_DAYS
    and, when it names a meeting, before that meeting. History recorded later (the demo, an
    import of last year's minutes) is kept without emailing anyone about the past."""
    made_on = deferral.created_at.astimezone(LONDON).date()
    if made_on < today - dt.timedelta(days=settings.DEFERRAL_NOTICE_DAYS):
        return False
    return deferral.to_meeting is None or deferral.to_meeting.date >= today


def item_deferred(deferral: Deferral, today: dt.date | None = None) -> list[Draft]:
    """At once: the report author and lead officer of what was deferred; officer copied.

    Nobody is told of a change they made themselves, unless they hold its report."""
    today = today or local_today()
    if not deferral_is_news(deferral, today):
        return []
    topic = deferral.topic
    item = deferral.agenda_item
    committee = topic.work_programme.committee
    holder = report_holder(item) if item else topic.lead_officer
    people = []
    named = [item.report_author, item.lead_officer] if item else []
    # Exempt business is told only to those who may read the item: the people named on it.
    if not (item and item.is_exempt):
        named.append(topic.lead_officer)
    for person in named:
        if person is None or person in people:
            continue
        if made_by(deferral, person) and person != holder:
            continue
        people.append(person)
    title = item.display_title if item else topic.display_title
    context = {
        "deferral": deferral,
        "title": title,
        "committee": committee,
        "from_meeting": deferral.from_meeting,
        "to_meeting": deferral.to_meeting,
    }
    made_on = deferral.created_at.astimezone(LONDON).date()
    officer_made_it = made_by(deferral, committee.officer)
    if not people:
        if officer_made_it:
            return []
        # Nobody named on it: the officer must know it moved all the same.
        return [
            Draft(
                Rule.ITEM_DEFERRED,
                f"deferral:{deferral.pk}:officer",
                made_on,
                committee.officer,
                committee,
                f"you support {committee.display_short_name} and nobody is named on this item",
                context,
            )
        ]
    return [
        Draft(
            Rule.ITEM_DEFERRED,
            f"deferral:{deferral.pk}:p{person.pk}",
            made_on,
            person,
            committee,
            f"you are the {'report author' if item and person == item.report_author else 'lead officer'} for “{title}”",
            context,
            copy_officer=not officer_made_it,
        )
        for person in people
    ]


def made_by(deferral: Deferral, person: Person | None) -> bool:
    return bool(person is not None and person.user_id and person.user_id == deferral.created_by_id)


def recent_deferrals(today: dt.date) -> list[Draft]:
    """The safety net for `item_deferred`: what a crash between commit and email lost."""
    since = today - dt.timedelta(days=settings.DEFERRAL_NOTICE_DAYS)
    deferrals = Deferral.objects.filter(created_at__date__range=(since, today)).select_related(
        "topic__work_programme__committee__officer",
        "topic__lead_officer",
        "agenda_item__report_author",
        "agenda_item__lead_officer",
        "from_meeting",
        "to_meeting",
    )
    drafts = []
    for deferral in deferrals:
        drafts.extend(item_deferred(deferral, today))
    return drafts


def _reports_awaited(today: dt.date):
    """Agenda items of coming meetings whose report has not been recorded as received."""
    return (
        AgendaItem.objects.filter(
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__date__gt=today,
            report_submitted_at__isnull=True,
            outcome=AgendaItem.Outcome.NONE,
        )
        .filter(Q(report_author__isnull=False) | Q(lead_officer__isnull=False))
        .select_related("meeting__committee__officer", "report_author", "lead_officer")
    )


def _topics_awaited(today: dt.date):
    """Work-programme topics planned for coming meetings that have no agenda item there yet."""
    has_item = AgendaItem.objects.filter(topic=OuterRef("pk"), meeting=OuterRef("target_meeting"))
    return (
        WorkProgrammeTopic.objects.active()
        .filter(
            target_meeting__status=Meeting.Status.SCHEDULED,
            target_meeting__date__gt=today,
            lead_officer__isnull=False,
            report_submitted_at__isnull=True,
        )
        .exclude(Exists(has_item))
        .select_related("target_meeting__committee__officer", "lead_officer")
    )


def reports_due_soon(today: dt.date) -> list[Draft]:
    """N working days before a meeting's report deadline (default 10 and 3): the author."""
    stages = settings.REPORT_REMINDER_WORKING_DAYS  # largest first
    drafts = []
    for kind, thing, meeting, person, title in _awaited(today):
        deadline = meeting.report_deadline
        if today > deadline:
            continue
        # The latest stage whose day has come: after an outage, skip the stale earlier ones.
        due_stages = [n for n in stages if calendar.working_days_before(deadline, n) <= today]
        if not due_stages:
            continue
        stage = min(due_stages)
        drafts.append(
            Draft(
                Rule.REPORT_DUE_SOON,
                f"{kind}:{thing.pk}:due:{stage}",
                calendar.working_days_before(deadline, stage),
                person,
                meeting.committee,
                f"you are the report author for “{title}”",
                {
                    "title": title,
                    "meeting": meeting,
                    "deadline": deadline,
                    "working_days_left": calendar.working_days_between(today, deadline),
                    "kind": kind,
                    "thing": thing,
                },
            )
        )
    return drafts


def reports_overdue(today: dt.date) -> list[Draft]:
    """From the first working day after the deadline, once: the author, officer copied."""
    drafts = []
    for kind, thing, meeting, person, title in _awaited(today):
        overdue_from = calendar.next_working_day(meeting.report_deadline)
        if today < overdue_from:
            continue
        drafts.append(
            Draft(
                Rule.REPORT_OVERDUE,
                f"{kind}:{thing.pk}:overdue",
                overdue_from,
                person,
                meeting.committee,
                f"you are the report author for “{title}”",
                {
                    "title": title,
                    "meeting": meeting,
                    "deadline": meeting.report_deadline,
                    "working_days_late": calendar.working_days_between(
                        meeting.report_deadline, today
                    ),
                    "kind": kind,
                    "thing": thing,
                },
                copy_officer=True,
            )
        )
    return drafts


def _awaited(today: dt.date):
    for item in _reports_awaited(today):
        yield "item", item, item.meeting, report_holder(item), item.display_title
    for topic in _topics_awaited(today):
        yield "topic", topic, topic.target_meeting, topic.lead_officer, topic.display_title


def actions_overdue(today: dt.date) -> list[Draft]:
    """On the first working day after an open action fell due, then weekly: the owner."""
    drafts = []
    # Only the actions whose reminder day has come (`next_reminder_on`, kept by `outbox.plan`
    # and by saves): a lookup of the few due today, not a scan of every open overdue action.
    actions = (
        Action.objects.overdue(on=today)
        .filter(owner__isnull=False)
        .filter(Q(next_reminder_on__lte=today) | Q(next_reminder_on__isnull=True))
        .select_related("owner", "due_back_meeting", "agenda_item")
        # A big day's thousands of actions share a few committees: each is read and made once.
        .prefetch_related("committee__officer", "committee__authority")
    )
    for action in actions:
        first = calendar.next_working_day(action.due_on)
        if today < first:
            continue
        weeks = (today - first).days // 7
        drafts.append(
            Draft(
                Rule.ACTION_OVERDUE,
                f"action:{action.pk}:overdue",
                first + dt.timedelta(weeks=weeks),
                action.owner,
                action.committee,
                f"you own action {action.reference}",
                {"action": action, "days_late": action.days_late(today)},
            )
        )
    return drafts


def chair_digests(today: dt.date) -> list[Draft]:
    """Weekly, on the digest day: chair and vice-chair of each committee with outstanding work."""
    digest_day = today - dt.timedelta(days=(today.weekday() - settings.DIGEST_WEEKDAY) % 7)
    drafts = []
    # EXISTS stops at a committee's first open action; a join would read every open action.
    with_open_actions = Exists(
        Action.objects.filter(committee=OuterRef("pk"), status=Action.Status.OPEN)
    )
    for committee in Committee.objects.filter(with_open_actions).select_related("officer"):
        chairs = committee.chairs(on=today)
        abouts = [f"committee:{committee.pk}:p{person.pk}" for person in chairs]
        already = Reminder.objects.filter(
            rule=Rule.CHAIR_DIGEST, for_date=digest_day, about__in=abouts
        ).count()
        if already == len(abouts):
            continue  # no chairs, or this week's digests are in the ledger: nothing to build
        next_meeting = committee.meetings.upcoming(today).first()
        open_actions = committee.actions.open().select_related(
            "owner", "due_back_meeting", "agenda_item"
        )
        overdue = list(open_actions.overdue(on=today))
        due_soon = (
            list(
                open_actions.due_before(next_meeting.date + dt.timedelta(days=1)).exclude(
                    pk__in=[a.pk for a in overdue]
                )
            )
            if next_meeting
            else []
        )
        deferred_often = list(
            WorkProgrammeTopic.objects.active()
            .filter(work_programme__committee=committee)
            .annotate(deferral_count=Count("deferrals"))
            .filter(deferral_count__gte=2)
        )
        if not (overdue or due_soon or deferred_often):
            continue
        context = {
            "committee": committee,
            "next_meeting": next_meeting,
            "overdue": overdue,
            "due_soon": due_soon,
            "deferred_often": deferred_often,
            "open_count": open_actions.count(),
            "today": today,
        }
        for person in chairs:
            drafts.append(
                Draft(
                    Rule.CHAIR_DIGEST,
                    f"committee:{committee.pk}:p{person.pk}",
                    digest_day,
                    person,
                    committee,
                    f"you chair {committee.display_short_name}"
                    if person == chairs[0]
                    else f"you are vice-chair of {committee.display_short_name}",
                    context,
                    copy_officer=True,
                )
            )
    return drafts


def executive_responses(today: dt.date) -> list[Draft]:
    """Two weeks before the statutory two months run out, and on the day: the responder."""
    drafts = []
    responses = ExecutiveResponse.objects.awaiting().select_related(
        "responsible", "resolution__committee__officer", "resolution__agenda_item"
    )
    for response in responses:
        warning_day = response.response_due - dt.timedelta(days=WARNING_DAYS_BEFORE_RESPONSE_DUE)
        if today >= response.response_due:
            rule, stage, day = Rule.RESPONSE_DUE, "due", response.response_due
        elif today >= warning_day:
            rule, stage, day = Rule.RESPONSE_WARNING, "warning", warning_day
        else:
            continue
        drafts.append(
            Draft(
                rule,
                f"response:{response.pk}:{stage}",
                day,
                response.responsible,
                response.resolution.committee,
                f"you are responsible for the {response.executive_body}'s response to "
                f"{response.resolution.reference}",
                {"response": response, "resolution": response.resolution},
                copy_officer=True,
            )
        )
    return drafts


SCHEDULED_RULES = (
    reports_due_soon,
    reports_overdue,
    actions_overdue,
    chair_digests,
    executive_responses,
)


def drafts_for(today: dt.date, *, morning: bool) -> list[Draft]:
    """Everything due on `today`: deferrals at once, the rest on working days from the morning hour."""
    drafts = recent_deferrals(today)
    # Scheduled reminders wait for a working morning; each rule catches up on the next one.
    if morning and calendar.is_working_day(today):
        for rule in SCHEDULED_RULES:
            drafts.extend(rule(today))
    return drafts
