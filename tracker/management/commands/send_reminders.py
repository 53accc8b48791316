"""Run the reminder sweep now, synchronously: `send_reminders [--now ISO-DATETIME] [--dry-run]`."""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from tracker.reminders import outbox
from tracker.reminders.ledger import Reminder


def parse_moment(value: str) -> dt.datetime:
    try:
        return outbox.moment_from_text(value)
    except ValueError as error:
        # argparse says this as "error: argument --now: ..." (exit 2), with no traceback.
        raise argparse.ArgumentTypeError(str(error)) from None


def describe(reminder: Reminder) -> str:
    copies = f" (cc {', '.join(reminder.cc)})" if reminder.cc else ""
    to = reminder.recipient_email or "NOBODY"
    return f"{reminder.for_date} {reminder.rule} to {to}{copies}: {reminder.subject}"


class Command(BaseCommand):
    help = "Send the reminders that are due now (or at --now), printing one line each."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            type=parse_moment,
            help="Act as if it were this moment (ISO 8601; Europe/London if no offset).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be sent; change nothing."
        )

    def handle(self, *args, now=None, dry_run=False, **options):
        now = now or timezone.now()
        if dry_run:
            planned = outbox.plan(now, dry_run=True)
            waiting = list(Reminder.objects.due(now).order_by("next_attempt_at", "pk"))
            for reminder in waiting + planned:
                self.stdout.write(f"would send: {describe(reminder)}")
            self.stdout.write(f"{len(waiting) + len(planned)} reminder(s) would be sent.")
            return
        outcomes = outbox.sweep(now)
        for outcome in outcomes:
            if outcome.delivered:
                self.stdout.write(f"sent: {describe(outcome.reminder)}")
            elif outcome.reminder.status == Reminder.Status.FAILED:
                self.stdout.write(f"FAILED: {describe(outcome.reminder)} [{outcome.error}]")
            else:
                self.stdout.write(
                    f"will retry at {outcome.reminder.next_attempt_at:%Y-%m-%d %H:%M}: "
                    f"{describe(outcome.reminder)} [{outcome.error}]"
                )
        sent = sum(o.delivered for o in outcomes)
        self.stdout.write(f"{sent} sent, {len(outcomes) - sent} not sent.")
