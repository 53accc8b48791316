"""The officer's form for bringing minutes in: a file or pasted text, and the committee."""

from django import forms

from committees.models import Committee
from tracker.importer.reading import MAX_BYTES, MinutesError, clean_text, read_minutes


class MinutesForm(forms.Form):
    file = forms.FileField(
        required=False,
        label="Minutes file",
        help_text="A PDF, a web page saved as HTML, a Word (.docx) or a text file, up to 5 MB.",
    )
    text = forms.CharField(
        required=False,
        label="Or paste the text of the minutes",
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.order_by("name"),
        required=False,
        label="Committee",
        empty_label="The committee named in the minutes",
        help_text="Choose one if the minutes' name for it differs from the tracker's.",
    )

    def clean(self):
        cleaned = super().clean()
        upload, pasted = cleaned.get("file"), (cleaned.get("text") or "").strip()
        if not upload and not pasted:
            raise forms.ValidationError("Upload a file of minutes or paste their text.")
        try:
            if upload:
                if upload.size > MAX_BYTES:
                    raise MinutesError(
                        f"The file is larger than {MAX_BYTES // 1024 // 1024} MB; minutes that large are not read."
                    )
                cleaned["minutes_text"] = read_minutes(upload.read(), upload.name)
            else:
                cleaned["minutes_text"] = clean_text(pasted)
        except MinutesError as error:
            self.add_error("file" if upload else "text", str(error))
        return cleaned


class ReviewCommitteeForm(forms.Form):
    """On the review page the committee must be known before anything is saved."""

    committee = forms.ModelChoiceField(
        queryset=Committee.objects.order_by("name"),
        label="Save to committee",
        empty_label="Choose the committee",
        error_messages={"required": "Choose the committee these minutes belong to."},
    )
