"""The modern.gov page of the officers' admin: per authority, when it was last synced, what
changed, and the differences awaiting an officer's decision; the sync log; the differences."""

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from tracker.moderngov.models import Difference, ModernGovAuthority, SyncRun


class ReadOnly(admin.ModelAdmin):
    """Officers (staff) read these pages; only the sync writes them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def lines(values: list[str]):
    if not values:
        return "none"
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((v,) for v in values)))


@admin.register(ModernGovAuthority)
class ModernGovAuthorityAdmin(ReadOnly):
    """One row per authority pointed at its modern.gov."""

    list_display = [
        "name",
        "moderngov_url",
        "moderngov_committee_ids",
        "last_synced",
        "last_status",
        "last_changes",
        "awaiting",
    ]
    readonly_fields = ["name", "moderngov_url", "moderngov_committee_ids", "last_run", "awaiting"]
    fields = readonly_fields

    def get_queryset(self, request):
        runs = SyncRun.objects.filter(authority=OuterRef("pk"), finished_at__isnull=False)
        return (
            super()
            .get_queryset(request)
            .exclude(moderngov_url="")
            .annotate(
                last_run_id=Subquery(runs.order_by("-started_at", "-pk").values("pk")[:1]),
                awaiting_count=Subquery(
                    Difference.objects.awaiting()
                    .filter(authority=OuterRef("pk"))
                    .values("authority")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
            )
        )

    def _last(self, obj) -> SyncRun | None:
        if not hasattr(obj, "_last_run"):
            obj._last_run = SyncRun.objects.filter(pk=obj.last_run_id).first()
        return obj._last_run

    @admin.display(description="last synced")
    def last_synced(self, obj):
        run = self._last(obj)
        if run is None:
            return "never"
        url = reverse("admin:moderngov_syncrun_change", args=[run.pk])
        return format_html(
            '<a href="{}">{}</a>',
            url,
            timezone.localtime(run.finished_at).strftime("%-d %B %Y %H:%M"),
        )

    @admin.display(description="result")
    def last_status(self, obj):
        run = self._last(obj)
        return run.get_status_display() if run else "-"

    @admin.display(description="changes in the last sync")
    def last_changes(self, obj):
        run = self._last(obj)
        return len(run.changes) if run else "-"

    @admin.display(description="differences awaiting a decision")
    def awaiting(self, obj):
        count = getattr(obj, "awaiting_count", None)
        if count is None:
            count = Difference.objects.awaiting().filter(authority=obj).count()
        url = reverse("admin:moderngov_difference_changelist")
        return format_html(
            '<a href="{}?authority__id__exact={}&amp;decided=no">{}</a>', url, obj.pk, count or 0
        )

    @admin.display(description="last sync")
    def last_run(self, obj):
        run = SyncRun.objects.filter(authority=obj, finished_at__isnull=False).first()
        if run is None:
            return "never synced"
        return format_html(
            "{} ({})<br>Changes: {}<br>Faults: {}",
            timezone.localtime(run.finished_at).strftime("%-d %B %Y %H:%M"),
            run.get_status_display(),
            lines(run.changes),
            lines(run.faults),
        )


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnly):
    list_display = ["started_at", "authority", "trigger", "status", "change_count", "fault_count"]
    list_filter = ["authority", "status", "trigger"]
    date_hierarchy = "started_at"
    fields = [
        "authority",
        "trigger",
        "started_at",
        "finished_at",
        "status",
        "committee_ids",
        "date_from",
        "date_to",
        "questions",
        "changes_made",
        "faults_met",
    ]
    readonly_fields = fields

    @admin.display(description="changes")
    def change_count(self, obj):
        return len(obj.changes)

    @admin.display(description="faults")
    def fault_count(self, obj):
        return len(obj.faults)

    @admin.display(description="what changed")
    def changes_made(self, obj):
        return lines(obj.changes)

    @admin.display(description="what could not be read")
    def faults_met(self, obj):
        return lines(obj.faults)


class DecidedFilter(admin.SimpleListFilter):
    title = "decided"
    parameter_name = "decided"

    def lookups(self, request, model_admin):
        return [("no", "Awaiting a decision"), ("yes", "Decided")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(decided_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(decided_at__isnull=False)
        return queryset


@admin.register(Difference)
class DifferenceAdmin(ReadOnly):
    list_display = [
        "subject",
        "moderngov_says",
        "tracker_says",
        "committee",
        "first_seen",
        "decided_at",
    ]
    list_filter = [DecidedFilter, "authority", "committee"]
    search_fields = ["subject", "moderngov_says", "tracker_says"]
    list_select_related = ["committee", "first_seen"]
    actions = ["mark_decided"]
    fields = [
        "authority",
        "committee",
        "subject",
        "moderngov_says",
        "tracker_says",
        "first_seen",
        "decided_at",
        "decided_by",
    ]
    readonly_fields = fields

    @admin.action(
        description="Mark as decided (what the tracker records stands, or was put right by hand)"
    )
    def mark_decided(self, request, queryset):
        done = queryset.filter(decided_at__isnull=True).update(
            decided_at=timezone.now(), decided_by=request.user
        )
        self.message_user(request, f"{done} difference(s) marked as decided.", messages.SUCCESS)

    def has_change_permission(self, request, obj=None):
        # Only the action above changes a difference; the form stays read-only.
        return obj is None and request.user.is_staff
