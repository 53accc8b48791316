"""My work: what the signed-in person must do, and for officers what needs chasing this week."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from actions.models import Action, ExecutiveResponse
from committees.models import AgendaItem, Committee, Deferral, WorkProgrammeTopic
from tracker.site.calendar_feeds import person_feed_url
from tracker.site.common import on_date

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
    person = getattr(user, "person", None)
    mine = Q(report_author__user=user) | Q(lead_officer__user=user)
    actions = _late(
        Action.objects.visible_to(user)
        .open()
        .with_due_on()
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
    return render(request, "tracker/pages/my_work.html", context)


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
        .with_due_on()
        .with_latest_rag()
        .filter(committee__in=committees)
        .select_related("committee", "owner", "due_back_meeting")
        .order_by("due_on_date", "sequence"),
        on,
    )
    due_this_week = (
        Action.objects.visible_to(user)
        .open()
        .with_due_on()
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
