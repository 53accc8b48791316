"""The clerk's changes to a meeting: an item's outcome, deferring an item, a new item on the
agenda, and attendance.

Democratic services (staff) record them; chairs, authors and the public see no controls, and a
request from them is refused (403). Outcomes go through `committees.outcomes.record_outcome`,
deferrals through `committees.deferrals.defer_item` (which tells the report author), an
exempt item's exemption through `committees.exemption.make_exempt`: the same services as the
API and the admin. A new item and attendance are saved under their models' own rules
(`full_clean`), as the API saves them. Each change is one transaction; a refusal is shown on
the form with the service's words and nothing is saved.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from committees.agenda import add_item
from committees.deferrals import defer_item
from committees.models import AgendaItem, Attendance, Meeting, Person, WorkProgrammeTopic
from committees.outcomes import record_outcome
from tracker.reminders.link_forms import add_errors
from tracker.site import submissions
from tracker.site.common import on_date
from tracker.site.forms import AgendaItemForm, AttendanceForm, DeferItemForm, OutcomeForm

REFUSAL = "Only democratic services (staff) record a meeting's business."


def is_clerk(user) -> bool:
    """Who records a meeting's business on these pages: democratic services staff."""
    return bool(user.is_authenticated and user.is_staff)


def _require_clerk(request) -> None:
    if not is_clerk(request.user):
        raise PermissionDenied(REFUSAL)


def _meeting(request, pk) -> Meeting:
    _require_clerk(request)
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("committee__authority"), pk=pk
    )


def _item(request, pk) -> AgendaItem:
    _require_clerk(request)
    return get_object_or_404(
        AgendaItem.objects.visible_to(request.user).select_related(
            "meeting__committee__authority", "topic"
        ),
        pk=pk,
    )


def _item_name(item: AgendaItem) -> str:
    number = f"Item {item.number}, " if item.number is not None else ""
    return f"{number}“{item.display_title}”"


def _page(request, template, context, form):
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, context, status=status)


def item_outcome(request, pk):
    """Record (or correct) what the meeting decided on an item."""
    item = _item(request, pk)
    form = OutcomeForm(
        request.POST if request.method == "POST" else None, initial={"outcome": item.outcome}
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = record_outcome(item, form.cleaned_data["outcome"], by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"{_item_name(item)}: the outcome is recorded as "
                f"{item.get_outcome_display().lower()}.",
            )
            return redirect(item.get_absolute_url())
    return _page(
        request,
        "tracker/pages/meeting_form.html",
        {
            "meeting": item.meeting,
            "committee": item.meeting.committee,
            "item": item,
            "form": form,
            "heading": "Record an item's outcome",
            "button": "Record outcome",
        },
        form,
    )


def deferral_targets(meeting: Meeting):
    """Where an item of `meeting` may be deferred: a later meeting of its committee, not
    cancelled or postponed; moved ahead of its meeting, also one still to come (the service
    checks it again)."""
    today = on_date()
    still_to_come_on = meeting.date + dt.timedelta(days=1) if meeting.date <= today else today
    return (
        Meeting.objects.filter(committee_id=meeting.committee_id, date__gt=meeting.date)
        .accepting_business(on=still_to_come_on)
        .order_by("date")
    )


def item_defer(request, pk):
    """Defer an item to a later meeting, or to one not set yet, saying why."""
    item = _item(request, pk)
    form = DeferItemForm(
        request.POST if request.method == "POST" else None,
        meetings=list(deferral_targets(item.meeting)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deferral = defer_item(
                item,
                reason=data["reason"],
                to_meeting=data["to_meeting"],
                to_text=data["to_text"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            where = (
                f"the meeting of {deferral.to_meeting.date:%-d %B %Y}"
                if deferral.to_meeting
                else f"{deferral.to_text} (no meeting set yet)"
            )
            messages.success(request, f"{_item_name(item)} is deferred to {where}.")
            return redirect(item.get_absolute_url())
    return _page(
        request,
        "tracker/pages/meeting_form.html",
        {
            "meeting": item.meeting,
            "committee": item.meeting.committee,
            "item": item,
            "form": form,
            "heading": "Defer an item",
            "button": "Defer item",
        },
        form,
    )


def _topics_to_place(meeting: Meeting):
    """Topics planned for `meeting` that have no item on its agenda yet."""
    return (
        WorkProgrammeTopic.objects.active()
        .filter(target_meeting=meeting)
        .exclude(items__meeting=meeting)
        .order_by("title")
    )


def item_add(request, pk):
    """Put a new item on a meeting's agenda, after the items already there."""
    meeting = _meeting(request, pk)
    committee = meeting.committee
    form = AgendaItemForm(
        request.POST if request.method == "POST" else None,
        topics=_topics_to_place(meeting),
        council=committee.authority.name,
    )
    if request.method == "POST" and (saved := submissions.already_saved(request)):
        messages.info(
            request, "This item was added when the form was first sent; it is added once."
        )
        return redirect(saved)
    if request.method == "POST" and form.is_valid():
        try:
            item = add_item(meeting, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_errors(form, _on_number(error))
        else:
            submissions.remember(request, item.get_absolute_url())
            messages.success(request, f"{_item_name(item)} is added to the agenda.")
            return redirect(item.get_absolute_url())
    return _page(
        request,
        "tracker/pages/meeting_form.html",
        {
            "meeting": meeting,
            "committee": committee,
            "form": form,
            "heading": "Add an item to the agenda",
            "button": "Add item",
            "submission": submissions.token_for(request),
        },
        form,
    )


def _on_number(error: ValidationError) -> ValidationError:
    """The item's rule "one number once per meeting" is a constraint of the whole row; shown
    beside the number box, where it is put right."""
    if not hasattr(error, "error_dict"):
        return error
    errors = error.message_dict
    [unique] = [
        constraint.violation_error_message
        for constraint in AgendaItem._meta.constraints
        if constraint.name == "item_number_unique_in_meeting"
    ]
    if unique in errors.get(NON_FIELD_ERRORS, []):
        errors[NON_FIELD_ERRORS].remove(unique)
        errors.setdefault("number", []).append(unique)
    return ValidationError({k: v for k, v in errors.items() if v})


def attendance(request, pk):
    """Who was present, sent apologies or attended as an officer; recording someone again
    changes their row."""
    meeting = _meeting(request, pk)
    committee = meeting.committee
    members = committee.memberships.current(meeting.date).values("person_id")
    people = Person.objects.all()
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        people=people,
        council=committee.authority.name,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                row = Attendance.objects.select_for_update().filter(
                    meeting=meeting, person=data["person"]
                ).first() or Attendance(meeting=meeting, person=data["person"])
                row.kind = data["kind"]
                row.capacity = data["capacity"].strip()
                row.full_clean()
                row.save()
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"{row.person.name}: {row.get_kind_display().lower()} is recorded."
            )
            return redirect("tracker:meeting-attendance", meeting.pk)
    rows = meeting.attendance.select_related("person").order_by("kind", "person__name")
    return _page(
        request,
        "tracker/pages/attendance.html",
        {
            "meeting": meeting,
            "committee": committee,
            "form": form,
            "rows": rows,
            "unrecorded": Person.objects.filter(pk__in=members)
            .exclude(attendance__meeting=meeting)
            .order_by("name"),
        },
        form,
    )


@require_POST
def attendance_remove(request, pk, row):
    """Take one person off a meeting's attendance (a row of this meeting only)."""
    meeting = _meeting(request, pk)
    found = get_object_or_404(Attendance.objects.select_related("person"), pk=row, meeting=meeting)
    found.delete()
    messages.success(request, f"{found.person.name} is taken off the attendance.")
    return redirect("tracker:meeting-attendance", meeting.pk)
