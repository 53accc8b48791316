"""An action's page: where it came from, its RAG timeline, progress and the chair's sign-off;
a resolution's page; and recording that a report went in. Changes go through
`actions.progress` and `committees.reports`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from actions.models import Action, ActionUpdate, Resolution
from actions.progress import record_update, sign_off
from committees.models import AgendaItem, WorkProgrammeTopic
from committees.reports import record_report_submitted
from tracker.reminders.link_forms import add_errors
from tracker.site.common import on_date
from tracker.site.forms import ActionUpdateForm, SignOffForm


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
            "sign_off_form": sign_off_form or (SignOffForm() if may_sign_off else None),
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
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            sign_off(action, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{action.reference} is signed off as completed.")
            return redirect(action.get_absolute_url())
    return _render_action(request, action, sign_off_form=form, status=400)


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
