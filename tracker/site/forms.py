"""Forms of the pages. They only collect and check input; the services apply the rules."""

from django import forms

from actions.models import RAG
from committees.models import Meeting, Person, WorkProgrammeTopic
from tracker.reminders.link_forms import ProgressUpdateForm

TBC = "tbc"


def _meeting_label(meeting: Meeting) -> str:
    status = (
        ""
        if meeting.status == Meeting.Status.SCHEDULED
        else f" ({meeting.get_status_display().lower()})"
    )
    return f"{meeting.date:%-d %B %Y}{status}"


class DateInput(forms.DateInput):
    input_type = "date"


class ActionUpdateForm(ProgressUpdateForm):
    """Progress on an action, as its owner, the chair or an officer records it on its page."""

    as_of = forms.DateField(
        label="Reporting date",
        required=False,
        widget=DateInput,
        help_text="Leave empty for today.",
        error_messages={"invalid": "Enter the reporting date as a real date, like 16 01 2018."},
    )

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def clean_as_of(self):
        # The progress rules' own check on the date, here so it is shown with the form's
        # other errors; record_update checks it again.
        day = self.cleaned_data["as_of"]
        if day and self.action and (problem := self.action.reporting_date_problem(day)):
            raise forms.ValidationError(problem)
        return day


class SignOffForm(forms.Form):
    text = forms.CharField(
        label="What was done?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Say what was done, so the tracker explains why it closed."},
    )


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting):
        return _meeting_label(meeting)


class TopicForm(forms.Form):
    """A new topic for a committee's work programme."""

    title = forms.CharField(
        label="Topic", max_length=300, error_messages={"required": "Enter the topic's title."}
    )
    description = forms.CharField(
        label="What the committee wants to know (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    lead_officer = forms.ModelChoiceField(
        label="Lead officer (optional)", queryset=Person.objects.none(), required=False
    )
    lead_officer_text = forms.CharField(
        label="Or lead organisation (optional)", max_length=200, required=False
    )
    target_meeting = MeetingChoiceField(
        label="Meeting",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="tbc (no meeting yet)",
    )
    origin = forms.CharField(
        label="Where it came from (optional)",
        max_length=300,
        required=False,
        help_text="For example: a request under item 20, or resolution CS (17/18) 04.",
    )
    requested_at = MeetingChoiceField(
        label="Requested at meeting (optional)", queryset=Meeting.objects.none(), required=False
    )

    def __init__(self, *args, meetings, year_meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_meeting"].queryset = year_meetings
        self.fields["requested_at"].queryset = meetings
        self.fields["lead_officer"].queryset = Person.objects.order_by("name")


class MoveTopicForm(forms.Form):
    """Another meeting, or tbc; a move to a later meeting is a deferral and needs a reason."""

    to_meeting = forms.ChoiceField(
        label="Move to", error_messages={"required": "Choose where to move it."}
    )
    reason = forms.CharField(
        label="Reason (needed when it moves later)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The report author and lead officer are emailed this reason.",
    )

    def __init__(self, *args, topic: WorkProgrammeTopic, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {str(m.pk): m for m in meetings}
        choices = [("", "Choose a meeting"), (TBC, "tbc (no meeting yet)")]
        choices += [(str(m.pk), _meeting_label(m)) for m in meetings]
        self.fields["to_meeting"].choices = choices

    def clean_to_meeting(self):
        value = self.cleaned_data["to_meeting"]
        return None if value == TBC else self.meetings[value]


class DeferTopicForm(MoveTopicForm):
    """Deferral to a later meeting (or tbc): the reason is required."""

    reason = forms.CharField(
        label="Why is it deferred?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="The report author and lead officer are emailed this reason.",
        error_messages={
            "required": "Say why it is deferred: the report author is told the reason."
        },
    )

    def __init__(self, *args, topic: WorkProgrammeTopic, meetings, **kwargs):
        current = topic.target_meeting
        later = [m for m in meetings if current is None or m.date > current.date]
        super().__init__(*args, topic=topic, meetings=later, **kwargs)
        self.fields["to_meeting"].label = "Defer to"


class MergeTopicForm(forms.Form):
    merge = forms.ModelChoiceField(
        label="Merge this topic into it",
        queryset=WorkProgrammeTopic.objects.none(),
        empty_label="Choose a topic",
        error_messages={"required": "Choose the topic to merge into this one."},
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merge"].queryset = topics


class ActionFilterForm(forms.Form):
    """Filters of a committee's list of actions (GET: the URL keeps them)."""

    STATUS = [("open", "Open"), ("overdue", "Overdue"), ("closed", "Closed"), ("all", "All")]
    status = forms.ChoiceField(label="Status", choices=STATUS, required=False)
    rag = forms.ChoiceField(label="RAG", choices=[("", "Any"), *list(RAG.choices)], required=False)
    owner = forms.CharField(label="Owner's name contains", required=False, max_length=100)
    since = forms.DateField(
        label="Open on or after",
        required=False,
        widget=DateInput,
        error_messages={"invalid": "Enter a real date, like 12 12 2017."},
    )


class CommitteeFilterForm(forms.Form):
    q = forms.CharField(label="Name contains", required=False, max_length=100)
    kind = forms.ChoiceField(label="Kind", required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any"), *kinds]
