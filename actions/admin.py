"""The admin of what committees decided and the follow-up.

Progress is recorded, and actions closed, only through `actions.progress` (the same
functions the pages, the API and the reminder links use): the update inline of an action
adds new updates through `record_update`, and past updates are history, never edited.

This module also gives the agenda item page its resolutions inline, through the committees
admin's `ITEM_PAGE_INLINES` (committees must not import actions).
"""

import datetime as dt

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.text import Truncator

from actions.models import RAG, Action, ActionUpdate, ExecutiveResponse, Resolution
from actions.progress import record_update, sign_off, withdraw
from committees import admin as committees_admin
from committees.models import today

SMALL_TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}


def refuse_deleting_history(deleted_objects, objs):
    """The delete confirmation (one object or the bulk action), refused with the model's own
    words (`deletion_refusal`, which the API gives too) for each object that keeps history."""
    to_delete, model_count, perms_needed, protected = deleted_objects
    refusals = [refusal for obj in objs if (refusal := obj.deletion_refusal())]
    if refusals:
        return to_delete, model_count, set(), refusals
    return to_delete, model_count, perms_needed, protected


class KeepHistoryFormSet(BaseInlineFormSet):
    """An inline whose rows may be deleted only when they keep no history (the rule is the
    model's `deletion_refusal`, the same words the API and the delete page give)."""

    def clean(self):
        # Before the admin's own check of protected rows (in super().clean()), which would
        # refuse in other words.
        for form in self.initial_forms:
            if self._should_delete_form(form) and (refusal := form.instance.deletion_refusal()):
                raise ValidationError(refusal)
        super().clean()


# --- Resolutions -----------------------------------------------------------------------------


class ResolutionInline(committees_admin.TabularInline):
    model = Resolution
    fields = ("position", "number", "text", "kind", "reference")
    readonly_fields = ("reference",)
    formfield_overrides = SMALL_TEXTAREA
    ordering = ("position",)
    show_change_link = True
    extra = 0


committees_admin.ITEM_PAGE_INLINES.append(ResolutionInline)


class ActionInline(committees_admin.TabularInline):
    """Actions arising from a resolution; their committee and item follow from it."""

    model = Action
    formset = KeepHistoryFormSet
    fields = ("reference", "title", "owner", "due_date", "due_back_meeting", "status")
    readonly_fields = ("reference", "status")
    autocomplete_fields = ("owner", "due_back_meeting")
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner", "due_back_meeting__committee")


@admin.register(Resolution)
class ResolutionAdmin(committees_admin.HistoryAdmin):
    list_display = ("reference", "short_text", "kind", "agenda_item", "meeting_date", "committee")
    list_filter = ("committee", "municipal_year", "kind")
    search_fields = ("reference", "text", "number", "agenda_item__title")
    list_select_related = ("agenda_item__meeting", "committee")
    date_hierarchy = "agenda_item__meeting__date"
    ordering = ("-agenda_item__meeting__date", "agenda_item__position", "position")
    autocomplete_fields = ("agenda_item",)
    readonly_fields = ("reference", "committee", "municipal_year")
    fields = ("reference", "agenda_item", ("number", "position"), "kind", "text")
    inlines = [ActionInline]

    def get_fields(self, request, obj=None):
        return (*self.fields, "committee", "municipal_year") if obj else self.fields

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Choosing the resolution of an executive response: only recommendations qualify.
        if (
            request.GET.get("model_name") == "executiveresponse"
            and request.GET.get("field_name") == "resolution"
        ):
            queryset = queryset.recommendations()
        return queryset, may_have_duplicates

    def get_deleted_objects(self, objs, request):
        return refuse_deleting_history(super().get_deleted_objects(objs, request), objs)

    @admin.display(description="text")
    def short_text(self, obj):
        return Truncator(obj.text).chars(100)

    @admin.display(description="meeting", ordering="agenda_item__meeting__date")
    def meeting_date(self, obj):
        return f"{obj.agenda_item.meeting.date:%-d %B %Y}"


# --- Actions ---------------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(pk__in=Action.objects.overdue().values("pk"))
        return queryset


class NewUpdatesFormSet(BaseInlineFormSet):
    """Checks what record_update would refuse, so the officer sees it on the form."""

    def new_forms(self):
        return [
            form
            for form in self.extra_forms
            if form.has_changed() and form.is_valid() and not self._should_delete_form(form)
        ]

    def clean(self):
        super().clean()
        new = self.new_forms()
        if not new:
            return
        action = self.instance
        if action.pk and not action.is_open:
            raise ValidationError(
                f"{action.reference} is {action.get_status_display().lower()}; "
                "reopen it before adding updates."
            )
        closing = [form for form in new if form.cleaned_data.get("closes_action")]
        if len(closing) > 1:
            raise ValidationError("Only one update can close the action.")
        # Each form was checked against the updates already recorded; the closing one must
        # not come before another one saved with it either.
        others = [form.cleaned_data.get("as_of") for form in new if form not in closing]
        others = [day for day in others if day]
        closes_on = closing[0].cleaned_data.get("as_of") if closing else None
        if closes_on and others and closes_on < max(others):
            raise ValidationError(
                f"A closing update cannot be dated before the latest update on "
                f"{action.reference}, of {max(others):%-d %B %Y}."
            )


class ActionUpdateInline(committees_admin.TabularInline):
    """The progress history: new updates can be added; past ones are never changed."""

    model = ActionUpdate
    formset = NewUpdatesFormSet
    fields = ("as_of", "text", "rag", "progress", "closes_action", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")
    formfield_overrides = SMALL_TEXTAREA
    ordering = ("as_of", "recorded_at")
    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by", "action")

    def has_add_permission(self, request, obj=None):
        if obj is not None and not obj.is_open:
            return False
        return super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CloseForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    as_of = forms.DateField(
        required=False,
        label="As of",
        help_text="The date it was done; today if left empty.",
        widget=AdminDateWidget,
    )


class SignOffForm(CloseForm):
    text = forms.CharField(
        label="Sign-off note",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="What was done, as it will read in the tracker.",
    )


class WithdrawForm(CloseForm):
    text = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why the committee no longer wants it done.",
    )


@admin.register(Action)
class ActionAdmin(committees_admin.HistoryAdmin):
    list_display = (
        "reference",
        "title",
        "owner",
        "due_on",
        "status",
        "latest_rag",
        "days_late",
        "committee",
    )
    list_display_links = ("reference", "title")
    list_filter = (
        "committee",
        "municipal_year",
        "status",
        OverdueFilter,
        ("owner", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "reference",
        "title",
        "description",
        "owner__name",
        "resolution__reference",
        "resolution__text",
    )
    list_select_related = ("owner", "committee")
    date_hierarchy = "due_date"
    autocomplete_fields = (
        "committee",
        "resolution",
        "agenda_item",
        "owner",
        "due_back_meeting",
        "carried_over_from_year",
    )
    readonly_fields = ("reference", "municipal_year", "status", "closed_on", "created_at")
    fieldsets = (
        (None, {"fields": ("reference", "committee", "title", "description", "owner")}),
        ("Where it came from", {"fields": ("resolution", "agenda_item")}),
        ("When it is due", {"fields": ("due_date", "due_back_meeting", "due_back_elsewhere")}),
        (
            "Status",
            {
                "description": "An action is closed by a closing update (below), or by the "
                '"Sign off as complete" and "Withdraw" actions on the list of actions.',
                "fields": (
                    "status",
                    "closed_on",
                    "municipal_year",
                    "carried_over_from_year",
                    "created_at",
                ),
            },
        ),
    )
    inlines = [ActionUpdateInline]
    actions = ["sign_off_selected", "withdraw_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_latest_rag()

    def get_deleted_objects(self, objs, request):
        return refuse_deleting_history(super().get_deleted_objects(objs, request), objs)

    @admin.display(description="due", ordering="due_on_date")
    def due_on(self, obj):
        return obj.due_on

    @admin.display(description="latest RAG", ordering="latest_rag")
    def latest_rag(self, obj):
        value = obj.latest_rag
        return RAG(value).label if value else "-"

    @admin.display(description="days late")
    def days_late(self, obj):
        return obj.days_late(today())

    def save_formset(self, request, form, formset, change):
        if formset.model is not ActionUpdate:
            return super().save_formset(request, form, formset, change)
        action = formset.instance
        new = sorted(
            formset.new_forms(),
            key=lambda f: (bool(f.cleaned_data.get("closes_action")), f.cleaned_data["as_of"]),
        )
        formset.new_objects = [
            record_update(
                action,
                text=f.cleaned_data["text"],
                rag=f.cleaned_data.get("rag", ""),
                progress=f.cleaned_data.get("progress"),
                as_of=f.cleaned_data.get("as_of"),
                closes=bool(f.cleaned_data.get("closes_action")),
                by=request.user,
            )
            for f in new
        ]
        formset.changed_objects = []
        formset.deleted_objects = []
        return formset.new_objects

    def _close_selected(self, request, queryset, *, form_class, title, intro, verb, close):
        actions = list(queryset.select_related("committee").order_by("reference"))
        form = form_class(request.POST if "apply" in request.POST else None)

        def apply(action, cleaned):
            close(action, cleaned["text"], cleaned.get("as_of"))

        return committees_admin.run_intermediate_action(
            self,
            request,
            actions,
            form=form,
            title=title,
            intro=intro,
            submit_label=verb,
            apply=apply,
            success_message=lambda n, cleaned: (
                f"{verb}: {committees_admin.plural(n, 'action')} closed."
            ),
            failure_prefix="No action was closed.",
        )

    @admin.action(description="Sign off as complete", permissions=["change"])
    def sign_off_selected(self, request, queryset):
        def close(action, text, as_of: dt.date | None):
            sign_off(action, text=text, as_of=as_of, by=request.user)

        return self._close_selected(
            request,
            queryset,
            form_class=SignOffForm,
            title="Sign off actions as complete",
            intro="Each of these actions will be closed as completed, with your note as its "
            "closing update (RAG: completed).",
            verb="Signed off",
            close=close,
        )

    @admin.action(description="Withdraw", permissions=["change"])
    def withdraw_selected(self, request, queryset):
        def close(action, text, as_of: dt.date | None):
            withdraw(action, reason=text, as_of=as_of, by=request.user)

        return self._close_selected(
            request,
            queryset,
            form_class=WithdrawForm,
            title="Withdraw actions",
            intro="Each of these actions will be closed as withdrawn, with your reason as its "
            "closing update.",
            verb="Withdrawn",
            close=close,
        )


class ActionUpdateAddForm(forms.ModelForm):
    class Meta:
        model = ActionUpdate
        fields = ("action", "as_of", "text", "rag", "progress", "closes_action")

    def clean_action(self):
        action = self.cleaned_data["action"]
        if not action.is_open:
            raise ValidationError(
                f"{action.reference} is {action.get_status_display().lower()}; "
                "reopen it before adding updates."
            )
        return action


@admin.register(ActionUpdate)
class ActionUpdateAdmin(committees_admin.HistoryAdmin):
    """Updates are history: added through record_update, then only read."""

    form = ActionUpdateAddForm
    list_display = ("action", "as_of", "rag", "progress", "closes_action", "recorded_by")
    list_filter = ("action__committee", "action__municipal_year", "rag", "closes_action")
    search_fields = ("action__reference", "action__title", "text")
    list_select_related = ("action", "recorded_by")
    date_hierarchy = "as_of"
    autocomplete_fields = ("action",)
    readonly_fields = ("recorded_at", "recorded_by", "recorded_by_person")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_form(self, request, form, change):
        cleaned = form.cleaned_data
        update = record_update(
            cleaned["action"],
            text=cleaned["text"],
            rag=cleaned["rag"],
            progress=cleaned["progress"],
            as_of=cleaned["as_of"],
            closes=cleaned["closes_action"],
            by=request.user,
        )
        form.save_m2m = lambda: None  # record_update saved everything
        return update

    def save_model(self, request, obj, form, change):
        pass  # saved by record_update in save_form


# --- Executive responses ---------------------------------------------------------------------


class ResponseOverdueFilter(admin.SimpleListFilter):
    title = "response overdue"
    parameter_name = "response_overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue")]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


@admin.register(ExecutiveResponse)
class ExecutiveResponseAdmin(committees_admin.HistoryAdmin):
    list_display = (
        "resolution",
        "executive_body",
        "responsible",
        "referred_on",
        "response_due",
        "decision",
        "implementation",
        "impact_review_due",
        "impact",
    )
    list_filter = (
        "resolution__committee",
        "resolution__municipal_year",
        "decision",
        ResponseOverdueFilter,
        "implementation",
        "impact",
    )
    search_fields = (
        "resolution__reference",
        "resolution__text",
        "executive_body",
        "responsible__name",
        "response_text",
    )
    list_select_related = ("resolution", "responsible")
    date_hierarchy = "response_due"
    autocomplete_fields = ("resolution", "responsible")
    readonly_fields = ("response_due", "impact_review_due")
    fieldsets = (
        (
            "The recommendation",
            {
                "fields": (
                    "resolution",
                    "executive_body",
                    "responsible",
                    "referred_on",
                    "response_due",
                )
            },
        ),
        ("1. Was it accepted?", {"fields": ("decision", "responded_on", "response_text")}),
        ("2. Was it implemented?", {"fields": ("implementation", "implemented_on")}),
        (
            "3. Did it have the intended impact?",
            {
                "fields": (
                    "impact_review_months",
                    "impact_review_due",
                    "impact",
                    "impact_reviewed_on",
                    "impact_notes",
                )
            },
        ),
    )
