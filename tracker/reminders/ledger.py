"""The reminder ledger: every reminder the tracker sends, recorded once.

The ledger is also the outbox. Planning a reminder inserts its row (a unique constraint on
rule, recipient, subject-matter and date makes a second insert a no-op); delivering takes
pending rows one at a time with SELECT ... FOR UPDATE SKIP LOCKED, sends each and marks it
sent in the claim's transaction (`outbox`). So a re-run sweep, a second worker or a second
beat never sends a reminder twice, a stop waits for the row being sent and leaves it sent, and
a worker that dies leaves what it had not marked pending for the next sweep.

A killed worker repeats at most the one message in flight: its earlier marks are committed
(on PostgreSQL most without waiting for the disk, and those are lost only if the database
server itself stops). A crash of the database server may repeat up to 15 messages since the
last durable mark (`outbox.BATCH`), each with its own Message-ID.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from committees.models import Committee, Person


class ReminderQuerySet(models.QuerySet):
    def due(self, now: dt.datetime):
        return self.filter(status=Reminder.Status.PENDING, next_attempt_at__lte=now)

    def failed(self):
        return self.filter(status=Reminder.Status.FAILED)


class Reminder(models.Model):
    class Rule(models.TextChoices):
        ITEM_DEFERRED = "item_deferred", "Item deferred"
        REPORT_DUE_SOON = "report_due_soon", "Report due soon"
        REPORT_OVERDUE = "report_overdue", "Report overdue"
        ACTION_OVERDUE = "action_overdue", "Action overdue"
        CHAIR_DIGEST = "chair_digest", "Chair's weekly digest"
        RESPONSE_WARNING = "response_warning", "Executive response due in two weeks"
        RESPONSE_DUE = "response_due", "Executive response due"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        STOPPED = "stopped", "Not sent: no longer due"

    rule = models.CharField(max_length=20, choices=Rule.choices)
    recipient_email = models.EmailField(
        blank=True, help_text="Empty when nobody could be addressed."
    )
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    cc = models.JSONField(default=list, blank=True, help_text="Addresses copied in.")
    about = models.CharField(
        max_length=80, help_text='What the reminder is about, e.g. "item:12:due:3" or "action:4".'
    )
    for_date = models.DateField(help_text="The day the reminder is for (Europe/London).")
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivery_receipts = models.JSONField(
        default=dict,
        blank=True,
        help_text="Sent through GOV.UK Notify: the notification id Notify gave each address it "
        "accepted, to look up its delivery there. An address listed is not sent to again.",
    )

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # `about` names the person meant to act (":p12"), so this is one per recipient.
            models.UniqueConstraint(
                fields=["rule", "about", "for_date"], name="reminder_once_per_rule_subject_date"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="reminder_sent_has_time",
            ),
        ]
        indexes = [
            # The outbox: only rows still to send, so finding them stays a lookup, not a scan.
            # In the claim's order (next_attempt_at, pk): taking the first row is then one index
            # step, not a sort of every pending row per message (quadratic over a big sweep).
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="reminder_pending_idx",
            ),
            models.Index(fields=["committee", "status"]),
        ]

    def __str__(self):
        return f"{self.get_rule_display()} to {self.recipient_email} for {self.for_date}"

    @property
    def message_id(self) -> str:
        """Stable per reminder: a resend after a crash is recognisably the same message."""
        return f"<reminder-{self.pk}-{self.for_date:%Y%m%d}@scrutiny-tracker>"


class UsedLink(models.Model):
    """A signed email link that has done its one job; using it again is refused."""

    fingerprint = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"link used {self.used_at:%Y-%m-%d %H:%M}"
