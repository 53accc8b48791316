"""The admin a democratic services officer lives in: committees, meetings, agendas, work
programmes and deferrals.

Changes of state that have rules (deferring an item or a topic) go through the services in
`committees.deferrals`, never through a plain save, so the admin behaves like every other
entry point. The resolutions inline of the agenda item page is added by `actions.admin`
(imports run one way: `committees` knows nothing of `actions`).
"""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from committees import exemption
from committees.deferrals import defer_item, defer_topic
from committees.models import (
    AgendaItem,
    Attendance,
    Authority,
    Committee,
    Deferral,
    Meeting,
    Membership,
    MunicipalYear,
    Person,
    WorkProgramme,
    WorkProgrammeTopic,
    today,
)
from committees.outcomes import record_outcome, withdraw_topic

INTERMEDIATE_TEMPLATE = "admin/committees/intermediate_form.html"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def meeting_label(meeting: Meeting) -> str:
    """A meeting as a choice in a list of one committee's meetings: its date (and status)."""
    label = f"{meeting.date:%-d %B %Y}"
    if meeting.status != Meeting.Status.SCHEDULED:
        label += f" ({meeting.get_status_display().lower()})"
    return label


def run_intermediate_action(
    modeladmin,
    request,
    queryset,
    *,
    form,
    title: str,
    intro: str,
    submit_label: str,
    apply,
    success_message,
    failure_prefix: str,
    describe=str,
):
    """An admin action with a confirmation page holding a form.

    The first POST (from the changelist) shows the form; the second (with `apply`) runs
    `apply(obj, cleaned_data)` for every selected object inside one transaction. If any of
    them raises ValidationError nothing is saved, and the page is shown again with a message
    naming the object (as `describe` words it) and the problem. Returns None (back to the
    changelist) on success.
    """
    objects = list(queryset)
    if "apply" in request.POST and form.is_valid():
        current = None
        try:
            with transaction.atomic():
                for obj in objects:
                    current = obj
                    apply(obj, form.cleaned_data)
        except ValidationError as exc:
            messages.error(
                request, f"{failure_prefix} {describe(current)}: {' '.join(exc.messages)}"
            )
        else:
            messages.success(request, success_message(len(objects), form.cleaned_data))
            return None
    opts = modeladmin.model._meta
    request.current_app = modeladmin.admin_site.name
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit_label": submit_label,
        "objects": [(obj.pk, describe(obj)) for obj in objects],
        "form": form,
        "opts": opts,
        "app_label": opts.app_label,
        "action_name": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, INTERMEDIATE_TEMPLATE, context)


class DeferForm(forms.Form):
    """Where the selected business goes, and why."""

    to_meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        label="Defer to meeting",
        empty_label="No meeting set yet",
        help_text="One of this committee's later meetings.",
    )
    to_text = forms.CharField(
        required=False,
        max_length=300,
        label="Or describe where it goes",
        help_text='When no meeting is set yet, e.g. "the next meeting in the new municipal year".',
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_meeting"]
        field.queryset = meetings
        field.label_from_instance = meeting_label

    def clean(self):
        cleaned = super().clean()
        if (
            "to_meeting" not in self.errors
            and not cleaned.get("to_meeting")
            and not cleaned.get("to_text", "").strip()
        ):
            self.add_error(
                "to_meeting",
                "Choose the meeting it is deferred to, or describe where it goes.",
            )
        return cleaned

    @staticmethod
    def destination(cleaned) -> str:
        if cleaned.get("to_meeting"):
            return f"the meeting of {cleaned['to_meeting'].date:%-d %B %Y}"
        return cleaned["to_text"].strip()


def later_meetings(committee_id, after):
    """Meetings after `after` that business may still go to (none cancelled or postponed)."""
    return (
        Meeting.objects.filter(committee_id=committee_id)
        .accepting_business(on=after + dt.timedelta(days=1))
        .order_by("date")
    )


# What the label of a related object names beyond its own row ("Committee, 12 December 2017").
LABEL_RELATIONS = {
    Meeting: ("committee",),
    WorkProgramme: ("committee", "municipal_year"),
}


class QuickLabelsMixin:
    """Choices of meetings and work programmes (autocomplete or select) fetch the committee
    their label names in the same query, rather than one more query per row of an inline."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        related = LABEL_RELATIONS.get(db_field.related_model)
        if related:
            if queryset is None:
                queryset = db_field.related_model._default_manager.using(db)
            queryset = queryset.select_related(*related)
        return queryset


class ModelAdmin(QuickLabelsMixin, admin.ModelAdmin):
    pass


class TabularInline(QuickLabelsMixin, admin.TabularInline):
    pass


class HistoryAdmin(QuickLabelsMixin, SimpleHistoryAdmin):
    """Who changed what, and when, for the tracked models.

    Old versions can be read but not restored: a restore saves every field of the old
    version, bypassing the services (an action would reopen with no update saying why, an
    item would lose its deferred outcome while its deferral stays). django-simple-history
    hides its Revert button when asked, but still saves a POST to the version page, so the
    POST is refused here too.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Old versions can be read here, not restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)


# --- Filters --------------------------------------------------------------------------


class CurrentMembershipFilter(admin.SimpleListFilter):
    title = "current"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", "Current"), ("no", "Ended")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.current()
        if self.value() == "no":
            return queryset.exclude(pk__in=Membership.objects.current().values("pk"))
        return queryset


class DeferredTimesFilter(admin.SimpleListFilter):
    title = "times deferred"
    parameter_name = "deferred"

    def lookups(self, request, model_admin):
        return [("1", "At least once"), ("2", "Twice or more")]

    def queryset(self, request, queryset):
        if self.value() in ("1", "2"):
            return queryset.filter(deferral_count__gte=int(self.value()))
        return queryset


# --- People, authorities, years, committees -----------------------------------------------


def defer_with_form(
    modeladmin, request, things, *, noun, committee_of, earliest, defer, title, intro, describe
):
    """The "Defer to a later meeting" admin action for items and topics alike: one committee
    at a time, a form for the destination and reason, then the deferral service for each."""
    committees = {committee_of(thing) for thing in things}
    if len(committees) > 1:
        modeladmin.message_user(
            request,
            f"Defer the {noun}s of one committee at a time: a deferral moves "
            f"{'an' if noun[0] in 'aeiou' else 'a'} {noun} to a later "
            "meeting of the same committee.",
            messages.ERROR,
        )
        return None
    form = DeferForm(
        request.POST if "apply" in request.POST else None,
        meetings=later_meetings(committees.pop(), earliest),
    )

    def apply(thing, cleaned):
        defer(
            thing,
            to_meeting=cleaned["to_meeting"],
            to_text=cleaned["to_text"],
            reason=cleaned["reason"],
            by=request.user,
        )

    return run_intermediate_action(
        modeladmin,
        request,
        things,
        form=form,
        title=title,
        intro=intro,
        submit_label="Defer",
        apply=apply,
        success_message=lambda n, cleaned: (
            f"Deferred {plural(n, noun)} to {DeferForm.destination(cleaned)}."
        ),
        failure_prefix="Nothing was deferred.",
        describe=describe,
    )


@admin.register(Authority)
class AuthorityAdmin(ModelAdmin):
    list_display = ("name", "slug", "report_deadline_working_days", "agenda_clear_working_days")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Person)
class PersonAdmin(ModelAdmin):
    list_display = ("name", "is_councillor", "job_title", "organisation", "email", "user")
    list_filter = ("is_councillor",)
    search_fields = ("name", "email", "job_title", "organisation")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    actions = ["reset_calendar_addresses"]

    @admin.action(
        description="Reset the calendar addresses of the selected people",
        permissions=["change"],
    )
    def reset_calendar_addresses(self, request, queryset):
        count = queryset.reset_calendar_addresses()
        self.message_user(
            request,
            f"Reset the calendar {'address' if count == 1 else 'addresses'} of "
            f"{plural(count, 'person', 'people')}: their old "
            f"{'address no longer works' if count == 1 else 'addresses no longer work'}.",
            messages.SUCCESS,
        )


@admin.register(MunicipalYear)
class MunicipalYearAdmin(ModelAdmin):
    list_display = ("label", "authority", "start_date", "end_date")
    list_filter = ("authority",)
    search_fields = ("authority__name", "start_date", "end_date")
    list_select_related = ("authority",)
    ordering = ("authority__name", "-start_date")

    @admin.display(description="year", ordering="start_date")
    def label(self, obj):
        return obj.label


class MembershipInline(TabularInline):
    model = Membership
    fields = ("person", "role", "representing", "start_date", "end_date", "end_reason")
    autocomplete_fields = ("person",)
    extra = 0
    ordering = ("end_date", "role", "person__name")


@admin.register(Committee)
class CommitteeAdmin(ModelAdmin):
    list_display = (
        "name",
        "short_name",
        "kind",
        "authority",
        "parent",
        "officer",
        "reference_prefix",
        "is_published",
    )
    list_filter = ("authority", "kind", "is_published")
    search_fields = ("name", "short_name", "slug", "reference_prefix", "remit")
    list_select_related = ("authority", "parent", "officer")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent", "officer")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("authority", "name", "slug", "short_name", "kind", "parent")}),
        (
            "Running the committee",
            {"fields": ("officer", "reference_prefix", "is_published", "remit")},
        ),
    )


@admin.register(Membership)
class MembershipAdmin(ModelAdmin):
    list_display = ("person", "committee", "role", "representing", "start_date", "end_date")
    list_filter = (CurrentMembershipFilter, "committee", "role")
    search_fields = ("person__name", "committee__name", "representing")
    list_select_related = ("person", "committee")
    autocomplete_fields = ("committee", "person")
    date_hierarchy = "start_date"


# --- Meetings and agendas ---------------------------------------------------------------


class AgendaItemInline(TabularInline):
    model = AgendaItem
    fields = (
        "position",
        "number",
        "title",
        "report_author",
        "lead_officer",
        "is_exempt",
        "exempt_paragraph",
        "public_title",
        "outcome",
    )
    ordering = ("position", "number")
    autocomplete_fields = ("report_author", "lead_officer")
    readonly_fields = ("outcome",)
    show_change_link = True
    extra = 0
    verbose_name_plural = "agenda items, in order"


class AttendanceInline(TabularInline):
    model = Attendance
    fields = ("person", "kind", "capacity")
    autocomplete_fields = ("person",)
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(HistoryAdmin):
    list_display = (
        "date",
        "committee",
        "start_time",
        "status",
        "municipal_year",
        "report_deadline",
        "agenda_publication_date",
        "venue",
        "is_published",
    )
    list_display_links = ("date", "committee")
    list_filter = ("committee", "municipal_year", "status", "is_published")
    search_fields = ("committee__name", "committee__short_name", "venue", "date")
    list_select_related = ("committee", "municipal_year")
    date_hierarchy = "date"
    ordering = ("-date",)
    autocomplete_fields = ("committee",)
    readonly_fields = ("municipal_year", "report_deadline", "agenda_publication_date")
    fieldsets = (
        (None, {"fields": ("committee", "date", "start_time", "venue", "status", "is_published")}),
        (
            "Dates that follow from the meeting",
            {
                "description": "Worked out in working days before the meeting from the "
                "authority's rules (weekends and England and Wales bank holidays excluded).",
                "fields": (
                    "municipal_year",
                    "report_deadline",
                    "agenda_publication_date",
                    "report_deadline_override",
                ),
            },
        ),
    )
    inlines = [AgendaItemInline, AttendanceInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgendaItem:
            return super().save_formset(request, form, formset, change)
        changed = {f.instance.pk: f.changed_data for f in formset.forms if f.instance.pk}
        for item in formset.save(commit=False):
            save_item_through_exemption(request, item, changed.get(item.pk, ()), item.save)
        for item in formset.deleted_objects:
            item.delete()
        formset.save_m2m()
        return None


def save_item_through_exemption(request, item, changed_fields, save) -> None:
    """Save an item from an admin form; a change to an existing item's exemption goes through
    `committees.exemption` (as from the API), which carries it to the item's topic."""
    asked = [name for name in exemption.EXEMPTION_FIELDS if name in changed_fields]
    if item.pk is None or not asked:
        save()
        return
    wanted = {name: getattr(item, name) for name in exemption.EXEMPTION_FIELDS}
    stored = AgendaItem.objects.get(pk=item.pk)
    for name in exemption.EXEMPTION_FIELDS:
        setattr(item, name, getattr(stored, name))
    save()
    if wanted["is_exempt"]:
        exemption.make_exempt(
            item,
            paragraph=wanted["exempt_paragraph"],
            public_title=wanted["public_title"],
            by=request.user,
        )
    elif stored.is_exempt:
        exemption.lift_exemption(item, by=request.user)
    else:  # a public item's public title: nothing is exempt
        item.public_title = wanted["public_title"]
        save()
    item.refresh_from_db(fields=exemption.EXEMPTION_FIELDS)


@admin.register(Attendance)
class AttendanceAdmin(ModelAdmin):
    list_display = ("person", "meeting", "kind", "capacity")
    list_filter = ("meeting__committee", "meeting__municipal_year", "kind")
    search_fields = ("person__name", "capacity", "meeting__committee__name")
    list_select_related = ("person", "meeting__committee")
    autocomplete_fields = ("meeting", "person")
    date_hierarchy = "meeting__date"


class DeferralInline(TabularInline):
    """The deferral history of a topic or item: read-only, made by the deferral actions."""

    model = Deferral
    fk_name = "topic"
    fields = ("created_at", "from_meeting", "destination", "reason", "decided_at", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "from_meeting__committee", "to_meeting", "decided_at__committee", "created_by"
            )
        )


class ItemDeferralInline(DeferralInline):
    fk_name = "agenda_item"
    verbose_name_plural = "deferrals decided under this item"


# Inlines that apps built on this one add to the agenda item page (actions adds the item's
# resolutions): committees may not import them, so they are appended here, not re-registered.
ITEM_PAGE_INLINES: list[type[admin.options.InlineModelAdmin]] = []


@admin.register(AgendaItem)
class AgendaItemAdmin(HistoryAdmin):
    list_display = (
        "title",
        "number",
        "meeting",
        "outcome",
        "is_exempt",
        "report_author",
        "report_submitted_at",
    )
    list_filter = (
        "meeting__committee",
        "meeting__municipal_year",
        "outcome",
        "is_exempt",
        "exempt_paragraph",
    )
    search_fields = (
        "title",
        "public_title",
        "description",
        "=number",
        "meeting__committee__name",
        "report_author__name",
        "lead_officer__name",
    )
    list_select_related = ("meeting__committee", "report_author")
    date_hierarchy = "meeting__date"
    ordering = ("-meeting__date", "position", "number")
    autocomplete_fields = ("meeting", "topic", "report_author", "lead_officer")
    fieldsets = (
        (
            "The item",
            {
                "fields": (
                    "meeting",
                    ("number", "position"),
                    "title",
                    "description",
                    "topic",
                    ("report_author", "lead_officer"),
                    "report_submitted_at",
                    "outcome",
                )
            },
        ),
        (
            "Part 2 (exempt under Schedule 12A) and confidential text",
            {
                "description": "For an exempt item the public sees only the public title and "
                "the paragraph. The report summary and minutes are confidential whenever the "
                "item is exempt.",
                "fields": (
                    "is_exempt",
                    "exempt_paragraph",
                    "public_title",
                    "public_interest_reason",
                    "report_summary",
                    "minutes",
                ),
            },
        ),
    )
    inlines = [ItemDeferralInline]

    def get_inlines(self, request, obj):
        return [*self.inlines, *ITEM_PAGE_INLINES]

    actions = ["defer_selected_items", "record_noted", "record_resolved", "record_withdrawn"]

    def get_readonly_fields(self, request, obj=None):
        # An outcome is an event (recorded by the actions below), and so is a move to another
        # meeting (deferring).
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "outcome", "meeting") if obj else fields

    def record_outcomes(self, request, queryset, outcome):
        try:
            with transaction.atomic():
                for item in queryset:
                    record_outcome(item, outcome, by=request.user)
        except ValidationError as error:
            self.message_user(
                request, "Nothing was recorded. " + " ".join(error.messages), messages.ERROR
            )
            return
        label = AgendaItem.Outcome(outcome).label.lower()
        self.message_user(request, f"Recorded {plural(queryset.count(), 'item')} as {label}.")

    @admin.action(description="Record as noted", permissions=["change"])
    def record_noted(self, request, queryset):
        self.record_outcomes(request, queryset, AgendaItem.Outcome.NOTED)

    @admin.action(description="Record as resolved", permissions=["change"])
    def record_resolved(self, request, queryset):
        self.record_outcomes(request, queryset, AgendaItem.Outcome.RESOLVED)

    @admin.action(description="Record as withdrawn from the agenda", permissions=["change"])
    def record_withdrawn(self, request, queryset):
        self.record_outcomes(request, queryset, AgendaItem.Outcome.WITHDRAWN)

    def save_model(self, request, obj, form, change):
        save_item_through_exemption(
            request,
            obj,
            form.changed_data if change else (),
            lambda: super(AgendaItemAdmin, self).save_model(request, obj, form, change),
        )

    @admin.action(description="Defer to a later meeting", permissions=["change"])
    def defer_selected_items(self, request, queryset):
        items = list(
            queryset.select_related("meeting__committee", "topic__work_programme").order_by(
                "meeting__date", "position", "number"
            )
        )
        if not items:
            return None
        return defer_with_form(
            self,
            request,
            items,
            noun="item",
            committee_of=lambda item: item.meeting.committee_id,
            earliest=min(item.meeting.date for item in items),
            defer=defer_item,
            title="Defer agenda items to a later meeting",
            intro="These items will be deferred; their work-programme topics move to the "
            "meeting you choose, and each move is kept in the deferral history.",
            describe=lambda item: f"{item} ({item.meeting.date:%-d %B %Y})",
        )


# --- Work programmes ------------------------------------------------------------------------


class TopicInline(TabularInline):
    model = WorkProgrammeTopic
    fk_name = "work_programme"
    fields = ("title", "lead_officer", "lead_officer_text", "target_meeting", "status")
    autocomplete_fields = ("lead_officer",)
    readonly_fields = ("target_meeting", "status")
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target_meeting__committee")


@admin.register(WorkProgramme)
class WorkProgrammeAdmin(ModelAdmin):
    list_display = ("__str__", "committee", "municipal_year", "topic_count", "active_count")
    list_filter = ("committee", "municipal_year")
    search_fields = ("committee__name", "committee__short_name")
    list_select_related = ("committee", "municipal_year")
    autocomplete_fields = ("committee", "municipal_year")
    inlines = [TopicInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                topic_count=Count("topics", distinct=True),
                active_count=Count(
                    "topics",
                    filter=Q(topics__status__in=WorkProgrammeTopic.ACTIVE_STATUSES),
                    distinct=True,
                ),
            )
        )

    @admin.display(description="topics", ordering="topic_count")
    def topic_count(self, obj):
        return obj.topic_count

    @admin.display(description="still to come", ordering="active_count")
    def active_count(self, obj):
        return obj.active_count


@admin.register(WorkProgrammeTopic)
class WorkProgrammeTopicAdmin(HistoryAdmin):
    list_display = (
        "title",
        "committee",
        "municipal_year",
        "lead",
        "target",
        "status",
        "deferral_count",
    )
    list_filter = (
        "work_programme__committee",
        "work_programme__municipal_year",
        "status",
        DeferredTimesFilter,
        ("lead_officer", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "title",
        "description",
        "origin",
        "lead_officer__name",
        "lead_officer_text",
        "work_programme__committee__name",
    )
    list_select_related = (
        "work_programme__committee",
        "work_programme__municipal_year",
        "lead_officer",
        "target_meeting",
    )
    autocomplete_fields = (
        "work_programme",
        "lead_officer",
        "target_meeting",
        "requested_at",
        "merged_into",
        "carried_over_from",
    )
    # A topic is exempt with the Part 2 item it came from (committees.exemption).
    readonly_fields = ("is_exempt", "exempt_paragraph", "public_title")
    inlines = [DeferralInline]
    actions = ["defer_selected_topics", "withdraw_selected_topics"]

    def get_readonly_fields(self, request, obj=None):
        # A topic's status and meeting change as events: deferred, moved, withdrawn, merged or
        # considered by a service (the defer and withdraw actions, the work programme's Move).
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "status", "target_meeting") if obj else fields

    @admin.action(description="Withdraw from the work programme", permissions=["change"])
    def withdraw_selected_topics(self, request, queryset):
        try:
            with transaction.atomic():
                for topic in queryset:
                    withdraw_topic(topic, by=request.user)
        except ValidationError as error:
            self.message_user(
                request, "Nothing was withdrawn. " + " ".join(error.messages), messages.ERROR
            )
            return
        self.message_user(request, f"Withdrew {plural(queryset.count(), 'topic')}.")

    def get_queryset(self, request):
        return super().get_queryset(request).with_deferral_count()

    @admin.display(description="committee", ordering="work_programme__committee__name")
    def committee(self, obj):
        return obj.work_programme.committee

    @admin.display(description="year", ordering="work_programme__municipal_year__start_date")
    def municipal_year(self, obj):
        return obj.work_programme.municipal_year

    @admin.display(description="lead", ordering="lead_officer__name")
    def lead(self, obj):
        return obj.lead

    @admin.display(description="target meeting", ordering="target_meeting__date")
    def target(self, obj):
        return meeting_label(obj.target_meeting) if obj.target_meeting_id else "tbc"

    @admin.display(description="deferred", ordering="deferral_count")
    def deferral_count(self, obj):
        return obj.deferral_count

    @admin.action(description="Defer to a later meeting", permissions=["change"])
    def defer_selected_topics(self, request, queryset):
        topics = list(queryset.select_related("work_programme", "target_meeting"))
        if not topics:
            return None
        return defer_with_form(
            self,
            request,
            topics,
            noun="topic",
            committee_of=lambda topic: topic.work_programme.committee_id,
            # Moved now, between meetings: only to meetings still to come.
            earliest=max(
                today() - dt.timedelta(days=1),
                min(
                    topic.target_meeting.date if topic.target_meeting_id else today()
                    for topic in topics
                ),
            ),
            defer=defer_topic,
            title="Defer work-programme topics to a later meeting",
            intro="These topics will move to the meeting you choose; each move is kept in the "
            "deferral history.",
            describe=lambda topic: (
                f"{topic} (now {meeting_label(topic.target_meeting) if topic.target_meeting_id else 'tbc'})"
            ),
        )


# --- Deferrals -------------------------------------------------------------------------------


@admin.register(Deferral)
class DeferralAdmin(HistoryAdmin):
    """Read-mostly: a deferral is made by the deferral service (the defer actions call it),
    and afterwards only its wording can be corrected."""

    list_display = (
        "topic",
        "committee",
        "from_meeting_date",
        "destination",
        "short_reason",
        "created_at",
        "created_by",
    )
    list_filter = (
        "topic__work_programme__committee",
        "topic__work_programme__municipal_year",
    )
    search_fields = ("topic__title", "agenda_item__title", "reason", "to_text")
    list_select_related = (
        "topic__work_programme__committee",
        "from_meeting",
        "to_meeting",
        "created_by",
    )
    date_hierarchy = "created_at"
    readonly_fields = (
        "topic",
        "agenda_item",
        "from_meeting",
        "to_meeting",
        "decided_at",
        "created_at",
        "created_by",
    )

    def get_fields(self, request, obj=None):
        return (*self.readonly_fields, "to_text", "reason")

    def has_add_permission(self, request):
        # Made only by the "Defer to a later meeting" actions of items and topics, which
        # offer the meetings business may go to and call the deferral service.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="committee")
    def committee(self, obj):
        return obj.topic.work_programme.committee

    @admin.display(description="from", ordering="from_meeting__date")
    def from_meeting_date(self, obj):
        return meeting_label(obj.from_meeting) if obj.from_meeting_id else "-"

    @admin.display(description="reason")
    def short_reason(self, obj):
        return Truncator(obj.reason).chars(80)
