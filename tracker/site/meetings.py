"""A meeting's page: its agenda and outcomes, attendance, and what it expects to receive; for
democratic services, the controls that record them (`tracker.site.meeting_business`)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from actions.models import Action, Resolution
from committees.models import AgendaItem, Attendance, Deferral, Meeting, WorkProgrammeTopic
from tracker.site.forms import OutcomeForm
from tracker.site.meeting_business import is_clerk


def meeting_detail(request, pk):
    user = request.user
    meeting = get_object_or_404(
        Meeting.objects.visible_to(user).select_related("committee", "municipal_year"), pk=pk
    )
    resolutions = Resolution.objects.visible_to(user).select_related("executive_response")
    items = (
        AgendaItem.objects.listed_to(user)
        .filter(meeting=meeting)
        .select_related("report_author", "lead_officer")
        .prefetch_related(
            Prefetch("resolutions", queryset=resolutions.order_by("position")),
            Prefetch(
                "actions",
                queryset=Action.objects.visible_to(user)
                .select_related("owner")
                .order_by("sequence"),
                to_attr="visible_actions",
            ),
            Prefetch(
                "deferrals",
                queryset=Deferral.objects.select_related("to_meeting").order_by("created_at"),
                to_attr="moves",
            ),
        )
        .order_by("position", "number", "pk")
    )
    attendance = {}
    for row in meeting.attendance.select_related("person").order_by("kind", "person__name"):
        attendance.setdefault(row.get_kind_display(), []).append(row)
    ordered_kinds = [label for _, label in Attendance.Kind.choices if label in attendance]

    due_back = (
        Action.objects.visible_to(user)
        .filter(due_back_meeting=meeting)
        .select_related("owner")
        .order_by("sequence")
    )
    planned = (
        WorkProgrammeTopic.objects.visible_to(user)
        .active()
        .filter(target_meeting=meeting)
        .select_related("lead_officer")
        .order_by("pk")
    )
    deferred_in = (
        Deferral.objects.visible_to(user)
        .filter(to_meeting=meeting)
        .select_related("topic", "from_meeting")
        .order_by("created_at")
    )
    around = Meeting.objects.visible_to(user).filter(committee_id=meeting.committee_id)
    return render(
        request,
        "tracker/pages/meeting.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "items": items,
            "attendance": [(kind, attendance[kind]) for kind in ordered_kinds],
            "due_back": due_back,
            "planned": planned,
            "deferred_in": deferred_in,
            "previous": around.filter(date__lt=meeting.date).order_by("-date").first(),
            "next": around.filter(date__gt=meeting.date).order_by("date").first(),
            # Democratic services record the meeting's business here; no one else sees how.
            "clerk": is_clerk(user),
            # Why outcomes cannot be recorded yet (not held, or cancelled), or "".
            "outcomes_wait": meeting.refuses_record(),
            "outcomes": OutcomeForm.base_fields["outcome"].choices,
        },
    )
