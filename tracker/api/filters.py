"""Filters for the API, in the words people ask in: by committee, year, status, owner, RAG,
overdue, due before or after, deferred at least N times, exempt or not, and a text search.

A filter value that cannot be used is a 400 naming the filter (django-filter's form errors),
never a silently empty list; so booleans accept only true/false and years only "2017/18".
"""

import copy
import re
from contextvars import ContextVar

import django_filters as filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field

from actions.models import RAG, Action, ActionUpdate, ExecutiveResponse, Resolution
from committees.models import (
    AgendaItem,
    Committee,
    Deferral,
    Meeting,
    Membership,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
    today,
)
from tracker.api.list_pages import CompiledLookups
from tracker.reminders.ledger import Reminder


@extend_schema_field({"type": "boolean", "description": "`true` or `false`."})
class StrictBooleanFilter(filters.TypedChoiceFilter):
    """true or false, and nothing else: a typo is an error, not "no filter"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        kwargs.setdefault("coerce", lambda value: value == "true")
        super().__init__(*args, **kwargs)


class MunicipalYearField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        match = re.fullmatch(r"(\d{4})(?:/(\d{2}))?", value.strip())
        # Year 0 is no year at all: the calendar (and so the database lookup) starts at 1.
        if (
            not match
            or int(match.group(1)) < 1
            or (match.group(2) and int(match.group(2)) != (int(match.group(1)) + 1) % 100)
        ):
            raise forms.ValidationError(
                f"Give a municipal year as 2017/18 (or its first year, 2017), not {value!r}."
            )
        return int(match.group(1))


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^[0-9]{4}(/[0-9]{2})?$",
        "description": "A municipal year by its label (2017/18) or first year (2017).",
        "example": "2017/18",
    }
)
class MunicipalYearFilter(filters.Filter):
    """A year by its label ("2017/18") or first year ("2017")."""

    field_class = MunicipalYearField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__start_date__year": value})


class VisibleChoices(filters.FilterSet):
    """Every choice of a related thing (`?agenda_item=`, `?action=`, `?person=` ...) comes
    from what the reader may see, by the model's own `visible_to`.

    Otherwise the choices default to every row: the browsable API prints them as the options
    of its filter form (an exempt item's real title, a person named only on confidential
    business), and an id that exists but is hidden would answer differently from one that
    does not exist.
    """

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if not isinstance(cls.__dict__.get("base_filters"), FilterCopies):
            cls.base_filters = FilterCopies(cls.base_filters)
        super().__init__(*args, **kwargs)
        for name, used in self.filters.items():
            choices = getattr(used, "queryset", None)
            if isinstance(choices, QuerySet) and hasattr(choices, "visible_to"):
                used.queryset = visible_choices(choices)
                self.filters[name] = used

    def get_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields = FieldsOfOneRequest(form_class.base_fields)
        return form_class

    @property
    def form(self):
        """django-filter's form, but not of a form class made for each request (as django-
        filter makes one, a tenth of a list's filtering): the filter set's form class,
        given this request's fields."""
        if not hasattr(self, "_form"):
            form = self._meta.form(self.data if self.is_bound else None, prefix=self.form_prefix)
            form.fields = {name: used.field for name, used in self.filters.items()}
            self._form = form
        return self._form


# The query's parameter names while `AskedFilters.validated` makes its filter set, else None.
ASKED: ContextVar[list[str] | None] = ContextVar("asked_filters", default=None)


def is_asked(name: str, asked: list[str]) -> bool:
    """Whether the query names the filter, itself or as a part (`?name_min=`)."""
    return any(key == name or key.startswith(f"{name}_") for key in asked)


class FilterCopies(dict):
    """A filter set's own filters, copied for each request as django-filter copies them (it
    deep-copies every filter, with its querysets and choices, on every request: a third of
    an uncached list's time). A shallow copy with its own keyword arguments is enough: the
    copy's form field is made afresh (the cached one is dropped) and what a request sets on
    a filter (its reader's choices, its filter set) is set on the copy."""

    def __deepcopy__(self, memo):
        copies = {}
        asked = ASKED.get()
        for name, original in self.items():
            if asked is not None and not is_asked(name, asked):
                continue  # `AskedFilters.validated` would drop it at once
            used = copy.copy(original)
            used.__dict__.pop("_field", None)
            used.extra = dict(original.extra)
            if getattr(original, "method", None) is not None:
                used.method = original.method  # bound to the copy, as its filter set's
            copies[name] = used
        return copies


class FieldsOfOneRequest(dict):
    """The filter form's fields, made from this request's filter copies: the form need not
    deep-copy them again, as a form class shared between requests must."""

    def __deepcopy__(self, memo):
        return dict(self)


class AskedFilters(DjangoFilterBackend):
    """django-filter's backend, validating and applying only the filters the query names.

    A filter the query does not name filters nothing, so its form field need not be made
    (with its choices, the reader's querysets and its validation) on every request: most of
    the filters' cost on a list asked with one or two of them. The same list and the same
    400s; a filter named with a suffix (`?name_min=`) is kept as a multi-part field reads it.
    The browsable API's form (`to_html`) still shows every filter."""

    def validated(self, request, view, queryset=None):
        """The view's filter set with the asked filters, validated (a 400 if not), or None."""
        asked = list(request.query_params)
        # Only the asked filters are copied for this request (`FilterCopies`).
        copying = ASKED.set(asked)
        try:
            filterset = self.get_filterset(request, queryset, view)
        finally:
            ASKED.reset(copying)
        if filterset is None:
            return None
        filterset.filters = {
            name: used for name, used in filterset.filters.items() if is_asked(name, asked)
        }
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        return filterset

    def filter_queryset(self, request, queryset, view):
        filterset = self.validated(request, view, queryset)
        return queryset if filterset is None else filterset.qs


def visible_choices(choices: QuerySet):
    def for_request(request):
        return choices.visible_to(request.user) if request else choices.none()

    return for_request


def committees_for(request):
    return Committee.objects.visible_to(request.user) if request else Committee.objects.none()


# The committee and meeting lookups of the filters, compiled once per reader and day.
COMPILED_LOOKUPS = CompiledLookups()


class KeptLookupField(filters.fields.ModelChoiceField):
    """The related thing a filter names (a committee's slug, a meeting's id), looked up with
    a query compiled once for the reader (`CompiledLookups`) rather than building and
    compiling `visible_to(reader).get(...)` on every request. The same answers and errors."""

    reader: tuple | None = None  # set by `VisibleChoiceFilter`

    def to_python(self, value):
        if (
            self.reader is None
            or value in self.empty_values
            or (self.null_label is not None and value == self.null_value)
            or isinstance(value, self.queryset.model)
        ):
            return super().to_python(value)
        self.validate_no_null_characters(value)
        try:
            return COMPILED_LOOKUPS.find(
                self.queryset, self.to_field_name or "pk", value, self.reader
            )
        except (ValueError, TypeError, self.queryset.model.DoesNotExist):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class VisibleChoiceFilter(filters.ModelChoiceFilter):
    """A related thing among those the reader may see (`queryset`, a function of the
    request), looked up as `KeptLookupField` does."""

    field_class = KeptLookupField

    @property
    def field(self):
        field = super().field
        request = self.get_request()
        if request is not None:
            user = request.user
            # Everything the lookup's SQL depends on: which choices, who reads, today.
            field.reader = (self.queryset, user.is_authenticated, user.is_staff, user.pk, today())
        return field


def committee_filter(field_name: str):
    return VisibleChoiceFilter(
        field_name=field_name,
        to_field_name="slug",
        queryset=committees_for,
        help_text="The committee's slug, e.g. childrens-services.",
    )


def meeting_filter(field_name: str):
    return VisibleChoiceFilter(
        field_name=field_name,
        queryset=lambda request: (
            Meeting.objects.visible_to(request.user) if request else Meeting.objects.none()
        ),
        help_text="The meeting's id.",
    )


@extend_schema_field({"type": "integer", "minimum": 1})
class AtLeastFilter(filters.NumberFilter):
    """A whole number, at least 1 (`deferred_min`)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


def search_words(value: str) -> list[str]:
    return [word for word in value.split() if word][:8]


class TextSearchFilter(filters.CharFilter):
    """Every word must appear in one of `fields` (case-insensitive)."""

    def __init__(self, *args, fields: tuple[str, ...], **kwargs):
        self.fields = fields
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        for word in search_words(value or ""):
            condition = Q()
            for field in self.fields:
                condition |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(condition)
        return qs


class CommitteeFilter(VisibleChoices):
    kind = filters.ChoiceFilter(choices=Committee.Kind.choices)
    search = TextSearchFilter(fields=("name", "short_name", "remit"))

    class Meta:
        model = Committee
        fields = ["kind", "authority", "parent", "is_published"]


class PersonFilter(VisibleChoices):
    committee = committee_filter("memberships__committee")
    search = TextSearchFilter(fields=("name", "job_title", "organisation"))
    is_councillor = StrictBooleanFilter()

    class Meta:
        model = Person
        fields = ["committee", "is_councillor"]


class MembershipFilter(VisibleChoices):
    committee = committee_filter("committee")
    role = filters.ChoiceFilter(choices=Membership.Role.choices)
    current = StrictBooleanFilter(method="filter_current", label="Current memberships only")

    class Meta:
        model = Membership
        fields = ["committee", "person", "role"]

    def filter_current(self, qs, name, value):
        current = Membership.objects.current().values("pk")
        return qs.filter(pk__in=current) if value else qs.exclude(pk__in=current)


class MeetingFilter(VisibleChoices):
    committee = committee_filter("committee")
    municipal_year = MunicipalYearFilter(field_name="municipal_year")
    status = filters.ChoiceFilter(choices=Meeting.Status.choices)
    date_after = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = filters.DateFilter(field_name="date", lookup_expr="lte")
    upcoming = StrictBooleanFilter(method="filter_upcoming")

    class Meta:
        model = Meeting
        fields = ["committee", "municipal_year", "status"]

    def filter_upcoming(self, qs, name, value):
        # True filters the list itself, so PostgreSQL can use the date index directly.
        if value:
            return qs.upcoming()
        return qs.exclude(pk__in=Meeting.objects.upcoming().values("pk"))


class AgendaItemFilter(VisibleChoices):
    committee = committee_filter("meeting__committee")
    municipal_year = MunicipalYearFilter(field_name="meeting__municipal_year")
    meeting = meeting_filter("meeting")
    # A shell shows no outcome and no deferral count, so these filters never match one: an
    # exempt item found by `?outcome=deferred` would tell what its shell does not.
    outcome = filters.ChoiceFilter(choices=AgendaItem.Outcome.choices, method="filter_readable")
    exempt = StrictBooleanFilter(field_name="is_exempt")
    deferred_min = AtLeastFilter(
        field_name="deferral_count",
        lookup_expr="gte",
        label="Deferred at least",
        method="filter_readable",
    )
    search = filters.CharFilter(method="filter_search", max_length=200)

    class Meta:
        model = AgendaItem
        fields = ["committee", "municipal_year", "meeting", "outcome"]

    def filter_readable(self, qs, name, value):
        if value in (None, ""):
            return qs
        lookup = "deferral_count__gte" if name == "deferral_count" else name
        return qs.filter(readable=True, **{lookup: value})

    def filter_search(self, qs, name, value):
        # A shell (an exempt item the reader may not open) is found only by its public title,
        # or a search would reveal words of its real title or report.
        for word in search_words(value):
            qs = qs.filter(
                Q(
                    Q(title__icontains=word)
                    | Q(description__icontains=word)
                    | Q(minutes__icontains=word)
                    | Q(resolutions__text__icontains=word),
                    readable=True,
                )
                | Q(is_exempt=True, public_title__icontains=word)
            )
        return qs.distinct()


class WorkProgrammeFilter(VisibleChoices):
    committee = committee_filter("committee")
    municipal_year = MunicipalYearFilter(field_name="municipal_year")

    class Meta:
        model = WorkProgramme
        fields = ["committee", "municipal_year"]


class TopicFilter(VisibleChoices):
    # A shell (an exempt topic the reader may not read) shows no meeting, status or deferral
    # count, so these filters never match one: finding it by `?status=deferred` would tell
    # what its shell does not.
    committee = committee_filter("work_programme__committee")
    municipal_year = MunicipalYearFilter(field_name="work_programme__municipal_year")
    target_meeting = filters.ModelChoiceFilter(
        field_name="target_meeting",
        queryset=lambda request: (
            Meeting.objects.visible_to(request.user) if request else Meeting.objects.none()
        ),
        help_text="The meeting's id.",
        method="filter_readable",
    )
    status = filters.ChoiceFilter(
        choices=WorkProgrammeTopic.Status.choices, method="filter_readable"
    )
    tbc = StrictBooleanFilter(field_name="target_meeting__isnull", method="filter_readable")
    deferred_min = AtLeastFilter(
        field_name="deferral_count__gte",
        label="Deferred at least",
        method="filter_readable",
    )
    search = filters.CharFilter(method="filter_search", max_length=200)

    class Meta:
        model = WorkProgrammeTopic
        fields = ["committee", "municipal_year", "work_programme", "target_meeting", "status"]

    def filter_readable(self, qs, name, value):
        if value in (None, ""):
            return qs
        return qs.filter(readable=True, **{name: value})

    def filter_search(self, qs, name, value):
        # A shell is found only by its public title.
        for word in search_words(value):
            qs = qs.filter(
                Q(
                    Q(title__icontains=word)
                    | Q(description__icontains=word)
                    | Q(origin__icontains=word),
                    readable=True,
                )
                | Q(is_exempt=True, public_title__icontains=word)
            )
        return qs


class DeferralFilter(VisibleChoices):
    committee = committee_filter("topic__work_programme__committee")
    from_meeting = meeting_filter("from_meeting")
    to_meeting = meeting_filter("to_meeting")
    created_after = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Deferral
        fields = ["committee", "topic", "agenda_item", "from_meeting", "to_meeting"]


class ResolutionFilter(VisibleChoices):
    committee = committee_filter("committee")
    municipal_year = MunicipalYearFilter(field_name="municipal_year")
    meeting = meeting_filter("agenda_item__meeting")
    kind = filters.ChoiceFilter(choices=Resolution.Kind.choices)
    exempt = StrictBooleanFilter(field_name="agenda_item__is_exempt")
    search = TextSearchFilter(fields=("text", "reference", "agenda_item__title"))

    class Meta:
        model = Resolution
        fields = ["committee", "municipal_year", "meeting", "agenda_item", "kind"]


# The word that stands for whoever asks (`?owner=me`). An answer to a query holding it is the
# reader's own, so the API cache keeps it for that reader alone (tracker/api/caching.py).
THE_READER = "me"


def names_the_reader(params) -> bool:
    """Whether a query (a QueryDict) asks about whoever sends it."""
    return any(THE_READER in params.getlist(name) for name in params)


class ActionFilter(VisibleChoices):
    committee = committee_filter("committee")
    municipal_year = MunicipalYearFilter(field_name="municipal_year")
    meeting = meeting_filter("agenda_item__meeting")
    due_back_meeting = meeting_filter("due_back_meeting")
    status = filters.ChoiceFilter(choices=Action.Status.choices)
    owner = filters.CharFilter(
        method="filter_owner",
        help_text="A person's id, or `me` for the signed-in user.",
        validators=[
            RegexValidator(rf"^({THE_READER}|[0-9]{{1,18}})$", "Give a person's id, or `me`.")
        ],
    )
    rag = filters.ChoiceFilter(
        method="filter_rag", choices=RAG.choices, help_text="The RAG of the latest update."
    )
    overdue = StrictBooleanFilter(method="filter_overdue")
    due_before = filters.DateFilter(field_name="due_on_date", lookup_expr="lt")
    due_after = filters.DateFilter(field_name="due_on_date", lookup_expr="gt")
    exempt = StrictBooleanFilter(field_name="agenda_item__is_exempt")
    search = filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text="Words of the action's title, description or reference, or of its "
        "resolution's text when you may read the resolution.",
    )

    class Meta:
        model = Action
        fields = ["committee", "municipal_year", "resolution", "agenda_item", "status"]

    def filter_search(self, qs, name, value):
        # An owner may read their own action under an exempt item, not the item's resolution:
        # its text is searched only where the reader may read it, or a search would tell it.
        user = self.request.user if self.request else AnonymousUser()
        readable = Resolution.objects.visible_to(user).values("pk")
        for word in search_words(value):
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(reference__icontains=word)
                | Q(resolution__text__icontains=word, resolution__in=readable)
            )
        return qs

    def filter_owner(self, qs, name, value):
        if value == THE_READER:
            user = self.request.user if self.request else None
            if not user or not user.is_authenticated:
                return qs.none()
            return qs.filter(owner__user=user)
        return qs.filter(owner_id=int(value))

    def filter_overdue(self, qs, name, value):
        if value:
            return qs.overdue()
        return qs.exclude(pk__in=Action.objects.overdue().values("pk"))

    def filter_rag(self, qs, name, value):
        return qs.with_latest_rag().filter(latest_rag=value)


class ActionUpdateFilter(VisibleChoices):
    committee = committee_filter("action__committee")
    rag = filters.ChoiceFilter(choices=RAG.choices)
    as_of_after = filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = filters.DateFilter(field_name="as_of", lookup_expr="lte")

    class Meta:
        model = ActionUpdate
        fields = ["action", "rag", "closes_action"]


class ExecutiveResponseFilter(VisibleChoices):
    committee = committee_filter("resolution__committee")
    decision = filters.ChoiceFilter(choices=ExecutiveResponse.Decision.choices)
    overdue = StrictBooleanFilter(method="filter_overdue")
    due_before = filters.DateFilter(field_name="response_due", lookup_expr="lt")
    due_after = filters.DateFilter(field_name="response_due", lookup_expr="gt")

    class Meta:
        model = ExecutiveResponse
        fields = ["committee", "decision", "implementation", "impact", "responsible"]

    def filter_overdue(self, qs, name, value):
        if value:
            return qs.overdue()
        return qs.exclude(pk__in=ExecutiveResponse.objects.overdue().values("pk"))


class ReminderFilter(VisibleChoices):
    committee = committee_filter("committee")
    rule = filters.ChoiceFilter(choices=Reminder.Rule.choices)
    status = filters.ChoiceFilter(choices=Reminder.Status.choices)
    for_after = filters.DateFilter(field_name="for_date", lookup_expr="gte")
    for_before = filters.DateFilter(field_name="for_date", lookup_expr="lte")

    class Meta:
        model = Reminder
        fields = ["committee", "rule", "status", "recipient"]
