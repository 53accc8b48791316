from django.contrib import admin

from tracker.reminders.ledger import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The ledger, read-only: what went out, to whom, and what failed and why."""

    list_display = [
        "for_date",
        "rule",
        "recipient_email",
        "subject",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "rule", "committee"]
    search_fields = ["recipient_email", "recipient_name", "subject", "about"]
    date_hierarchy = "for_date"
    list_select_related = ["committee"]
    readonly_fields = [field.name for field in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
