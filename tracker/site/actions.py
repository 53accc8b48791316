"""An action's page: where it came from, its RAG timeline, progress and the chair's sign-off;
a resolution's page; and recording that a report went in. Changes go through
`actions.progress` and `committees.reports`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from actions.models import Action, ActionUpdate, Resolution
from actions.progress import record_update, sign_off
from committees.models import AgendaItem, Meeting, WorkProgrammeTopic
from committees.reports import record_report_submitted
from tracker.reminders.link_forms import add_errors
from tracker.site.common import on_date
from tracker.site.forms import ActionUpdateForm, AssignActionForm, SignOffForm
from tracker.site.meeting_business import REFUSAL, is_clerk

# The sign-off form shares the action page with the update form: its own ids.
SIGN_OFF = {"auto_id": "id_sign_off_%s"}


def _action(request, pk) -> Action:
    return get_object_or_404(
        Action.objects.visible_to(request.user).select_related(
            "committee", "owner", "due_back_meeting", "agenda_item__meeting", "municipal_year"
        ),
        pk=pk,
    )


def _render_action(request, action, update_form=None, sign_off_form=None, status=200):
    user = request.user
    resolution = (
        Resolution.objects.visible_to(user)
        .select_related("agenda_item__meeting")
        .filter(pk=action.resolution_id)
        .first()
    )
    item = (
        AgendaItem.objects.visible_to(user)
        .select_related("meeting")
        .filter(pk=action.agenda_item_id)
        .first()
    )
    updates = (
        ActionUpdate.objects.visible_to(user)
        .filter(action=action)
        .select_related("recorded_by__person", "recorded_by_person")
        .order_by("as_of", "recorded_at", "pk")
    )
    may_update = action.is_open and action.may_update(user)
    may_sign_off = action.is_open and action.may_sign_off(user)
    return render(
        request,
        "tracker/pages/action.html",
        {
            "action": action,
            "committee": action.committee,
            "resolution": resolution,
            "item": item,
            "updates": updates,
            "days_late": action.days_late(on_date()),
            "update_form": update_form or (ActionUpdateForm() if may_update else None),
            "sign_off_form": sign_off_form or (SignOffForm(**SIGN_OFF) if may_sign_off else None),
            "may_assign": action.is_open and is_clerk(user),
        },
        status=status,
    )


def action_detail(request, pk):
    action = _action(request, pk)
    if request.method != "POST":
        return _render_action(request, action)
    if not (action.is_open and action.may_update(request.user)):
        raise PermissionDenied(
            "Only the action's owner, the committee's chairs and officers update it."
        )
    form = ActionUpdateForm(request.POST, action=action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_update(
                action,
                text=data["text"],
                rag=data["rag"],
                progress=data["progress"],
                as_of=data["as_of"],
                by=request.user,
                by_person=getattr(request.user, "person", None),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Your update to {action.reference} is recorded.")
            return redirect(action.get_absolute_url() + "#timeline")
    return _render_action(request, action, update_form=form, status=400)


@require_POST
def action_sign_off(request, pk):
    action = _action(request, pk)
    if not action.may_sign_off(request.user):
        raise PermissionDenied(
            "Only the committee's chair or vice-chair, or an officer, signs off."
        )
    form = SignOffForm(request.POST, **SIGN_OFF)
    if form.is_valid():
        try:
            sign_off(action, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{action.reference} is signed off as completed.")
            return redirect(action.get_absolute_url())
    return _render_action(request, action, sign_off_form=form, status=400)


def _due(action: Action) -> str:
    parts = []
    if action.due_date:
        parts.append(f"{action.due_date:%-d %B %Y}")
    if action.due_back_meeting_id:
        parts.append(f"back to the meeting of {action.due_back_meeting.date:%-d %B %Y}")
    return " and ".join(parts) or "no date set"


def action_assign(request, pk):
    """Democratic services name an open action's owner and when it is due (a date, a
    meeting it comes back to, or both). Saved under the action's own rules, as the API saves
    it; the overdue reminders follow the new due date and owner."""
    if not is_clerk(request.user):
        raise PermissionDenied(REFUSAL)
    action = _action(request, pk)
    meetings = Meeting.objects.filter(committee_id=action.committee_id).order_by("date")
    form = AssignActionForm(
        request.POST if request.method == "POST" else None,
        meetings=meetings,
        council=action.committee.authority.name,
        initial={
            "owner": action.owner_id,
            "due_date": action.due_date,
            "due_back_meeting": action.due_back_meeting_id,
        },
    )
    if not action.is_open:
        messages.error(
            request,
            f"{action.reference} is {action.get_status_display().lower()}: only an open "
            "action's owner and due date can be changed.",
        )
        return redirect(action.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                fresh = Action.objects.select_for_update().get(pk=action.pk)
                for name in ("owner", "due_date", "due_back_meeting"):
                    setattr(fresh, name, form.cleaned_data[name])
                fresh.full_clean()
                fresh._history_user = request.user
                fresh.save()
        except ValidationError as error:
            add_errors(form, error)
        else:
            owner = fresh.owner.name if fresh.owner else "no owner yet"
            messages.success(request, f"{action.reference} is saved: {owner}, due {_due(fresh)}.")
            return redirect(action.get_absolute_url())
    return render(
        request,
        "tracker/pages/action_assign.html",
        {"action": action, "committee": action.committee, "form": form},
        status=400 if form.errors else 200,
    )


def resolution_detail(request, pk):
    resolution = get_object_or_404(
        Resolution.objects.visible_to(request.user).select_related(
            "agenda_item__meeting__committee", "executive_response__responsible"
        ),
        pk=pk,
    )
    actions = (
        Action.objects.visible_to(request.user)
        .filter(resolution=resolution)
        .select_related("owner", "due_back_meeting")
        .order_by("sequence")
    )
    return render(
        request,
        "tracker/pages/resolution.html",
        {
            "resolution": resolution,
            "committee": resolution.agenda_item.meeting.committee,
            "actions": actions,
        },
    )


@require_POST
def report_submitted(request, kind, pk):
    """The author (or an officer) records that the report reached democratic services."""
    user = request.user
    if kind == "item":
        thing = get_object_or_404(
            AgendaItem.objects.visible_to(user).select_related("meeting__committee"), pk=pk
        )
    elif kind == "topic":
        thing = get_object_or_404(
            WorkProgrammeTopic.objects.visible_to(user).select_related(
                "work_programme__committee", "lead_officer"
            ),
            pk=pk,
        )
    else:
        raise Http404
    if not thing.may_record_report(user):
        raise PermissionDenied("Only the report's author, lead officer or an officer records it.")
    record_report_submitted(thing, by=user)
    title = thing.display_title if kind == "item" else thing.title
    messages.success(request, f"The report for “{title}” is recorded as received.")
    return redirect("tracker:my-work")
