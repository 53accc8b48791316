"""What the API shows of each thing, and how it checks what it is sent.

Writes are checked by the model's own rules (`full_clean`: its `clean()` and its database
constraints), exactly as the admin checks them, and a field the API does not know is an
error rather than silently dropped. An exempt agenda item that the reader may not open is
shown as a shell: its public title and Schedule 12A paragraph, every other field null.
"""

import copy
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from actions.models import RAG, Action, ActionUpdate, ExecutiveResponse, Progress, Resolution
from committees.models import (
    AgendaItem,
    Authority,
    Committee,
    Deferral,
    Meeting,
    Membership,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
)
from tracker.reminders.ledger import Reminder


class StrictInput:
    """Refuse fields we do not know, and offer only related things the user may see.

    A typo'd field silently dropped is a change the user thinks they made; and a related id
    the user may not see must fail exactly as one that does not exist.
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field; see the schema at /api/schema/."] for name in unknown}
                )
            changed_events = self.changed_events(data)
            if changed_events:
                raise serializers.ValidationError(changed_events)
        return super().to_internal_value(data)

    def changed_events(self, data: Mapping) -> dict:
        """Fields whose change is an event (`Meta.events`: field -> the service's address) may
        be sent back as they are, never changed by a plain write; a new record starts from
        the default of each such choice (its outcome or status). A read-only model field
        (`Meta.read_only_fields`) sent with another value is refused rather than ignored."""
        meta = getattr(self, "Meta", None)
        events = getattr(meta, "events", {})
        read_only = [name for name in getattr(meta, "read_only_fields", ()) if name not in events]
        refused = {}
        for name, how in events.items():
            if name not in data:
                continue
            if self.instance is None:
                field = self.Meta.model._meta.get_field(name)
                if field.choices and data[name] != field.get_default():
                    refused[name] = [f"A new record starts as “{field.get_default()}”: {how}"]
            elif data[name] != self.current(name):
                refused[name] = [f"This changes only as an event: {how}"]
        for name in read_only:
            if name in data and data[name] != (self.current(name) if self.instance else None):
                refused[name] = ["This field is read-only; see the schema at /api/schema/."]
        return refused

    def current(self, name: str):
        value = getattr(self.instance, name)
        return None if value is None else self.fields[name].to_representation(value)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None:
            return fields
        for field in fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(request.user)
        return fields


class CommitteeField(serializers.SlugRelatedField):
    """A committee, named by its slug in every resource (its id is `committee_id`, read-only).

    Its id is still accepted in place of the slug, as older clients of meetings, memberships
    and work programmes send it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "The committee's slug, e.g. childrens-services.")
        kwargs.setdefault("queryset", None if kwargs.get("read_only") else Committee.objects.all())
        super().__init__(slug_field="slug", **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            if isinstance(data, str) and data.isascii() and data.isdigit() and len(data) < 19:
                found = self.get_queryset().filter(pk=int(data)).first()
                if found is not None:
                    return found
            raise


def committee_id_field(source: str | None = None, **kwargs):
    if source:
        kwargs["source"] = source
    return serializers.IntegerField(
        read_only=True,
        help_text="The committee's id (`committee` is its slug).",
        **kwargs,
    )


class ModelRulesSerializer(StrictInput, serializers.ModelSerializer):
    """A model serializer that refuses unknown fields and applies the model's own rules."""

    def prepare(self, instance) -> dict:
        """Fill in what follows from other fields before the rules are checked; returns them."""
        return {}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = copy.copy(self.instance) if self.instance else self.Meta.model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        attrs.update(self.prepare(instance))
        exclude = [field.name for field in instance._meta.fields if not field.editable]
        try:
            instance.full_clean(exclude=exclude)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return attrs


class AuthoritySerializer(ModelRulesSerializer):
    class Meta:
        model = Authority
        fields = ["id", "name", "slug", "report_deadline_working_days", "agenda_clear_working_days"]


class CommitteeSerializer(ModelRulesSerializer):
    class Meta:
        model = Committee
        fields = [
            "id",
            "authority",
            "name",
            "slug",
            "short_name",
            "kind",
            "parent",
            "remit",
            "officer",
            "reference_prefix",
            "is_published",
        ]


class PersonSerializer(ModelRulesSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "email", "job_title", "organisation", "is_councillor"]
        nullable_when_served = ("email",)  # to anonymous readers

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not (request and request.user.is_authenticated):
            data["email"] = None  # the public reads names and roles, not addresses
        return data


class MembershipSerializer(ModelRulesSerializer):
    committee = CommitteeField()
    committee_id = committee_id_field()
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "committee",
            "committee_id",
            "person",
            "person_name",
            "role",
            "representing",
            "start_date",
            "end_date",
            "end_reason",
        ]


class MeetingSerializer(ModelRulesSerializer):
    committee = CommitteeField()
    committee_id = committee_id_field()
    municipal_year = serializers.CharField(source="municipal_year.label", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "committee_id",
            "municipal_year",
            "date",
            "start_time",
            "venue",
            "status",
            "is_published",
            "report_deadline",
            "report_deadline_override",
            "agenda_publication_date",
        ]
        read_only_fields = ["report_deadline", "agenda_publication_date"]


class ResolutionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Resolution
        fields = ["id", "reference", "number", "text", "kind"]


# Fields of an agenda item that only a reader who may open it sees.
CONFIDENTIAL_ITEM_FIELDS = (
    "description",
    "topic",
    "report_author",
    "lead_officer",
    "report_summary",
    "minutes",
    "outcome",
    "report_submitted_at",
    "public_interest_reason",
)


class AgendaItemSerializer(ModelRulesSerializer):
    readable = serializers.SerializerMethodField(
        help_text="False for an exempt item you may not open: only its public title and "
        "Schedule 12A paragraph are shown, every other field is null."
    )
    resolutions = ResolutionSummarySerializer(many=True, read_only=True)
    deferral_count = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "number",
            "position",
            "title",
            "readable",
            "is_exempt",
            "exempt_paragraph",
            "public_title",
            *CONFIDENTIAL_ITEM_FIELDS,
            "deferral_count",
            "resolutions",
        ]
        read_only_fields = ["report_submitted_at"]
        extra_kwargs = {name: {"allow_null": True} for name in CONFIDENTIAL_ITEM_FIELDS}
        events = {
            "outcome": "record it with POST /api/agenda-items/<id>/outcome/, or defer the "
            "item with POST /api/agenda-items/<id>/defer/.",
            "meeting": "an item goes to a later meeting by deferring it, with POST "
            "/api/agenda-items/<id>/defer/.",
        }

    def is_readable(self, instance) -> bool:
        readable = getattr(instance, "readable", None)
        if readable is None:
            request = self.context.get("request")
            user = request.user if request else None
            readable = bool(
                user and AgendaItem.objects.visible_to(user).filter(pk=instance.pk).exists()
            )
            instance.readable = readable
        return bool(readable)

    def get_readable(self, instance) -> bool:
        return self.is_readable(instance)

    def to_representation(self, instance):
        if self.is_readable(instance):
            return super().to_representation(instance)
        return {
            "id": instance.pk,
            "meeting": instance.meeting_id,
            "number": instance.number,
            "position": instance.position,
            "title": instance.public_title,
            "readable": False,
            "is_exempt": True,
            "exempt_paragraph": instance.exempt_paragraph,
            "public_title": instance.public_title,
            **dict.fromkeys(CONFIDENTIAL_ITEM_FIELDS),
            "deferral_count": None,
            "resolutions": [],
        }


def topic_is_readable(serializer, topic) -> bool:
    """Whether the reader may read `topic` in full: its `readable` annotation (from
    `listed_to`), or else the topic's own rule."""
    readable = getattr(topic, "readable", None)
    if readable is None:
        request = serializer.context.get("request")
        readable = bool(
            request
            and WorkProgrammeTopic.objects.visible_to(request.user).filter(pk=topic.pk).exists()
        )
        topic.readable = readable
    return bool(readable)


class TopicSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkProgrammeTopic
        fields = ["id", "title", "target_meeting", "status"]
        nullable_when_served = ("status",)  # a shell's

    def to_representation(self, instance):
        if topic_is_readable(self, instance):
            return super().to_representation(instance)
        return {
            "id": instance.pk,
            "title": instance.public_title,
            "target_meeting": None,
            "status": None,
        }


class WorkProgrammeSerializer(ModelRulesSerializer):
    committee = CommitteeField()
    committee_id = committee_id_field()
    municipal_year_label = serializers.CharField(source="municipal_year.label", read_only=True)
    topics = TopicSummarySerializer(many=True, read_only=True)

    class Meta:
        model = WorkProgramme
        fields = [
            "id",
            "committee",
            "committee_id",
            "municipal_year",
            "municipal_year_label",
            "topics",
        ]


# Fields of a topic that only a reader who may read it in full sees.
CONFIDENTIAL_TOPIC_FIELDS = (
    "description",
    "lead_officer",
    "lead_officer_text",
    "target_meeting",
    "status",
    "merged_into",
    "requested_at",
    "origin",
    "report_submitted_at",
    "carried_over_from",
)


class WorkProgrammeTopicSerializer(ModelRulesSerializer):
    committee = CommitteeField(source="work_programme.committee", read_only=True)
    committee_id = committee_id_field("work_programme.committee_id")
    readable = serializers.SerializerMethodField(
        help_text="False for an exempt topic (made from or proposed in a Part 2 item) you may "
        "not read: only its public title and Schedule 12A paragraph are shown, every other "
        "field is null."
    )
    deferral_count = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = WorkProgrammeTopic
        fields = [
            "id",
            "work_programme",
            "committee",
            "committee_id",
            "title",
            "readable",
            "is_exempt",
            "exempt_paragraph",
            "public_title",
            "description",
            "lead_officer",
            "lead_officer_text",
            "target_meeting",
            "status",
            "merged_into",
            "requested_at",
            "origin",
            "report_submitted_at",
            "carried_over_from",
            "deferral_count",
        ]
        nullable_when_served = CONFIDENTIAL_TOPIC_FIELDS  # a shell's
        # A topic is exempt with the item it came from, through committees.exemption.
        read_only_fields = ["report_submitted_at", "is_exempt", "exempt_paragraph", "public_title"]
        events = {
            "status": "defer it with POST /api/topics/<id>/defer/, withdraw it with POST "
            "/api/topics/<id>/withdraw/; it is considered when its item's outcome is recorded.",
            "target_meeting": "move it with POST /api/topics/<id>/move/ (to a later meeting or "
            "to tbc, that is a deferral and needs a reason).",
        }

    def get_readable(self, instance) -> bool:
        return topic_is_readable(self, instance)

    def to_representation(self, instance):
        if topic_is_readable(self, instance):
            return super().to_representation(instance)
        return {
            "id": instance.pk,
            "work_programme": instance.work_programme_id,
            "committee": instance.work_programme.committee.slug,
            "committee_id": instance.work_programme.committee_id,
            "title": instance.public_title,
            "readable": False,
            "is_exempt": True,
            "exempt_paragraph": instance.exempt_paragraph,
            "public_title": instance.public_title,
            **dict.fromkeys(CONFIDENTIAL_TOPIC_FIELDS),
            "deferral_count": None,
        }


class DeferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deferral
        fields = [
            "id",
            "topic",
            "agenda_item",
            "from_meeting",
            "to_meeting",
            "to_text",
            "reason",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "decided_at": {
                "help_text": "The meeting at which it was decided (its id), when it was "
                "decided at one."
            }
        }


class DeferSerializer(StrictInput, serializers.Serializer):
    """Where an item or topic goes, and why; the same fields as the admin's defer form."""

    to_meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), required=False, allow_null=True
    )
    to_text = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    reason = serializers.CharField(max_length=5000)
    # "Say where it goes" is the Deferral's own rule, checked by the service.


class MoveSerializer(StrictInput, serializers.Serializer):
    """Another meeting of the committee, or tbc (null); later or tbc is a deferral."""

    to_meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all(), allow_null=True)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        default="",
        help_text="Needed when the move is a deferral: the report author is told it.",
    )


# What the outcome action records (deferring has its own action); named in the schema.
RECORDED_OUTCOMES = [c for c in AgendaItem.Outcome.choices if c[0] != AgendaItem.Outcome.DEFERRED]


class OutcomeSerializer(StrictInput, serializers.Serializer):
    """What the meeting decided on an item (deferring has its own action)."""

    outcome = serializers.ChoiceField(choices=RECORDED_OUTCOMES)


class ResolutionSerializer(ModelRulesSerializer):
    committee = CommitteeField(read_only=True)
    committee_id = committee_id_field()
    municipal_year = serializers.CharField(source="municipal_year.label", read_only=True)

    class Meta:
        model = Resolution
        fields = [
            "id",
            "reference",
            "agenda_item",
            "number",
            "position",
            "text",
            "kind",
            "committee",
            "committee_id",
            "municipal_year",
        ]
        read_only_fields = ["reference"]


class ActionSerializer(ModelRulesSerializer):
    committee = CommitteeField(
        required=False,
        help_text="The committee's slug; taken from the resolution or item when one is given.",
    )
    committee_id = committee_id_field()
    municipal_year = serializers.CharField(source="municipal_year.label", read_only=True)
    due_on = serializers.DateField(read_only=True, allow_null=True)
    days_late = serializers.SerializerMethodField()
    latest_rag = serializers.ChoiceField(choices=RAG.choices, read_only=True, allow_null=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "reference",
            "committee",
            "committee_id",
            "municipal_year",
            "resolution",
            "agenda_item",
            "title",
            "description",
            "owner",
            "due_date",
            "due_back_meeting",
            "due_back_elsewhere",
            "due_on",
            "days_late",
            "status",
            "closed_on",
            "latest_rag",
            "created_at",
        ]
        read_only_fields = ["reference", "status", "closed_on", "created_at"]
        events = dict.fromkeys(
            ("status", "closed_on"),
            "close, withdraw or reopen the action with POST /api/actions/<id>/sign-off/, "
            ".../withdraw/ or .../reopen/.",
        )

    def get_days_late(self, action) -> int:
        return action.days_late()

    def prepare(self, action):
        derived = {}
        item = action.agenda_item if action.agenda_item_id else None
        if action.resolution_id:
            item = derived["agenda_item"] = action.agenda_item = action.resolution.agenda_item
        if not action.committee_id and item is not None:
            derived["committee"] = action.committee = item.meeting.committee
        if not action.committee_id:
            raise serializers.ValidationError(
                {"committee": ["Give the committee, or the resolution or item it arose from."]}
            )
        return derived


class ActionUpdateSerializer(ModelRulesSerializer):
    progress = serializers.ChoiceField(choices=Progress.choices, required=False, allow_null=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ActionUpdate
        fields = [
            "id",
            "action",
            "as_of",
            "text",
            "rag",
            "progress",
            "closes_action",
            "recorded_at",
            "recorded_by",
        ]
        read_only_fields = ["recorded_at"]


class ProgressSerializer(StrictInput, serializers.Serializer):
    """A closing note, for sign-off, withdrawal and reopening."""

    text = serializers.CharField(max_length=5000)
    as_of = serializers.DateField(required=False)


class ExecutiveResponseSerializer(ModelRulesSerializer):
    reference = serializers.CharField(source="resolution.reference", read_only=True)

    class Meta:
        model = ExecutiveResponse
        fields = [
            "id",
            "resolution",
            "reference",
            "executive_body",
            "responsible",
            "referred_on",
            "response_due",
            "decision",
            "responded_on",
            "response_text",
            "implementation",
            "implemented_on",
            "impact_review_months",
            "impact_review_due",
            "impact",
            "impact_reviewed_on",
            "impact_notes",
        ]
        # The decision is recorded once, through the `respond` action.
        read_only_fields = ["response_due", "decision", "responded_on", "response_text"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["resolution"].read_only = True
        return fields


# The executive's answers (not "pending"); named in the schema.
EXECUTIVE_ANSWERS = [
    choice
    for choice in ExecutiveResponse.Decision.choices
    if choice[0] != ExecutiveResponse.Decision.PENDING
]


class DecisionSerializer(StrictInput, serializers.Serializer):
    decision = serializers.ChoiceField(choices=EXECUTIVE_ANSWERS)
    responded_on = serializers.DateField()
    text = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")


class ReminderSerializer(serializers.ModelSerializer):
    committee = CommitteeField(read_only=True, allow_null=True)
    committee_id = committee_id_field(allow_null=True)

    class Meta:
        model = Reminder
        fields = [
            "id",
            "rule",
            "recipient",
            "recipient_email",
            "recipient_name",
            "cc",
            "about",
            "for_date",
            "committee",
            "committee_id",
            "subject",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields
