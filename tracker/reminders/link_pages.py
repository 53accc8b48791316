"""Pages reached from reminder emails without signing in: one signed link, one job, once."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.views import View

from actions.models import Action
from actions.progress import record_update
from committees.models import AgendaItem, Person, WorkProgrammeTopic
from committees.reports import record_report_submitted
from tracker.reminders import links
from tracker.reminders.ledger import UsedLink
from tracker.reminders.link_forms import ProgressUpdateForm, add_errors


def _refuse(request, message: str, status: int = 400):
    return render(request, "tracker/link_refused.html", {"message": message}, status=status)


def _already_used(token: str) -> bool:
    return UsedLink.objects.filter(fingerprint=links.fingerprint(token)).exists()


def _use(token: str) -> None:
    """Spend the link; IntegrityError if someone spent it first."""
    UsedLink.objects.create(fingerprint=links.fingerprint(token))


USED = "This link has already been used. Each link in a reminder records one update."


def _action_context(action: Action, person, form) -> dict:
    """What the owner needs to act from their phone: what is asked, where it came from (an
    exempt item by its public title only), when it is due, and the latest update."""
    item = action.agenda_item
    return {
        "action": action,
        "person": person,
        "form": form,
        "committee": action.committee,
        "item_title": item.display_title if item else "",
        "item_meeting": item.meeting if item else None,
        "latest": action.latest_update(),
        "days_late": action.days_late(),
    }


class ActionUpdateLinkView(View):
    template_name = "tracker/action_update_link.html"

    def _load(self, token):
        data = links.read(token, links.ACTION_SALT)
        action = (
            Action.objects.select_related(
                "owner", "committee", "due_back_meeting", "agenda_item__meeting"
            )
            .filter(pk=data["action"])
            .first()
        )
        if action is None:
            raise links.LinkError("The action this link was for no longer exists.")
        if action.owner_id != data["person"]:
            raise links.LinkError(
                "This action now has another owner, so this link no longer works for it."
            )
        if not action.is_open:
            raise links.LinkError(f"Action {action.reference} is already closed.")
        return action, action.owner

    def get(self, request, token):
        try:
            action, person = self._load(token)
        except links.LinkError as exc:
            return _refuse(request, str(exc))
        if _already_used(token):
            return _refuse(request, USED, status=410)
        return render(
            request, self.template_name, _action_context(action, person, ProgressUpdateForm())
        )

    def post(self, request, token):
        try:
            action, person = self._load(token)
        except links.LinkError as exc:
            return _refuse(request, str(exc))
        form = ProgressUpdateForm(request.POST)
        if not form.is_valid():
            return render(
                request, self.template_name, _action_context(action, person, form), status=400
            )
        try:
            with transaction.atomic():
                _use(token)
                update = record_update(
                    action,
                    text=form.cleaned_data["text"],
                    rag=form.cleaned_data["rag"],
                    progress=form.cleaned_data["progress"],
                    by_person=person,
                )
        except IntegrityError:
            return _refuse(request, USED, status=410)
        except ValidationError as error:
            # The progress rules refused it; the link is not spent, so it can be corrected.
            add_errors(form, error)
            return render(
                request, self.template_name, _action_context(action, person, form), status=400
            )
        return render(request, "tracker/link_done.html", {"action": action, "update": update})


class ReportSubmittedLinkView(View):
    template_name = "tracker/report_submitted_link.html"
    kinds = {"item": AgendaItem, "topic": WorkProgrammeTopic}

    def _load(self, token):
        data = links.read(token, links.REPORT_SALT)
        model = self.kinds.get(data.get("kind"))
        thing = model.objects.filter(pk=data.get("id")).first() if model else None
        person = Person.objects.filter(pk=data.get("person")).first()
        if thing is None or person is None:
            raise links.LinkError("The report this link was for no longer exists.")
        return thing, person

    def get(self, request, token):
        try:
            thing, person = self._load(token)
        except links.LinkError as exc:
            return _refuse(request, str(exc))
        if _already_used(token) or thing.report_submitted_at:
            return _refuse(request, "This report is already recorded as received.", status=410)
        meeting = thing.meeting if isinstance(thing, AgendaItem) else thing.target_meeting
        committee = (
            thing.meeting.committee
            if isinstance(thing, AgendaItem)
            else thing.work_programme.committee
        )
        return render(
            request,
            self.template_name,
            {
                "thing": thing,
                "person": person,
                "title": thing.display_title,
                "meeting": meeting,
                "committee": committee,
            },
        )

    def post(self, request, token):
        try:
            thing, _person = self._load(token)
        except links.LinkError as exc:
            return _refuse(request, str(exc))
        try:
            with transaction.atomic():
                _use(token)
                thing = record_report_submitted(thing)
        except IntegrityError:
            return _refuse(request, "This report is already recorded as received.", status=410)
        return render(request, "tracker/link_done.html", {"thing": thing})
