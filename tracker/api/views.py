"""The REST API: every resource, and the things people do to them, over the same rules as
the pages and the admin.

What a user may read is decided by each model's `visible_to(user)` (agenda items by
`listed_to(user)`, which lists exempt items as shells); anything outside it answers 404.
What a user may change is decided by the rules on the models (`is_steered_by`,
`may_sign_off`, ...); a refusal of something they can see answers 403. Every change goes
through the same service functions as the admin and pages, so it sends the same reminders.
"""

from functools import partial

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import (
    exceptions,
    filters,
    mixins,
    permissions,
    status,
    throttling,
    viewsets,
)
from rest_framework.decorators import action
from rest_framework.response import Response

from actions import progress, responses
from actions.models import Action, ActionUpdate, ExecutiveResponse, Resolution
from committees import deferrals, exemption, outcomes, programme, reports
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
from tracker.api import filters as api_filters
from tracker.api import serializers as s
from tracker.api.caching import cached_read
from tracker.api.conventions import Conflict
from tracker.api.list_pages import (
    ActionRows,
    AgendaItemRows,
    CompiledPages,
    CountedPages,
    PlainRows,
    page_key,
)
from tracker.reminders.ledger import Reminder
from tracker.site.throttles import ByClientAddress


class AtomicWrites:
    """Each write request is one transaction: a failed request leaves nothing half-saved."""

    def dispatch(self, request, *args, **kwargs):
        if request.method in permissions.SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            request.in_atomic_write = True
            try:
                return super().dispatch(request, *args, **kwargs)
            finally:
                request.in_atomic_write = False


class LoginThrottle(ByClientAddress, throttling.ScopedRateThrottle):
    """Guessing passwords through the token endpoint is slowed to API_LOGIN_RATE."""


class CachedReads:
    """Lists and details come from the cache while the data has not changed (see caching)."""

    def list(self, request, *args, **kwargs):
        return cached_read(request, lambda: super(CachedReads, self).list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return cached_read(
            request, lambda: super(CachedReads, self).retrieve(request, *args, **kwargs)
        )


# The page queries of the plain-row lists, compiled once per process (see CompiledPages).
COMPILED_PAGES = CompiledPages()


class PlainRowLists:
    """A list paged and written as plain rows (`list_pages`), cached as any other read.

    The same filters, ordering, paging and count as the model serializer's list, and the
    same JSON; only the way a page is read and written differs."""

    plain_rows: PlainRows

    def list(self, request, *args, **kwargs):
        if not self.plain_rows.matches(self.get_serializer_class()):
            return super().list(request, *args, **kwargs)
        return cached_read(request, lambda: self.plain_list(request))

    def plain_list(self, request):
        filterset = api_filters.AskedFilters().validated(request, self)
        pages = self.paginator
        number = request.query_params.get(pages.page_query_param) or 1
        key = (
            None
            if number in pages.last_page_strings
            else page_key(self, request, filterset.form.cleaned_data if filterset else {})
        )
        compiled = COMPILED_PAGES.get(key)
        if compiled is not None:
            pages.django_paginator_class = partial(CountedPages, compiled=compiled)
            page = self.paginate_queryset(None)
        else:
            pages.django_paginator_class = partial(
                CountedPages,
                keep=COMPILED_PAGES.keeper(key),
                compile=self.plain_rows.compile_page,
            )
            page = self.paginate_queryset(self.plain_rows.page_rows(self.filtered(filterset)))
        return self.get_paginated_response(self.plain_rows.write(page, request))

    def filtered(self, filterset):
        """The list filtered by the filters already validated, then ordered as asked."""
        queryset = self.get_queryset()
        if filterset is not None:
            filterset.queryset = queryset
            queryset = filterset.qs
        for backend in self.filter_backends:
            if not issubclass(backend, api_filters.AskedFilters):
                queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset


class StrictOrderingFilter(filters.OrderingFilter):
    """Ordering on the view's date fields; an unknown field is a 400, not ignored. Rows equal
    on the fields asked for come in the order of their ids, so every way of reading a page
    (the actions' page picks its rows first, `ActionRows.compile_page`) gives the same rows
    in the same order, and paging neither repeats nor skips a row among equals."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if ordering:
            return queryset.order_by(*ordering, "pk")
        return queryset

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        invalid = [term for term in fields if term not in valid]
        if invalid:
            allowed = ", ".join(item[0] for item in self.get_valid_fields(queryset, view))
            raise exceptions.ValidationError(
                {"ordering": [f"Cannot order by {', '.join(invalid)}; use one of: {allowed}."]}
            )
        return valid

    def get_schema_operation_parameters(self, view):
        fields = list(getattr(view, "ordering_fields", None) or ())
        if not fields:
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Order by this field (`-` before it for the reverse order); "
                "several, comma-separated, are also taken.",
                "schema": {
                    "type": "string",
                    "enum": [term for field in fields for term in (field, f"-{field}")],
                },
            }
        ]


class ChangeRules(permissions.BasePermission):
    """Anyone may read what the queryset shows them; changes follow the view's rule."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.is_authenticated

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or view.may_change(request.user, obj)


class TrackerViewSet(CachedReads, AtomicWrites, viewsets.ModelViewSet):
    permission_classes = [ChangeRules]
    filter_backends = [api_filters.AskedFilters, StrictOrderingFilter]
    ordering_fields: list[str] = []

    def visible(self, user):
        raise NotImplementedError

    def get_queryset(self):
        return self.visible(self.request.user)

    def committee_of(self, obj_or_data) -> Committee | None:
        raise NotImplementedError

    def may_change(self, user, obj) -> bool:
        committee = self.committee_of(obj)
        return committee is not None and committee.is_steered_by(user)

    def may_create(self, user, data) -> bool:
        return self.may_change(user, data)

    def perform_create(self, serializer):
        if not self.may_create(self.request.user, serializer.validated_data):
            raise exceptions.PermissionDenied(
                "Only democratic services and the committee's chairs may add this."
            )
        serializer.save()

    def perform_update(self, serializer):
        # The object passed the rule as it was; it must pass it as it will be too.
        if not self.may_change(
            self.request.user, {**serializer.validated_data, "_instance": serializer.instance}
        ):
            raise exceptions.PermissionDenied("You may not move this to that committee.")
        serializer.save()


class StaffWrites(TrackerViewSet):
    """Reference data (authorities, committees, people, memberships): staff keep it."""

    def may_change(self, user, obj) -> bool:
        return user.is_staff

    def perform_update(self, serializer):
        serializer.save()


def data_or(obj, name):
    """A field's value from validated data, or else from the object being changed."""
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        return getattr(obj.get("_instance"), name, None)
    return getattr(obj, name)


class AuthorityViewSet(StaffWrites):
    serializer_class = s.AuthoritySerializer
    queryset = Authority.objects.all()

    def visible(self, user):
        return Authority.objects.order_by("name")


class CommitteeViewSet(StaffWrites):
    serializer_class = s.CommitteeSerializer
    filterset_class = api_filters.CommitteeFilter
    lookup_field = "slug"

    def visible(self, user):
        return Committee.objects.visible_to(user).order_by("name")

    def may_change(self, user, obj) -> bool:
        # Chairs may edit their own committee's remit and details; only staff add or remove one.
        if isinstance(obj, Committee):
            return obj.is_steered_by(user) if self.action != "destroy" else user.is_staff
        return user.is_staff

    def perform_update(self, serializer):
        # Its council, parent, kind, officer and reference prefix are the committee's
        # structure, which democratic services keep (the committee's own rule).
        changed = serializer.instance.structure_changed_by(serializer.validated_data)
        if changed and not Committee.may_change_structure(self.request.user):
            raise exceptions.PermissionDenied(
                f"Only democratic services (staff) may change a committee's {' and '.join(changed)}."
            )
        super().perform_update(serializer)


class PersonViewSet(StaffWrites):
    serializer_class = s.PersonSerializer
    filterset_class = api_filters.PersonFilter

    def visible(self, user):
        return Person.objects.visible_to(user).order_by("name", "pk").distinct()


class MembershipViewSet(StaffWrites):
    serializer_class = s.MembershipSerializer
    filterset_class = api_filters.MembershipFilter
    ordering_fields = ["start_date", "end_date"]

    def visible(self, user):
        return Membership.objects.visible_to(user).select_related("person", "committee")


class MeetingViewSet(TrackerViewSet):
    serializer_class = s.MeetingSerializer
    filterset_class = api_filters.MeetingFilter
    ordering_fields = ["date", "report_deadline"]

    def visible(self, user):
        return Meeting.objects.visible_to(user).select_related("municipal_year", "committee")

    def committee_of(self, obj):
        return data_or(obj, "committee")


def deferred(view, request, thing, defer) -> Response:
    """Defer an item or topic where the request says, through the service that reminds people."""
    where = s.DeferSerializer(data=request.data, context=view.get_serializer_context())
    where.is_valid(raise_exception=True)
    deferral = defer(thing, by=request.user, **where.validated_data)
    return Response(s.DeferralSerializer(deferral).data, status=status.HTTP_201_CREATED)


class AgendaItemViewSet(PlainRowLists, TrackerViewSet):
    serializer_class = s.AgendaItemSerializer
    plain_rows = AgendaItemRows()
    filterset_class = api_filters.AgendaItemFilter
    ordering_fields = ["meeting__date", "number", "position"]

    def visible(self, user):
        return (
            AgendaItem.objects.listed_to(user)
            .select_related("meeting__committee")
            .with_deferral_count(user)
            .prefetch_related(
                Prefetch("resolutions", queryset=Resolution.objects.order_by("position"))
            )
            .order_by("meeting__date", "position", "number", "pk")
        )

    def committee_of(self, obj):
        meeting = data_or(obj, "meeting")
        return meeting.committee if meeting else None

    def exemption_asked(self, serializer) -> dict:
        """The exemption fields the request changes, taken out of the serializer's data: they
        change only through committees.exemption (staff only; anyone else gets a 403)."""
        data, item = serializer.validated_data, serializer.instance
        before = {
            name: getattr(item, name) if item else AgendaItem._meta.get_field(name).get_default()
            for name in exemption.EXEMPTION_FIELDS
        }
        asked = {
            name: data[name]
            for name in exemption.EXEMPTION_FIELDS
            if name in data and data[name] != before[name]
        }
        if not (asked.get("is_exempt", before["is_exempt"]) or before["is_exempt"]):
            return {}  # a public item stays public: its public title is no one's secret
        if asked and not exemption.may_change_exemption(self.request.user):
            raise exceptions.PermissionDenied(exemption.refusal(asked))
        for name in exemption.EXEMPTION_FIELDS:
            data.pop(name, None)
        return asked

    def change_exemption(self, item, asked: dict) -> None:
        if not asked:
            return
        user = self.request.user
        if asked.get("is_exempt", item.is_exempt):
            exemption.make_exempt(
                item,
                paragraph=asked.get("exempt_paragraph", item.exempt_paragraph),
                public_title=asked.get("public_title", item.public_title),
                by=user,
            )
        else:
            exemption.lift_exemption(item, by=user)
        item.refresh_from_db(fields=exemption.EXEMPTION_FIELDS)

    def perform_create(self, serializer):
        asked = self.exemption_asked(serializer)
        super().perform_create(serializer)
        self.change_exemption(serializer.instance, asked)

    def perform_update(self, serializer):
        asked = self.exemption_asked(serializer)
        super().perform_update(serializer)
        self.change_exemption(serializer.instance, asked)

    @extend_schema(request=s.DeferSerializer, responses={201: s.DeferralSerializer})
    @action(detail=True, methods=["post"])
    def defer(self, request, pk=None):
        """Defer the item to a later meeting (or to none yet), with the reason.

        Sends the item-deferred reminder to its report author and lead officer."""
        item = self.get_object()
        if not item.may_defer(request.user):
            raise exceptions.PermissionDenied(
                "Only democratic services and the committee's chairs defer items."
            )
        return deferred(self, request, item, deferrals.defer_item)

    @extend_schema(request=s.OutcomeSerializer, responses=s.AgendaItemSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record what the meeting decided on the item; its work-programme topic follows."""
        item = self.get_object()
        if not item.may_defer(request.user):
            raise exceptions.PermissionDenied(
                "Only democratic services and the committee's chairs record outcomes."
            )
        decided = s.OutcomeSerializer(data=request.data, context=self.get_serializer_context())
        decided.is_valid(raise_exception=True)
        outcomes.record_outcome(item, decided.validated_data["outcome"], by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)

    @extend_schema(request=None, responses=s.AgendaItemSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="report-submitted",
        # The item's own rule decides (its author may record it); ChangeRules would let
        # only staff and chairs through.
        permission_classes=[permissions.IsAuthenticated],
    )
    def report_submitted(self, request, pk=None):
        """Record that the item's report reached democratic services (stops its reminders)."""
        item = self.get_object()
        if not item.may_record_report(request.user):
            raise exceptions.PermissionDenied(
                "Only the report's author, its lead officer, democratic services and the chairs may record it."
            )
        reports.record_report_submitted(item, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)


class WorkProgrammeViewSet(TrackerViewSet):
    serializer_class = s.WorkProgrammeSerializer
    filterset_class = api_filters.WorkProgrammeFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def visible(self, user):
        return (
            WorkProgramme.objects.visible_to(user)
            .select_related("municipal_year", "committee")
            .prefetch_related(
                Prefetch("topics", queryset=WorkProgrammeTopic.objects.listed_to(user))
            )
            .order_by("committee__name", "municipal_year__start_date")
        )

    def committee_of(self, obj):
        return data_or(obj, "committee")


class TopicViewSet(TrackerViewSet):
    serializer_class = s.WorkProgrammeTopicSerializer
    filterset_class = api_filters.TopicFilter
    ordering_fields = ["target_meeting__date", "title"]

    def visible(self, user):
        return (
            WorkProgrammeTopic.objects.listed_to(user)
            .with_deferral_count(user)
            .select_related("work_programme__committee")
            .order_by("target_meeting__date", "pk")
        )

    def committee_of(self, obj):
        programme = data_or(obj, "work_programme")
        return programme.committee if programme else None

    @extend_schema(request=s.DeferSerializer, responses={201: s.DeferralSerializer})
    @action(detail=True, methods=["post"])
    def defer(self, request, pk=None):
        """Defer the topic to a later meeting (or to none yet), with the reason."""
        topic = self.get_object()
        if not self.may_change(request.user, topic):
            raise exceptions.PermissionDenied(
                "Only democratic services and the committee's chairs defer topics."
            )
        return deferred(self, request, topic, deferrals.defer_topic)

    def perform_create(self, serializer):
        """A topic is added through the programme's service, which checks where it is planned."""
        data = serializer.validated_data
        if not self.may_create(self.request.user, data):
            raise exceptions.PermissionDenied(
                "Only democratic services and the committee's chairs may add this."
            )
        serializer.instance = programme.add_topic(
            data.pop("work_programme"), by=self.request.user, **data
        )

    @extend_schema(request=s.MoveSerializer, responses=s.WorkProgrammeTopicSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Plan the topic for another meeting, or tbc; later or tbc is a deferral (with reason)."""
        topic = self.get_object()
        if not self.may_change(request.user, topic):
            raise exceptions.PermissionDenied(
                "Only democratic services and the committee's chairs move topics."
            )
        where = s.MoveSerializer(data=request.data, context=self.get_serializer_context())
        where.is_valid(raise_exception=True)
        programme.move_topic(topic, by=request.user, **where.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=topic.pk)).data)

    @extend_schema(request=None, responses=s.WorkProgrammeTopicSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take the topic off the work programme (kept as history)."""
        topic = self.get_object()
        if not self.may_change(request.user, topic):
            raise exceptions.PermissionDenied(
                "Only democratic services and the committee's chairs withdraw topics."
            )
        outcomes.withdraw_topic(topic, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=topic.pk)).data)

    @extend_schema(request=None, responses=s.WorkProgrammeTopicSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="report-submitted",
        permission_classes=[permissions.IsAuthenticated],  # the lead officer may, see below
    )
    def report_submitted(self, request, pk=None):
        """Record that the topic's report reached democratic services."""
        topic = self.get_object()
        if not topic.may_record_report(request.user):
            raise exceptions.PermissionDenied(
                "Only the lead officer, democratic services and the chairs may record it."
            )
        reports.record_report_submitted(topic, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=topic.pk)).data)


class DeferralViewSet(CachedReads, viewsets.ReadOnlyModelViewSet):
    """Every move of a topic; made through the `defer` actions of items and topics."""

    serializer_class = s.DeferralSerializer
    filterset_class = api_filters.DeferralFilter
    filter_backends = TrackerViewSet.filter_backends
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return Deferral.objects.visible_to(self.request.user).order_by("created_at", "pk")


class ResolutionViewSet(TrackerViewSet):
    serializer_class = s.ResolutionSerializer
    filterset_class = api_filters.ResolutionFilter
    ordering_fields = ["agenda_item__meeting__date", "sequence"]

    def visible(self, user):
        return (
            Resolution.objects.visible_to(user)
            .select_related("committee", "municipal_year")
            .order_by("agenda_item__meeting__date", "agenda_item__position", "position", "pk")
        )

    def committee_of(self, obj):
        item = data_or(obj, "agenda_item")
        return item.meeting.committee if item else None

    def perform_destroy(self, instance):
        if refusal := instance.deletion_refusal():
            raise Conflict(refusal)
        instance.delete()


class ActionViewSet(PlainRowLists, TrackerViewSet):
    serializer_class = s.ActionSerializer
    plain_rows = ActionRows()
    filterset_class = api_filters.ActionFilter
    ordering_fields = ["due_on_date", "due_date", "created_at", "closed_on"]

    def visible(self, user):
        return (
            Action.objects.visible_to(user)
            .with_latest_rag()
            .select_related("committee", "municipal_year", "due_back_meeting")
            .defer("committee__remit")
            # Two committees may share a name (of two authorities): the id settles it.
            .order_by("committee__name", "municipal_year__start_date", "sequence", "pk")
        )

    def committee_of(self, obj):
        return data_or(obj, "committee")

    def perform_destroy(self, instance):
        if refusal := instance.deletion_refusal():
            raise Conflict(refusal)
        instance.delete()

    def closing_note(self, request):
        """The action and the note that closes (or reopens) it, if the user is its chair."""
        found = self.get_object()
        if not found.may_sign_off(request.user):
            raise exceptions.PermissionDenied(
                "Only the committee's chair or vice-chair (or democratic services) may do this."
            )
        note = s.ProgressSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        return found, note.validated_data

    def fresh(self, found):
        return Response(self.get_serializer(self.get_queryset().get(pk=found.pk)).data)

    @extend_schema(request=s.ProgressSerializer, responses=s.ActionSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        """The chair signs the action off as complete, saying what was done."""
        found, note = self.closing_note(request)
        progress.sign_off(found, text=note["text"], as_of=note.get("as_of"), by=request.user)
        return self.fresh(found)

    @extend_schema(request=s.ProgressSerializer, responses=s.ActionSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The committee no longer wants it done; the reason is kept."""
        found, note = self.closing_note(request)
        progress.withdraw(found, reason=note["text"], as_of=note.get("as_of"), by=request.user)
        return self.fresh(found)

    @extend_schema(request=s.ProgressSerializer, responses=s.ActionSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Open a closed action again, saying why."""
        found, note = self.closing_note(request)
        progress.reopen(found, reason=note["text"], by=request.user)
        return self.fresh(found)


class ActionUpdateViewSet(
    CachedReads, AtomicWrites, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Progress on actions. Updates are history: they are added, never edited or deleted."""

    serializer_class = s.ActionUpdateSerializer
    filterset_class = api_filters.ActionUpdateFilter
    filter_backends = TrackerViewSet.filter_backends
    ordering_fields = ["as_of", "recorded_at"]
    permission_classes = [ChangeRules]

    def get_queryset(self):
        return (
            ActionUpdate.objects.visible_to(self.request.user)
            .select_related("recorded_by")
            .order_by("action_id", "as_of", "recorded_at", "pk")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        found = Action.objects.visible_to(self.request.user).filter(pk=data["action"].pk).first()
        if found is None:
            raise exceptions.ValidationError({"action": ["No such action."]})
        user = self.request.user
        if not found.may_update(user):
            raise exceptions.PermissionDenied(
                "Only the action's owner, its committee's chairs and democratic services record progress."
            )
        serializer.instance = progress.record_update(
            found,
            text=data["text"],
            rag=data.get("rag", ""),
            progress=data.get("progress"),
            as_of=data.get("as_of"),
            closes=data.get("closes_action", False),
            by=user,
        )


class ExecutiveResponseViewSet(TrackerViewSet):
    serializer_class = s.ExecutiveResponseSerializer
    filterset_class = api_filters.ExecutiveResponseFilter
    ordering_fields = ["response_due", "referred_on"]

    def visible(self, user):
        return (
            ExecutiveResponse.objects.visible_to(user)
            .select_related("resolution")
            .order_by("response_due", "pk")
        )

    def committee_of(self, obj):
        resolution = data_or(obj, "resolution")
        return resolution.committee if resolution else None

    def perform_create(self, serializer):
        data = serializer.validated_data
        if not self.may_create(self.request.user, data):
            raise exceptions.PermissionDenied(
                "Only democratic services and the committee's chairs refer recommendations."
            )
        serializer.instance = responses.refer_to_executive(
            data["resolution"],
            referred_on=data["referred_on"],
            responsible=data.get("responsible"),
            executive_body=data.get("executive_body", "Cabinet"),
            by=self.request.user,
        )

    @extend_schema(request=s.DecisionSerializer, responses=s.ExecutiveResponseSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """Record the executive's decision: accepted, partly accepted or rejected."""
        response = self.get_object()
        if not response.may_record(request.user):
            raise exceptions.PermissionDenied(
                "Only democratic services and the committee's chairs record the executive's answer."
            )
        decision = s.DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        responses.record_decision(response, by=request.user, **decision.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=response.pk)).data)


class ReminderViewSet(viewsets.ReadOnlyModelViewSet):
    """The reminder ledger: what was sent, to whom, and what failed. Staff only."""

    serializer_class = s.ReminderSerializer
    filterset_class = api_filters.ReminderFilter
    filter_backends = TrackerViewSet.filter_backends
    ordering_fields = ["created_at", "for_date", "sent_at"]
    permission_classes = [permissions.IsAdminUser]

    def get_queryset(self):
        return Reminder.objects.select_related("committee").order_by("-created_at", "-pk")
