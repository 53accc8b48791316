"""Deferrals: an item put off to a later meeting, and to which one."""

import re

from tracker.importer.parsing.proposal import DeferralProposal, ItemProposal, _Context
from tracker.importer.parsing.text import _short
from tracker.importer.targets import (
    TARGET_PHRASE,
)

_DEFER = re.compile(
    r"\b(?P<verb>deferred|defer(?:red)?|postponed|adjourned|held\s+over|carried\s+forward)\b(?:\s+(?:consideration\s+of\s+(?:this|the)\s+(?:item|report|matter)\s+|(?:this|the)\s+(?:item|report|matter)\s+|consideration\s+))?(?:\s*(?:to|until|till|for|at)\s+(?P<target>[^.;]{3,200}))?",
    re.I,
)

_ITEM_SUBJECT = re.compile(
    r"(?:^|\b)(?:this|the|that|said)?\s*(?:item|report|matter|it|consideration|update|agenda\s+item|item\s+\d+)\s*(?:\(?\d+\)?\s*)?(?:was|were|is|be|to\s+be|has\s+been|had\s+been|would\s+be|will\s+be|should\s+be)?\s*(?:therefore\s+|accordingly\s+)?$",
    re.I,
)


_OF_BODY = re.compile(
    r"\s+of\s+(?:the\s+|this\s+)?(?:[\w'&-]+\s+){0,5}?(?:committee|sub-committee|board|panel|council|cabinet|commission)\b",
    re.I,
)


def _deferral_target(target: str) -> str:
    """ "the July 2023 meeting at the request of the Director" is deferred to "the July 2023
    meeting": a target that opens with a date or meeting ends with it (and "of the Board")."""
    found = TARGET_PHRASE.match(target)
    if not found:
        return target
    end = found.end()
    body = _OF_BODY.match(target, end)
    if body:
        end = body.end()
    return target[:end]


def _find_deferral(item: ItemProposal, sentences: list[str], context: _Context) -> None:
    for sentence in sentences:
        for match in _DEFER.finditer(sentence):
            before = sentence[: match.start()].strip()
            subject = re.split(r"[,;:]\s*|\band\b|\bthat\b", before, flags=re.I)[-1].strip()
            if (
                before
                and not _ITEM_SUBJECT.search(subject)
                and not re.search(r"\b(?:agreed|decided|resolved)\s+to$", before, re.I)
            ):
                continue
            if match["verb"].lower().startswith("defer") is False and not re.search(
                r"\b(?:item|report|matter|consideration)\b", sentence, re.I
            ):
                continue
            target = _deferral_target((match["target"] or "").strip())
            target = (
                re.sub(r"^(?:the\s+)?(?:consideration\s+of\s+)?", "", target)
                if target.lower().startswith("consideration")
                else target
            )
            item.outcome = "deferred"
            if target:
                placement = context.place(target, "deferred to", item)
                item.deferred_to = DeferralProposal(
                    text=placement.text,
                    date=placement.meeting_date.isoformat() if placement.meeting_date else None,
                    reason=_short(sentence, 300),
                )
            else:
                item.deferred_to = DeferralProposal(
                    text="", date=None, reason=_short(sentence, 300)
                )
                context.meeting.warnings.append(
                    f"Item {item.label}: the minutes say it was deferred but not to when; set the "
                    "meeting it goes to."
                )
            return
