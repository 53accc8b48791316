"""Deferrals: an item put off to a later meeting, and to which one."""

import re

from tracker.importer.parsing.proposal import DeferralProposal, ItemProposal, _Context
from tracker.importer.parsing.text import _short
from tracker.importer.patterns import Guarded
from tracker.importer.targets import (
    TARGET_PHRASE,
)

_DEFER = Guarded(
    re.compile(
        r"\b(?P<verb>deferred|defer(?:red)?|postponed|adjourned|held\s+over|carried\s+forward)\b(?:\s+(?:consideration\s+of\s+(?:this|the)\s+(?:item|report|matter)\s+|(?:this|the)\s+(?:item|report|matter)\s+|consideration\s+))?(?:\s*(?:to|until|till|for|at)\s+(?P<target>[^.;]{3,200}))?",
        re.I,
    ),
    ("defer", "postponed", "adjourned", "held", "carried"),
    opens="acdhp",
)

_ITEM_SUBJECT = re.compile(
    r"(?:^|\b)(?:this|the|that|said)?\s*(?:item|report|matter|it|consideration|update|agenda\s+item|item\s+\d+|minutes|approval(?:\s+of\s+the\s+minutes)?|appointment|decision)\s*(?:\(?\d+\)?\s*)?(?:was|were|is|be|to\s+be|has\s+been|had\s+been|would\s+be|will\s+be|should\s+be)?\s*(?:therefore\s+|accordingly\s+)?$",
    re.I,
)


_OF_BODY = re.compile(
    r"\s+of\s+(?:the\s+|this\s+)?(?:[\w'&-]+\s+){0,5}?(?:committee|sub-committee|board|panel|council|cabinet|commission)\b",
    re.I,
)


# "would need to be dealt with at the next meeting ... on 5 December 2018": put off without
# the word "deferred", to a meeting that is named.
_PUT_OFF = Guarded(
    re.compile(
        r"\b(?:would|will|to|should|must|could)\s+(?:need\s+to\s+|have\s+to\s+)?be\s+"
        r"(?:dealt\s+with|considered|agreed|taken|approved|decided|determined|heard)\s+"
        r"(?P<target>(?:at|by)\s+(?:the|its|a)\s+(?:next|following|future|later|subsequent)\b[^.;]{0,200})",
        re.I,
    ),
    ("dealt", "considered", "agreed", "taken", "approved", "decided", "determined", "heard"),
    ("next", "following", "future", "later", "subsequent"),
)
# The clause's subject opens with the item's own business: "the minutes of the meeting held on
# 30th September would be agreed at the next meeting".
_SUBJECT_HEAD = re.compile(
    r"^(?:the\s+|this\s+|that\s+)?(?:minutes|item|report|matter|consideration|approval|appointment)\b",
    re.I,
)
# Someone's suggestion is not the meeting's decision: "Councillor X suggested that approving
# the report be postponed until ..." (the RESOLVED that follows says what was decided).
_ONLY_SUGGESTED = re.compile(
    r"\b(?:suggested|proposed|wondered|queried)\s+(?:that|whether|if)\b|\basked\s+(?:whether|if)\b",
    re.I,
)
# a reason or condition after the target: "to the next meeting as the report was late"
_REASON = re.compile(
    r",?\s+(?:as|because|since|due\s+to|owing\s+to|pending|to\s+allow|so\s+that|in\s+order|alongside|together\s+with|"
    r"at\s+the\s+request|following|when|once|subject\s+to|until\s+such)\b.*$",
    re.I,
)


def _deferral_target(target: str) -> str:
    """ "the July 2023 meeting at the request of the Director" is deferred to "the July 2023
    meeting": a target that opens with a date or meeting ends with it (and "of the Board");
    any other target loses the reason that follows it ("as the report was late")."""
    found = TARGET_PHRASE.match(target)
    if not found:
        return _REASON.sub("", target).strip()
    end = found.end()
    body = _OF_BODY.match(target, end)
    if body:
        end = body.end()
    return target[:end]


def _find_deferral(
    item: ItemProposal, sentences: list[str], context: _Context, decisions: int = 0
) -> None:
    """The first sentence that puts the item off. `decisions` of the sentences (the first ones)
    are the item's decisions: "approval of the minutes be deferred" defers in a decision
    whatever its subject."""
    for position, sentence in enumerate(sentences):
        in_decision = position < decisions
        found = None
        for match in _DEFER.finditer(sentence):
            before = sentence[: match.start()].strip()
            subject = re.split(r"[,;:]\s*|\band\b|\bthat\b", before, flags=re.I)[-1].strip()
            if not in_decision and _ONLY_SUGGESTED.search(before):
                continue
            if (
                before
                and not in_decision
                and not _ITEM_SUBJECT.search(subject)
                and not re.search(r"\b(?:agreed|decided|resolved)\s+to$", before, re.I)
            ):
                continue
            if (
                in_decision
                and before
                and not re.search(r"\b(?:be|is|was|are|were)\s+$", before + " ", re.I)
                and not _ITEM_SUBJECT.search(subject)
            ):
                continue
            if match["verb"].lower().startswith("defer") is False and not re.search(
                r"\b(?:item|report|matter|consideration|minutes)\b", sentence, re.I
            ):
                continue
            found = match
            break
        if found is None:
            put_off = _PUT_OFF.search(sentence)
            if not put_off:
                continue
            before = sentence[: put_off.start()].strip()
            subject = re.split(r"[,;:]\s*|\band\b|\bthat\b", before, flags=re.I)[-1].strip()
            if not (_ITEM_SUBJECT.search(subject) or _SUBJECT_HEAD.match(subject)):
                continue
            if position >= decisions and _ONLY_SUGGESTED.search(before):
                continue
            found = put_off
        target = _deferral_target((found["target"] or "").strip())
        target = re.sub(r"^(?:at|by)\s+", "", target, flags=re.I)
        target = (
            re.sub(r"^(?:the\s+)?(?:consideration\s+of\s+)?", "", target)
            if target.lower().startswith("consideration")
            else target
        )
        item.outcome = "deferred"
        if target:
            placement = context.place(target, "deferred to", item)
            chosen = placement.meeting_date or placement.day
            item.deferred_to = DeferralProposal(
                text=placement.text,
                date=chosen.isoformat() if chosen else None,
                reason=_short(sentence, 300),
            )
        else:
            item.deferred_to = DeferralProposal(text="", date=None, reason=_short(sentence, 300))
            context.meeting.warnings.append(
                f"Item {item.label}: the minutes say it was deferred but not to when; set the "
                "meeting it goes to."
            )
        return
