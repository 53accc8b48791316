"""Future business asked for in plainer words: reports wanted in future reports or before the
committee with no date, people invited back, topics taken on. Imports: proposal, requests, text, targets."""

import re

from tracker.importer.parsing.proposal import ReportBackRequest, TargetProposal
from tracker.importer.parsing.requests import (
    _PUT_OFF_WORD,
    _WORK_PROGRAMME,
    _add_wp,
    _target_proposal,
)
from tracker.importer.parsing.text import _short
from tracker.importer.patterns import Guarded, folded, word_test
from tracker.importer.targets import MONTH_NAMES, find_targets

# --- Future business asked for without a meeting's date --------------------------------------

_LATER_PLACE = (
    r"(?P<target>(?:the\s+|its\s+)?(?:future|next|subsequent|forthcoming|later)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:reports?|updates?|meetings?|briefings?)(?:\s+of\s+(?:the\s+)?[\w&' -]{2,60}?)?"
    r"|(?:future\s+)?(?:performance|monitoring|quarterly|annual|progress)\s+(?:reports?|updates?))"
)
# "That information on sickness absence be explored for future inclusion in performance
# reports", "That the fall in agency spend be explained in future reports"
_IN_LATER_REPORTS = Guarded(
    re.compile(
        r"^(?:that\s+)?(?P<topic>[^.;]{3,250}?)\s+(?:be|is\s+to\s+be|to\s+be|would\s+be|should\s+be)\s+"
        r"(?:explored\s+for\s+(?:future\s+)?inclusion\s+in|considered\s+for\s+(?:future\s+)?inclusion\s+in|"
        r"included\s+in|explained\s+in|covered\s+in|reported\s+(?:on\s+)?in|addressed\s+in|"
        r"incorporated\s+in(?:to)?|set\s+out\s+in|provided\s+in)\s+" + _LATER_PLACE,
        re.I,
    ),
    ("report", "update", "meeting", "briefing"),
    (
        "explored",
        "considered",
        "included",
        "explained",
        "covered",
        "reported",
        "addressed",
        "incorporated",
        "set",
        "provided",
    ),
)
# "requested that an interim report on the company is brought before the Committee"
_REPORT_BEFORE = Guarded(
    re.compile(
        r"\b(?:requested|asked|agreed|proposed|recommended)\s+that\s+(?P<topic>(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?"
        r"(?:report|update|briefing|presentation)\b[^.;]{0,200}?)\s+(?:is|be|was|should\s+be|would\s+be)\s+"
        r"(?:brought|presented|submitted|made|given|taken)\s+(?:back\s+)?(?:before|to)\s+"
        r"(?P<target>(?:the|this|a\s+future|its\s+next|the\s+next)\s+(?:[\w-]+\s+){0,2}?(?:committee|panel|board|sub-committee|meeting)[^.;]{0,80})",
        re.I,
    ),
    ("report", "update", "briefing", "presentation"),
    ("requested", "asked", "agreed", "proposed", "recommended"),
    ("brought", "presented", "submitted", "made", "given", "taken"),
    ("committee", "panel", "board", "meeting"),
    opens="apr",
)
# "The Cabinet Member be invited to attend a future meeting", "... would be invited to attend"
_INVITED = Guarded(
    re.compile(
        r"^(?:that\s+)?(?P<topic>[^.;]{3,200}?)\s+(?:be|would\s+be|will\s+be|is\s+to\s+be|to\s+be)\s+invited\s+to\s+"
        r"(?:attend|a\s+future|the\s+next|a\s+meeting)(?P<rest>[^.;]{0,200})",
        re.I,
    ),
    ("invited",),
)
# "his report on river pollution be moved from March to the May meeting"
_REPORT_MOVED = Guarded(
    re.compile(
        r"\b(?P<topic>(?:report|update|briefing|item)\s+on\s+[^.;,]{3,120}?)\s+(?:be|is|was|would\s+be)\s+"
        r"(?:moved|rescheduled|brought\s+forward|put\s+back|deferred)\s+(?:from\s+[^.;]{2,40}?\s+)?to\s+"
        r"(?P<target>[^.;]{3,120})",
        re.I,
    ),
    ("moved", "rescheduled", "brought", "put", "deferred"),
    opens="biru",
)
# work-programme topics taken on without the words "work programme": "agreed to replace the
# report with the Climate Manifesto report", "a referral ... to consider out of hours
# services was agreed", "the housing review ... be continued by the Board"
_WP_REPLACED = Guarded(
    re.compile(
        r"\bagreed\s+to\s+replace\s+(?:the|this|that)\s+(?:[\w-]+\s+){0,3}?(?:report|item|topic|update)\s+with\s+"
        r"(?P<topic>[^.;]{3,150})",
        re.I,
    ),
    ("replace",),
)
_WP_REFERRAL = Guarded(
    re.compile(
        r"\b(?:referral|request|suggestion|proposal)\b[^.;]{0,150}?\bto\s+(?:consider|look\s+at|review|examine|scrutinise|scrutinize)\s+"
        r"(?P<topic>[^.;]{3,150}?)\s+(?:was|were|had\s+been)\s+(?:agreed|accepted|approved|supported)\b",
        re.I,
    ),
    ("referral", "request", "suggestion", "proposal"),
    opens="prs",
)
_WP_CONTINUED = Guarded(
    re.compile(
        r"^(?:that\s+)?(?P<topic>(?:the\s+)?[^.;]{0,120}?\b(?:review|inquiry|investigation|task\s+and\s+finish\s+\w+|topic)\b[^.;]{0,120}?)\s+"
        r"(?:be|is\s+to\s+be|would\s+be|will\s+be)\s+(?:continued|taken\s+forward|taken\s+on|taken\s+up|picked\s+up|carried\s+on)\s+by\s+"
        r"(?:the\s+)?(?:committee|panel|board|sub-committee|(?-i:[A-Z]{2,6}))\b",
        re.I,
    ),
    ("continued", "taken", "picked", "carried"),
)

# Each pattern above needs a word of its first group: a text with none of them skips all seven.
_SEVEN = (
    _WP_REPLACED,
    _WP_REFERRAL,
    _WP_CONTINUED,
    _IN_LATER_REPORTS,
    _REPORT_BEFORE,
    _INVITED,
    _REPORT_MOVED,
)
_FUTURE_WORDS = word_test((tuple(sorted({word for p in _SEVEN for word in p.groups[0]})),))


def _find_future_business(item, sentences, decisions, context) -> None:
    """Reports asked for in future reports or before the committee with no date, people
    invited to come back, a report moved to a later meeting, and topics taken on for the work
    programme in other words. Decisions always count; the narrative only where it says the
    request was made ("requested that ...") or agreed."""
    wp_seen = {w.topic.lower() for w in context.meeting.work_programme_requests}
    asked = {r.text for r in context.meeting.report_back_requests}
    texts = [(r.text, position) for position, r in enumerate(decisions, 1)]
    texts += [(sentence, None) for sentence in sentences]
    for text, position in texts:
        lowered = text.lower()
        seen = folded(text)
        if not _FUTURE_WORDS(seen):
            _other_future_business(item, context, text, position, lowered, wp_seen, asked)
            continue
        for pattern in (_WP_REPLACED, _WP_REFERRAL, _WP_CONTINUED):
            match = pattern.search(text)
            if match and (position is not None or pattern is not _WP_CONTINUED):
                context.decided.add(item.label)
                _add_wp(item, context, match["topic"], "", wp_seen)
        for pattern in (_IN_LATER_REPORTS, _REPORT_BEFORE, _INVITED, _REPORT_MOVED):
            match = pattern.search(text)
            if not match or (
                position is None
                and pattern in (_IN_LATER_REPORTS, _INVITED)
                and not re.search(r"\b(?:agreed|requested|asked)\b", text, re.I)
            ):
                continue
            clause = _short(text, 500)
            if clause in asked or any(clause in earlier for earlier in asked):
                break
            asked.add(clause)
            target = (match.groupdict().get("target") or "").strip()
            if pattern is _INVITED:
                found = find_targets(match["rest"])
                target = found[0].group(0) if found else ""
            _add_report_back(item, context, clause, target, position)
            break
        else:
            _other_future_business(item, context, text, position, lowered, wp_seen, asked)


# "a report on bus subsidies be brought to a future meeting", "receive an annual update on
# the Climate Action Plan", "asked for an update on the Local Plan at its July meeting"
_FUTURE_REPORT = Guarded(
    re.compile(
        r"\b(?:a|an|further|another|regular|annual|quarterly|six-monthly|progress|follow-up)\s+"
        r"(?:[\w-]+\s+){0,3}?(?:report|update|briefing|presentation)s?\b",
        re.I,
    ),
    ("report", "update", "briefing", "presentation"),
    opens="afpqrs",
)
_BRINGING = re.compile(
    r"\b(?:brought|presented|submitted|provided|come\s+back|return(?:ed)?|receives?|received|"
    r"asked\s+for|requested|called\s+for)\b",
    re.I,
)
_LATER_MEETING = re.compile(
    r"\b(?:a|the|its)\s+(?:future|later|subsequent|forthcoming)\s+meeting\b|\b(?:annual|quarterly|six-monthly)\b",
    re.I,
)
# "school exclusions would be considered at a future meeting", "youth homelessness be added
# for the July 2025 meeting", "a review of social isolation for the work programme"
_WP_FUTURE_MEETING = Guarded(
    re.compile(
        r"^(?:that\s+)?(?P<topic>[^.;]{3,200}?)\s+(?:be|would\s+be|will\s+be|should\s+be|to\s+be)\s+"
        r"(?:considered|discussed|scrutinised|scrutinized|examined|looked\s+at|reviewed|added)\s+(?:at|to|for)\s+"
        r"(?P<target>(?:(?:a|the)\s+(?:future|later|subsequent|forthcoming)|the\s+(?:"
        + "|".join(MONTH_NAMES)
        + r")(?:\s+\d{4})?)\s+meeting[^.;]{0,60})",
        re.I,
    ),
    ("meeting",),
    ("future", "later", "subsequent", "forthcoming", *MONTH_NAMES),
    (
        "considered",
        "discussed",
        "scrutinised",
        "scrutinized",
        "examined",
        "looked",
        "reviewed",
        "added",
    ),
)
_WP_FOR = Guarded(
    re.compile(
        r"\b(?:a|an)\s+(?:review|inquiry|investigation|item|session|topic)\s+(?:of|into|on)\s+(?P<topic>[^.;]{3,150}?)\s+"
        r"(?:for|to\s+be\s+added\s+to|on)\s+(?:the\s+|its\s+)?(?:forward\s+)?work\s+programme",
        re.I,
    ),
    ("programme",),
    ("review", "inquiry", "investigation", "item", "session", "topic"),
)
_ASKED_OR_AGREED = Guarded(
    re.compile(r"\b(?:agreed|requested|asked|resolved|decided)\b", re.I),
    ("agreed", "requested", "asked", "resolved", "decided"),
)


def _other_future_business(item, context, text, position, lowered, wp_seen, asked) -> None:
    """The plainer ways of asking for future business: a report brought back with no date, or
    a topic for a future meeting or the work programme. In the narrative only where someone
    asked or the meeting agreed; never twice for one decision."""
    if position is None and not _ASKED_OR_AGREED.search(text):
        return
    for pattern in (_WP_FUTURE_MEETING, _WP_FOR):
        match = pattern.search(text) if ("meeting" in lowered or "work" in lowered) else None
        if match:
            topic = re.split(
                r"\b(?:agreed|suggested|requested|proposed|asked|recommended|decided)\s+(?:that|to)\s+",
                match["topic"],
                flags=re.I,
            )[-1]
            context.decided.add(item.label)
            _add_wp(item, context, topic, match.groupdict().get("target") or "", wp_seen)
            return
    if (
        not (_FUTURE_REPORT.search(text) and _BRINGING.search(text))
        or _PUT_OFF_WORD.search(text)
        or re.search(_WORK_PROGRAMME, text, re.I)
    ):
        return  # a report deferred, or a topic put on the work programme, is read as that
    requests = context.meeting.report_back_requests
    if position is not None and any(
        r.item == item.label and r.resolution == position for r in requests
    ):
        return  # already read with its date
    clause = _short(text, 500)
    if clause in asked or any(clause in earlier or earlier in clause for earlier in asked):
        return
    if find_targets(text):
        return  # a dated report back is read by _find_report_backs, or was left out there
    later = _LATER_MEETING.search(text)
    asked.add(clause)
    _add_report_back(item, context, clause, later.group(0) if later else "", position)


def _add_report_back(item, context, text: str, target: str, position) -> None:
    if find_targets(target):
        placement = context.place(target, "report back due", item)
        proposed = _target_proposal(placement)
    else:
        proposed = TargetProposal(text=target)
        context.meeting.warnings.append(
            f"Item {item.label}: a report back was asked for with no date "
            f'("{_short(target or text, 60)}"): set the meeting it is due at.'
        )
    context.meeting.report_back_requests.append(
        ReportBackRequest(item=item.label, text=text, target=proposed, resolution=position)
    )
