"""Roll the committees into a new municipal year: `rollover_year 2027/28 [--committee SLUG ...]
[--membership "slug; person; role" ...] [--annual-meeting YYYY-MM-DD] [--dry-run]`."""

import argparse
import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from actions.rollover import RolloverReport, roll_over
from committees.rollover import ALREADY, CARRIED, LEFT, RECORDED, UNCHANGED

HEADINGS = {
    CARRIED: "carried",
    ALREADY: "already carried",
    LEFT: "left",
    RECORDED: "recorded",
    UNCHANGED: "unchanged",
}


def parse_day(value: str) -> dt.date:
    # argparse turns ArgumentTypeError into "error: argument --annual-meeting: ...", exit 2;
    # anything else raised here would escape it as a traceback.
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"give a real date such as 2027-05-19, not {value[:40]!r}"
        ) from None


def refusal(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(message for messages in error.message_dict.values() for message in messages)
    return " ".join(error.messages)


def describe(report: RolloverReport) -> list[str]:
    lines = [
        f"Rollover into {report.year}" + (" (dry run: nothing was saved)" if report.dry_run else "")
    ]
    for entry in report.committees:
        opened = []
        if entry.year_opened:
            opened.append(f"{entry.new} opened")
        if entry.programme_opened:
            opened.append("work programme opened")
        lines.append(
            f"{entry.committee.name}: {entry.previous} -> {entry.new}"
            + (f" ({', '.join(opened)})" if opened else "")
        )
        for line in entry.lines:
            why = f" ({line.why})" if line.why else ""
            lines.append(f"  {HEADINGS[line.outcome]} {line.kind}: {line.title}{why}")
    for committee, why in report.skipped:
        lines.append(f"{committee.name}: skipped ({why})")
    kinds = ("topic", "action", "recommendation")
    carried = ", ".join(f"{report.count(CARRIED, kind)} {kind}(s)" for kind in kinds)
    lines.append(
        f"Carried {carried}; already carried {report.count(ALREADY)}; left {report.count(LEFT)}; "
        f"membership changes recorded {report.count(RECORDED)}."
    )
    if not report.changed_anything:
        lines.append("Nothing changed: everything was already carried.")
    return lines


class Command(BaseCommand):
    help = (
        "Open the new municipal year's work programme for each committee, carry forward the "
        "topics not yet considered, open actions and recommendations awaiting the executive's "
        "response, and record the annual meeting's membership changes. Running it again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", help="The new municipal year, as councils write it: 2027/28.")
        parser.add_argument(
            "--committee",
            action="append",
            default=[],
            metavar="SLUG",
            help="Only this committee (repeat for more); every committee when none is given.",
        )
        parser.add_argument(
            "--membership",
            action="append",
            default=[],
            metavar='"SLUG; PERSON; ROLE"',
            help="A change made at the annual meeting: the person (name, email or id) becomes "
            "chair, vice-chair, member, co-opted voting or non-voting, substitute, or leaves.",
        )
        parser.add_argument(
            "--annual-meeting",
            type=parse_day,
            metavar="YYYY-MM-DD",
            help="The day membership changes take effect (the new year's first day if not given).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what it would do; save nothing."
        )

    def handle(self, *args, year, committee, membership, annual_meeting, dry_run, **options):
        try:
            report = roll_over(
                year,
                committees=committee,
                memberships=membership,
                annual_meeting=annual_meeting,
                dry_run=dry_run,
            )
        except ValidationError as error:
            raise CommandError(refusal(error)) from None
        for line in describe(report):
            self.stdout.write(line)
