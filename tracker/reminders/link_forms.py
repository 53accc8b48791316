"""The forms of the pages an emailed link opens; the site's pages share them."""

from django import forms
from django.core.exceptions import ValidationError

from actions.models import RAG, Progress


class RagField(forms.ChoiceField):
    """Offers the RAG values an update may carry, and lets any RAG value through to the
    progress rules (`actions.progress.record_update`), so that Completed sent without a
    sign-off is refused there, with the same words as at every other door."""

    def valid_value(self, value):
        return value in RAG.values or super().valid_value(value)


class ProgressUpdateForm(forms.Form):
    """Progress on an action: from a reminder's link, and (with a date) on the action page."""

    text = forms.CharField(
        label="What has happened since the last update?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Say what has happened since the last update."},
    )
    rag = RagField(
        label="RAG status",
        choices=[("", "No change"), *[c for c in RAG.choices if c[0] != RAG.COMPLETED]],
        required=False,
        help_text="Completed is recorded by the chair's sign-off.",
    )
    progress = forms.TypedChoiceField(
        label="Progress (1 to 5)",
        choices=[("", "Not used"), *list(Progress.choices)],
        coerce=int,
        empty_value=None,
        required=False,
    )


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
