"""Follow-up asked for at the meeting: work-programme topics, reports back, undertakings to
send something, and the kind of each resolution that follows from them.
"""

import re

from tracker.importer.parsing.decisions import _DECISION_START, _collect_block
from tracker.importer.parsing.proposal import (
    ItemProposal,
    ReportBackRequest,
    ResolutionProposal,
    TargetProposal,
    Undertaking,
    WorkProgrammeRequest,
    _Context,
)
from tracker.importer.parsing.text import _short
from tracker.importer.patterns import Guarded, word_test
from tracker.importer.targets import (
    TARGET_PHRASE,
    Placement,
    find_targets,
    place,
)

_WORK_PROGRAMME = r"(?:(?:committee's|panel's|board's|its|the)\s+)?(?:forward\s+)?work\s*(?:programme|plan|program|schedule)"
_WP_ADDED = Guarded(
    re.compile(
        rf"^(?:that\s+)?(?:the\s+)?(?:(?:item|report|topic|update|issue)\s+on\s+)?(?P<topic>.{{3,250}}?)\s+(?:be|was|were|is|are|to\s+be|would\s+be|should\s+be|had\s+been|has\s+been)\s+(?:added|included|placed|put|scheduled|programmed)\s+(?:to|in|on|into|onto)\s+(?:the\s+)?{_WORK_PROGRAMME}(?:\s+(?:for|at|in|on)\s+(?P<target>[^.;]{{3,200}}))?",
        re.I,
    ),
    ("work",),
    ("added", "included", "placed", "put", "scheduled", "programmed"),
)
_WP_MERGED = Guarded(
    re.compile(
        r"^(?:that\s+)?(?P<topic>.{3,250}?)\s+(?:be|were|are|to\s+be|would\s+be)\s+merged\s+into\s+(?:one|a\s+single)\s+(?:report|item|update)(?:\s+(?:for|at|to)\s+(?P<target>[^.;]{3,200}))?",
        re.I,
    ),
    ("merged",),
)
_WP_ON = Guarded(
    re.compile(
        rf"\b(?:requested|asked\s+for|agreed\s+for)\s+(?P<topic>this|it|that|the\s+[^.;]{{3,120}}?)\s+to\s+be\s+(?:on|added\s+to|included\s+in|placed\s+on)\s+(?:the\s+)?{_WORK_PROGRAMME}(?:\s+(?:for|at|in)\s+(?P<target>[^.;]{{3,200}}))?",
        re.I,
    ),
    ("work",),
    ("requested", "asked", "agreed"),
)
_WP_ANTECEDENT = re.compile(
    r"\b(?:bring|present|submit|provide|prepare|produce)\s+(?:a|an|the|their|its)\s+(?P<topic>(?:[\w'-]+\s+){0,4}?(?:report|update|review|plan|strategy|presentation))\b",
    re.I,
)
_WP_DEFERRED_TOPICS = Guarded(
    re.compile(
        r"\b(?:two|three|four|five|the|these|both|several|\d+)\s+(?:reports|items|topics|updates)\s*[-\u2013\u2014:,]\s*(?P<topics>[^.;]{3,300}?)\s+(?:would\s+be|were|are|be|to\s+be|had\s+been)\s+(?:deferred|moved|postponed|rescheduled)\s+(?:to|until)\s+(?P<target>[^.;]{3,200})",
        re.I,
    ),
    ("deferred", "moved", "postponed", "rescheduled"),
    ("reports", "items", "topics", "updates"),
)
# "subject to the addition of a session on damp and mould in the March 2023 meeting"
_WP_ADDITION = Guarded(
    re.compile(
        r"\b(?:addition|inclusion)\s+of\s+(?:an?\s+|the\s+)?(?:(?:further\s+)?(?:session|item|report|update|topic|briefing|scrutiny\s+session)\s+(?:on|about)\s+)?"
        r"(?P<topic>[^.;]{3,150}?)\s+(?:in|at|to|for|on)\s+(?P<target>"
        + TARGET_PHRASE.pattern
        + r")",
        re.I,
    ),
    ("addition", "inclusion"),
)
# a decision: "mental health support be scheduled for the October meeting"
_WP_SCHEDULED = Guarded(
    re.compile(
        r"^(?:that\s+)?(?:the\s+)?(?:(?:item|report|topic|update|issue)\s+on\s+)?(?P<topic>[^.;]{3,200}?)\s+(?:be|is\s+to\s+be|to\s+be)\s+(?:scheduled|programmed|timetabled|considered)\s+(?:for|at)\s+(?P<target>"
        + TARGET_PHRASE.pattern
        + r")",
        re.I,
    ),
    ("scheduled", "programmed", "timetabled", "considered"),
)
_WP_CONTEXT = Guarded(
    re.compile(rf"{_WORK_PROGRAMME}\s+for\s+(?P<target>[^.;,]{{3,120}})", re.I),
    ("work",),
    ("for",),
    ("plan", "program", "schedule"),
)

_REPORT_BACK = Guarded(
    re.compile(
        r"\b(?:report(?:ed|ing)?\s+back|come\s+back|come\s+to\s+(?:this|the|a\s+future)\s+(?:committee|panel|board|sub-committee)|brought\s+back|return(?:ed)?\s+to\s+(?:the\s+)?(?:committee|panel|sub-committee)"
        r"|be\s+(?:presented|reported|brought|submitted|considered|provided|received)\b"
        r"|receive[sd]?\s+(?:a|an|the|further|regular|another)\s+(?:[\w-]+\s+){0,3}?(?:report|update|briefing|presentation)"
        r"|(?:report|update|briefing|presentation)\s+(?:be|to\s+be|would\s+be|is\s+to\s+be)\s+(?:brought|submitted|presented|provided|made|given)"
        r"|(?:report|update)\s+(?:back\s+)?to\s+(?:the|a|this|its)\s+(?:next|future|following|\w+\s+\d{4})\s+(?:meeting|committee|panel)"
        r"|would\s+(?:prepare|bring|present|provide|submit)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:report|update|briefing)"
        r"|\b(?:request|requests|requested|ask\s+for|asks\s+for|asked\s+for)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:report|update|briefing))",
        re.I,
    ),
    (
        "report",
        "come",
        "brought",
        "return",
        "presented",
        "submitted",
        "considered",
        "provided",
        "receive",
        "update",
        "briefing",
        "presentation",
    ),
    opens="abcpruw",
)
_REQUESTED = Guarded(
    re.compile(
        r"\b(?:requested|asked|agreed|undertook|requested\s+that|asked\s+that)\b|\bwould\s+(?:prepare|bring|present|provide|submit)\b"
        r"|\b(?:would|will)\s+(?:be\s+reporting|report)\s+back\b",
        re.I,
    ),
    ("requested", "asked", "agreed", "undertook", "would", "will"),
    opens="aruw",
)
_UNDERTAKING = Guarded(
    re.compile(
        r"\b(?:would|will|agreed\s+to|undertook\s+to|offered\s+to|promised\s+to|undertaken\s+to|was\s+asked\s+to|were\s+asked\s+to|to)\s+(?:be\s+)?(?:able\s+to\s+)?(?:check\s+and\s+)?(?:then\s+)?"
        r"(?:send|sent|circulate|circulated|provide|provided|forward|forwarded|share|shared|pass\s+on|passed\s+on|email|e-mail|emailed|let|supply|supplied|write\s+to|distribute|distributed|report\s+back\s+to|feed\s+back\s+to|confirm)\b",
        re.I,
    ),
    ("would", "will", "to"),
    (
        "send",
        "sent",
        "circulate",
        "provide",
        "forward",
        "share",
        "pass",
        "mail",
        "let",
        "suppl",
        "write",
        "distribute",
        "report",
        "feed",
        "confirm",
    ),
    opens="aoptuw",
)
_RECIPIENT = Guarded(
    re.compile(
        r"\b(?:to|with|for)\s+(?:all\s+)?(?:the\s+)?(?:committee|sub-committee|panel|members|member|councillors?|board|chair|vice-chair|group)\b"
        r"|\b(?:provide|send|give|supply|brief)\s+(?:all\s+)?(?:the\s+)?(?:committee|panel|members|councillors|board)\b"
        r"|\b(?:in|by|via)\s+(?:an?\s+)?e-?mail\b|\blet\s+(?:the\s+)?(?:committee|panel|members|chair|councillors?)\s+know\b|\bround\s+to\b|\bto\s+members\b",
        re.I,
    ),
    (
        "committee",
        "panel",
        "member",
        "councillor",
        "board",
        "chair",
        "group",
        "mail",
        "know",
        "round",
    ),
    opens="bfgilprstvw",
)
_RECOMMENDATION = Guarded(
    re.compile(
        r"\brecommend(?:s|ed|ation|ations)?\b[^.]{0,120}\b(?:cabinet|executive|portfolio\s+holder|mayor|leader|cabinet\s+member|full\s+council|council)\b"
        r"|\b(?:cabinet|executive|portfolio\s+holder|mayor|cabinet\s+member)\s+(?:be|is)\s+(?:recommended|asked|requested)\b",
        re.I,
    ),
    ("recommend", "asked", "requested"),
)
# The committee noting, welcoming or thanking: a note however its object reads.
_NOTING = Guarded(
    re.compile(
        r"^(?:that\s+)?(?:the\s+)?(?:committee|panel|board|sub-committee|commission|members?)\s+"
        r"(?:(?:formally|also)\s+)?(?:notes?|noted|welcomes?|welcomed|thanks?|thanked|acknowledges?)\b",
        re.I,
    ),
    ("committee", "panel", "board", "commission", "member"),
    ("note", "welcome", "thank", "acknowledge"),
)
_ACTION_VERB = Guarded(
    re.compile(
        r"\b(?:circulate[ds]?|provide[ds]?|investigate[ds]?|be\s+sent|send|write\s+to|arrange[ds]?|be\s+arranged|be\s+shared|share|contact|prepare[ds]?|ensure[ds]?|attend|develop|establish|organise|set\s+up|explore|look\s+into|follow\s+up|update[ds]?\s+(?:the|members)|be\s+added|be\s+included|be\s+merged|be\s+amended|amend|publish|review)\b",
        re.I,
    ),
    (
        "circulate",
        "provide",
        "investigate",
        "sent",
        "send",
        "write",
        "arrange",
        "share",
        "contact",
        "prepare",
        "ensure",
        "attend",
        "develop",
        "establish",
        "organise",
        "set",
        "explore",
        "look",
        "follow",
        "update",
        "added",
        "included",
        "merged",
        "amend",
        "publish",
        "review",
    ),
)


def _target_proposal(placement: Placement) -> TargetProposal:
    return TargetProposal(
        text=placement.text,
        month=placement.month,
        date=placement.meeting_date.isoformat() if placement.meeting_date else None,
    )


def _topic_text(topic: str) -> str:
    topic = " ".join(topic.split()).strip(" -\u2013\u2014:,.\"'")
    topic = re.sub(
        r"^(?:that\s+)?(?:the\s+|an?\s+)?(?:(?:item|report|topic|update|issue|session)\s+on\s+)?",
        "",
        topic,
        flags=re.I,
    )
    topic = re.sub(r"^(?:an?\s+)", "", topic, flags=re.I)
    return topic[:1].upper() + topic[1:] if topic else topic


def _add_wp(item, context, topic, target_text, seen, fallback_target=""):
    topic = _topic_text(topic)
    if not topic or topic.lower() in seen:
        return
    seen.add(topic.lower())
    target_text = (target_text or fallback_target or "").strip()
    placement = context.place(
        target_text, f'work-programme request "{_short(topic, 60)}" for', item
    )
    context.meeting.work_programme_requests.append(
        WorkProgrammeRequest(topic=topic, target=_target_proposal(placement), item=item.label)
    )


_WP_WORDS = word_test((("work", "merged", "deferred", "moved", "postponed", "rescheduled"),))


def _find_work_programme(item, sentences, decisions, context, narrative) -> None:
    seen = {w.topic.lower() for w in context.meeting.work_programme_requests}
    texts = [r.text for r in decisions] + sentences
    fallback = ""
    decided = {r.text for r in decisions}
    for text in texts:
        lowered = text.lower()
        if text not in decided and not _WP_WORDS(lowered):
            continue  # no pattern below can match a sentence without one of these words
        context_match = _WP_CONTEXT.search(text)
        if context_match:
            found = find_targets(context_match["target"])
            fallback = found[0].group(0) if found else fallback
        for pattern in (_WP_ADDED, _WP_MERGED):
            match = pattern.search(text)
            if match:
                topic = re.split(
                    r"\b(?:agreed|suggested|requested|proposed|asked|recommended|decided)\s+(?:that|to)\s+"
                    r"|\b(?:and|but)\s+that\s+|;\s*",
                    match["topic"],
                    flags=re.I,
                )[-1]
                if _PRONOUN_TOPIC.match(topic):
                    topic = _antecedent(item, texts[: texts.index(text) + 1])
                if text in (r.text for r in decisions) or re.search(
                    r"\b(?:was|were|had\s+been|has\s+been)\s+(?:added|included|merged)\b",
                    text,
                    re.I,
                ):
                    context.decided.add(item.label)
                _add_wp(item, context, topic, match["target"], seen, fallback)
                break
        decision = text in (r.text for r in decisions)
        for pattern in (_WP_ADDITION, _WP_SCHEDULED) if decision else ():
            match = pattern.search(text)
            if match and (pattern is _WP_SCHEDULED or re.search(_WORK_PROGRAMME, text, re.I)):
                context.decided.add(item.label)
                _add_wp(item, context, match["topic"], match["target"], seen)
                break
        match = _WP_ON.search(text)
        if match:
            topic = match["topic"]
            if _PRONOUN_TOPIC.match(topic):
                topic = _antecedent(item, texts[: texts.index(text) + 1])
            _add_wp(item, context, topic, match["target"], seen, fallback)
        match = _WP_DEFERRED_TOPICS.search(text)
        if match:
            for topic in re.split(r"\s*,\s*|\s+and\s+", match["topics"]):
                if len(topic) > 2:
                    _add_wp(item, context, topic, match["target"], seen)


# A lead-in over a list of topics: "identified the following for inclusion in the work
# programme:", "RESOLVED that the following issues be added to the Work Programmes:-"
_WP_LIST_LEAD = re.compile(
    r"\b(?:following|these|the\s+(?:issues|topics|items|subjects))\b[^.]{0,160}?\b(?:added\s+to|inclusion\s+in|included\s+in|include\s+in|placed\s+on|for|to)\s+"
    r"(?:the\s+|its\s+|their\s+|future\s+)?(?:[\w'\u2019-]+\s+){0,3}?(?:forward\s+)?work\s*(?:programmes?|plans?)\b[^.:]{0,80}:\s*[-\u2013]?\s*$",
    re.I,
)


def _find_listed_work_programme(item, lines, context) -> None:
    """Each part of a list under a lead-in that adds "the following" to the work programme."""
    seen = {w.topic.lower() for w in context.meeting.work_programme_requests}
    for index, line in enumerate(lines):
        if not line or not line.rstrip().endswith((":", ":-", ":\u2013")):
            continue
        if not _WP_LIST_LEAD.search(line):
            continue
        parts, _end = _collect_block(lines, index + 1, "")
        parts = [p for p in parts if p[2] != "plain"]
        if _DECISION_START.match(line):
            context.decided.add(item.label)
        for _marker, text, _style in parts:
            text = " ".join(text.split())
            topic = re.split(r"\s+[-\u2013\u2014]\s+|;\s*|(?<=[a-z])\.\s+", text)[0]
            targets = find_targets(text)
            _add_wp(item, context, topic, targets[0].group(0) if targets else "", seen)


_PRONOUN_TOPIC = re.compile(
    r"^(?:this|it|that|the|this|the\s+same)(?:\s+(?:item|report|matter|topic|update|one))?$", re.I
)


def _antecedent(item: ItemProposal, texts: list[str]) -> str:
    """What "this" refers to in "requested this to be on the work programme": the report or
    update named just before it, else the item itself."""
    for earlier in texts[::-1]:
        match = _WP_ANTECEDENT.search(earlier)
        if match:
            return match["topic"]
        match = re.search(
            r"\b(?:update|report|briefing)\s+on\s+(?:the\s+)?(?P<topic>[^.,;]{3,120})",
            earlier,
            re.I,
        )
        if match:
            return match["topic"]
    return item.title


def _clauses_with_targets(sentence: str) -> list[tuple[str, str]]:
    """Split "receive a report in July 2016, and a full update in autumn 2016" at its targets."""
    targets = find_targets(sentence)
    if len(targets) <= 1:
        return [(sentence, targets[0].group(0) if targets else "")]
    clauses = []
    start = 0
    for index, target in enumerate(targets):
        if index + 1 < len(targets):
            gap = sentence[target.end() : targets[index + 1].start()]
            cut = re.search(r",?\s+and\s+|;\s*|,\s+", gap)
            end = target.end() + cut.start() if cut else target.end()
            nxt = target.end() + cut.end() if cut else target.end()
        else:
            end = nxt = len(sentence)
        clauses.append((sentence[start:end].strip(" ,;"), target.group(0)))
        start = nxt
    return clauses


_PUT_OFF_WORD = Guarded(
    re.compile(r"\b(?:defer|deferred|deferral|postpone|postponed|adjourned)\b", re.I),
    ("defer", "postpone", "adjourned"),
    opens="adp",
)
_TO_COMMITTEE = re.compile(
    r"\b(?:to|at|before)\s+(?:the\s+|this\s+|a\s+)?(?:[\w'&-]+\s+){0,6}?(?:committee|sub-committee|panel|members|councillors)\b",
    re.I,
)


def _find_report_backs(item, sentences, decisions, context) -> None:
    requests = context.meeting.report_back_requests
    seen_months = set()
    candidates = [(text, position) for position, text in enumerate((r.text for r in decisions), 1)]
    candidates += [(s, None) for s in sentences if _REQUESTED.search(s)]
    for text, position in candidates:
        if not TARGET_PHRASE.may_match(text):
            continue  # no target, so no report back: the tests below are the costly ones
        if not _REPORT_BACK.search(text) or _WP_ADDED.search(text) or _WP_MERGED.search(text):
            continue
        if _PUT_OFF_WORD.search(text):
            continue  # "defer consideration of the report to the June meeting": a deferral
        for clause, target in _clauses_with_targets(text):
            if not target:
                continue
            if position is None and not (
                _TO_COMMITTEE.search(clause)
                or re.search(r"\b(?:meeting|committee|panel|sub-committee)\b", target, re.I)
            ):
                continue  # "presented to Ofsted in May 2016" is not a report to this committee
            placement = place(target, held_on=context.held_on, calendar=context.calendar)
            key = placement.month or placement.text.lower()
            if position is None and key in seen_months:
                continue  # the narrative repeats a decision already proposed
            seen_months.add(key)
            placement = context.place(target, "report back due", item)
            requests.append(
                ReportBackRequest(
                    item=item.label,
                    text=_short(clause, 500),
                    target=_target_proposal(placement),
                    resolution=position,
                )
            )


_THAT = re.compile(r"^that\b", re.I)


def _find_undertakings(item, sentences, context) -> None:
    for sentence in sentences:
        if _THAT.match(sentence) or _DECISION_START.match(sentence):
            continue
        # both must match: the recipient's words are rarer, so they are tested first
        if (
            _RECIPIENT.may_match(sentence)
            and _UNDERTAKING.search(sentence)
            and _RECIPIENT.search(sentence)
        ):
            if re.search(
                r"\b(?:asked|queried|questioned|requested)\s+(?:if|whether|why|how|what)\b",
                sentence,
                re.I,
            ) and not re.search(
                r"\b(?:replied|confirmed|stated|said|agreed|responded|advised|undertook)\b",
                sentence,
                re.I,
            ):
                continue
            context.meeting.undertakings.append(
                Undertaking(item=item.label, text=_short(sentence, 500))
            )


def _kind(resolution: ResolutionProposal, item: ItemProposal, context: _Context) -> str:
    if resolution.kind == "recommendation" or _RECOMMENDATION.search(resolution.text):
        return "recommendation"
    position = item.resolutions.index(resolution) + 1
    if any(
        r.item == item.label and r.resolution == position
        for r in context.meeting.report_back_requests
    ):
        return "report_back"
    if _WP_ADDED.search(resolution.text) or _WP_MERGED.search(resolution.text):
        return "report_back"
    if _NOTING.match(resolution.text):
        return "note"  # "the Committee notes the findings of the review" asks nobody to act
    if _ACTION_VERB.search(resolution.text):
        return "action"
    return "note"
