"""The sync's own records: every run (what ran, when, what changed, what failed) and every
difference between modern.gov and the tracker that an officer must decide."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from committees.models import Authority, Committee


class SyncRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        PARTLY = "partly", "Done in part: some committees failed"
        FAILED = "failed", "Failed"

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    trigger = models.CharField(max_length=20, help_text="command or schedule")
    committee_ids = models.JSONField(default=list, help_text="The modern.gov committees asked for.")
    date_from = models.DateField()
    date_to = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    changes = models.JSONField(default=list, help_text="What this run changed, one line each.")
    faults = models.JSONField(default=list, help_text="What could not be read, one line each.")
    questions = models.PositiveIntegerField(default=0, help_text="Requests made, retries included.")

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = "modern.gov sync"
        indexes = [models.Index(fields=["authority", "-started_at"])]

    def __str__(self):
        return f"{self.authority} {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class DifferenceQuerySet(models.QuerySet):
    def awaiting(self):
        return self.filter(decided_at__isnull=True)


class Difference(models.Model):
    """Where modern.gov and the tracker disagree about something officers record here. The
    sync never chooses: it records the difference once (its `key` names the thing and what
    modern.gov says), and an officer decides; a decided difference is not raised again
    unless modern.gov then says something else."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="+")
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    key = models.CharField(max_length=200)
    subject = models.CharField(max_length=300, help_text="What it is about.")
    moderngov_says = models.CharField("modern.gov says", max_length=500)
    tracker_says = models.CharField("the tracker says", max_length=500)
    first_seen = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="differences")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DifferenceQuerySet.as_manager()

    class Meta:
        ordering = ["decided_at", "-first_seen__started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "key"], name="difference_once_per_key")
        ]

    def __str__(self):
        return f"{self.subject}: modern.gov says {self.moderngov_says}"


class ModernGovAuthority(Authority):
    """An authority as the modern.gov page of the admin shows it."""

    class Meta:
        proxy = True
        verbose_name = "authority's modern.gov sync"
        verbose_name_plural = "authorities' modern.gov syncs"
