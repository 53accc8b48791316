from django import forms

from actions.models import RAG, Progress


class ProgressUpdateForm(forms.Form):
    """What an action's owner may record from a reminder's link."""

    text = forms.CharField(
        label="What has happened?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Say what has happened since the last update."},
    )
    rag = forms.ChoiceField(
        label="RAG status", choices=[("", "No change"), *list(RAG.choices)], required=False
    )
    progress = forms.TypedChoiceField(
        label="Progress (1 to 5)",
        choices=[("", "Not used"), *list(Progress.choices)],
        coerce=int,
        empty_value=None,
        required=False,
    )
