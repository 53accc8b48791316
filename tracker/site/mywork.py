"""My work: what the signed-in person must do, and for officers what needs chasing this week."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from actions.models import RAG, Action, ActionUpdate, ExecutiveResponse, Progress
from committees.models import (
    AgendaItem,
    Committee,
    Deferral,
    Meeting,
    Person,
    WorkProgrammeTopic,
)
from tracker.site.calendar_feeds import person_feed_url
from tracker.site.common import on_date, visible_deferrals

CHASE_DAYS = 7


def _late(actions, on: dt.date):
    for action in actions:
        action.late_by = action.days_late(on)
    return actions


def reports_due(user, on: dt.date, **where):
    """Reports awaited for meetings from today: agenda items, and planned topics with no item yet."""
    items = (
        AgendaItem.objects.visible_to(user)
        .awaiting_report()
        .filter(meeting__date__gte=on, **where.get("items", {}))
        .select_related("meeting__committee", "report_author", "lead_officer")
        .order_by("meeting__report_deadline", "meeting__date", "position")
    )
    topics = (
        WorkProgrammeTopic.objects.visible_to(user)
        .active()
        .filter(
            target_meeting__date__gte=on,
            report_submitted_at__isnull=True,
            **where.get("topics", {}),
        )
        .exclude(items__meeting=F("target_meeting"))
        .select_related("target_meeting__committee", "lead_officer")
        .order_by("target_meeting__report_deadline", "pk")
    )
    return items, topics


@login_required
def my_work(request):
    user = request.user
    on = on_date()
    person = _person_of(user)
    mine = Q(report_author__user=user) | Q(lead_officer__user=user)
    actions = _late(
        Action.objects.visible_to(user)
        .open()
        .with_latest_rag()
        .filter(owner__user=user)
        .select_related("committee", "due_back_meeting")
        .order_by(F("due_on_date").asc(nulls_last=True), "sequence"),
        on,
    )
    items, topics = reports_due(user, on, items={}, topics={"lead_officer__user": user})
    items = items.filter(mine)
    deferred = (
        Deferral.objects.visible_to(user)
        .filter(
            Q(topic__lead_officer__user=user)
            | Q(agenda_item__report_author__user=user)
            | Q(agenda_item__lead_officer__user=user)
        )
        .select_related(
            "topic__work_programme__committee", "from_meeting", "to_meeting", "agenda_item"
        )
        .order_by("-created_at")[:20]
    )
    context = {
        "person": person,
        "on": on,
        "actions": actions,
        "items": items,
        "topics": topics,
        "deferred": deferred,
        "feed_url": request.build_absolute_uri(person_feed_url(person)) if person else None,
    }
    if user.is_staff:
        context.update(chasing(user, on))
    if person is not None and person.chairs_a_committee:
        context["chaired"] = chair_dashboard(user, on)
    return render(request, "tracker/pages/my_work.html", context)


def _person_of(user):
    """The signed-in person, read once with whether they chair a committee (so that those who
    chair none pay no query for the chair's dashboard), and kept as `user.person`."""
    person = (
        Person.objects.filter(user=user)
        .annotate(chairs_a_committee=Exists(Committee.objects.chaired_by(user)))
        .first()
    )
    get_user_model().person.related.set_cached_value(user, person)
    return person


@login_required
@require_POST
def reset_calendar_address(request):
    """The person revokes their calendar address (someone else may have it) and gets a new one."""
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404("You have no calendar address to reset.")
    person.reset_calendar_address()
    messages.success(
        request,
        "Your calendar address has been reset: the old address no longer works. Subscribe to "
        "the new address below.",
    )
    return redirect(reverse("tracker:my-work") + "#calendar")


def chasing(user, on: dt.date) -> dict:
    """An officer's week: across the committees they support, what is late or falls due."""
    week_end = on + dt.timedelta(days=CHASE_DAYS)
    committees = Committee.objects.filter(officer__user=user)
    overdue = _late(
        Action.objects.visible_to(user)
        .overdue(on)
        .with_latest_rag()
        .filter(committee__in=committees)
        .select_related("committee", "owner", "due_back_meeting")
        .order_by("due_on_date", "sequence"),
        on,
    )
    due_this_week = (
        Action.objects.visible_to(user)
        .open()
        .filter(committee__in=committees, due_on_date__gte=on, due_on_date__lte=week_end)
        .select_related("committee", "owner")
        .order_by("due_on_date", "sequence")
    )
    items, topics = reports_due(
        user,
        on,
        items={"meeting__committee__in": committees, "meeting__report_deadline__lte": week_end},
        topics={
            "work_programme__committee__in": committees,
            "target_meeting__report_deadline__lte": week_end,
        },
    )
    responses = (
        ExecutiveResponse.objects.visible_to(user)
        .awaiting()
        .filter(resolution__committee__in=committees, response_due__lte=week_end)
        .select_related("resolution__committee", "responsible")
        .order_by("response_due")
    )
    return {
        "chasing": True,
        "week_end": week_end,
        "chase_overdue": overdue,
        "chase_due": due_this_week,
        "chase_items": items,
        "chase_topics": topics,
        "chase_responses": responses,
        "my_committees": committees.order_by("name"),
    }


# An open action awaits the chair's sign-off when its latest update (latest reporting date,
# then latest recorded) reports progress 5, "Completed and sustained", with a Green RAG or
# none: the owner says it is done, and only the chair or vice-chair (or staff) may close it.
SIGN_OFF_PROGRESS = Progress.SUSTAINED
SIGN_OFF_RAGS = (RAG.GREEN, "")


def awaiting_sign_off(actions):
    """Open actions whose latest update says they are done (the rule above), in one query."""
    latest = ActionUpdate.objects.filter(action=OuterRef("pk")).latest_first()
    return (
        actions.open()
        .annotate(
            latest_progress=Subquery(latest.values("progress")[:1]),
            latest_update_rag=Subquery(latest.values("rag")[:1]),
            latest_update_on=Subquery(latest.values("as_of")[:1]),
        )
        .filter(latest_progress=SIGN_OFF_PROGRESS, latest_update_rag__in=SIGN_OFF_RAGS)
    )


def chair_dashboard(user, on: dt.date) -> list[dict]:
    """For each committee `user` chairs or vice-chairs, what needs the chair: overdue actions,
    actions awaiting sign-off, what the next meeting expects, deferred topics and executive
    responses awaited. A fixed number of queries, however many committees and rows."""
    committees = list(Committee.objects.chaired_by(user).order_by("name"))
    if not committees:
        return []
    actions = Action.objects.visible_to(user).filter(committee__in=committees)
    overdue = _late(
        actions.overdue(on)
        .with_latest_rag()
        .select_related("owner", "due_back_meeting")
        .order_by("due_on_date", "sequence"),
        on,
    )
    overdue = sorted(overdue, key=lambda a: (-a.late_by, a.sequence))
    sign_off = (
        awaiting_sign_off(actions)
        .select_related("owner", "due_back_meeting")
        .order_by("latest_update_on", "sequence")
    )
    next_meetings = {}
    for meeting in (
        Meeting.objects.visible_to(user)
        .filter(committee__in=committees, date__gte=on)
        .exclude(status__in=Meeting.CLOSED_STATUSES)
        .order_by("date", "start_time")
    ):
        next_meetings.setdefault(meeting.committee_id, meeting)
    meetings = list(next_meetings.values())
    items = (
        AgendaItem.objects.visible_to(user)
        .filter(meeting__in=meetings)
        .exclude(outcome__in=(AgendaItem.Outcome.DEFERRED, AgendaItem.Outcome.WITHDRAWN))
        .select_related("report_author", "lead_officer")
        .order_by("position", "number", "pk")
    )
    topics = (
        WorkProgrammeTopic.objects.visible_to(user)
        .active()
        .filter(target_meeting__in=meetings)
        .exclude(items__meeting=F("target_meeting"))
        .select_related("lead_officer")
        .order_by("pk")
    )
    due_back = (
        Action.objects.visible_to(user)
        .open()
        .filter(due_back_meeting__in=meetings)
        .with_latest_rag()
        .select_related("owner")
        .order_by("sequence")
    )
    deferred = [
        topic
        for topic in WorkProgrammeTopic.objects.visible_to(user)
        .active()
        .filter(work_programme__committee__in=committees, deferrals__isnull=False)
        .distinct()
        .select_related("work_programme", "target_meeting", "lead_officer")
        .prefetch_related(visible_deferrals(user))
        .order_by("target_meeting__date", "pk")
        if topic.visible_deferrals
    ]
    deferred.sort(key=lambda t: -len(t.visible_deferrals))
    responses = (
        ExecutiveResponse.objects.visible_to(user)
        .awaiting()
        .filter(resolution__committee__in=committees)
        .select_related("resolution", "responsible")
        .order_by("response_due", "pk")
    )
    board = {
        committee.pk: {
            "committee": committee,
            "overdue": [],
            "sign_off": [],
            "next_meeting": next_meetings.get(committee.pk),
            "reports": [],
            "due_back": [],
            "deferred": [],
            "responses": [],
        }
        for committee in committees
    }
    for action in overdue:
        board[action.committee_id]["overdue"].append(action)
    for action in sign_off:
        board[action.committee_id]["sign_off"].append(action)
    by_meeting = {meeting.pk: meeting.committee_id for meeting in meetings}
    for item in items:
        board[by_meeting[item.meeting_id]]["reports"].append(
            {"kind": "item", "thing": item, "title": item.title, "from": _report_from(item)}
        )
    for topic in topics:
        board[by_meeting[topic.target_meeting_id]]["reports"].append(
            {"kind": "topic", "thing": topic, "title": topic.title, "from": topic.lead}
        )
    for action in due_back:
        board[by_meeting[action.due_back_meeting_id]]["due_back"].append(action)
    for topic in deferred:
        board[topic.work_programme.committee_id]["deferred"].append(topic)
    for response in responses:
        response.is_late = response.response_due < on
        board[response.resolution.committee_id]["responses"].append(response)
    return list(board.values())


def _report_from(item) -> str:
    person = item.report_author or item.lead_officer
    return person.name if person else ""
