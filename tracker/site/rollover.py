"""The officer's rollover page: the new municipal year previewed (a dry run), then confirmed.

Democratic services only. The page collects the year, the committees and the annual meeting's
membership changes; `actions.rollover.roll_over` does the rest, in one transaction, and its
report is what the page shows. Confirming runs it again from the same input, so what is saved
is what the preview showed (or a refusal saying what changed since).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from actions.rollover import roll_over
from committees.models import Committee
from tracker.reminders.link_forms import add_errors
from tracker.site.common import staff_only
from tracker.site.day_month_year import DayMonthYearField

TEMPLATE = "tracker/pages/rollover.html"
MAX_MEMBERSHIP_LINES = 500


class RolloverForm(forms.Form):
    year = forms.CharField(
        label="New municipal year",
        max_length=20,
        help_text="As councils write it, for example 2027/28.",
        error_messages={
            "required": "Enter the new municipal year, like 2027/28.",
            "max_length": "Enter the new municipal year, like 2027/28, in at most %(limit_value)d "
            "characters.",
        },
    )
    committee = forms.ModelMultipleChoiceField(
        label="Committees",
        queryset=Committee.objects.select_related("authority").order_by("authority__name", "name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave them all unticked to roll over every committee.",
    )
    annual_meeting = DayMonthYearField(
        label="Date of the annual meeting (optional)",
        required=False,
        help_text="The day membership changes take effect, for example, 19 5 2027. Left "
        "empty, the new year's first day.",
    )
    memberships = forms.CharField(
        label="Membership changes at the annual meeting (optional)",
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text="One a line: committee; person (name, email or id); new role (chair, "
        "vice-chair, member, co-opted voting, co-opted non-voting, substitute) or leaves. For "
        "example: childrens-services; Alan Marsh; member",
    )

    def clean_memberships(self):
        lines = self.cleaned_data["memberships"].splitlines()
        if len(lines) > MAX_MEMBERSHIP_LINES:
            raise ValidationError(
                f"Give at most {MAX_MEMBERSHIP_LINES} membership changes at a time, "
                f"not {len(lines)}."
            )
        return lines


@staff_only
@require_http_methods(["GET", "POST"])
def rollover_page(request):
    form = RolloverForm(request.POST or None)
    report, status = None, 200
    if request.method == "POST":
        confirmed = request.POST.get("confirm") == "yes"
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = roll_over(
                    data["year"],
                    committees=[c.slug for c in data["committee"]],
                    memberships=data["memberships"],
                    annual_meeting=data["annual_meeting"],
                    dry_run=not confirmed,
                    by=request.user,
                )
            except ValidationError as refusal:
                add_errors(form, refusal)
        if form.errors:
            status = 400
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "report": report,
            "memberships_text": "\n".join(form.cleaned_data.get("memberships", []))
            if report is not None
            else "",
            # The confirmation carries the date as one ISO value, which the field reads back.
            "annual_meeting_iso": form.cleaned_data["annual_meeting"].isoformat()
            if report is not None and form.cleaned_data.get("annual_meeting")
            else "",
        },
        status=status,
    )
