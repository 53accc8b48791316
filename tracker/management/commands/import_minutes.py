"""Import published minutes: `import_minutes FILE [--committee SLUG] [--dry-run] [--format json|text]`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from committees.models import Committee
from tracker.importer.parsing import describe, propose
from tracker.importer.reading import MAX_BYTES, MinutesError, read_minutes
from tracker.importer.saving import SavingError, find_committee, save_proposal
from tracker.importer.targets import Calendar


class Command(BaseCommand):
    help = (
        "Propose the meetings, items, decisions and follow-up in a file of minutes; with "
        "--dry-run print the proposal and save nothing, otherwise save it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Minutes as text, HTML, PDF or Word (.docx).")
        parser.add_argument("--committee", metavar="SLUG", help="The committee the minutes are of.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the proposal; save nothing."
        )
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, file, committee=None, dry_run=False, format="text", **options):
        chosen = None
        if committee:
            chosen = Committee.objects.filter(slug=committee).first()
            if chosen is None:
                raise CommandError(
                    f'No committee has the slug "{committee}"; nothing was imported.'
                )
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            if path.stat().st_size > MAX_BYTES:
                raise MinutesError(
                    f"{file} is larger than {MAX_BYTES // 1024 // 1024} MB; minutes that large are not read."
                )
            text = read_minutes(path.read_bytes(), path.name)
            named = None
            if chosen is None:
                first = propose(text, calendar=Calendar())
                names = {m.committee for m in first.meetings}
                try:
                    named = find_committee(next(iter(names))) if len(names) == 1 else None
                except DatabaseError:
                    if not dry_run:
                        raise CommandError(
                            "The database is not set up (run `manage.py migrate`); nothing was saved."
                        ) from None
                    named = None  # a dry run needs no database: propose from the text alone
            proposal = propose(text, committee=chosen or named) if (chosen or named) else first
        except MinutesError as error:
            raise CommandError(f"{file}: {error}") from None
        except OSError as error:
            raise CommandError(f"{file} could not be read: {error.strerror or error}") from None

        if dry_run:
            if format == "json":
                self.stdout.write(json.dumps(proposal.as_json(), indent=2, ensure_ascii=False))
            else:
                self.stdout.write(describe(proposal))
            return

        target = chosen or named
        if target is None:
            found = ", ".join(sorted({f'"{m.committee}"' for m in proposal.meetings})) or "none"
            raise CommandError(
                f"The minutes name the committee {found}, which matches no committee here by its "
                "exact name; pass --committee SLUG to choose one. Nothing was saved."
            )
        try:
            results = save_proposal(proposal, target)
        except SavingError as error:
            raise CommandError(str(error)) from None
        if format == "json":
            self.stdout.write(json.dumps(proposal.as_json(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(describe(proposal))
        for result in results:
            self.stdout.write(result.summary())
