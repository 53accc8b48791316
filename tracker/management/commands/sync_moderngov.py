"""Keep an authority in step with its modern.gov now:
`sync_moderngov --authority SLUG [--committee ID ...] [--from DATE --to DATE] [--dry-run]`."""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from committees.models import Authority
from tracker.moderngov.sync import SyncRefused, sync_authority

# The argparse `type=` readers raise ArgumentTypeError, which argparse turns into
# "error: argument --from: ..." and exit status 2; anything else would escape as a traceback.


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"give a real date as YYYY-MM-DD, not {value[:40]!r}"
        ) from None


def committee_id(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 2**31:
        raise argparse.ArgumentTypeError(
            f"give a modern.gov committee id (a number), not {value[:40]!r}"
        )
    return int(value)


class Command(BaseCommand):
    help = (
        "Bring an authority's committees, meetings, agenda items and members in step with "
        "its modern.gov, printing what changed and what needs an officer's decision."
    )

    def add_arguments(self, parser):
        parser.add_argument("--authority", required=True, help="The authority's slug.")
        parser.add_argument(
            "--committee",
            type=committee_id,
            action="append",
            help="A modern.gov committee id of the authority (repeat for more); all by default.",
        )
        parser.add_argument("--from", dest="date_from", type=iso_date, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", type=iso_date, help="YYYY-MM-DD")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; save nothing."
        )

    def handle(self, *args, authority, committee, date_from, date_to, dry_run, **options):
        found = Authority.objects.filter(slug=authority).first()
        if found is None:
            raise CommandError(f"No authority has the slug {authority!r}.")
        try:
            outcome = sync_authority(
                found,
                committee_ids=committee,
                date_from=date_from,
                date_to=date_to,
                dry_run=dry_run,
            )
        except SyncRefused as refusal:
            raise CommandError(str(refusal)) from None
        run = outcome.run
        would = "would change" if dry_run else "changed"
        for line in run.changes:
            self.stdout.write(f"{would}: {line}")
        for line in outcome.differences:
            self.stdout.write(f"needs a decision: {line}")
        for line in run.faults:
            self.stdout.write(f"FAULT: {line}")
        summary = (
            f"{found}: {len(run.changes)} change(s), {len(outcome.differences)} new "
            f"difference(s), {len(run.faults)} fault(s) ({run.get_status_display()})"
        )
        self.stdout.write(summary + (" - dry run, nothing saved." if dry_run else "."))
        if run.faults:
            raise CommandError("Some of modern.gov could not be read; see the faults above.")
