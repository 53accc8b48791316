"""Decision blocks: RESOLVED / AGREED / RECOMMENDED and their numbered, lettered or bulleted parts."""

import functools
import re

from tracker.importer.parsing.proposal import ItemProposal, ResolutionProposal, _Context
from tracker.importer.parsing.text import _LONE_NUMBER, _short
from tracker.importer.patterns import Guarded

_DECISION_WORD = r"(?:RESOLVED|Resolved|resolved|AGREED|Agreed|DECIDED|Decided|RECOMMENDED|Recommended|ORDERED|Ordered)"

_DECISION_START = Guarded(
    re.compile(
        r"^(?:it\s+was\s+|it\s+is\s+)?(?:further\s+|unanimously\s+)?(?P<word>"
        + _DECISION_WORD
        + r")(?:\s+(?i:unanimously))?(?:\s*(?::|;|\u2013|\u2014|-|\.)\s*|\s+(?=(?:that|to)\b)|\s*$)(?P<rest>.*)$"
        r"|^(?i:the\s+)?(?i:committee|sub-committee|panel|board|members|group|cabinet|council|commission|forum)\s+(?i:then\s+|thereupon\s+|therefore\s+|unanimously\s+)?"
        r"(?P<word2>RESOLVED|resolved|AGREED|DECIDED|RECOMMENDED|NOTED|(?i:agreed|decided|noted)(?=\s*:))(?:\s+(?i:unanimously))?"
        r"(?:\s*(?::|\u2013|\u2014|-|,)\s*|\s+(?=(?i:that|to)\b)|(?<=NOTED)\s+(?=(?i:the)\b)|\s*$)(?P<rest2>.*)$"
        # "Decision:" on a modern.gov decisions page
        r"|^(?P<word3>Decisions?|Outcomes?)\s*:\s*(?P<rest3>.*)$"
        # "... and it was agreed that:" (a lead-in ending the line; the lookahead says so first,
        # sparing the costly scan on every other line that holds "agreed")
        r"|^(?=(?s:.*):\s*$)(?P<lead>.{0,120}?\b(?i:and|was|were|been|it\s+was)\s+(?i:agreed|resolved)(?i:\s+that)?\s*:)\s*$",
    ),
    ("resolved", "agreed", "decided", "recommended", "ordered", "noted", "decision", "outcome"),
)

_PART_MARKER = re.compile(
    r"^\s*(?:[-\u2013•·*▪●◦o]\s+)?(?:\((?P<p>\d{1,2}(?:\.\d{1,2})?|[a-zA-Z]|[ivxIVX]{1,5})\)|(?P<n>\d{1,2}(?:\.\d{1,2})?|[a-zA-Z]|[ivxIVX]{1,5})[.)]"
    # "2.1 To note ...": a decimal part number with nothing after it
    r"|(?P<d>\d{1,2}\.\d{1,2})(?=\s+[A-Z]))\s+(?P<text>\S.*)$"
)

_BULLET = re.compile(r"^\s*(?:[-\u2013•·*▪●◦]|o(?=\s))\s+(?P<text>\S.*)$")

_INLINE_MARKER = re.compile(
    r"(?:^|(?<=[\s;:,]))\((?P<m>\d{1,2}|[a-z]|[ivx]{1,4})\)\s+|(?:^|(?<=[\s;:]))(?P<m2>\d{1,2}|[a-z])\)\s+"
    # "RESOLVED - 1. That ... 2. That ...": a numbered part opening a sentence
    r"|(?:^|(?<=[.;:]\s)|(?<=[-\u2013\u2014]\s))(?P<m3>\d{1,2})\.\s+(?=That\b|To\b)"
)


# What a decision reads like when no RESOLVED says so: "That ... be approved", "To note ...",
# "Members noted the report", "The minutes ... were approved".
_DECISION_LIKE = re.compile(
    r"^\s*(?:that|to\s+(?:note|agree|approve|endorse|recommend|request|ask|refer|add|defer))\b"
    r"|\b(?:members|committee|panel|board|sub-committee|group|minutes|report|recommendations?)\b"
    r"[^.]{0,60}?(?<!\bhad )(?<!\bhave )\b(?:agreed|noted|approved|resolved|endorsed|accepted|supported|adopted)\b(?!\s+that\b)",
    re.I,
)
# a decision printed without its block word: "That the minutes be agreed."
_BARE_DECISION = re.compile(r"^That\s+[^.]{3,}?\b(?:be|is\s+to\s+be)\s+\w+", re.I)


# "1. The minutes of the meeting held on ... be agreed as a correct record": a decision
# printed as a numbered part, without RESOLVED or "That"
_PASSIVE_DECISION = re.compile(
    r"^(?:the|this|these|a|an)\s+[^.;]{3,200}?\s+be\s+(?:agreed|approved|noted|confirmed|endorsed|adopted|accepted|signed)\b",
    re.I,
)

# a lettered part's marker: "(a)", "a)", "- a." (a capital alone is more often an initial)
_LETTER_MARKER = re.compile(r"^\s*[-\u2013•·*▪●◦]?\s*\(?[a-zA-Z][.)]")
_THAT = re.compile(r"^that\b", re.I)
# how a part ends: a full stop or semicolon (and a colon, after RESOLVED's own line)
_ENDS_SENTENCE = re.compile(r"[.;]\s*$")
_ENDS_CLAUSE = re.compile(r"[.;:]\s*$")
_ENDS_COLON = re.compile(r":\s*[-\u2013]?\s*$")
# "Resolved to RECOMMEND:", and the same with no more than a recipient after it
_TO_RECOMMEND = re.compile(r"^to\s+recommend\b", re.I)
_TO_RECOMMEND_ONLY = re.compile(r"^to\s+recommend\b[^.]{0,40}$", re.I)


def _marker_style(marker: str) -> str:
    if marker.replace(".", "").isdigit():
        return "digit"
    if marker in ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x") and marker != "i":
        return "roman"
    if marker.isupper():
        return "upper"
    return "letter"


@functools.lru_cache(maxsize=4096)
def _split_part(line: str) -> tuple[str | None, str, str]:
    """(marker, style, text) of a line: a numbered/lettered part, a bullet, or plain text."""
    match = _PART_MARKER.match(line)
    if match:
        marker = match["p"] or match["n"] or match["d"]
        style = _marker_style(marker)
        if style in ("letter", "upper") and len(marker) == 1 and not _LETTER_MARKER.match(line):
            return None, "plain", line
        if style == "upper" and not match["p"]:
            # "A. Smith" is a name, not a part; lettered parts are lower case or bracketed.
            return None, "plain", line
        return marker, style, match["text"]
    match = _BULLET.match(line)
    if match:
        return "", "bullet", match["text"]
    return None, "plain", line


def _split_inline(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Inline parts: "RESOLVED \u2013 (1) That ...; (2) That ..." or "That (a) ...; (b) ..."."""
    markers = []
    expected_digit, expected_letter = 1, "a"
    for match in _INLINE_MARKER.finditer(text):
        marker = match["m"] or match["m2"] or match["m3"]
        if (
            marker.isdigit()
            and int(marker) == expected_digit
            and (not markers or markers[0][0].isdigit())
        ):
            markers.append((marker, match))
            expected_digit += 1
        elif (
            marker.isalpha()
            and marker == expected_letter
            and (not markers or markers[0][0].isalpha())
        ):
            markers.append((marker, match))
            expected_letter = chr(ord(expected_letter) + 1)
    if len(markers) < 2:
        return text, []
    preamble = text[: markers[0][1].start()].strip()
    parts = []
    for index, (marker, match) in enumerate(markers):
        end = markers[index + 1][1].start() if index + 1 < len(markers) else len(text)
        parts.append((marker, text[match.end() : end].strip()))
    return preamble, parts


def _tidy_decision(text: str) -> str:
    text = " ".join(text.split()).strip()
    text = (
        re.sub(r"(?:;|,)?\s*(?:and|or)?\s*$", "", text)
        if text.endswith(("; and", ";", "; or", ",", ", and", ", or"))
        else text
    )
    text = text.strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def _decision_blocks(lines: list[str], item: ItemProposal, context: _Context):
    """Resolutions of an item, and the lines that are not part of any decision."""
    resolutions: list[ResolutionProposal] = []
    narrative: list[str] = []
    words: list[str] = []  # the decision words of the blocks: "resolved", "noted", ...
    # a lone "That ..." is a decision only where no RESOLVED / AGREED block says which are
    starts = [_DECISION_START.match(line) if line else None for line in lines]
    worded = any(starts)
    index = 0
    while index < len(lines):
        line = lines[index]
        start = starts[index]
        if not start and line and _unworded_block(lines, index, bare=not worded):
            # numbered parts of which one reads "That ...", or a lone "That ... be ..."
            words.append("resolved")
            parts, index = _collect_block(lines, index, "")
            _add_parts(resolutions, parts, recommended=False)
            continue
        if not start:
            narrative.append(line)
            index += 1
            continue
        rest = next((start[g] for g in ("rest", "rest2", "rest3") if start[g] is not None), "")
        if start["word2"] == "NOTED" and re.match(r"the\b", rest, re.I):
            rest = line  # "The Panel NOTED the update and ...": the sentence is the decision
        word = (start["word"] or start["word2"] or start["word3"] or "agreed").lower()
        word = "decision" if word.startswith("outcome") else word
        recommended = word.startswith("recommend") or bool(_TO_RECOMMEND.match(rest))
        if _TO_RECOMMEND_ONLY.match(rest):
            rest = ""  # "Resolved to RECOMMEND: (to Council)" opens the recommendations
        word = "decision" if word.startswith("decision") else word
        words.append(word)
        parts, index = _collect_block(lines, index + 1, rest.strip())
        if word == "decision":
            # a decisions page labels whatever happened: keep what reads as a decision; its
            # "Members agreed to add the following:" is a decision itself, not a lead-in
            lead = rest.strip()
            if lead and lead.endswith(":") and not any(p[1] == lead for p in parts):
                parts.insert(0, ("", lead, "plain"))
            parts = _decided_parts(parts)
            if not parts:
                continue
        if not parts:
            context.meeting.warnings.append(
                f'Item {item.label}: "{_short(line, 40)}" is followed by no decision text that could '
                "be read; add the decisions by hand."
            )
            continue
        unsplit = [p for p in parts if p[2] == "plain"]
        if len(parts) > 1 and len(unsplit) == len(parts):
            context.meeting.warnings.append(
                f"Item {item.label}: the RESOLVED block has no numbering; it was split at its "
                f"paragraphs into {len(parts)} decisions: check them."
            )
        _add_parts(resolutions, parts, recommended=recommended)
    # Numbered parts only: blank numbers are given their position when nothing was printed.
    return resolutions, narrative, words


def _decided_parts(parts):
    """The parts of a "Decision:" label that read as decisions, and the listed parts under a
    decision that ends in a colon ("Members agreed to add the following item ...: · Roads")."""
    kept, listing = [], False
    for part in parts:
        if _DECISION_LIKE.search(part[1]):
            kept.append(part)
            listing = part[1].rstrip().endswith((":", ":-"))
        elif listing and part[2] != "plain":
            kept.append(part)
        else:
            listing = False
    return kept


def _add_parts(resolutions: list[ResolutionProposal], parts, *, recommended: bool) -> None:
    for marker, text, _style in parts:
        text = _tidy_decision(text)
        if not text or any(r.text == text for r in resolutions):
            continue  # a decisions page prints each decision twice
        resolution = ResolutionProposal(number=marker or "", text=text)
        if recommended:
            resolution.kind = "recommendation"
        resolutions.append(resolution)


def _unworded_block(lines: list[str], index: int, *, bare: bool) -> bool:
    """Decisions printed without RESOLVED: a lone "That ... be ..." paragraph, or a numbered
    list (at its first part) one of whose first parts reads "That ..."."""
    line = lines[index]
    if bare and _BARE_DECISION.match(line):
        return True
    marker, style, _text = _split_part(line)
    if marker not in ("1", "a", "i") or style == "bullet":
        return False
    seen = 0
    for later in lines[index : index + 12]:
        if not later:
            continue
        seen += 1
        later_marker, later_style, later_text = _split_part(later)
        if later_marker is None or seen > 4 or (seen > 1 and later_marker == marker):
            break  # not a list, or the list ended and another starts
        if later_style == style and (
            _THAT.match(later_text) or _PASSIVE_DECISION.match(later_text)
        ):
            return True
    return False


def _collect_block(lines: list[str], index: int, rest: str):
    """Read the parts of one decision block, starting after the RESOLVED line."""
    parts: list[list] = []  # [marker, text, style]
    lead = ""  # a lead-in over the parts ("RESOLVED that the following ...:-")
    top_style = None
    last_ended = True
    if rest and rest not in ("-", "\u2013"):
        _, inline = _split_inline(rest)
        if inline:
            style = "digit" if inline[0][0].isdigit() else "letter"
            parts.extend([m, t, style] for m, t in inline)
            top_style = style
        else:
            marker, style, text = _split_part(rest)
            if marker is not None:
                parts.append([marker, text, style])
                top_style = style
            elif (
                # "RESOLVED to", "RECOMMENDED to Cabinet that:", "RESOLVED that:" open a list,
                # and so does a lead-in ending in a colon ("... the following issues:-") or a
                # dash ("RESOLVED - subject to advice from Legal -")
                (
                    re.search(
                        r"\b(?:committee|panel|sub-committee|members|that|to)\s*:?\s*$", rest, re.I
                    )
                    and len(rest) <= 80
                )
                or (re.search(r"(?::\s*[-\u2013]?|\s[-\u2013])\s*$", rest) and len(rest) <= 250)
            ):
                lead = rest
            else:
                parts.append(["", rest, "plain"])
                top_style = "plain"
        last_ended = bool(_ENDS_CLAUSE.search(rest)) or bool(inline)
    while index < len(lines):
        line = lines[index]
        if not line:
            index += 1
            continue
        if _DECISION_START.match(line) or _LONE_NUMBER.match(line):
            break
        marker, style, text = _split_part(line)
        starts_that = bool(_THAT.match(text))
        if marker is not None:
            if (
                top_style == "plain"
                and len(parts) == 1
                and not lead
                and _ENDS_COLON.search(parts[0][1])
                and len(parts[0][1]) <= 250
            ):
                # "That the Panel:" on its own line over "a) ...": a lead-in, not a part
                lead = parts.pop()[1]
                top_style = None
            if top_style is None or (top_style == "plain" and not parts):
                top_style = style
            if (
                style == "roman"
                and top_style == "letter"
                and [p[0].lower() for p in parts] == ["i"]
            ):
                # "(i)" reads as a letter until "(ii)" follows it
                top_style = parts[0][2] = "roman"
            if style == top_style or (starts_that and style != "bullet" and top_style != "bullet"):
                parts.append([marker, text, style])
            elif parts:
                parts[-1][1] += " " + (f"({marker}) " if marker else "") + text
            else:
                parts.append([marker, text, style])
            last_ended = bool(_ENDS_SENTENCE.search(text))
            index += 1
            continue
        # Plain text: the first paragraph of an unnumbered block, a "That ..." paragraph,
        # or the continuation of a part that ended mid-sentence; anything else ends the block.
        if not parts or (starts_that and top_style in ("plain", None)):
            _, inline = _split_inline(text)
            if inline:
                style = "digit" if inline[0][0].isdigit() else "letter"
                parts.extend([m, t, style] for m, t in inline)
                top_style = top_style or style
            else:
                parts.append(["", text, "plain"])
                top_style = top_style or "plain"
            last_ended = bool(_ENDS_SENTENCE.search(text))
        elif not last_ended or text[0].islower():
            parts[-1][1] += " " + text
            last_ended = bool(_ENDS_SENTENCE.search(text))
        else:
            break
        index += 1
    parts = _split_run_on(parts)
    if (
        lead
        and _whole_decision(lead)
        and (
            all(p[2] == "plain" and not _reads_as_decision(p[1]) for p in parts)
            or all(_NAMES_ONLY.match(p[1]) for p in parts)
        )
    ):
        # "To note the attendance of the following Reserve Member:-" over the rows of a
        # table, or "That the minutes of the following meetings be approved:-" over their
        # dates: the lead-in is the decision, what follows only names what it acts on
        if parts and all(p[2] == "plain" for p in parts):
            parts = [["", lead + " " + " ".join(p[1] for p in parts), "plain"]]
        else:
            parts.insert(0, ["", lead, "plain"])
    return [tuple(p) for p in parts], index


# A part's full stop followed by the body deciding again: "Highways Works Programme. Members
# noted the Forward Work Programme." (a page flattened from a table loses the line between).
_RUN_ON = Guarded(
    re.compile(
        r"(?<=[a-z0-9)]\.)\s+(?=(?:the\s+)?(?:members|committee|sub-committee|panel|board)\s+"
        r"(?:then\s+|also\s+|further\s+)?(?:noted|agreed|resolved|decided|approved|endorsed)\b)",
        re.I,
    ),
    ("noted", "agreed", "resolved", "decided", "approved", "endorsed"),
)


def _split_run_on(parts: list[list]) -> list[list]:
    split = []
    for marker, text, style in parts:
        pieces = _RUN_ON.split(text)
        split.append([marker, pieces[0], style])
        split.extend(["", piece, "plain"] for piece in pieces[1:])
    return split


def _reads_as_decision(text: str) -> bool:
    return bool(re.match(r"^(?:that|to)\b", text, re.I) or _DECISION_LIKE.search(text))


def _whole_decision(lead: str) -> bool:
    """A lead-in that decides something itself ("That the following minutes be approved as a
    correct record:-"), not a fragment ("that:", "subject to advice from Legal -")."""
    return len(lead.split()) >= 5 and bool(
        _BARE_DECISION.match(lead)
        or re.match(r"^to\s+(?:note|agree|approve|endorse|confirm|receive|accept)\b", lead, re.I)
    )


# List rows that only name what a lead-in acts on: dates ("25 Oct", "3 March 2025",
# "19/07/24") or people ("Councillor A Smith").
_NAMES_ONLY = re.compile(
    r"^\s*(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
    r"(?:,?\s+(?:19|20)?\d\d)?|\d{1,2}/\d{1,2}/\d{2,4}"
    r"|(?:councillors?|cllrs?\.?|mr|mrs|ms|miss|dr)\s+[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3})"
    r"\s*[.;,]?\s*(?:and|or)?\s*$",
    re.I,
)
