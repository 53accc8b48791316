"""Forms of the pages. They only collect and check input; the services apply the rules."""

from django import forms

from actions.models import RAG
from committees.models import AgendaItem, Attendance, Meeting, Person, WorkProgrammeTopic
from tracker.reminders.link_forms import ProgressUpdateForm
from tracker.site.day_month_year import DayMonthYearField

TBC = "tbc"


def _meeting_label(meeting: Meeting) -> str:
    status = (
        ""
        if meeting.status == Meeting.Status.SCHEDULED
        else f" ({meeting.get_status_display().lower()})"
    )
    return f"{meeting.date:%-d %B %Y}{status}"


class PersonField(forms.ModelChoiceField):
    """A choice of person, listed by council or organisation (one `<optgroup>` each), the
    committee's own council first; people with no organisation recorded come last."""

    NO_ORGANISATION = "Organisation not recorded"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Person.objects.none())
        kwargs.setdefault("empty_label", "Nobody chosen")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, person):
        return f"{person.name}, {person.job_title}" if person.job_title else person.name

    def offer(self, people, first: str = "") -> None:
        """Offer `people`, grouped; `first` (the committee's council) leads the list."""
        self.queryset = people.order_by("name", "pk")
        groups: dict[str, list] = {}
        for person in self.queryset:
            groups.setdefault(person.organisation or self.NO_ORGANISATION, []).append(
                (person.pk, self.label_from_instance(person))
            )
        order = sorted(
            groups,
            key=lambda name: (name != first, name == self.NO_ORGANISATION, name.lower()),
        )
        choices = [("", self.empty_label)] if self.empty_label is not None else []
        self.choices = choices + [(name, groups[name]) for name in order]


class ActionUpdateForm(ProgressUpdateForm):
    """Progress on an action, as its owner, the chair or an officer records it on its page."""

    as_of = DayMonthYearField(
        label="Reporting date",
        required=False,
        help_text="Leave it empty for today. For example, 16 1 2018",
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
    lead_officer = PersonField(label="Lead officer (optional)", required=False)
    lead_officer_text = forms.CharField(
        label="Or lead organisation, when no one person leads (optional)",
        max_length=200,
        required=False,
        help_text="For example, NELFT. Leave it empty when you choose a lead officer.",
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

    def __init__(self, *args, meetings, year_meetings, council: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_meeting"].queryset = year_meetings
        self.fields["requested_at"].queryset = meetings
        self.fields["lead_officer"].offer(Person.objects.all(), first=council)

    def clean(self):
        data = super().clean()
        if data.get("lead_officer") and data.get("lead_officer_text", "").strip():
            # Only one lead is shown and chased: keeping both would drop one silently.
            self.add_error(
                "lead_officer_text",
                "Choose a lead officer or type a lead organisation, not both: the topic has "
                "one lead.",
            )
        return data


class MoveTopicForm(forms.Form):
    """Another meeting, or tbc; a move to a later meeting is a deferral and needs a reason."""

    to_meeting = forms.ChoiceField(
        label="Move to",
        error_messages={
            "required": "Choose the meeting to move it to, or tbc.",
            "invalid_choice": "Choose one of this committee's meetings still to come, or tbc.",
        },
    )
    reason = forms.CharField(
        label="Why is it moved? (needed when it moves later)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text="A move to a later meeting, or to tbc, is a deferral: the report author and "
        "lead officer are emailed this reason.",
    )

    def __init__(self, *args, topic: WorkProgrammeTopic, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic = topic
        self.meetings = {str(m.pk): m for m in meetings}
        choices = [("", "Choose a meeting"), (TBC, "tbc (no meeting yet)")]
        choices += [(str(m.pk), _meeting_label(m)) for m in meetings]
        self.fields["to_meeting"].choices = choices

    def clean_to_meeting(self):
        value = self.cleaned_data["to_meeting"]
        return None if value == TBC else self.meetings[value]

    def clean(self):
        data = super().clean()
        current, target = self.topic.target_meeting, data.get("to_meeting", False)
        later = current is not None and (target is None or (target and target.date > current.date))
        if later and not data.get("reason", "").strip() and "reason" not in self.errors:
            # Said in this form's words; move_topic refuses it too.
            self.add_error(
                "reason",
                "Say why it is moved later: a move to a later meeting, or to tbc, is a "
                "deferral, and the report author is told the reason.",
            )
        return data


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
        self.fields["to_meeting"].error_messages.update(
            required="Choose the meeting to defer it to, or tbc.",
            invalid_choice="Choose one of this committee's later meetings, or tbc.",
        )


class MergeTopicForm(forms.Form):
    """Merge another topic into this one: the other is kept as history, marked merged."""

    merge = forms.ModelChoiceField(
        label="Topic to merge into this one",
        queryset=WorkProgrammeTopic.objects.none(),
        empty_label="Choose a topic",
        error_messages={
            "required": "Choose the topic to merge into this one.",
            "invalid_choice": "Choose one of this committee's planned or deferred topics.",
        },
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
    since = DayMonthYearField(label="Open on or after", required=False, example="12 12 2017")


class TrackerSinceForm(forms.Form):
    """The day an exported or printed tracker starts from (`?since=` or day, month, year)."""

    since = DayMonthYearField(
        label="Since",
        required=False,
        help_text="Optional: actions still open, and those closed on or after this day, for "
        "example the last meeting's. For example, 12 12 2017",
    )


class CommitteeFilterForm(forms.Form):
    q = forms.CharField(label="Name contains", required=False, max_length=100)
    kind = forms.ChoiceField(label="Kind", required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any"), *kinds]


# --- The clerk's forms on a meeting's page (tracker/site/meeting_business.py) ----------------

NOT_KNOWN = "not-known"
Outcome = AgendaItem.Outcome


class OutcomeForm(forms.Form):
    """What the meeting decided on an item. Deferring has its own form: it needs a reason."""

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[(value, label) for value, label in Outcome.choices if value != Outcome.DEFERRED],
        error_messages={
            "required": "Choose the outcome: noted, resolved, withdrawn or no outcome yet.",
            "invalid_choice": "Choose noted, resolved, withdrawn or no outcome yet; to defer "
            "the item, use “Defer this item”.",
        },
    )


class DeferItemForm(forms.Form):
    """Defer an agenda item to a later meeting of its committee, or to one not yet set."""

    to_meeting = forms.ChoiceField(
        label="Defer to",
        error_messages={
            "required": "Choose the meeting to defer it to, or “No meeting set yet”.",
            "invalid_choice": "Choose one of this committee's later meetings, or “No meeting "
            "set yet”.",
        },
    )
    to_text = forms.CharField(
        label="Where it goes, when no meeting is set yet",
        max_length=300,
        required=False,
        help_text="For example, the new municipal year.",
    )
    reason = forms.CharField(
        label="Why is it deferred?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="The report author and lead officer are emailed this reason.",
        error_messages={
            "required": "Say why it is deferred: the report author is told the reason."
        },
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {str(m.pk): m for m in meetings}
        self.fields["to_meeting"].choices = [
            ("", "Choose a meeting"),
            *[(str(m.pk), _meeting_label(m)) for m in meetings],
            (NOT_KNOWN, "No meeting set yet"),
        ]

    def clean_to_meeting(self):
        value = self.cleaned_data["to_meeting"]
        return None if value == NOT_KNOWN else self.meetings[value]

    def clean(self):
        data = super().clean()
        if "to_meeting" not in data:
            return data
        text = data.get("to_text", "").strip()
        if data["to_meeting"] is None and not text:
            self.add_error(
                "to_text",
                "Say where it goes when no meeting is set yet, for example the new municipal year.",
            )
        elif data["to_meeting"] is not None and text:
            self.add_error(
                "to_text",
                "Leave “where it goes” empty when you choose a meeting, or choose “No meeting "
                "set yet”.",
            )
        return data


class AgendaItemForm(forms.Form):
    """A new item on a meeting's agenda; the item model's own rules check it on saving."""

    number = forms.IntegerField(
        label="Item number (optional)",
        min_value=1,
        max_value=9999,
        required=False,
        help_text="As printed on the agenda; numbers run on through the municipal year.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input input--width-4"}),
        error_messages={
            "invalid": "Enter the item number in figures, like 21.",
            "min_value": "Enter an item number of 1 or more.",
            "max_value": "Enter an item number of 9999 or less.",
        },
    )
    title = forms.CharField(
        label="Title", max_length=300, error_messages={"required": "Enter the item's title."}
    )
    topic = forms.ModelChoiceField(
        label="Work programme topic it covers (optional)",
        queryset=WorkProgrammeTopic.objects.none(),
        required=False,
        empty_label="None",
        help_text="Topics planned for this meeting with no item on its agenda yet.",
        error_messages={
            "invalid_choice": "Choose one of the topics planned for this meeting, or none."
        },
    )
    report_author = PersonField(label="Report author (optional)", required=False)
    lead_officer = PersonField(label="Lead officer (optional)", required=False)
    is_exempt = forms.BooleanField(
        label="Exempt (Part 2): its report and discussion are confidential", required=False
    )
    exempt_paragraph = forms.TypedChoiceField(
        label="Schedule 12A paragraph (exempt items only)",
        choices=[("", "Not exempt"), *AgendaItem.ExemptParagraph.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    public_title = forms.CharField(
        label="Public title (exempt items only)",
        max_length=300,
        required=False,
        help_text="What the public sees instead of the title.",
    )

    def __init__(self, *args, topics, council: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        for name in ("report_author", "lead_officer"):
            self.fields[name].offer(Person.objects.all(), first=council)


class AttendanceForm(forms.Form):
    """One person's attendance at a meeting; recording it again changes it."""

    person = PersonField(
        label="Person",
        empty_label="Choose a person",
        error_messages={
            "required": "Choose who attended or sent apologies.",
            "invalid_choice": "Choose one of the people listed.",
        },
    )
    kind = forms.ChoiceField(
        label="Attendance",
        choices=Attendance.Kind.choices,
        error_messages={"required": "Choose present, apologies, absent, also present or officer."},
    )
    capacity = forms.CharField(
        label="In what capacity (optional)",
        max_length=200,
        required=False,
        help_text="For example, Portfolio Holder for Education.",
    )

    def __init__(self, *args, people, council: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].offer(people, first=council)


class AssignActionForm(forms.Form):
    """Who owns an action and when it is due: a date, a meeting it comes back to, or both."""

    owner = PersonField(label="Owner", required=False, empty_label="No owner yet")
    due_date = DayMonthYearField(label="Due date (optional)", required=False)
    due_back_meeting = MeetingChoiceField(
        label="Comes back to the meeting of (optional)",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="No meeting",
        error_messages={"invalid_choice": "Choose one of this committee's meetings, or none."},
    )

    def __init__(self, *args, meetings, council: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].offer(Person.objects.all(), first=council)
        self.fields["due_back_meeting"].queryset = meetings
