"""Load the demo data (fixtures/demo.json) into a migrated database: `load_demo`.

Creates only what is missing, in one transaction, so running it again changes nothing.
Prints what it created and the demo logins.
"""

import datetime as dt

from django.apps import apps
from django.core.management.base import BaseCommand

from tracker.demo.loader import DEMO_ACCOUNTS, load_demo


def _is_history(label: str) -> bool:
    return apps.get_model(label).__name__.startswith("Historical")


class Command(BaseCommand):
    help = "Load the demo committees, meetings, work programmes and actions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="Place the current-year slice as if today were this day (YYYY-MM-DD); "
            "by default the real today, London time. Only the first load places it.",
        )

    def handle(self, *args, **options):
        created = load_demo(on=options["today"])
        rows = {label: n for label, n in created.items() if not _is_history(label)}
        history = sum(n for label, n in created.items() if _is_history(label))
        if not created:
            self.stdout.write("Demo data already loaded: nothing to create.")
        else:
            self.stdout.write(self.style.SUCCESS("Demo data loaded. Created:"))
            for label in sorted(rows):
                name = apps.get_model(label)._meta.verbose_name_plural
                self.stdout.write(f"  {rows[label]:>4}  {name} ({label})")
            self.stdout.write(f"  {history:>4}  history rows")
        self.stdout.write("\nDemo logins (at /admin/):")
        width = max(len(username) for username, _, _ in DEMO_ACCOUNTS)
        for username, password, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<{width}}  {password:<18}  {role}")
