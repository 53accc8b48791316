"""From the text of minutes to a proposal: meetings, items, decisions and follow-up.

Minutes come in a family of layouts rather than one format: modern.gov pages ("24." on a
line of its own, the title below, "Minutes:" before the minutes), printed minutes ("39.
Declaration of Interest", "Resolved: that ..."), CMIS pages with lettered `<ol>` lists, and
agenda packs whose middle holds the previous meeting's minutes. The parser therefore looks
for the shapes they share: a header naming the committee and date, a run of item headings
whose numbers increase, decision blocks opened by RESOLVED / AGREED, and sentences that
defer, ask for reports or promise to send something.

Everything is plain dataclasses, so a proposal can be shown, edited, signed and saved
without touching the database. Anything the parser cannot place becomes a warning: an
officer reviews every proposal before it is saved.

The work programme printed at the end of an agenda pack is NOT turned into requests: it is
the committee's standing plan, not something asked for at the meeting, and its rows carry no
decision. The parser says it was found, in a warning, so the officer can check the plan.

The package is split by concern: `text` (lines, paragraphs, sentences), `header` (which
meeting) and `unheaded` (minutes with no header we know), `headings` (numbered item headings)
and `unnumbered` (titles without numbers), `items` (where items are cut and what each one's
text proposes), `decisions` (RESOLVED blocks and their parts), `deferrals`, `requests` (work
programme, reports back, undertakings) and `future` (future business asked for in plainer
words), `exempt` (Part 2) and `proposal` (the dataclasses it all fills in).
"""

from tracker.importer.parsing.header import _find_meetings, _trailing_work_programme
from tracker.importer.parsing.items import _propose_meeting
from tracker.importer.parsing.proposal import (
    DeferralProposal,
    ItemProposal,
    MeetingProposal,
    Proposal,
    ReportBackRequest,
    ResolutionProposal,
    TargetProposal,
    Undertaking,
    WorkProgrammeRequest,
    describe,
)
from tracker.importer.parsing.text import _prepare_lines
from tracker.importer.parsing.unheaded import named_in_text
from tracker.importer.reading import MinutesError
from tracker.importer.targets import Calendar

__all__ = [
    "DeferralProposal",
    "ItemProposal",
    "MeetingProposal",
    "Proposal",
    "ReportBackRequest",
    "ResolutionProposal",
    "TargetProposal",
    "Undertaking",
    "WorkProgrammeRequest",
    "describe",
    "propose",
]

# --- Entry point -------------------------------------------------------------------------


def propose(
    text: str,
    *,
    committee=None,
    calendar: Calendar | None = None,
) -> Proposal:
    """A proposal for every meeting whose minutes are in `text`.

    `committee` (a Committee, optional) is used to place targets on its calendar; without
    one (a dry run for a committee not set up) targets keep their text and months only.
    """
    if calendar is None:
        calendar = Calendar.for_committee(committee)
    lines = _prepare_lines(text)
    segments = _find_meetings(lines)
    if not segments:
        segments = [named_in_text(lines)]
    proposal = Proposal()
    for segment in segments:
        meeting = _propose_meeting(lines, segment, calendar, committee)
        if segment.guessed and not meeting.items:
            # a guessed header with nothing under it is not minutes: say so, propose nothing
            raise MinutesError(
                "No minutes were found: no meeting header was recognised, and no agenda items "
                'or decisions were found in the text ("1. Title", "Item 7: Title", "12/23 '
                'TITLE", or a title followed by its minutes).'
            )
        proposal.meetings.append(meeting)
    trailing = _trailing_work_programme(lines, segments[-1].end)
    if trailing:
        proposal.meetings[-1].warnings.append(trailing)
    return proposal
