"""Sweep for due reminders every few minutes, in this process: the embedded default.

`make run` starts this beside the web server when no Celery broker is configured, so a
new user sees reminders go out (to var/mail/) with nothing installed but Python.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from tracker.reminders import outbox


class Command(BaseCommand):
    help = "Run the reminder sweep every REMINDER_SWEEP_SECONDS until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Sweep once and stop.")

    def handle(self, *args, once=False, **options):
        interval = settings.REMINDER_SWEEP_SECONDS
        self.stdout.write(f"Sweeping for due reminders every {interval} seconds.")
        while True:
            close_old_connections()
            try:
                for outcome in outbox.sweep():
                    state = "sent" if outcome.delivered else "not sent"
                    self.stdout.write(f"{state}: {outcome.reminder}")
            except Exception as exc:  # keep the loop alive; the next sweep tries again
                self.stderr.write(f"sweep failed: {type(exc).__name__}: {exc}")
            if once:
                return
            time.sleep(interval)
