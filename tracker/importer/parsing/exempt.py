"""Part 2 business: items considered after the press and public were excluded.

An exempt item is proposed with its Schedule 12A paragraph, and no warning quotes its text.
"""

import re

from tracker.importer.parsing.proposal import ItemProposal, MeetingProposal
from tracker.importer.patterns import Guarded

# Part 2 business: the exclusion resolution, and items marked exempt in their heading or text.
_EXEMPT_MARK = Guarded(
    re.compile(
        r"\bexempt\s+information\b|\bschedule\s+12\s*a\b|\bpart\s+(?:2|ii|two)\b|\bexempt\s+(?:item|report|business)\b|\bnot\s+for\s+publication\b",
        re.I,
    ),
    ("exempt", "schedule", "part", "publication"),
    opens="enps",
)
_EXCLUSION = Guarded(
    re.compile(
        r"\bexclu(?:sion|ded?)\s+(?:of\s+)?(?:the\s+)?(?:press|public)|\b(?:press|public)\s+(?:and\s+public\s+|and\s+press\s+)?(?:be|were|was)\s+excluded\b",
        re.I,
    ),
    ("exclu",),
)
_PUBLIC_AGAIN = re.compile(
    r"\b(?:press|public)\s+(?:and\s+(?:press|public)\s+)?(?:were|was|be)\s+(?:re-?admitted|readmitted|invited\s+back)|\breturned\s+to\s+(?:open|public)\s+session\b|\bpart\s+(?:1|i|one)\b",
    re.I,
)
_EXEMPT_PARAGRAPH = re.compile(
    r"\bparagraphs?\s+(?P<n>[1-7])\b(?=[^.]{0,80}\bschedule\s+12\s*a\b)", re.I
)
_QUOTED = re.compile(r'"[^"]*"')
# The standing item that asks *whether* any business is exempt ("To determine whether items
# contain exempt information ... RESOLVED: That all items be considered in public") is public.
_DECIDES_WHETHER = re.compile(
    r"\b(?:whether|if)\b[^.]{0,80}\bexempt\b|\b(?:considered|taken|heard|held)\s+in\s+public\b",
    re.I,
)


def _exempt_state(item: ItemProposal, body: list[str], excluded: bool) -> tuple[bool, bool]:
    """(is this item exempt, are the public excluded for the items after it)."""
    text = " ".join(line for line in body[:200] if line)
    title_exempt = bool(_EXEMPT_MARK.search(item.title))
    exclusion_item = bool(_EXCLUSION.search(item.title)) or (
        bool(_EXCLUSION.search(text)) and bool(re.search(r"\bfollowing\s+items?\b", text, re.I))
    )
    if exclusion_item:
        # the resolution excluding the public is itself public; the items after it are not
        paragraph = _EXEMPT_PARAGRAPH.search(text)
        return False, True if paragraph is None else int(paragraph["n"])
    if excluded and _PUBLIC_AGAIN.search(item.title + " " + text[:300]):
        return False, False
    exempt = (
        title_exempt
        or bool(excluded)
        or bool(
            _EXEMPT_MARK.search(text[:400])
            and re.search(r"\bexempt\b", text[:400], re.I)
            and not _DECIDES_WHETHER.search(text[:600])
        )
    )
    return exempt, excluded


def _mark_exempt(item, body, excluded, meeting: MeetingProposal, before: int) -> None:
    """An exempt item is proposed with its number and title; nothing of its text is quoted
    in warnings, which officers share and paste more freely than the minutes."""
    item.exempt = True
    found = _EXEMPT_PARAGRAPH.search(" ".join(line for line in body[:200] if line))
    if found:
        item.exempt_paragraph = int(found["n"])
    elif excluded is not True and excluded:
        item.exempt_paragraph = int(excluded)
    for index in range(before, len(meeting.warnings)):
        meeting.warnings[index] = _QUOTED.sub("[exempt text not shown]", meeting.warnings[index])
    paragraph = (
        f"paragraph {item.exempt_paragraph} of Part 1 of Schedule 12A"
        if item.exempt_paragraph
        else "no paragraph of Schedule 12A was found: set it"
    )
    meeting.warnings.append(
        f"Item {item.label}: exempt (Part 2; {paragraph}). It is proposed as an exempt item with "
        "its printed title as the public title; check what the public may see."
    )
