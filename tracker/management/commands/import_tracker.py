"""Import a council's tracker spreadsheet:
`import_tracker FILE.xlsx|FILE.csv --committee SLUG [--sheet NAME] [--dry-run]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from openpyxl.utils import column_index_from_string

from committees.models import Committee
from tracker.workbooks.columns import FIELD_KEYS, LABELS
from tracker.workbooks.recording import Kinds, record
from tracker.workbooks.rows import read_rows
from tracker.workbooks.sheets import MAX_COLUMNS, WorkbookError, read_sheet

MAX_FILE_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Read a tracker spreadsheet (.xlsx or .csv) of recommendations and actions and save "
        "them for a committee: meetings by date, resolutions, actions, their latest update and "
        "executive responses. --dry-run reports the same and saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The tracker: an Excel workbook (.xlsx) or CSV file.")
        parser.add_argument(
            "--committee", metavar="SLUG", required=True, help="The committee it tracks."
        )
        parser.add_argument(
            "--sheet", metavar="NAME", help="The sheet to read (default: the first)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be saved; save nothing."
        )
        parser.add_argument(
            "--kind",
            choices=[str(value) for value, _ in Kinds.CHOICES],  # plain values, not enum names
            default=Kinds.AUTO,
            help="What the rows are: 'auto' (a recommendation where the row has an executive "
            "response or portfolio holder, else an action), or all one kind.",
        )
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="LETTER=FIELD",
            help="Change the proposed mapping: 'F=update' reads column F as the latest update, "
            "'F=' reads nothing from it. Fields: " + ", ".join(FIELD_KEYS) + ".",
        )

    def handle(
        self, *args, file, committee, sheet=None, dry_run=False, kind="auto", column=(), **options
    ):
        kinds = [str(value) for value, _ in Kinds.CHOICES]
        if kind not in kinds:
            raise CommandError(
                f'"{kind}" is not a kind of row; the kinds are: ' + ", ".join(kinds) + "."
            )
        chosen = Committee.objects.filter(slug=committee).first()
        if chosen is None:
            raise CommandError(f'No committee has the slug "{committee}"; nothing was imported.')
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{file} is larger than 200 MB; nothing was imported.")
        try:
            found = read_sheet(path.read_bytes(), path.name, sheet)
            reading = read_rows(found)
            if column and reading.header is not None:
                mapping = self._changed_mapping(reading.mapping, column)
                found = read_sheet(path.read_bytes(), path.name, sheet)
                reading = read_rows(found, mapping)
        except WorkbookError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        self._describe(reading)
        if reading.mapping_problems:
            raise CommandError(
                " ".join(reading.mapping_problems)
                + " Use --column LETTER=FIELD to say which column holds it. Nothing was imported."
            )
        try:
            outcome = record(reading, chosen, by=None, kind=kind, dry_run=dry_run)
        except DatabaseError as error:
            raise CommandError(
                f"The database refused the import ({error}); nothing was saved."
            ) from None
        if outcome.refused:
            self.stdout.write(f"Rows refused ({len(outcome.refused)}):")
            for problem in outcome.refused:
                self.stdout.write(f"  {problem}")
        if outcome.people:
            verb = "to be added" if dry_run else "added"
            self.stdout.write(
                f"People {verb} to {chosen.authority.name}'s people ({len(outcome.people)}):"
            )
            for person in outcome.people:
                title = f", {person.job_title}" if person.job_title else ""
                self.stdout.write(f"  {person.name}{title}")
        if outcome.notes:
            self.stdout.write(f"Notes ({len(outcome.notes)}):")
            for note in outcome.notes:
                self.stdout.write(f"  {note}")
        changed = outcome.changed_rows
        if changed:
            self.stdout.write(
                f"Rows {'that would change' if dry_run else 'changed'} ({len(changed)}):"
            )
            shown = changed if options.get("verbosity", 1) > 1 else changed[:50]
            for row in shown:
                self.stdout.write(f"  {row}")
            if len(shown) < len(changed):
                self.stdout.write(
                    f"  ... and {len(changed) - len(shown)} more (-v 2 lists them all)"
                )
        self.stdout.write(outcome.summary())

    def _changed_mapping(self, mapping, changes) -> dict[int, str]:
        mapping = dict(mapping)
        for change in changes:
            letter, _, key = change.partition("=")
            letter, key = letter.strip().upper(), key.strip()
            try:
                index = column_index_from_string(letter) - 1
            except ValueError:
                index = None
            if index is None or "=" not in change or index >= MAX_COLUMNS:
                raise CommandError(f'"{change}" is not LETTER=FIELD (for example F=update).')
            if key and key not in FIELD_KEYS:
                raise CommandError(
                    f'"{key}" is not a field; the fields are: ' + ", ".join(FIELD_KEYS) + "."
                )
            mapping = {i: k for i, k in mapping.items() if i != index and k != key}
            if key:
                mapping[index] = key
        return mapping

    def _describe(self, reading) -> None:
        self.stdout.write(f'Sheet "{reading.sheet}"')
        if reading.header is None:
            return
        self.stdout.write(f"Headings on row {reading.header.row}; columns read:")
        for _, letter, heading, key in reading.columns:
            what = LABELS[key] if key else "not read"
            self.stdout.write(f"  {letter} {heading or '(no heading)'}: {what}")
        self.stdout.write(
            f"{reading.rows_read} rows read, {len(reading.passed_over)} passed over as notes or "
            f"titles, {reading.blank_rows} blank."
        )
        for problem in reading.passed_over:
            self.stdout.write(f"  {problem}")
